import type { RecordBatch } from 'apache-arrow';
import { createHash } from 'node:crypto';
import { demographicsSchema, runTimeseriesSchema } from '../dataset/arrowSchema.ts';
import { buildBatchTables } from '../dataset/batchTables.ts';
import { runSplits, type Split } from '../dataset/splits.ts';
import { batchResultKey, partFileName, stagedPartKey, TABLES, timeseriesTable, type TableName } from '../storage/layout.ts';
import type { ObjectStore } from '../storage/objectStore.ts';
import { encodeParquet, ParquetStreamEncoder } from '../storage/parquetEncoding.ts';
import { GENERATOR } from '../version.ts';
import { FileBounds } from './fileBounds.ts';
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
  const schema = runTimeseriesSchema(config);
  const fileName = partFileName(plan.runSeq, batchIndex, plan.runId);
  const files: StagedFile[] = [];
  const stage = async (table: TableName, bytes: Uint8Array, rows: number, bounds: FileBounds) => {
    await store.put(stagedPartKey(plan.runId, table, fileName), bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    files.push({ table, fileName, rows, bytes: bytes.length, sha256, bounds: bounds.bounds() });
  };
  // Patients arrive split by split: one streaming encoder open at a time, its file staged as soon
  // as its split is done. A split with no patient in this batch gets no part file.
  let open: { split: Split; encoder: ParquetStreamEncoder; bounds: FileBounds } | undefined;
  const finishOpen = async () => {
    if (open) await stage(timeseriesTable(open.split), await open.encoder.finish(), open.encoder.rows, open.bounds);
    open = undefined;
  };
  const sink = async (split: Split, rows: RecordBatch) => {
    if (open?.split !== split) {
      await finishOpen();
      open = { split, encoder: new ParquetStreamEncoder(schema, GENERATOR), bounds: new FileBounds() };
    }
    open.bounds.observe(rows);
    await open.encoder.write(rows);
  };
  const tables = await buildBatchTables({ config, firstPatientIndex: plan.firstPatientIndex, start, end, splitCodes }, sink, afterPatient);
  await finishOpen();
  const demographicsBounds = new FileBounds();
  demographicsBounds.observe(tables.demographics);
  await stage(
    'patient_demographics',
    await encodeParquet(demographicsSchema, [tables.demographics], GENERATOR),
    tables.demographics.numRows,
    demographicsBounds,
  );
  // Files listed in table order (demographics, train, val, test), whatever order they were staged in.
  files.sort((a, b) => TABLES.indexOf(a.table) - TABLES.indexOf(b.table));
  const result: BatchResult = {
    ...tables.stats,
    batchIndex,
    bytes: files.reduce((s, f) => s + f.bytes, 0),
    files,
    summary: tables.summary,
  };
  // The commit reads batch results from staging, so the workflow never has to carry file lists.
  await store.put(batchResultKey(plan.runId, batchIndex), JSON.stringify(result));
  return result;
}
