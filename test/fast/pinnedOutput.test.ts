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
const PINNED_VERSION = '0.9.0';

const PINNED: Record<string, Record<string, string>> = {
  libre3: {
    train: '97f908a484e45bceadac9ffd3b9529c624b6af1eea186d6ea0965755ecdcdb35',
    val: '0a6f66a1f6f60b8dcf617b27abac4dd600533534d5019c98c0be5724f5756c6f',
    test: '49f97ca5f1bffcf56988dbddbd22119586eccfd022fd4a7f3fb3aabb5d132ec6',
    demographics: '407dfaa3a3d892ec25cfa74e89c658c29838e8b4f9badc3a2ef8ff50f2a87996',
    stats: 'eeec4943446713b95d874542a2ebe7dca6c89f76753952d1379dc65f72aaf464',
    summary: '48c2ff79c6ce9a3306cdaa1825973b37a21fbfd64bbfb1ee132db7afb8455e99',
  },
  g6: {
    train: '55f808b06297530097dac14fa52cf1fb3549bcf1aa1ce8c90d2a8094952b4373',
    val: '9a0df277e21bf31aeb931e4375e650b89f6d21887b4533d8a6f430547152b410',
    test: '3406c1522cfd09a7edc13aa5dd7ee4909e85b5d632f2c83d1e64440c664dbe5e',
    demographics: '368cace5650e64cd8b7051025828a394abc6decf1b03977ead351e35d9db4944',
    stats: '56a45b05c0a55ee4d2685188836bea3087f466c7dd6fb7c5531cd8ab5ce67ae8',
    summary: '3dd65512e4ab168830d7c7048a4fefb71acdc0898a5976ca1e6712e71470cbde',
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
