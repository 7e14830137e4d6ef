import type { RecordBatch } from 'apache-arrow';
import { createHash } from 'node:crypto';
import { demographicsSchema, runTimeseriesSchema } from '../dataset/arrowSchema.ts';
import { buildBatchTables } from '../dataset/batchTables.ts';
import { runSplits, type Split } from '../dataset/splits.ts';
import { batchResultKey, partFileName, stagedPartKey, TABLES, timeseriesTable, type TableName } from '../storage/layout.ts';
import type { ObjectStore } from '../storage/objectStore.ts';
import { writeParquet } from '../storage/duckdbParquet.ts';
import { GENERATOR } from '../version.ts';
import { FileBounds } from './fileBounds.ts';
import { batchRange, type BatchResult, type RunPlan, type StagedFile } from './runPlan.ts';

/** Simulates one batch and stages its part files; returns only names and counts. */
export async function stageBatch(
  store: ObjectStore,
  plan: RunPlan,
  batchIndex: number,
  afterPatient: (done: number) => void,
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
  // Patients arrive split by split: one file written at a time, simulated as the encoder pulls
  // them, staged as soon as its split is done. A split with no patient in this batch gets no part file.
  const writeSplit = async (split: Split, patients: Iterable<RecordBatch>) => {
    const bounds = new FileBounds();
    let rows = 0;
    const observed = (function* () {
      for (const batch of patients) {
        bounds.observe(batch);
        rows += batch.numRows;
        yield batch;
      }
    })();
    await stage(timeseriesTable(split), await writeParquet(schema, observed, GENERATOR), rows, bounds);
  };
  const tables = await buildBatchTables(
    { config, firstPatientIndex: plan.firstPatientIndex, start, end, splitCodes },
    writeSplit,
    afterPatient,
  );
  const demographicsBounds = new FileBounds();
  demographicsBounds.observe(tables.demographics);
  await stage(
    'patient_demographics',
    await writeParquet(demographicsSchema, [tables.demographics], GENERATOR),
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
