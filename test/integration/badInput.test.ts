// generate's bad input through the real CLI: one clear line, exit status 2, nothing written.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';

describe('CLI bad input: one clear line, exit status 2, nothing written', () => {
  const cases: [string, string[], RegExp][] = [
    ['non-numeric patients', ['--patients', 'abc'], /--patients.*"abc"/],
    ['negative days', ['--days', '-1'], /--days/],
    ['splits summing above 1', ['--train-split', '0.8', '--val-split', '0.3'], /trainSplit \+ valSplit/],
    ['unknown option', ['--patinets', '3'], /unknown option '--patinets'/],
    ['negative workers', ['--workers', '-1'], /--workers.*integer from 0 to 256/],
    ['missing config file', ['--config', '/nonexistent/run.json'], /--config: cannot read/],
    ['a horizon out of range', ['--horizons', '30,1000'], /forecastHorizonsMinutes \(--horizons\): got \[30,1000\]/],
    ['a horizon that is not a number', ['--horizons', 'soon'], /--horizons.*"soon"/],
    ['an unknown CGM device', ['--cgm-device', 'g5'], /invalid cgmDevice \(--cgm-device\): got "g5", expected one of libre3, g7, g6/],
    ['an unknown therapy', ['--therapy-mix', 'mdi:0.5,pen:0.5'], /--therapy-mix.*unknown name "pen"/],
    ['age shares not summing to 1', ['--age-mix', 'child:0.5,adult:0.6'], /--age-mix.*sum to 1.1/],
  ];
  for (const [name, args, pattern] of cases) {
    it(name, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'badinput-'));
      const out = join(dir, 'ds');
      const result = await runCli(['generate', '--out', out, ...args], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
      assert.equal(result.code, 2, result.stderr);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0]!, pattern);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
      assert.equal(existsSync(out), false);
      assert.deepEqual(readdirSync(dir), []);
    });
  }

  it('malformed JSON config and a non-dataset directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'badinput-'));
    const file = join(dir, 'run.json');
    writeFileSync(file, '{"numPatients": 3,');
    const malformed = await runCli(['generate', '--config', file, '--out', join(dir, 'ds')]);
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /--config: .* is not valid JSON/);

    const foreign = join(dir, 'notes');
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    const notDataset = await runCli(['generate', '--out', dir, '--no-append', '--patients', '1', '--days', '0.1']);
    assert.equal(notDataset.code, 2);
    assert.match(notDataset.stderr, /--out.*not empty and holds no dataset/);
    assert.deepEqual(readdirSync(dir).sort(), ['keep.txt', 'run.json']);
    void foreign;
  });
});
