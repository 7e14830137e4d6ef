import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DevServer } from '../../src/temporal/devServer.ts';
import { DEMOGRAPHICS_COLUMNS } from '../../src/dataset/arrowSchema.ts';
import { runCli } from '../helpers/cli.ts';
import { rows, scalar, tableGlob } from '../helpers/duckdb.ts';
import { startTemporalWithDuckdb } from '../helpers/servers.ts';

let server: DevServer;
let db: DuckDBConnection;
let env: Record<string, string>;
const root = mkdtempSync(join(tmpdir(), 'twin-cohort-'));

before(async () => {
  ({ server, env, db } = await startTemporalWithDuckdb());
});
after(async () => {
  await server?.stop();
});

const demographics = (dataset: string) => tableGlob(dataset, 'patient_demographics');

describe('cohorts of therapies and age groups, through the real Temporal server', () => {
  const mixed = join(root, 'mixed');
  const pens = join(root, 'pens');
  const loops = join(root, 'loops');

  it('a mixed cohort has every therapy and age group, with the schema-3 demographics columns', async () => {
    const result = await runCli(
      [
        'generate',
        '--patients',
        '45',
        '--days',
        '0.25',
        '--seed',
        '3',
        '--therapy-mix',
        'mdi:0.34,pump:0.33,aid:0.33',
        '--age-mix',
        'child:0.34,adolescent:0.33,adult:0.33',
        '--out',
        mixed,
        '--workers',
        '2',
      ],
      env,
    );
    assert.equal(result.code, 0, result.stderr);
    const columns = (await rows(db, `DESCRIBE SELECT * FROM ${demographics(mixed)}`)).map((row) => row[0]);
    assert.deepEqual(
      columns,
      DEMOGRAPHICS_COLUMNS.map((c) => c.name),
    );
    const cells = await rows(db, `SELECT therapy, age_group, count(*)::INT FROM ${demographics(mixed)} GROUP BY ALL ORDER BY ALL`);
    assert.equal(cells.length, 9, JSON.stringify(cells));
    // Ages, parameter sets and bodies follow the age group.
    const wrongAges = await scalar(
      db,
      `SELECT count(*) FROM ${demographics(mixed)} WHERE NOT ((age_group = 'child' AND age BETWEEN 6 AND ` +
        `12) OR (age_group = 'adolescent' AND age BETWEEN 13 AND 17) OR (age_group = 'adult' AND age BETWEEN ` +
        `18 AND 85))`,
    );
    assert.equal(wrongAges, 0);
    assert.equal(
      await scalar(db, `SELECT count(*) FROM ${demographics(mixed)} WHERE NOT starts_with(model_parameter_set, age_group || '#')`),
      0,
    );
    assert.ok(
      (await scalar(db, `SELECT avg(resting_hr_baseline) FROM ${demographics(mixed)} WHERE age_group = 'child'`)) >
        (await scalar(db, `SELECT avg(resting_hr_baseline) FROM ${demographics(mixed)} WHERE age_group = 'adult'`)),
    );
    assert.ok((await scalar(db, `SELECT max(weight_kg) FROM ${demographics(mixed)} WHERE age_group = 'child'`)) < 80);
    const manifest = JSON.parse(readFileSync(join(mixed, '_manifest.json'), 'utf8'));
    assert.equal(manifest.schemaVersion, 5);
    assert.deepEqual(manifest.runs[0].config.therapyMix, { mdi: 0.34, pump: 0.33, aid: 0.33 });
    const card = readFileSync(join(mixed, 'DATASET_CARD.md'), 'utf8');
    assert.match(card, /\| aid \| child \| \d+ \| ~\d+ %/);
    assert.match(card, /--therapy-mix mdi:0.34,pump:0.33,aid:0.33 --age-mix child:0.34,adolescent:0.33,adult:0.33/);
    const report = readFileSync(join(mixed, 'report.html'), 'utf8');
    assert.match(report, /id="tir-by-group"/);
    assert.match(report, /closed loop \(OpenAPS oref0 temp basals/);
  });

  it('an append that names no mix takes the dataset’s; --therapy-mix mdi:1 --age-mix adult:1 gives only adults on pens', async () => {
    const append = await runCli(['generate', '--patients', '6', '--days', '0.25', '--seed', '3', '--out', mixed], env);
    assert.equal(append.code, 0, append.stderr);
    const manifest = JSON.parse(readFileSync(join(mixed, '_manifest.json'), 'utf8'));
    assert.deepEqual(manifest.runs[1].config.ageMix, { child: 0.34, adolescent: 0.33, adult: 0.33 });

    const result = await runCli(
      ['generate', '--patients', '12', '--days', '0.25', '--seed', '3', '--therapy-mix', 'mdi:1', '--age-mix', 'adult:1', '--out', pens],
      env,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await rows(db, `SELECT DISTINCT therapy, age_group FROM ${demographics(pens)}`), [['mdi', 'adult']]);
  });

  it('the same seed under another therapy mix gives the same people; only the therapy and what insulin does differ', async () => {
    const result = await runCli(
      ['generate', '--patients', '12', '--days', '0.25', '--seed', '3', '--therapy-mix', 'aid:1', '--age-mix', 'adult:1', '--out', loops],
      env,
    );
    assert.equal(result.code, 0, result.stderr);
    const person =
      'patient_id, age, gender, bmi, height_cm, weight_kg, resting_hr_baseline, max_heart_rate, ' +
      'insulin_sensitivity_factor, age_group, model_parameter_set, split';
    const differing = await scalar(
      db,
      `SELECT count(*) FROM (SELECT ${person} FROM ${demographics(pens)} EXCEPT SELECT ${person} FROM ${demographics(loops)})`,
    );
    assert.equal(differing, 0);
    assert.deepEqual(await rows(db, `SELECT DISTINCT therapy FROM ${demographics(loops)}`), [['aid']]);
  });

  it('npm run trial writes trial.json with both arms over the same patients', async () => {
    const out = join(root, 'trial');
    const result = await runCli(
      ['trial', '--patients', '6', '--arms', 'pump,aid', '--age-mix', 'adult:1', '--days', '1', '--seed', '5', '--out', out],
      env,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Δtir aid − pump: [+-]\d+\.\d \(95 % CI/);
    assert.match(result.stdout, /CREATE, NEJM 2022/);
    const trial = JSON.parse(readFileSync(join(out, 'trial.json'), 'utf8'));
    assert.equal(trial.patients, 6);
    assert.deepEqual(trial.arms, ['pump', 'aid']);
    assert.deepEqual(trial.ageMix, { child: 0, adolescent: 0, adult: 1 });
    assert.deepEqual(
      trial.perArm.map((arm: { arm: string }) => arm.arm),
      ['pump', 'aid'],
    );
    assert.equal(trial.patientIds.length, 6);
    assert.equal(new Set(trial.patientIds).size, 6);
    const tir = trial.differences.find((d: { metric: string }) => d.metric === 'tir');
    assert.equal(tir.arm, 'aid');
    assert.equal(tir.baseline, 'pump');
    assert.ok(
      Math.abs(tir.mean - (trial.perArm[1].tir - trial.perArm[0].tir)) < 1e-9,
      'the mean paired difference is the difference of the arm means',
    );
    assert.ok(tir.ci95[0] <= tir.mean && tir.mean <= tir.ci95[1]);
    for (const metric of ['tir', 'tbr70', 'tbr54', 'tar180', 'meanMgdl', 'cvPct'])
      assert.ok(
        trial.differences.some((d: { metric: string }) => d.metric === metric),
        metric,
      );
  });

  it('bad trial input: one line naming the option, exit 2, nothing written', async () => {
    const out = join(root, 'bad-trial');
    const result = await runCli(['trial', '--arms', 'aid', '--out', out], env);
    assert.equal(result.code, 2);
    assert.match(result.stderr.trim(), /^error: invalid --arms: got "aid", expected two or more distinct therapies/);
    assert.equal(result.stderr.trim().split('\n').length, 1);
    assert.throws(() => readFileSync(join(out, 'trial.json')));
  });
});
