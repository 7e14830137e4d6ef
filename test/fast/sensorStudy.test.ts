// The realism CGM section's count of plasma glucose staying above 600 mg/dL for more than an hour.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stretchesAbove } from '../../src/realism/sensorStudy.ts';

const series = (...runs: [value: number, minutes: number][]) =>
  Float64Array.from(runs.flatMap(([value, minutes]) => Array(minutes).fill(value)));

describe('plasma glucose above 600 mg/dL for more than an hour', () => {
  it('counts a stretch of 61 minutes, not one of exactly 60 or one at 600', () => {
    assert.equal(stretchesAbove(series([300, 30], [650, 61], [300, 30]), 600, 60), 1);
    assert.equal(stretchesAbove(series([300, 30], [650, 60], [300, 30]), 600, 60), 0);
    assert.equal(stretchesAbove(series([600, 200]), 600, 60), 0);
  });
  it('counts separate stretches apart, including one running to the end of the stay', () => {
    assert.equal(stretchesAbove(series([620, 90], [400, 10], [700, 70]), 600, 60), 2);
  });
});
