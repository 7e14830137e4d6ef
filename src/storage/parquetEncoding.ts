import { RecordBatch, Schema, Table, tableToIPC } from 'apache-arrow';
import {
  Compression,
  ParquetFile,
  Table as WasmTable,
  WriterPropertiesBuilder,
  writeParquet,
} from 'parquet-wasm/node';

/**
 * Encodes record batches as one ZSTD Parquet file. parquet-wasm can drop a batch it cannot write
 * without an error, so the footer's row count is checked against what was meant to be written.
 */
export async function encodeParquet(schema: Schema, batches: RecordBatch[], generator: string): Promise<Uint8Array> {
  const expectedRows = batches.reduce((sum, b) => sum + b.numRows, 0);
  const wasmTable = WasmTable.fromIPCStream(tableToIPC(new Table(schema, batches), 'stream'));
  const properties = new WriterPropertiesBuilder()
    .setCompression(Compression.ZSTD)
    .setMaxRowGroupSize(131_072)
    .setCreatedBy(generator)
    .build();
  // writeParquet takes ownership of the wasm table (and frees it): no free() here.
  const bytes = writeParquet(wasmTable, properties);
  const writtenRows = await parquetRowCount(bytes);
  if (writtenRows !== expectedRows) throw new Error(`Parquet writer wrote ${writtenRows} rows, expected ${expectedRows}`);
  return bytes;
}

/** Rows recorded in a Parquet footer. */
export async function parquetRowCount(bytes: Uint8Array): Promise<number> {
  const file = await ParquetFile.fromFile(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  try {
    return file.metadata().fileMetadata().numRows();
  } finally {
    file.free();
  }
}
