import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DEFAULT_CONFIG, type RunConfig } from '../../src/config/config.ts';
import { SCHEMA_VERSION } from '../../src/dataset/arrowSchema.ts';
import { singleMix } from '../../src/domain/cohort.ts';
import { inheritOmittedKeys, refuseSchemaChange } from '../../src/pipeline/plan.ts';
import type { Manifest, ManifestRun } from '../../src/storage/manifest.ts';

/** A manifest with one committed run of `config` (only the fields these rules read). */
function datasetOf(config: Partial<RunConfig>, schemaVersion = SCHEMA_VERSION): Manifest {
  const run = { runId: 'r1', runSeq: 1, config: { ...DEFAULT_CONFIG, ...config } } as ManifestRun;
  return { schemaVersion, runs: [run] } as Manifest;
}

describe('appending to a dataset: cohort mixes and schema versions', () => {
  const childrenOnLoops = singleMix('aid', 'child');

  it('an append that names no mix takes the last run’s; a named mix wins; a new dataset takes the defaults', () => {
    const dataset = datasetOf(childrenOnLoops);
    assert.deepEqual(inheritOmittedKeys({ ...DEFAULT_CONFIG }, dataset, ['therapyMix', 'ageMix']), {
      ...DEFAULT_CONFIG,
      ...childrenOnLoops,
    });
    const named = inheritOmittedKeys({ ...DEFAULT_CONFIG, ...singleMix('mdi', 'adult') }, dataset, ['ageMix']);
    assert.deepEqual(named.therapyMix, singleMix('mdi', 'adult').therapyMix);
    assert.deepEqual(named.ageMix, childrenOnLoops.ageMix);
    assert.deepEqual(inheritOmittedKeys({ ...DEFAULT_CONFIG }, undefined, ['therapyMix', 'ageMix']), DEFAULT_CONFIG);
    assert.deepEqual(
      inheritOmittedKeys({ ...DEFAULT_CONFIG, appendMode: false }, dataset, ['therapyMix']),
      { ...DEFAULT_CONFIG, appendMode: false },
      'an overwrite starts afresh',
    );
  });

  it('an append to a dataset of an older schema version is refused with one line that says what to do', () => {
    const older = datasetOf({}, 2);
    assert.throws(
      () => refuseSchemaChange(older, { ...DEFAULT_CONFIG }, '/data/twins'),
      (error: unknown) =>
        error instanceof ConfigError &&
        /\/data\/twins holds schema version 2 .*writes version 5 .*microseconds.*another --out, or replace this dataset with --no-append/.test(
          error.message,
        ) &&
        !error.message.includes('\n'),
    );
    assert.doesNotThrow(() => refuseSchemaChange(older, { ...DEFAULT_CONFIG, appendMode: false }, '/data/twins'));
    assert.doesNotThrow(
      () => refuseSchemaChange(datasetOf({}), { ...DEFAULT_CONFIG, ...childrenOnLoops }, '/data/twins'),
      'another mix keeps the schema',
    );
    assert.throws(() => refuseSchemaChange(datasetOf({}), { ...DEFAULT_CONFIG, windowSizeMinutes: 10 }, '/data/twins'), /--window/);
  });

  it('one sensor contract per dataset: another device, --cgm-gaps or --with-truth is refused; omitted, they are inherited', () => {
    const g6WithGaps = datasetOf({ cgmDevice: 'g6', cgmGaps: true });
    for (const [change, option] of [
      [{ cgmDevice: 'libre3' as const, cgmGaps: true }, '--cgm-device'],
      [{ cgmDevice: 'g6' as const, cgmGaps: false }, '--cgm-gaps'],
      [{ cgmDevice: 'g6' as const, cgmGaps: true, withTruth: true }, '--with-truth'],
    ] as const) {
      assert.throws(
        () => refuseSchemaChange(g6WithGaps, { ...DEFAULT_CONFIG, ...change }, '/data/twins'),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.message.includes(`(${option})`) &&
          error.message.includes('append with --cgm-device g6 --cgm-gaps') &&
          !error.message.includes('\n'),
      );
    }
    assert.doesNotThrow(() => refuseSchemaChange(g6WithGaps, { ...DEFAULT_CONFIG, cgmDevice: 'g6', cgmGaps: true }, '/data/twins'));
    assert.doesNotThrow(
      () => refuseSchemaChange(g6WithGaps, { ...DEFAULT_CONFIG, appendMode: false }, '/data/twins'),
      'an overwrite may change it',
    );
    const inherited = inheritOmittedKeys({ ...DEFAULT_CONFIG }, g6WithGaps, ['cgmDevice', 'cgmGaps', 'withTruth']);
    assert.deepEqual([inherited.cgmDevice, inherited.cgmGaps, inherited.withTruth], ['g6', true, false]);
    assert.doesNotThrow(() => refuseSchemaChange(g6WithGaps, inherited, '/data/twins'));
  });
});
