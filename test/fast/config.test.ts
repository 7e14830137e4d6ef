// The run configuration: defaults, flags over a config file, mixes, inherited keys, Temporal CLI input.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, DEFAULT_CONFIG, omittedInheritedKeys, validateRunConfig, windowsPerPatient } from '../../src/config/config.ts';
import { resolveRunConfig } from '../../src/cli/runOptions.ts';

describe('config validation', () => {
  it('defaults are the product defaults', () => {
    const { config } = resolveRunConfig({});
    assert.deepEqual(config, { ...DEFAULT_CONFIG });
    assert.equal(windowsPerPatient(config), 3 * 1440 - 5);
  });

  it('horizons: default 30,60; --horizons none is empty; a list is sorted; omitted in a config file means the default', () => {
    assert.deepEqual(resolveRunConfig({}).config.forecastHorizonsMinutes, [30, 60]);
    assert.deepEqual(resolveRunConfig({ horizons: 'none' }).config.forecastHorizonsMinutes, []);
    assert.deepEqual(resolveRunConfig({ horizons: ' 120, 15,60 ' }).config.forecastHorizonsMinutes, [15, 60, 120]);
    const { forecastHorizonsMinutes: _omitted, ...withoutHorizons } = DEFAULT_CONFIG;
    assert.deepEqual(validateRunConfig(withoutHorizons).forecastHorizonsMinutes, [30, 60]);
    assert.throws(() => resolveRunConfig({ horizons: '30,abc' }), /forecastHorizonsMinutes \(--horizons\): got \[30,"abc"\]/);
    assert.throws(() => resolveRunConfig({ horizons: '' }), /forecastHorizonsMinutes \(--horizons\)/);
  });

  it('flags override the config file; fractions of days are allowed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'run.json');
    writeFileSync(file, JSON.stringify({ numPatients: 30, randomSeed: 9, workers: 1 }));
    const { config, workers } = resolveRunConfig({ config: file, patients: '12', days: '0.25' });
    assert.equal(config.numPatients, 12);
    assert.equal(config.randomSeed, 9);
    assert.equal(config.simulationDaysPerPatient, 0.25);
    assert.equal(workers, 1);
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['negative patients', { numPatients: -1 }, /numPatients \(--patients\).*-1.*integer from 1/],
    ['zero days', { simulationDaysPerPatient: 0 }, /simulationDaysPerPatient \(--days\)/],
    ['NaN seed', { randomSeed: Number.NaN }, /randomSeed \(--seed\)/],
    ['fractional batch', { batchSize: 2.5 }, /batchSize \(--batch-size\)/],
    ['splits above 1', { trainSplit: 0.9, valSplit: 0.2 }, /trainSplit \+ valSplit.*< 1/],
    [
      'window longer than the simulation',
      { simulationDaysPerPatient: 0.002, windowSizeMinutes: 5 },
      /windowSizeMinutes \(--window\).*give 3/,
    ],
    ['unknown key', { numPatientz: 3 }, /unknown config key numPatientz/],
    ['string patients', { numPatients: 'ten' }, /numPatients \(--patients\): got "ten"/],
    [
      'a horizon of 1 minute',
      { forecastHorizonsMinutes: [1, 30] },
      /forecastHorizonsMinutes \(--horizons\): got \[1,30\].*distinct integers from 2 to 720/,
    ],
    ['a horizon above 720', { forecastHorizonsMinutes: [721] }, /forecastHorizonsMinutes \(--horizons\)/],
    ['duplicate horizons', { forecastHorizonsMinutes: [30, 30] }, /forecastHorizonsMinutes \(--horizons\): got \[30,30\]/],
    ['fractional horizon', { forecastHorizonsMinutes: [30.5] }, /forecastHorizonsMinutes \(--horizons\)/],
    ['horizons not a list', { forecastHorizonsMinutes: 30 }, /forecastHorizonsMinutes \(--horizons\): got 30/],
    [
      'an unknown therapy',
      { therapyMix: 'mdi:0.5,insulin:0.5' },
      /therapyMix \(--therapy-mix\): unknown name "insulin"; allowed names: mdi, pump, aid/,
    ],
    [
      'a negative share',
      { therapyMix: { mdi: 0.6, pump: 0.6, aid: -0.2 } },
      /therapyMix \(--therapy-mix\): share of aid is -0.2, expected a number from 0 to 1/,
    ],
    ['shares summing to 0.9', { ageMix: 'child:0.2,adult:0.7' }, /ageMix \(--age-mix\): shares sum to 0.9, expected 1 \(± 1e-9\)/],
    ['a malformed mix', { ageMix: 'adult=1' }, /ageMix \(--age-mix\): unknown name "adult=1"/],
    ['a mix that is not a mix', { therapyMix: 7 }, /therapyMix \(--therapy-mix\): got 7/],
  ];
  for (const [name, override, pattern] of bad) {
    it(`rejects ${name} with one line naming the field`, () => {
      assert.throws(
        () => validateRunConfig({ ...DEFAULT_CONFIG, ...override }),
        (error: unknown) => error instanceof ConfigError && pattern.test(error.message) && !error.message.includes('\n'),
      );
    });
  }
});

describe('cohort mixes', () => {
  it('defaults name every therapy and age group; text and objects parse alike; names left out get 0', () => {
    const { config } = resolveRunConfig({});
    assert.deepEqual(config.therapyMix, { mdi: 0.35, pump: 0.25, aid: 0.4 });
    assert.deepEqual(config.ageMix, { child: 0.15, adolescent: 0.15, adult: 0.7 });
    const { config: pens } = resolveRunConfig({ therapyMix: 'mdi:1', ageMix: ' adult : 1 ' });
    assert.deepEqual(pens.therapyMix, { mdi: 1, pump: 0, aid: 0 });
    assert.deepEqual(pens.ageMix, { child: 0, adolescent: 0, adult: 1 });
    assert.deepEqual(validateRunConfig({ therapyMix: { aid: 0.4, mdi: 0.6 } }).therapyMix, { mdi: 0.6, pump: 0, aid: 0.4 });
    // Rounding within 1e-9 is accepted.
    assert.equal(validateRunConfig({ therapyMix: 'mdi:0.3333333333,pump:0.3333333333,aid:0.3333333334' }).therapyMix.aid, 0.3333333334);
  });

  it('mixes and CGM options the user did not give are left for the plan to inherit', () => {
    assert.deepEqual(resolveRunConfig({}).omittedInheritedKeys, ['therapyMix', 'ageMix', 'cgmDevice', 'cgmGaps', 'withTruth']);
    assert.deepEqual(resolveRunConfig({ ageMix: 'adult:1', cgmDevice: 'g6', cgmGaps: true }).omittedInheritedKeys, [
      'therapyMix',
      'withTruth',
    ]);
    assert.deepEqual(omittedInheritedKeys({ numPatients: 3, therapyMix: 'aid:1', withTruth: true }), ['ageMix', 'cgmDevice', 'cgmGaps']);
  });
});

describe('configs from the Temporal CLI or a schedule', () => {
  it('omitted keys take the defaults of npm run generate; unknown keys and bad values are still refused', () => {
    const config = validateRunConfig({ numPatients: 2, outputDir: '/data/twins' });
    assert.deepEqual(config, { ...DEFAULT_CONFIG, numPatients: 2, outputDir: '/data/twins' });
    assert.throws(() => validateRunConfig({ numPatients: 2, outputDir: '/data/twins', numPatientz: 3 }), /unknown config key numPatientz/);
    assert.throws(() => validateRunConfig({ numPatients: 2, windowSizeMinutes: 0 }), /windowSizeMinutes \(--window\): got 0/);
    assert.throws(() => validateRunConfig(null), /config/);
  });
});
