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
const PINNED_VERSION = '0.11.0';

const PINNED: Record<string, Record<string, string>> = {
  libre3: {
    train: '6c4ea53a435abde1b0acd4b1d5e6f59e81623af276bd5307819fff4ff4c59ec1',
    val: '29f93cc9e62df7c73a8e199cc28296bd13f89680c8856fc6906ca8b3ce2b8e47',
    test: 'f48f06910ffa7e484e55d4963bd26f03039c3ebeba5936acc79be4b538e24f7a',
    demographics: '40bd5c2a5164260b639fc0f626388545c83f5db60a9134cef323903e819cd8f2',
    stats: '55e13c2f9b120894ce232dc2ec5a8d97b6b896910ebf75b71ade3dd2d15a1043',
    summary: '642d8f74dc97bb86ec88475b9466f11957ca396cc4e26aca3fad8d8f6990ef15',
  },
  g6: {
    train: '8db3d914b7204bc30ac2fdae04d11ed88c134da146c0ba998ee70fad48feb021',
    val: 'fbd22d1c982c9181f4bcc0ca2214806aaaff9e9feb7c5eedffb9b02e421b08a0',
    test: '5c9b74aa13e1b35e831d64840d608aeccd0b15b56f6597b6e97d17655c938e06',
    demographics: '60d7bc7ebf4b5e84af8607567edeca15c41fd3603815c0062d52b145521d0553',
    stats: 'd5b22c0b912b01c0db6e5d4e9596912596e74b13b396a6733692f9182c6a6fdc',
    summary: 'dbb2332218d6b8af62846a3befcbdd2c6ec35a68572d6e9dcb21a51d1d5a6879',
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
