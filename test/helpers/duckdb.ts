import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** DuckDB: an independent Parquet reader (not the writer's own code). */
export async function duckdb(): Promise<DuckDBConnection> {
  return (await DuckDBInstance.create()).connect();
}

export async function rows(connection: DuckDBConnection, sql: string): Promise<unknown[][]> {
  return (await connection.runAndReadAll(sql)).getRows() as unknown[][];
}

export async function scalar(connection: DuckDBConnection, sql: string): Promise<number> {
  const value = (await rows(connection, sql))[0]![0];
  return Number(value);
}

export const tableGlob = (dataset: string, table: string) => `read_parquet('${dataset}/${table}.parquet/*.parquet')`;
