// The example week's glucose axis shows every value: 400 mg/dL unless the week goes higher.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chartTopMgdl } from '../../src/report/htmlReport.ts';

describe('the report example week: glucose axis', () => {
  it('stops at 400 mg/dL when everything is below it; gaps (null) are ignored', () => {
    assert.equal(chartTopMgdl([40, 180, null, 399.9]), 400);
    assert.equal(chartTopMgdl([]), 400);
  });
  it('reaches the next 50 above a Libre 3 reading or plasma glucose over 400', () => {
    assert.equal(chartTopMgdl([120, 500]), 500);
    assert.equal(chartTopMgdl([120, null, 612]), 650);
  });
});
