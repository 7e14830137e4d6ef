// `npm run evaluate` on a small dataset: the real Python ML stack (scikit-learn, LightGBM) in the
// project's virtual environment, evaluation.json, and the Baselines section in the card and the
// report (rendered in headless Chromium).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import type { DevServer } from '../../src/temporal/devServer.ts';
import { PROJECT_ROOT, runCli } from '../helpers/cli.ts';
import { startTestTemporal } from '../helpers/servers.ts';

let server: DevServer;
let dataset: string;
let browser: Browser;
let firstRun: { code: number | null; stdout: string; stderr: string };

const TASKS: [string, number][] = [
  ['glucose', 1],
  ['glucose', 30],
  ['glucose', 60],
  ['hypoglycemia_risk', 1],
  ['hypoglycemia_within', 30],
  ['hyperglycemia_within', 30],
  ['hypoglycemia_within', 60],
  ['hyperglycemia_within', 60],
];
const MODELS = ['persistence', 'trend', 'ridge', 'gbt'];
const evaluation = () => JSON.parse(readFileSync(join(dataset, 'evaluation.json'), 'utf8'));

before(async () => {
  execFileSync('bash', [join(PROJECT_ROOT, 'scripts/ensure-venv.sh')], { stdio: 'inherit' });
  server = await startTestTemporal();
  dataset = join(mkdtempSync(join(tmpdir(), 'evaluate-')), 'ds');
  // 40 patients × 1 day, seed 5: every split has sustained lows and highs.
  const generated = await runCli(['generate', '--patients', '40', '--days', '1', '--seed', '5', '--out', dataset, '--workers', '2'], {
    TEMPORAL_ADDRESS: server.address,
  });
  assert.equal(generated.code, 0, generated.stderr);
  firstRun = await runCli(['evaluate', '--in', dataset, '--train-rows', '20000']);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('npm run evaluate', () => {
  it('writes evaluation.json with every task/model pair and real metrics', () => {
    assert.equal(firstRun.code, 0, firstRun.stderr);
    assert.match(firstRun.stdout, /target_glucose_mgdl_60min\s+gbt\s+\d+\.\d+/);
    const result = evaluation();
    assert.equal(result.trainRowsUsed > 15_000 && result.trainRowsUsed < 25_000, true, String(result.trainRowsUsed));
    assert.equal(result.dataset.patients, 40);
    for (const [task, horizon] of TASKS) {
      for (const model of MODELS) {
        const rows = result.results.filter(
          (r: { task: string; horizonMinutes: number; model: string; subgroup?: unknown }) =>
            !r.subgroup && r.task === task && r.horizonMinutes === horizon && r.model === model,
        );
        assert.equal(rows.length, 1, `${task} ${horizon} ${model}`);
        const row = rows[0];
        if (task === 'glucose') {
          for (const key of ['rmse', 'mae', 'mard', 'clarkeA', 'clarkeAB'])
            assert.equal(typeof row[key], 'number', `${task} ${horizon} ${model} ${key}`);
          assert.ok(row.clarkeA <= row.clarkeAB && row.clarkeAB <= 100);
          assert.ok(row.rmse >= row.mae);
        } else {
          assert.ok(row.auroc > 0.5 && row.auroc <= 1, `${task} ${horizon} ${model} auroc ${row.auroc}`);
          assert.ok(row.auprc > 0 && row.auprc <= 1);
          if (task !== 'hypoglycemia_risk') {
            assert.ok(row.episodes > 0, `${task} ${horizon}: episodes in test`);
            assert.ok(row.eventSensitivity >= 0 && row.eventSensitivity <= 1);
            assert.ok(row.falseAlarmsPerPatientDay >= 0);
          }
        }
      }
    }
    // Persistence barely changes in a minute and drifts over an hour.
    const rmse = (h: number, model: string) =>
      result.results.find(
        (r: { task: string; horizonMinutes: number; model: string; subgroup?: unknown }) =>
          !r.subgroup && r.task === 'glucose' && r.horizonMinutes === h && r.model === model,
      ).rmse;
    assert.ok(rmse(1, 'persistence') < 3);
    assert.ok(rmse(60, 'persistence') > rmse(30, 'persistence'));
  });

  it('adds rows per therapy and per age group: persistence and gbt at 30 and 60 min, and the hypo early warning', () => {
    const result = evaluation();
    type Row = {
      task: string;
      target: string;
      horizonMinutes: number;
      model: string;
      subgroup?: Record<string, string>;
      testRows: number;
      rmse?: number;
      prevalence?: number;
    };
    const subgroupRows: Row[] = result.results.filter((r: Row) => r.subgroup);
    const groups = new Set(subgroupRows.map((r) => JSON.stringify(r.subgroup)));
    // The test split's patients: every therapy or age group present among them has its rows.
    const demographics = JSON.parse(
      execFileSync(
        join(PROJECT_ROOT, '.venv/bin/python'),
        [
          '-c',
          `import pyarrow.parquet as pq, json; t = pq.read_table('${dataset}/patient_demographics.parquet'); ` +
            `print(json.dumps([r for r in t.select(['therapy', 'age_group', 'split']).to_pylist() if r['split'] ` +
            `== 'test']))`,
        ],
        { encoding: 'utf8' },
      ),
    );
    const expected = new Set([
      ...demographics.map((p: { therapy: string }) => JSON.stringify({ therapy: p.therapy })),
      ...demographics.map((p: { age_group: string }) => JSON.stringify({ ageGroup: p.age_group })),
    ]);
    assert.deepEqual([...groups].sort(), [...expected].sort());
    for (const group of groups) {
      const rows = subgroupRows.filter((r) => JSON.stringify(r.subgroup) === group);
      for (const h of [30, 60]) {
        for (const model of ['persistence', 'gbt']) {
          const forecast = rows.find((r) => r.task === 'glucose' && r.horizonMinutes === h && r.model === model);
          assert.ok(forecast && typeof forecast.rmse === 'number' && forecast.rmse > 0 && forecast.testRows > 0, `${group} ${h} ${model}`);
          assert.ok(
            rows.some((r) => r.task === 'hypoglycemia_within' && r.horizonMinutes === h && r.model === model),
            `${group} hypo ${h} ${model}`,
          );
        }
      }
    }
    // The therapy rows partition the test windows.
    const therapyRows = subgroupRows.filter(
      (r) => r.subgroup!.therapy && r.task === 'glucose' && r.horizonMinutes === 30 && r.model === 'gbt',
    );
    assert.equal(
      therapyRows.reduce((sum, r) => sum + r.testRows, 0),
      result.testRows,
    );
    assert.match(firstRun.stdout, /By subgroup/);
  });

  it('same dataset, same result', async () => {
    const first = evaluation();
    const again = await runCli(['evaluate', '--in', dataset, '--train-rows', '20000']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(evaluation(), first);
  });

  it('refuses bad input with one line, exit 2', async () => {
    const missing = await runCli(['evaluate', '--in', join(dataset, 'nothing-here')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr.trim(), /^error: invalid --in: .* holds no committed dataset/);
    const rows = await runCli(['evaluate', '--in', dataset, '--train-rows', 'many']);
    assert.equal(rows.code, 2);
    assert.match(rows.stderr.trim(), /^error: invalid --train-rows: got "many"/);
  });

  it('the card and the report show the Baselines section; the report draws the RMSE-by-horizon chart', async () => {
    const card = readFileSync(join(dataset, 'DATASET_CARD.md'), 'utf8');
    assert.match(card, /## Baselines/);
    assert.match(card, /\| target_glucose_mgdl_30min \| 30 \| gbt \| \d+\.\d\d \|/);
    assert.match(card, /\| label_hypoglycemia_within_60min \| 60 \| persistence \| 0\.\d{3} \|/);
    assert.doesNotMatch(card, /Stale/);
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(String(error)));
    await page.goto(`file://${join(dataset, 'report.html')}`, { waitUntil: 'load' });
    assert.deepEqual(problems, []);
    assert.equal(await page.locator('section#baselines h2').textContent(), 'Baselines');
    const chart = page.locator('figure#rmse-by-horizon svg');
    assert.equal(await chart.count(), 1);
    const box = await chart.boundingBox();
    assert.ok(box && box.width > 300 && box.height > 200);
    for (const model of MODELS) assert.ok((await chart.locator('text', { hasText: model }).count()) >= 1, `legend ${model}`);
    // Two tables: 4 models × 3 glucose targets, 4 models × 5 label tasks (plus header rows).
    assert.equal(await page.locator('section#baselines table').count(), 2);
    assert.equal(await page.locator('section#baselines table').nth(0).locator('tr').count(), 1 + 12);
    assert.equal(await page.locator('section#baselines table').nth(1).locator('tr').count(), 1 + 20);
    // The new labels' prevalence is in the label chart too.
    assert.ok((await page.locator('figure#labels svg text', { hasText: 'hypoglycemia_within_60min' }).count()) >= 1);
    await page.screenshot({ path: join(tmpdir(), `report-baselines-${Date.now()}.png`), fullPage: true });
    await page.close();
  });

  it('a later commit keeps the section and marks it stale', async () => {
    const grown = await runCli(['generate', '--patients', '2', '--days', '0.2', '--seed', '5', '--out', dataset, '--workers', '1'], {
      TEMPORAL_ADDRESS: server.address,
    });
    assert.equal(grown.code, 0, grown.stderr);
    const card = readFileSync(join(dataset, 'DATASET_CARD.md'), 'utf8');
    assert.match(card, /## Baselines/);
    assert.match(card, /Stale: computed when the dataset had 40 patients in 1 run\(s\); it has 42 in 2 now/);
    assert.match(readFileSync(join(dataset, 'report.html'), 'utf8'), /class="note">Stale: computed when the dataset had 40 patients/);
  });
});
