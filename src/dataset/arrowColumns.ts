// Arrow columns straight from typed arrays (no per-value work): the in-memory form of a batch's tables.
import { Field, RecordBatch, Schema, Struct, makeData, type Data, type DataType } from 'apache-arrow';

const textEncoder = new TextEncoder();

/** A plain (non-dictionary) UTF-8 column holding the same string in every row. */
export function repeatedUtf8Data(field: Field, value: string, rows: number): Data {
  const bytes = textEncoder.encode(value);
  const data = new Uint8Array(bytes.length * rows);
  const offsets = new Int32Array(rows + 1);
  for (let row = 0; row < rows; row++) {
    data.set(bytes, row * bytes.length);
    offsets[row + 1] = (row + 1) * bytes.length;
  }
  return makeData({ type: field.type, length: rows, nullCount: 0, valueOffsets: offsets, data });
}

/** A plain UTF-8 column from JS strings (small tables only: demographics). */
export function utf8Data(field: Field, values: readonly string[]): Data {
  const encoded = values.map((v) => textEncoder.encode(v));
  const offsets = new Int32Array(values.length + 1);
  for (let i = 0; i < encoded.length; i++) offsets[i + 1] = offsets[i]! + encoded[i]!.length;
  const data = new Uint8Array(offsets[values.length]!);
  encoded.forEach((bytes, i) => data.set(bytes, offsets[i]!));
  return makeData({ type: field.type, length: values.length, nullCount: 0, valueOffsets: offsets, data });
}

/** A fixed-width column straight from a typed array (no copy, no per-value work). */
export function typedData(field: Field, values: Float64Array | Int32Array | BigInt64Array): Data {
  return makeData({ type: field.type as DataType, length: values.length, nullCount: 0, data: values } as never);
}

/**
 * A nullable float column from a typed array in which NaN means null: the validity bitmap (bit set =
 * value present) is built from the NaNs; a column without NaN gets none.
 */
export function nullableFloatData(field: Field, values: Float64Array): Data {
  let nulls = 0;
  for (let row = 0; row < values.length; row++) if (values[row] !== values[row]) nulls++;
  if (nulls === 0) return typedData(field, values);
  const validity = new Uint8Array((values.length + 7) >> 3);
  for (let row = 0; row < values.length; row++) if (values[row] === values[row]) validity[row >> 3]! |= 1 << (row & 7);
  return makeData({ type: field.type as DataType, length: values.length, nullCount: nulls, nullBitmap: validity, data: values } as never);
}

/** A record batch with the schema's exact fields (names, types, nullability). */
export function recordBatch(schema: Schema, children: Data[], rows: number): RecordBatch {
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children }));
}
