import type { RecordBatch } from 'apache-arrow';
import { createHash } from 'node:crypto';
import { demographicsSchema, timeseriesSchema } from '../dataset/arrowSchema.ts';
import { buildBatchTables } from '../dataset/batchTables.ts';
import { runSplits, SPLITS, type Split } from '../dataset/splits.ts';
import { batchResultKey, partFileName, stagedPartKey, timeseriesTable, type TableName } from '../storage/layout.ts';
import type { ObjectStore } from '../storage/objectStore.ts';
import { encodeParquet, ParquetStreamEncoder } from '../storage/parquetEncoding.ts';
import { GENERATOR } from '../version.ts';
import { batchRange, type BatchResult, type RunPlan, type StagedFile } from './runPlan.ts';

/** Simulates one batch and stages its part files; returns only names and counts. */
export async function stageBatch(
  store: ObjectStore,
  plan: RunPlan,
  batchIndex: number,
  afterPatient: (done: number) => Promise<void>,
): Promise<BatchResult> {
  const { config } = plan;
  const [start, end] = batchRange(plan, batchIndex);
  const splitCodes = runSplits(config.randomSeed, plan.firstPatientIndex, plan.splitCounts);
  const schema = timeseriesSchema(config.windowSizeMinutes, config.forecastHorizonsMinutes);
  // One streaming encoder per split, opened when its first patient arrives: a split with no
  // patient in this batch gets no part file.
  const encoders: Partial<Record<Split, ParquetStreamEncoder>> = {};
  const sink = (split: Split, rows: RecordBatch) => (encoders[split] ??= new ParquetStreamEncoder(schema, GENERATOR)).write(rows);
  const tables = await buildBatchTables({ config, firstPatientIndex: plan.firstPatientIndex, start, end, splitCodes }, sink, afterPatient);
  const fileName = partFileName(plan.runSeq, batchIndex, plan.runId);
  const files: StagedFile[] = [];
  const stage = async (table: TableName, bytes: Uint8Array, rows: number) => {
    await store.put(stagedPartKey(plan.runId, table, fileName), bytes);
    files.push({ table, fileName, rows, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  };
  await stage('patient_demographics', await encodeParquet(demographicsSchema, [tables.demographics], GENERATOR), tables.demographics.numRows);
  for (const split of SPLITS) {
    const encoder = encoders[split];
    if (!encoder) continue;
    await stage(timeseriesTable(split), await encoder.finish(), tables.stats.rows[split]);
  }
  const result: BatchResult = { ...tables.stats, batchIndex, bytes: files.reduce((s, f) => s + f.bytes, 0), files, summary: tables.summary };
  // The commit reads batch results from staging, so the workflow never has to carry file lists.
  await store.put(batchResultKey(plan.runId, batchIndex), JSON.stringify(result));
  return result;
}
