import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DEFAULT_CONFIG, type RunConfig } from '../../src/config/config.ts';
import { SCHEMA_VERSION } from '../../src/dataset/arrowSchema.ts';
import { singleMix } from '../../src/domain/cohort.ts';
import { inheritCohort, refuseSchemaChange } from '../../src/pipeline/plan.ts';
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
    assert.deepEqual(inheritCohort({ ...DEFAULT_CONFIG }, dataset, ['therapyMix', 'ageMix']), { ...DEFAULT_CONFIG, ...childrenOnLoops });
    const named = inheritCohort({ ...DEFAULT_CONFIG, ...singleMix('mdi', 'adult') }, dataset, ['ageMix']);
    assert.deepEqual(named.therapyMix, singleMix('mdi', 'adult').therapyMix);
    assert.deepEqual(named.ageMix, childrenOnLoops.ageMix);
    assert.deepEqual(inheritCohort({ ...DEFAULT_CONFIG }, undefined, ['therapyMix', 'ageMix']), DEFAULT_CONFIG);
    assert.deepEqual(
      inheritCohort({ ...DEFAULT_CONFIG, appendMode: false }, dataset, ['therapyMix']),
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
        /\/data\/twins holds schema version 2 .*writes version 3 .*age_group.*another --out, or replace this dataset with --no-append/.test(
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
});
