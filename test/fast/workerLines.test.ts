import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { forwardLines } from '../../src/temporal/workerPool.ts';

describe('worker output lines', () => {
  it('a line that spans two chunks arrives whole, labelled once', async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    forwardLines(stream, 'worker 1', (line) => lines.push(line));
    stream.write('INFO [worker 1] batch staged batchIndex=3 pat');
    await sleep(5);
    stream.write('ients=50\nsecond line without label\n\nthird');
    await sleep(5);
    stream.end('\n');
    await sleep(5);
    assert.deepEqual(lines, [
      'INFO [worker 1] batch staged batchIndex=3 patients=50',
      '[worker 1] second line without label',
      '[worker 1] third',
    ]);
  });
});
