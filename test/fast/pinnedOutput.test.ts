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
const PINNED_VERSION = '0.2.0';

const PINNED: Record<string, Record<string, string>> = {
  libre3: {
    train: '06323f35cca64cfb11fdd5694b8044be5dadc459a8045e7fcc8650ff6d2d1871',
    val: 'd20cc3b8083e2ade28317c09529557171cdac9ddf65649952a4929e2ba11f58a',
    test: '1e3c72981c4498222cffa4a4c24763d20847efc02dbd17b497c21f1309243021',
    demographics: 'd7f562edd39b43698d0efb219f5f74f8694f26927034db236eb20afad97abc33',
    stats: 'ec01b6e51df7a6c2e7bf41c42af45ad86a5fc5ee9b6498d6000ad97fb0d1dc02',
    summary: '7549a312c94bf749a0323dcbcce44174992430918377304946180083e6fcb178',
  },
  g6: {
    train: 'c3c01d775b53bcfc331e1cf0eabd359f17199d53c30e607e05c463cabc92e5a1',
    val: '304947f38736798e836ccda01c1df695ca646cd69983548f49b9715b43062e4e',
    test: 'ab3b88415981cc5819f6547e3ddcdabaeba084bca9101a67098c6f68c737aebb',
    demographics: '6d28013c7d47efbfee61a3f9cd25ead808f5edd5062053b144f708c0b8ae7537',
    stats: '3b769d60c82495141e720564090a43e1944d5864d4c8e2bcb35184f34d96f5c1',
    summary: 'aff25ff1f1b47a6c37d32d40238214e92bcae26393e350778d5af66e1532b8ae',
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
