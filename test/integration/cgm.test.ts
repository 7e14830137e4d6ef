// The CGM options end to end, through the real Temporal server: no null by default, nulls only in
// the glucose columns with --cgm-gaps, the truth column with --with-truth, one contract per dataset.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DevServer } from '../../src/temporal/devServer.ts';
import { isGlucoseColumn } from '../../src/dataset/arrowSchema.ts';
import { runCli } from '../helpers/cli.ts';
import { rows, scalar, tableGlob } from '../helpers/duckdb.ts';
import { startTemporalWithDuckdb } from '../helpers/servers.ts';

let server: DevServer;
let db: DuckDBConnection;
let env: Record<string, string>;
const root = mkdtempSync(join(tmpdir(), 'twin-cgm-'));
const plain = join(root, 'plain');
const gapped = join(root, 'gapped');

before(async () => {
  ({ server, env, db } = await startTemporalWithDuckdb());
});
after(async () => {
  await server?.stop();
});

const generate = (out: string, ...args: string[]) =>
  runCli(['generate', '--patients', '20', '--days', '2', '--seed', '8', '--out', out, '--workers', '2', ...args], env);

/** Null count of every column of every table in a dataset, by column name (summed over tables). */
async function nullCounts(dataset: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['patient_demographics', 'timeseries_features_train', 'timeseries_features_val', 'timeseries_features_test']) {
    const source = tableGlob(dataset, table);
    const columns = (await rows(db, `DESCRIBE SELECT * FROM ${source}`)).map((row) => String(row[0]));
    const select = columns.map((c) => `count(*) - count("${c}")`).join(', ');
    const [values] = await rows(db, `SELECT ${select} FROM ${source}`);
    columns.forEach((c, i) => (counts[c] = (counts[c] ?? 0) + Number(values![i])));
  }
  return counts;
}

describe('the CGM in the tables', () => {
  it('the default dataset holds no null anywhere', async () => {
    const result = await generate(plain);
    assert.equal(result.code, 0, result.stderr);
    const counts = await nullCounts(plain);
    assert.ok(Object.keys(counts).length > 80);
    for (const [column, nulls] of Object.entries(counts)) assert.equal(nulls, 0, column);
    const card = readFileSync(join(plain, 'DATASET_CARD.md'), 'utf8');
    assert.match(card, /## CGM/);
    assert.match(card, /Device `libre3`: a reading every minute/);
    assert.match(card, /No glucose value is null/);
  });

  it('--cgm-gaps: nulls only in the glucose columns, coverage ~96–97 %; --with-truth: DuckDB recomputes MARD from the table', async () => {
    const result = await generate(gapped, '--cgm-gaps', '--with-truth');
    assert.equal(result.code, 0, result.stderr);
    const counts = await nullCounts(gapped);
    for (const [column, nulls] of Object.entries(counts)) if (!isGlucoseColumn(column)) assert.equal(nulls, 0, column);
    const source = ['train', 'val', 'test']
      .map((s) => `SELECT * FROM ${tableGlob(gapped, `timeseries_features_${s}`)}`)
      .join(' UNION ALL ');
    const coverage = await scalar(db, `SELECT 100 * count(feature_t0_glucose_mgdl) / count(*) FROM (${source})`);
    assert.ok(coverage > 92 && coverage < 99.8, `coverage ${coverage.toFixed(2)} %`);
    assert.equal(await scalar(db, `SELECT count(*) - count(blood_glucose_mgdl) FROM (${source})`), 0);
    const mard = await scalar(
      db,
      `SELECT 100 * avg(abs(feature_t0_glucose_mgdl - blood_glucose_mgdl) / blood_glucose_mgdl) FROM (${source}) WHERE feature_t0_glucose_mgdl IS NOT NULL`,
    );
    assert.ok(mard > 5 && mard < 14, `MARD ${mard.toFixed(2)} %`);
    // The same people and readings with and without gaps: where the gapped table has a value, it is the plain one's.
    const joined = `${tableGlob(gapped, 'timeseries_features_train')} g JOIN ${tableGlob(plain, 'timeseries_features_train')} p USING (patient_id, timestamp)`;
    assert.equal(
      await scalar(db, `SELECT count(*) FROM ${joined}`),
      await scalar(db, `SELECT count(*) FROM ${tableGlob(plain, 'timeseries_features_train')}`),
    );
    const differing = await scalar(
      db,
      `SELECT count(*) FROM ${joined} WHERE coalesce(g.feature_t0_glucose_mgdl <> p.feature_t0_glucose_mgdl, false) ` +
        `OR g.feature_t0_heart_rate_bpm <> p.feature_t0_heart_rate_bpm OR g.label_fall_risk <> p.label_fall_risk`,
    );
    assert.equal(differing, 0);
    const card = readFileSync(join(gapped, 'DATASET_CARD.md'), 'utf8');
    assert.match(card, /Gaps are null: [\d.]+ % of minutes had no reading/);
    assert.match(card, /\| all \| [\d,]+ \| [\d.]+ % \| [\d.]+ % \|/);
  });

  it('an append that changes the sensor contract is refused: one line, exit 2, nothing written', async () => {
    const before = readdirSync(join(gapped, 'timeseries_features_train.parquet')).sort();
    const result = await runCli(['generate', '--patients', '2', '--days', '0.25', '--out', gapped, '--cgm-device', 'g7'], env);
    assert.equal(result.code, 2, result.stderr);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /invalid cgmDevice \(--cgm-device\): .* written with --cgm-device libre3 --cgm-gaps --with-truth/);
    assert.deepEqual(readdirSync(join(gapped, 'timeseries_features_train.parquet')).sort(), before);
    // Naming nothing inherits the dataset's contract.
    const inherit = await runCli(['generate', '--patients', '2', '--days', '0.25', '--out', gapped], env);
    assert.equal(inherit.code, 0, inherit.stderr);
  });
});
