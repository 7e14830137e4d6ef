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
const PINNED_VERSION = '0.14.0';

const PINNED: Record<string, Record<string, string>> = {
  libre3: {
    train: 'f4cddabeb5d259a2115bd223ca70bf8ac5d978f05598b6d82f684340796d6249',
    val: '3d80f245a111927729b56f95cd8aa15c6272c8bbac27b79e3e3c38bbe3170d23',
    test: '2c5efffb9de8d80a6fd37136918e184a3e397bed8ac23d69e07d2da22a31be82',
    demographics: '2529946705da3794f809ebfb818d007e9b333ac7032603d4f1270a26e7bf11aa',
    stats: '54b388a4f1f5469ead12c61d33f58424768a02ddd2b8ae914f7ed0a0f57f59fb',
    summary: 'a8fe2bc5848e8ce2766d04bdb20f57d5f336d5949d2804fc60249dc6750ccdc4',
  },
  g6: {
    train: '8a28ab45dd470022546139ffa8e8523e064daa728012b4095e2d34d1c69b6863',
    val: 'afacf041ab2c1c9db0bc6756843f853327b651cccc6a7404d30da1960aa3938d',
    test: '4ce5989cc3c6903e5974080362a979d524a228b2d0f157540f712c8bf26a2291',
    demographics: '6bf71ef40b7de6182b6ee9d461b4bf8a103b9f6ea00d39d4c5a1fac66db44491',
    stats: '56b6d878f6bc8aa531da0e297c7cd8bb92d3a03f0a4dae88716994a8843d3bb3',
    summary: 'c2aac22320cd25dcce4f7e6980e778322fa2fa874464afa5cd8f27a453cb2228',
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
