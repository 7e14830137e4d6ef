// The pinned expected output: a small seeded cohort of every therapy and age group (a day each, with
// the CGM's gaps and the true glucose, on a 1-minute and a 5-minute sensor) hashed table by table
// and compared with the values below. Any change to a number the generator writes fails here; a
// deliberate model change updates these hashes and bumps the package version in the same commit
// (docs/DEVELOPMENT.md, "Pinned expected output").
import assert from 'node:assert/strict';
import { createHash, type Hash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Data, RecordBatch } from 'apache-arrow';
import { DEFAULT_CONFIG, validateRunConfig, type RunConfig } from '../../src/config/config.ts';
import { buildBatchTables } from '../../src/dataset/batchTables.ts';
import { runSplits } from '../../src/dataset/splits.ts';
import { AGE_GROUPS, THERAPIES } from '../../src/domain/cohort.ts';
import { GENERATOR_VERSION } from '../../src/version.ts';

/** The version that wrote the hashes below. */
const PINNED_VERSION = '0.10.0';

const PINNED: Record<string, Record<string, string>> = {
  libre3: {
    train: 'aa3b2b54eb5c282a24736407149aaffc85fc149a3bcd82e2c95943755bb27913',
    val: 'c9d9d8cce7d09ca57e0f319de20ca15d93c8928a9bd117b5d3e7155faa994a00',
    test: 'd733da02787734c2221f20b23decdd85552843935e388bf36b13ba5c1aa6b6ad',
    demographics: '263a13c4cef6dc29d496f2a4747141aeacdbd37b52976bb9f40b6ae950e92748',
    stats: '103ca1091f96dbb98aa25c2dc134b42f49731df5536a8c802076b6a2e53a882f',
    summary: '7088da4a090ba8227107bb43aca6cd99ec3e4a6c97ec910a950a3b19ed6c8f63',
  },
  g6: {
    train: '3a9a305d438a6f22fa2bca40246a06466fdffb8fa188a88803918f3eac601fde',
    val: '0f61854d6f984141113d6d0e77643befcadf4151376ae72124385a3b10734379',
    test: '8e18861b93d7150892271a6a2665e4d8c6c8b0aa91b80f83b9dc945241f93535',
    demographics: '8ca093baecf3cf9f1291f76b8b246e5135e6963a83714fb81878ca61a9ab6502',
    stats: 'f11cc021f496d376f4b8539c6f90efcb227ee8f572f9c461dc8dce44a882a157',
    summary: '53aae49b70898f9a32a6aad955838f276e95a43b0db1006be76831031b442074',
  },
};

const PATIENTS = 27;

const pinnedConfig = (cgmDevice: RunConfig['cgmDevice']): RunConfig =>
  validateRunConfig({
    ...DEFAULT_CONFIG,
    numPatients: PATIENTS,
    batchSize: PATIENTS,
    simulationDaysPerPatient: 1,
    randomSeed: 20261206,
    therapyMix: { mdi: 1 / 3, pump: 1 / 3, aid: 1 / 3 },
    ageMix: { child: 1 / 3, adolescent: 1 / 3, adult: 1 / 3 },
    cgmDevice,
    cgmGaps: true,
    withTruth: true,
    outputDir: 'memory://pinned',
  });

/** Feeds a column's buffers to the hash: values, offsets of strings, and the validity bitmap where a value is null. */
function hashData(hash: Hash, data: Data): void {
  const bytes = (view: ArrayBufferView) => hash.update(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  hash.update(`${data.type}|${data.length}|${data.nullCount}|`);
  if (data.valueOffsets) bytes(data.valueOffsets);
  if (data.values) bytes(data.values);
  if (data.nullCount > 0 && data.nullBitmap) bytes(data.nullBitmap);
}

function hashBatch(hash: Hash, batch: RecordBatch): void {
  hash.update(batch.schema.fields.map((f) => f.name).join(','));
  for (const child of batch.data.children) hashData(hash, child);
}

async function pinnedHashes(config: RunConfig): Promise<{ hashes: Record<string, string>; cells: Set<string> }> {
  const splitCodes = runSplits(config.randomSeed, 0, [19, 4, 4]);
  const hashes: Record<string, string> = {};
  const tables = await buildBatchTables(
    { config, firstPatientIndex: 0, start: 0, end: PATIENTS, splitCodes },
    async (split, patients) => {
      const hash = createHash('sha256');
      for (const batch of patients) hashBatch(hash, batch);
      hashes[split] = hash.digest('hex');
    },
    () => {},
  );
  const demographics = createHash('sha256');
  hashBatch(demographics, tables.demographics);
  hashes.demographics = demographics.digest('hex');
  hashes.stats = createHash('sha256').update(JSON.stringify(tables.stats)).digest('hex');
  hashes.summary = createHash('sha256').update(JSON.stringify(tables.summary)).digest('hex');
  const therapy = tables.demographics.getChild('therapy')!.toArray() as string[];
  const age = tables.demographics.getChild('age_group')!.toArray() as string[];
  return { hashes, cells: new Set(therapy.map((t, i) => `${t}/${age[i]}`)) };
}

describe('pinned expected output', () => {
  it(`was written by generator version ${PINNED_VERSION}`, () => {
    assert.equal(GENERATOR_VERSION, PINNED_VERSION, 'a version bump goes with new pinned hashes (and new hashes with a bump)');
  });

  for (const device of ['libre3', 'g6'] as const) {
    it(`${PATIENTS} patients × 1 day on ${device}, gaps and truth: every table and the summary hash as pinned`, async () => {
      const { hashes, cells } = await pinnedHashes(pinnedConfig(device));
      assert.equal(cells.size, THERAPIES.length * AGE_GROUPS.length, `every therapy × age cell: ${[...cells].join(' ')}`);
      assert.deepEqual(hashes, PINNED[device], `new hashes for ${device}: ${JSON.stringify(hashes)}`);
    });
  }
});
