// Forecasting columns end to end: the real Temporal server and worker processes write them, and an
// independent reader (DuckDB) recomputes every one from the series itself.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DuckDBConnection } from '@duckdb/node-api';
import { featureColumnNames } from '../../src/dataset/arrowSchema.ts';
import { LABEL_NAMES } from '../../src/domain/features.ts';
import type { DevServer } from '../../src/temporal/devServer.ts';
import { runCli } from '../helpers/cli.ts';
import { partFilesIn } from '../helpers/datasetChecks.ts';
import { rows, scalar, tableGlob } from '../helpers/duckdb.ts';
import { startTemporalWithDuckdb } from '../helpers/servers.ts';

const SPLIT_TABLES = ['timeseries_features_train', 'timeseries_features_val', 'timeseries_features_test'];
const ORIGINAL_82 = [
  'patient_id',
  'timestamp',
  ...featureColumnNames(5),
  'target_glucose_mgdl',
  'target_heart_rate_bpm',
  'target_hrv_sdnn',
  'target_respiratory_rate_rpm',
  ...LABEL_NAMES,
];
const FORECASTING_6 = [
  'target_glucose_mgdl_30min',
  'target_glucose_mgdl_60min',
  'label_hypoglycemia_within_30min',
  'label_hyperglycemia_within_30min',
  'label_hypoglycemia_within_60min',
  'label_hyperglycemia_within_60min',
];

let server: DevServer;
let db: DuckDBConnection;
let env: Record<string, string>;
const root = mkdtempSync(join(tmpdir(), 'twin-forecast-'));
const withHorizons = join(root, 'default');
const without = join(root, 'none');
// 8 patients × 1 day, seed 4: lows and highs of 15+ minutes occur (asserted below).
const run = (out: string, extra: string[] = []) => [
  'generate',
  '--patients',
  '8',
  '--days',
  '1',
  '--seed',
  '4',
  '--batch-size',
  '3',
  '--workers',
  '2',
  '--out',
  out,
  ...extra,
];
const allRows = (dataset: string) => SPLIT_TABLES.map((t) => `SELECT * FROM ${tableGlob(dataset, t)}`).join(' UNION ALL ');

async function columnsOf(dataset: string): Promise<string[]> {
  const dir = join(dataset, 'timeseries_features_train.parquet');
  const file = join(dir, partFilesIn(dir)[0]!);
  return (await rows(db, `SELECT name FROM parquet_schema('${file}') WHERE num_children IS NULL OR num_children = 0`)).map((r) =>
    String(r[0]),
  );
}

before(async () => {
  ({ server, env, db } = await startTemporalWithDuckdb());
  const first = await runCli(run(withHorizons), env);
  assert.equal(first.code, 0, first.stderr);
  const second = await runCli(run(without, ['--horizons', 'none']), env);
  assert.equal(second.code, 0, second.stderr);
});
after(async () => {
  await server?.stop();
});

describe('forecasting columns (--horizons, default 30,60)', () => {
  it('the default schema is the original 82 columns, then the 6 forecasting columns in order; --horizons none gives the 82', async () => {
    assert.deepEqual(await columnsOf(withHorizons), [...ORIGINAL_82, ...FORECASTING_6]);
    assert.deepEqual(await columnsOf(without), ORIGINAL_82);
    const manifest = JSON.parse(readFileSync(join(withHorizons, '_manifest.json'), 'utf8'));
    assert.equal(manifest.schemaVersion, 5);
    assert.deepEqual(manifest.runs[0].config.forecastHorizonsMinutes, [30, 60]);
    assert.ok('label_hypoglycemia_within_60min' in manifest.labelCounts.train);
  });

  it('no row is lost and the 82 original columns are identical with and without horizons', async () => {
    assert.equal(await scalar(db, `SELECT count(*) FROM (${allRows(withHorizons)})`), 8 * (1440 - 5));
    const original = ORIGINAL_82.join(', ');
    for (const table of SPLIT_TABLES) {
      const [a, b] = [tableGlob(withHorizons, table), tableGlob(without, table)];
      assert.equal(
        await scalar(db, `SELECT count(*) FROM (SELECT ${original} FROM ${a} EXCEPT ALL SELECT ${original} FROM ${b})`),
        0,
        table,
      );
      assert.equal(
        await scalar(db, `SELECT count(*) FROM (SELECT ${original} FROM ${b} EXCEPT ALL SELECT ${original} FROM ${a})`),
        0,
        table,
      );
    }
    const nulls = FORECASTING_6.map((c) => `count(*) FILTER (WHERE ${c} IS NULL)`).join(' + ');
    assert.equal(await scalar(db, `SELECT ${nulls} FROM (${allRows(withHorizons)})`), 0);
  });

  it('DuckDB recomputes target_glucose_mgdl_{30,60}min from the series for every row whose t0 + h is in the table', async () => {
    for (const h of [30, 60]) {
      const checked = await scalar(
        db,
        `SELECT count(*) FROM (SELECT lead(feature_t0_glucose_mgdl, ${h}) OVER w future FROM ` +
          `(${allRows(withHorizons)}) WINDOW w AS (PARTITION BY patient_id ORDER BY timestamp)) WHERE future IS ` +
          `NOT NULL`,
      );
      assert.equal(checked, 8 * (1440 - 5 - h));
      const wrong = await scalar(
        db,
        `SELECT count(*) FROM (SELECT target_glucose_mgdl_${h}min AS tgt, lead(feature_t0_glucose_mgdl, ${h}) ` +
          `OVER w future FROM (${allRows(withHorizons)}) WINDOW w AS (PARTITION BY patient_id ORDER BY ` +
          `timestamp)) WHERE future IS NOT NULL AND future <> tgt`,
      );
      assert.equal(wrong, 0, `target_glucose_mgdl_${h}min`);
    }
  });

  it('early-warning labels recomputed from the series agree on every row whose horizon lies inside the visible series', async () => {
    // Runs of CGM beyond the threshold (gaps and islands); a minute is in an episode if its run
    // lasts >= 15 minutes. Rows are compared where every run touching (t0, t0 + h] is whole in the table.
    for (const [kind, beyond] of [
      ['hypo', 'g < 70'],
      ['hyper', 'g > 250'],
    ] as const) {
      for (const h of [30, 60]) {
        const sql = `
          WITH s AS (SELECT patient_id, timestamp, feature_t0_glucose_mgdl g, label_${kind}glycemia_within_${h}min AS lbl,
                       row_number() OVER (PARTITION BY patient_id ORDER BY timestamp) rn,
                       count(*) OVER (PARTITION BY patient_id) n
                     FROM (${allRows(withHorizons)})),
               runs AS (SELECT *, rn - row_number() OVER (PARTITION BY patient_id, (${beyond}) ORDER BY timestamp) grp FROM s),
               marked AS (SELECT *, CASE WHEN ${beyond} AND count(*) OVER (PARTITION BY patient_id, (${beyond}), grp) >= 15
                                         THEN 1 ELSE 0 END episode FROM runs),
               recomputed AS (SELECT *, max(episode) OVER (PARTITION BY patient_id ORDER BY timestamp
                                                           ROWS BETWEEN 1 FOLLOWING AND ${h} FOLLOWING) expected FROM marked)
          SELECT count(*) FILTER (WHERE expected <> lbl), count(*), sum(lbl) FROM recomputed WHERE rn > 14 AND rn + ${h} + 14 <= n`;
        const [wrong, compared, positives] = (await rows(db, sql))[0]!.map(Number);
        assert.equal(wrong, 0, `label_${kind}glycemia_within_${h}min`);
        assert.equal(compared, 8 * (1440 - 5 - 28 - h));
        assert.ok(positives! > 0, `label_${kind}glycemia_within_${h}min has positives in this cohort`);
      }
    }
  });

  it("an append whose horizons differ from the dataset's is refused with one clear line, nothing written", async () => {
    const before = readFileSync(join(without, '_manifest.json'), 'utf8');
    const refused = await runCli(['generate', '--patients', '2', '--days', '0.1', '--out', without], env);
    assert.equal(refused.code, 2, refused.stderr);
    assert.equal(refused.stderr.trim().split('\n').length, 1);
    assert.match(refused.stderr, /forecastHorizonsMinutes \(--horizons\).*horizons none.*asks for .*horizons 30,60.*one schema/);
    assert.equal(readFileSync(join(without, '_manifest.json'), 'utf8'), before);
    const matching = await runCli(
      ['generate', '--patients', '2', '--days', '0.1', '--horizons', 'none', '--out', without, '--workers', '1'],
      env,
    );
    assert.equal(matching.code, 0, matching.stderr);
    assert.deepEqual(await columnsOf(without), ORIGINAL_82);
  });
});
