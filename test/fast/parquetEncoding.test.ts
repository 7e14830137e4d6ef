// The product's Parquet writer (DuckDB) against the one it replaced (parquet-wasm, kept for the
// bench): the same rows, read back by DuckDB, whatever the encoder; errors keep their identity.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { RecordBatch } from 'apache-arrow';
import { DEFAULT_CONFIG, validateRunConfig } from '../../src/config/config.ts';
import { demographicsSchema, runTimeseriesSchema } from '../../src/dataset/arrowSchema.ts';
import { buildBatchTables } from '../../src/dataset/batchTables.ts';
import { writeParquet } from '../../src/storage/duckdbParquet.ts';
import { encodeParquet as encodeWithParquetWasm } from '../../scripts/parquetWasmEncoder.ts';
import { duckdb, rows, scalar } from '../helpers/duckdb.ts';

const dir = mkdtempSync(join(tmpdir(), 'encoders-'));
// Gaps and the truth column: nullable glucose columns and one more double column.
const config = validateRunConfig({ ...DEFAULT_CONFIG, numPatients: 3, simulationDaysPerPatient: 0.2, cgmGaps: true, withTruth: true });
const schema = runTimeseriesSchema(config);
let db: DuckDBConnection;
let patients: RecordBatch[];
let demographics: RecordBatch;

const file = (name: string, bytes: Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return `'${path}'`;
};
/** Rows of a in b's multiset and back, with the timestamp as epoch milliseconds (the unit differs). */
const differingRows = async (a: string, b: string, timestamp: boolean) => {
  const select = (f: string) => (timestamp ? `SELECT * EXCLUDE (timestamp), epoch_ms(timestamp) AS t FROM ${f}` : `SELECT * FROM ${f}`);
  return (
    (await scalar(db, `SELECT count(*) FROM (${select(a)} EXCEPT ALL ${select(b)})`)) +
    (await scalar(db, `SELECT count(*) FROM (${select(b)} EXCEPT ALL ${select(a)})`))
  );
};

// What a worker killed mid-file leaves: its scratch directory (a process that has exited).
const deadPid = spawnSync('true').pid!;
const staleScratch = join(tmpdir(), `twin-parquet-${deadPid}-stale`);

before(async () => {
  mkdirSync(staleScratch, { recursive: true });
  writeFileSync(join(staleScratch, '1.parquet'), 'half a file');
  db = await duckdb();
  patients = [];
  const tables = await buildBatchTables(
    { config, firstPatientIndex: 0, start: 0, end: 3, splitCodes: new Uint8Array(3) },
    async (_split, batches) => void patients.push(...batches),
    () => {},
  );
  demographics = tables.demographics;
});

describe('the DuckDB Parquet writer', () => {
  it('writes the same rows as parquet-wasm did, nulls included; timestamps as UTC microseconds', async () => {
    const ours = file('duckdb.parquet', await writeParquet(schema, patients, 'test'));
    const before = file('wasm.parquet', await encodeWithParquetWasm(schema, patients, 'test'));
    const total = patients.reduce((sum, batch) => sum + batch.numRows, 0);
    assert.equal(await scalar(db, `SELECT count(*) FROM ${ours}`), total);
    assert.equal(await differingRows(ours, before, true), 0);
    assert.ok((await scalar(db, `SELECT count(*) - count(feature_t0_glucose_mgdl) FROM ${ours}`)) > 0, 'a gap to compare');
    assert.equal(
      await scalar(db, `SELECT count(*) - count(feature_t0_glucose_mgdl) FROM ${ours}`),
      await scalar(db, `SELECT count(*) - count(feature_t0_glucose_mgdl) FROM ${before}`),
      'the same nulls',
    );
    const [timestamp] = await rows(db, `SELECT logical_type, repetition_type FROM parquet_schema(${ours}) WHERE name = 'timestamp'`);
    assert.match(String(timestamp![0]), /isAdjustedToUTC=1, unit=TimeUnit\(MILLIS=<null>, MICROS=MicroSeconds\(\)/);
    assert.equal(timestamp![1], 'OPTIONAL');
    assert.deepEqual(await rows(db, `SELECT DISTINCT patient_id FROM ${ours} ORDER BY 1`), [
      ['s42-p0000000'],
      ['s42-p0000001'],
      ['s42-p0000002'],
    ]);
    assert.equal(
      await scalar(db, `SELECT count(*) FROM parquet_kv_metadata(${ours}) WHERE decode(key) = 'generator' AND decode(value) = 'test'`),
      1,
    );
  });

  it('writes demographics (a string per row) like parquet-wasm, and an empty iterable as a file with the columns and no rows', async () => {
    const ours = file('demographics.parquet', await writeParquet(demographicsSchema, [demographics], 'test'));
    const before = file('demographics-wasm.parquet', await encodeWithParquetWasm(demographicsSchema, [demographics], 'test'));
    assert.equal(await scalar(db, `SELECT count(*) FROM ${ours}`), 3);
    assert.equal(await differingRows(ours, before, false), 0);
    const empty = file('empty.parquet', await writeParquet(schema, [], 'test'));
    assert.equal(await scalar(db, `SELECT count(*) FROM ${empty}`), 0);
    assert.deepEqual(
      (await rows(db, `DESCRIBE SELECT * FROM ${empty}`)).map((r) => r[0]),
      schema.fields.map((f) => f.name),
    );
  });

  it('removes the scratch directory of a process that is gone (a worker killed mid-file)', () => {
    assert.equal(existsSync(staleScratch), false);
  });

  it('an error raised while rows are produced rejects the write with that error, and the next write works', async () => {
    class Cancelled extends Error {
      override name = 'CancelledFailure';
    }
    const failing = (function* () {
      yield patients[0]!;
      throw new Cancelled('cancelled between patients');
    })();
    await assert.rejects(writeParquet(schema, failing, 'test'), (error: unknown) => error instanceof Cancelled);
    const bytes = await writeParquet(schema, [patients[1]!], 'test');
    assert.equal(await scalar(db, `SELECT count(*) FROM ${file('after.parquet', bytes)}`), patients[1]!.numRows);
  });
});
