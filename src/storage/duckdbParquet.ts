// Parquet files written by DuckDB's native writer: `COPY (FROM twin_rows(n)) TO …` pulls the rows from a
// table function that copies them, ≤ 2,048 at a time, straight from the record batches' typed arrays
// into DuckDB's vectors. The writer pulls batches one at a time from an iterator, so memory holds
// one batch (one patient) plus the row group being encoded, whatever the file's size.
import {
  DuckDBInstance,
  DuckDBTableFunction,
  DOUBLE,
  INTEGER,
  TIMESTAMPTZ,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBType,
} from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Float64, Int32, TimestampMillisecond, Utf8, type Data, type Field, type RecordBatch, type Schema } from 'apache-arrow';

/** DuckDB's standard vector size: the most rows a table function returns per call. */
const VECTOR_ROWS = 2048;
const TWO_TO_32 = 2 ** 32;
/**
 * Rows per row group. DuckDB holds a whole row group, and then its encoded pages, before writing
 * it, so this sets the writer's memory: measured per worker, ~180 MB at 61,440 rows and ~300 MB
 * at 122,880 (88 columns). Smaller groups repeat each column's dictionary more often (the
 * adults-on-pens default run: 267 MB at 61,440 rows, ~2 % more at 40,960).
 */
const ROW_GROUP_ROWS = 61_440;
/**
 * zstd level 2: the adults-on-pens default run writes 257.9 MB (267.2 MB at level 1, 257.6 MB at
 * DuckDB's default level 3), for ~20 % more encoding CPU than level 1 (0.37× of parquet-wasm's
 * against 0.27–0.30×); level 3 cost more again, and level 6 ~40 % more than 3 (measured).
 */
const ZSTD_LEVEL = 2;
/**
 * At most 4,000 distinct values in a column chunk's dictionary. The timestamp (one value per minute
 * of a patient's days, shared by every patient: ~4,300 in a row group of a 3-day run) is then stored
 * as plain int64s, which zstd packs into ~0.09 MB where its dictionary took ~0.27 (of ~12.7 MB for
 * 50 patients); every simulated signal keeps its dictionary (in the default cohort none has 4,000
 * distinct values in a row group). Measured: 1.4 % smaller files, ~3 % fewer instructions encoding.
 * Format version 2 would delta-encode the timestamp instead, but it also byte-stream-splits any
 * double column over the limit (the --with-truth glucose), which Spark 4's reader refuses.
 */
const DICTIONARY_LIMIT = 4000;
/** DuckDB's own cap (a limit, not a reservation): a 61,440-row group of 88 columns needs well under it. */
const MEMORY_LIMIT = '256MB';

let connection: Promise<DuckDBConnection> | undefined;
/** Files being written, by the number the table function is called with. */
const readers = new Map<number, BatchReader>();
let scratchDir: string | undefined;
const SCRATCH_PREFIX = 'twin-parquet-';
let fileCounter = 0;
/** One COPY at a time per process (DuckDB has one thread here anyway). */
let queue: Promise<unknown> = Promise.resolve();

/**
 * One in-process DuckDB per worker: one thread (workers are pinned to a core each), bounded memory,
 * and one table function, `twin_rows(n)`, that reads the rows of file n.
 */
function database(): Promise<DuckDBConnection> {
  connection ??= (async () => {
    const instance = await DuckDBInstance.create(':memory:', {
      threads: '1',
      memory_limit: MEMORY_LIMIT,
      preserve_insertion_order: 'true',
    });
    const opened = await instance.connect();
    opened.registerTableFunction(
      DuckDBTableFunction.create({
        name: 'twin_rows',
        parameterTypes: [INTEGER],
        bindFunction: (bind) => {
          const reader = readers.get(Number(bind.getParameter(0)))!;
          reader.schema.fields.forEach((field) => bind.addResultColumn(field.name, duckdbType(field)));
          bind.setBindData(reader);
        },
        initFunction: () => {},
        mainFunction: (info, chunk) => {
          const reader = info.bindData as BatchReader;
          try {
            chunk.rowCount = reader.fill(chunk.chunk);
          } catch (error) {
            reader.failure = error;
            info.setError(error instanceof Error ? error.message : String(error));
          }
        },
      }),
    );
    return opened;
  })();
  return connection;
}

/**
 * Where DuckDB writes a file before its bytes go to the store (which makes it visible atomically):
 * a private directory named after this process, removed when it exits. A worker killed mid-file
 * cannot remove its own, so the first file of every process removes those of processes gone.
 */
function scratchPath(fileNumber: number): string {
  if (!scratchDir) {
    removeScratchOfDeadProcesses();
    const dir = mkdtempSync(join(tmpdir(), `${SCRATCH_PREFIX}${process.pid}-`));
    scratchDir = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return join(scratchDir, `${fileNumber}.parquet`);
}

function removeScratchOfDeadProcesses(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(SCRATCH_PREFIX)) continue;
    const pid = Number(name.slice(SCRATCH_PREFIX.length).split('-')[0]);
    if (!pid || pid === process.pid || processAlive(pid)) continue;
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function duckdbType(field: Field): DuckDBType {
  if (field.type instanceof Utf8) return VARCHAR;
  if (field.type instanceof Int32) return INTEGER;
  if (field.type instanceof Float64) return DOUBLE;
  if (field.type instanceof TimestampMillisecond) return TIMESTAMPTZ;
  throw new Error(`no Parquet mapping for column ${field.name} of type ${String(field.type)}`);
}

const sqlText = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * Writes the batches (each of `schema`) as one ZSTD Parquet file and returns its bytes; an empty
 * iterator gives a file with the schema and no rows. Batches are pulled only as DuckDB asks for
 * rows, so work done while producing a batch (simulating a patient) happens inside the write.
 * Timestamps are written as TIMESTAMPTZ (INT64 microseconds, adjusted to UTC); every column is
 * OPTIONAL, as DuckDB writes them.
 */
export function writeParquet(schema: Schema, batches: Iterable<RecordBatch>, generator: string): Promise<Uint8Array> {
  const written = queue.then(() => copyToParquet(schema, batches, generator));
  queue = written.catch(() => {});
  return written;
}

async function copyToParquet(schema: Schema, batches: Iterable<RecordBatch>, generator: string): Promise<Uint8Array> {
  const db = await database();
  const fileNumber = ++fileCounter;
  const reader = new BatchReader(schema, batches[Symbol.iterator]());
  readers.set(fileNumber, reader);
  const path = scratchPath(fileNumber);
  try {
    let copied: number;
    try {
      // No Bloom filters (DuckDB writes them by default): files ~2 % smaller; readers skip files by
      // the Delta log's patient_id and timestamp ranges instead.
      const result = await db.runAndReadAll(
        `COPY (FROM twin_rows(${fileNumber})) TO ${sqlText(path)} (FORMAT parquet, COMPRESSION zstd, ` +
          `COMPRESSION_LEVEL ${ZSTD_LEVEL}, ROW_GROUP_SIZE ${ROW_GROUP_ROWS}, DICTIONARY_SIZE_LIMIT ${DICTIONARY_LIMIT}, WRITE_BLOOM_FILTER false, KV_METADATA {generator: ${sqlText(generator)}})`,
      );
      copied = Number(result.getRows()[0]?.[0] ?? -1);
    } catch (error) {
      // An error thrown while producing rows (a cancelled activity, a failed simulation) keeps its type.
      throw reader.failure ?? error;
    }
    if (copied !== reader.rows) throw new Error(`Parquet writer wrote ${copied} rows, expected ${reader.rows}`);
    return new Uint8Array(await readFile(path));
  } finally {
    readers.delete(fileNumber);
    await unlink(path).catch(() => {});
  }
}

/** Hands the batches' rows to DuckDB's output chunks, one batch at a time, never a chunk across two batches. */
class BatchReader {
  rows = 0;
  failure: unknown;
  private batch: RecordBatch | undefined;
  private position = 0;
  private columns: Data[] = [];
  /** Little-endian int64 microseconds as (low, high) 32-bit halves. */
  private readonly microsecondHalves = new Uint32Array(VECTOR_ROWS * 2);
  private readonly allValid = new Uint8Array(VECTOR_ROWS / 8).fill(0xff);
  private readonly decoder = new TextDecoder();

  constructor(
    readonly schema: Schema,
    private readonly batches: Iterator<RecordBatch>,
  ) {}

  /** Fills the chunk's vectors with the next rows; 0 when every batch has been read. */
  fill(chunk: duckdb.DataChunk): number {
    while (!this.batch || this.position >= this.batch.numRows) {
      const next = this.batches.next();
      if (next.done) return 0;
      this.batch = next.value;
      this.position = 0;
      this.columns = this.schema.fields.map((field) => this.batch!.getChild(field.name)!.data[0]!);
    }
    const start = this.position;
    const count = Math.min(VECTOR_ROWS, this.batch.numRows - start);
    this.schema.fields.forEach((field, c) =>
      this.copyColumn(duckdb.data_chunk_get_vector(chunk, c), field, this.columns[c]!, start, count),
    );
    this.position += count;
    this.rows += count;
    return count;
  }

  private copyColumn(vector: duckdb.Vector, field: Field, data: Data, start: number, count: number): void {
    if (field.type instanceof Utf8) return this.copyStrings(vector, data, start, count);
    if (field.type instanceof TimestampMillisecond) {
      // ms → µs on the int64s' 32-bit halves as doubles: exact below 2^53 µs (year 2255), and
      // no BigInt is allocated per row (reading a BigInt64Array would allocate one per value).
      const millis = data.values as BigInt64Array;
      const halves = new Uint32Array(millis.buffer, millis.byteOffset + start * 8, count * 2);
      const out = this.microsecondHalves;
      for (let row = 0; row < count; row++) {
        const micros = (halves[2 * row + 1]! * TWO_TO_32 + halves[2 * row]!) * 1000;
        const high = Math.floor(micros / TWO_TO_32);
        out[2 * row] = micros - high * TWO_TO_32;
        out[2 * row + 1] = high;
      }
      duckdb.copy_data_to_vector(vector, 0, out.buffer, 0, count * 8);
      return;
    }
    const values = data.values as Float64Array | Int32Array;
    const width = values.BYTES_PER_ELEMENT;
    duckdb.copy_data_to_vector(vector, 0, values.buffer as ArrayBuffer, values.byteOffset + start * width, count * width);
    if (field.nullable) {
      // Arrow's validity bitmap and DuckDB's share one bit layout (bit r of byte r/8, 1 = present);
      // starts are multiples of 2,048, so whole bytes are copied. A chunk without nulls is marked all valid
      // because the vector is reused from call to call.
      duckdb.vector_ensure_validity_writable(vector);
      const bitmap = data.nullBitmap;
      const bytes = Math.ceil(count / 8);
      if (bitmap && data.nullCount > 0)
        duckdb.copy_data_to_vector_validity(vector, 0, bitmap.buffer as ArrayBuffer, bitmap.byteOffset + start / 8, bytes);
      else duckdb.copy_data_to_vector_validity(vector, 0, this.allValid.buffer, 0, bytes);
    }
  }

  /** A run of one repeated string (a patient's id on each of its rows) becomes one constant value. */
  private copyStrings(vector: duckdb.Vector, data: Data, start: number, count: number): void {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    const text = (row: number) => this.decoder.decode(bytes.subarray(offsets[row]!, offsets[row + 1]!));
    if (sameStrings(offsets, bytes, start, count)) {
      duckdb.vector_reference_value(vector, duckdb.create_varchar(text(start)));
      return;
    }
    for (let row = 0; row < count; row++) duckdb.vector_assign_string_element(vector, row, text(start + row));
  }
}

/** Whether rows [start, start + count) of a UTF-8 column all hold the same bytes. */
function sameStrings(offsets: Int32Array, bytes: Uint8Array, start: number, count: number): boolean {
  const first = offsets[start]!;
  const length = offsets[start + 1]! - first;
  for (let row = start + 1; row < start + count; row++) {
    const at = offsets[row]!;
    if (offsets[row + 1]! - at !== length) return false;
    for (let i = 0; i < length; i++) if (bytes[at + i] !== bytes[first + i]) return false;
  }
  return true;
}
