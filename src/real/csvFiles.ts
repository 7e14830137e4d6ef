// CSV files as records keyed by their header (csv-parse): byte-order marks, quoted fields, blank
// trailing columns and ragged rows as the real sets have them.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

export type CsvRecord = Record<string, string>;

/** A cell as a number: NaN when empty or missing (Number('') would be 0). */
export const numberOf = (text: string | undefined): number => (text === undefined || text.trim() === '' ? Number.NaN : Number(text));

export function readCsv(path: string, delimiter = ','): { header: string[]; records: CsvRecord[] } {
  const rows = parse(readFileSync(path), {
    bom: true,
    delimiter,
    relax_column_count: true,
    skip_empty_lines: true,
    trim: true,
  }) as string[][];
  const header = (rows[0] ?? []).map((name) => name.trim());
  const records = rows.slice(1).map((row) => {
    const record: CsvRecord = {};
    header.forEach((name, i) => {
      if (name) record[name] = row[i] ?? '';
    });
    return record;
  });
  return { header: header.filter(Boolean), records };
}
