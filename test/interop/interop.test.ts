// Users' tools on a generated dataset: Spark MLlib (the product's stated purpose), pandas,
// pyarrow, DuckDB and Polars, from a project-local virtual environment.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DevServer } from '../../src/temporal/devServer.ts';
import { PROJECT_ROOT, runCli } from '../helpers/cli.ts';
import { runPython } from '../helpers/python.ts';
import { startTestTemporal } from '../helpers/servers.ts';
import { SIMULATION_START_EPOCH_MS } from '../../src/simulation/scenario.ts';

let server: DevServer;
let dataset: string;
let gapsDataset: string;
let result: {
  counts: Record<string, Record<string, number>>;
  types: Record<string, Record<string, Record<string, string>>>;
  spark_types: Record<string, string>;
  spark_nullable: Record<string, boolean>;
  spark_counts: Record<string, number>;
  first_instant_ms: Record<string, number>;
  duckdb_timestamp_type: string;
  rf_rmse_mgdl: number;
  rf_predictions: number;
  gbt_predictions: number;
  gbt_accuracy: number;
  gaps: {
    rows: number;
    pandas: Record<string, number>;
    polars: Record<string, number>;
    duckdb: Record<string, number>;
    spark: Record<string, number>;
    arrow_nullable: Record<string, boolean>;
    nan_in_polars: number;
    truth_mard_pct: number;
  };
};

before(async () => {
  execFileSync('bash', [join(PROJECT_ROOT, 'scripts/ensure-venv.sh')], { stdio: 'inherit' });
  server = await startTestTemporal();
  dataset = join(mkdtempSync(join(tmpdir(), 'interop-')), 'ds');
  const generated = await runCli(['generate', '--patients', '10', '--days', '0.5', '--seed', '3', '--out', dataset, '--workers', '2'], {
    TEMPORAL_ADDRESS: server.address,
  });
  assert.equal(generated.code, 0, generated.stderr);
  // A second dataset with the opt-in CGM gaps and the truth column: what every reader must see as nulls.
  gapsDataset = join(mkdtempSync(join(tmpdir(), 'interop-gaps-')), 'ds');
  const withGaps = await runCli(
    [
      'generate',
      '--patients',
      '10',
      '--days',
      '1',
      '--seed',
      '4',
      '--cgm-device',
      'g6',
      '--cgm-gaps',
      '--with-truth',
      '--out',
      gapsDataset,
      '--workers',
      '2',
    ],
    { TEMPORAL_ADDRESS: server.address },
  );
  assert.equal(withGaps.code, 0, withGaps.stderr);
  const output = await runPython([join(PROJECT_ROOT, 'test/interop/check_interop.py'), dataset, gapsDataset]);
  result = JSON.parse(
    output
      .split('\n')
      .find((line) => line.startsWith('INTEROP_RESULT '))!
      .slice('INTEROP_RESULT '.length),
  );
});
after(async () => {
  await server?.stop();
});

describe('interop with the Python data stack', () => {
  it("pandas, pyarrow.dataset, DuckDB and Polars agree on every table's row count", () => {
    for (const [table, counts] of Object.entries(result.counts)) {
      const values = Object.values(counts);
      assert.ok(
        values.every((v) => v === values[0]),
        `${table}: ${JSON.stringify(counts)}`,
      );
      assert.equal(result.spark_counts[table], values[0], `${table}: Spark`);
    }
    assert.equal(result.counts.patient_demographics!.duckdb, 10);
    const windows = 10 * (720 - 5);
    const total = ['train', 'val', 'test'].reduce((s, split) => s + result.counts[`timeseries_features_${split}`]!.pandas!, 0);
    assert.equal(total, windows);
  });

  it('Spark reads timestamp as TimestampType, features as double, labels as integer; nothing nullable is null', () => {
    assert.equal(result.spark_types.timestamp, 'timestamp');
    assert.equal(result.spark_types.patient_id, 'string');
    for (const [name, type] of Object.entries(result.spark_types)) {
      if (name.startsWith('feature_t') || name.startsWith('target_')) assert.equal(type, 'double', name);
      if (name.startsWith('label_')) assert.equal(type, 'int', name);
    }
  });

  it('pyarrow, pandas and Polars see the same types', () => {
    const arrow = result.types.timeseries_features_train!.pyarrow!;
    assert.equal(arrow.timestamp, 'timestamp[us, tz=UTC]');
    assert.equal(arrow.feature_t0_glucose_mgdl, 'double');
    assert.equal(arrow.label_fall_risk, 'int32');
    const polars = result.types.timeseries_features_train!.polars!;
    assert.match(polars.timestamp!, /Datetime\(time_unit='us', time_zone='UTC'\)/);
    assert.equal(polars.label_fall_risk, 'Int32');
    const pandas = result.types.timeseries_features_train!.pandas!;
    assert.match(pandas.timestamp!, /datetime64\[us, UTC\]/);
    assert.equal(pandas.label_fall_risk, 'int32');
  });

  it('the timestamp is one UTC instant in every reader: the first window ends at 00:04 UTC on the start day', () => {
    // The interop dataset's windows are 5 minutes long: the first ends 4 minutes after the simulation starts.
    const expected = SIMULATION_START_EPOCH_MS + 4 * 60_000;
    assert.deepEqual(result.first_instant_ms, { pandas: expected, pyarrow: expected, polars: expected, duckdb: expected, spark: expected });
    assert.equal(result.duckdb_timestamp_type, 'TIMESTAMP WITH TIME ZONE');
  });

  it('MLlib: VectorAssembler + RandomForestRegressor on target_glucose_mgdl and GBTClassifier on label_hypoglycemia_risk train and predict', () => {
    assert.ok(result.rf_predictions > 0);
    assert.ok(result.rf_rmse_mgdl > 0 && result.rf_rmse_mgdl < 40, `RMSE ${result.rf_rmse_mgdl}`);
    assert.ok(result.gbt_predictions > 0);
    assert.ok(result.gbt_accuracy > 0.8, `accuracy ${result.gbt_accuracy}`);
  });

  it('a --cgm-gaps dataset: pandas, Polars, DuckDB and Spark see the same nulls, only in the glucose columns', () => {
    const { gaps } = result;
    const glucose = (name: string) => /^feature_t\d+_glucose_mgdl$/.test(name) || /^target_glucose_mgdl(_\d+min)?$/.test(name);
    let nullsSeen = 0;
    for (const [column, pandasNulls] of Object.entries(gaps.pandas)) {
      assert.equal(gaps.polars[column], pandasNulls, `${column}: Polars`);
      assert.equal(gaps.duckdb[column], pandasNulls, `${column}: DuckDB`);
      assert.equal(gaps.spark[column], pandasNulls, `${column}: Spark`);
      if (!glucose(column)) assert.equal(pandasNulls, 0, `${column} holds nulls`);
      else nullsSeen += pandasNulls;
      assert.equal(gaps.arrow_nullable[column], true, `${column}: declared OPTIONAL in the file (schema 5)`);
    }
    assert.ok(
      gaps.pandas.feature_t0_glucose_mgdl! > 0 && gaps.pandas.feature_t0_glucose_mgdl! < 0.2 * gaps.rows,
      JSON.stringify(gaps.pandas.feature_t0_glucose_mgdl),
    );
    assert.ok(nullsSeen > 0);
    assert.equal(gaps.nan_in_polars, 0, 'missing readings are nulls, not NaN');
    assert.equal(gaps.pandas.blood_glucose_mgdl, 0);
    assert.ok(gaps.truth_mard_pct > 5 && gaps.truth_mard_pct < 16, `MARD from the table: ${gaps.truth_mard_pct}`);
  });
});
