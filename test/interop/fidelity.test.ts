// `npm run fidelity` against the committed real excerpts (test/fixtures/real): the measurement is
// honest (the same real people split in two cannot be told apart, real people with 5 mg/dL of noise
// added can; trained and tested on the same real source, TSTR matches TRTR), and the command end
// to end on a small generated dataset: fidelity.json's contract, the card and report sections, the
// same file from the same seed, the refusals (exit 2, nothing written), and the stale mark after an append.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cutSegments, segmentMetrics } from '../../src/fidelity/metrics.ts';
import { runFidelityPython, writeFidelityWork, type SegmentRow } from '../../src/fidelity/runFidelity.ts';
import { onCommonGrid, realGridSeries, type GridSeries } from '../../src/fidelity/series.ts';
import { readRealSet } from '../../src/real/readRealSet.ts';
import { randomStream } from '../../src/util/random.ts';
import type { DevServer } from '../../src/temporal/devServer.ts';
import { PROJECT_ROOT, runCli } from '../helpers/cli.ts';
import { startTestTemporal } from '../helpers/servers.ts';

const FIXTURES = join(PROJECT_ROOT, 'test/fixtures/real');
const realPeople = [
  ...readRealSet({ format: 'csv', path: join(FIXTURES, 'physiocgm') }).people,
  ...readRealSet({ format: 't1d-uom', path: join(FIXTURES, 't1d-uom') }).people,
]
  .map(realGridSeries)
  .filter((s) => s.dynamics);

/** A series' slots [from, to) as a series of its own, on one side (the same person: folds keep both halves together; one set). */
function part(series: GridSeries, from: number, to: number, side: GridSeries['side']): GridSeries {
  return {
    ...series,
    side,
    source: 'fixtures',
    personId: `${series.source}:${series.personId}`,
    startMs: series.startMs + from * 300_000,
    glucose: series.glucose.slice(from, to),
    commonMgdl: series.commonMgdl.slice(from, to),
    atCeiling: series.atCeiling.slice(from, to),
  };
}

interface PythonResult {
  discriminator: { auroc: number; ci95: [number, number]; windowsPerSide: number };
  forecasting: Record<
    string,
    { persistence: number; tstr: { lightgbm: number; ridge: number }; trtr: { lightgbm: number; ridge: number } }
  >;
  metrics: Record<string, { ks: number }>;
}

async function measure(real: GridSeries[], synthetic: GridSeries[]): Promise<PythonResult> {
  const work = mkdtempSync(join(tmpdir(), 'fidelity-honest-'));
  const rows: SegmentRow[] = [...real, ...synthetic].flatMap((series) =>
    cutSegments(series, 288).map((segment) => ({
      side: series.side,
      source: series.source,
      person: series.personId,
      metrics: segmentMetrics(segment),
    })),
  );
  await writeFidelityWork(work, [...real, ...synthetic], rows, { seed: 7, augmentation: false });
  await runFidelityPython(work, () => {});
  return JSON.parse(readFileSync(join(work, 'result.json'), 'utf8')) as PythonResult;
}

before(() => {
  execFileSync('bash', [join(PROJECT_ROOT, 'scripts/ensure-venv.sh')], { stdio: 'inherit' });
});

describe('the measurement is honest (real excerpts)', () => {
  it(`the same real people split in two halves of their record: AUROC 0.4–0.6; trained on one half, TSTR matches TRTR`, async (t) => {
    assert.ok(realPeople.length >= 6, `${realPeople.length} real people with 5-minute dynamics in the fixtures`);
    const half = (s: GridSeries) => Math.floor(s.glucose.length / 2);
    const result = await measure(
      realPeople.map((s) => part(s, half(s), s.glucose.length, 'real')),
      realPeople.map((s) => part(s, 0, half(s), 'synthetic')),
    );
    const { auroc, windowsPerSide } = result.discriminator;
    t.diagnostic(`AUROC ${auroc.toFixed(3)}; forecasting ${JSON.stringify(result.forecasting)}`);
    assert.ok(auroc >= 0.4 && auroc <= 0.6, `AUROC ${auroc} over ${windowsPerSide} windows a side`);
    for (const horizon of ['30', '60']) {
      const f = result.forecasting[horizon]!;
      // Within noise: the two trainings differ by less than a tenth of what the models gain over persistence.
      const gain = f.persistence - f.trtr.lightgbm;
      assert.ok(gain > 1, `${horizon} min: LightGBM gains ${gain} mg/dL over persistence`);
      assert.ok(
        Math.abs(f.tstr.lightgbm - f.trtr.lightgbm) < Math.max(1, 0.35 * gain),
        `${horizon} min: TSTR ${f.tstr.lightgbm} vs TRTR ${f.trtr.lightgbm}`,
      );
    }
    assert.ok(result.metrics.sd5!.ks < 0.5, `sd5 KS ${result.metrics.sd5!.ks}`);
  });

  it('the same real people with Gaussian noise of SD 5 mg/dL added: AUROC above 0.9', async (t) => {
    const rng = randomStream(11, 0, 'noise');
    const noisy = realPeople.map((s) => {
      const copy = part(s, 0, s.glucose.length, 'synthetic');
      copy.commonMgdl = s.commonMgdl.map((v) => (Number.isNaN(v) ? v : onCommonGrid(v + 5 * rng.normal())));
      return copy;
    });
    const result = await measure(
      realPeople.map((s) => part(s, 0, s.glucose.length, 'real')),
      noisy,
    );
    t.diagnostic(`AUROC ${result.discriminator.auroc.toFixed(3)}`);
    assert.ok(result.discriminator.auroc > 0.9, `AUROC ${result.discriminator.auroc}`);
  });
});

describe('npm run fidelity', () => {
  let server: DevServer;
  let dataset: string;
  let first: { code: number | null; stdout: string; stderr: string };
  const reals = ['--real', `csv=${join(FIXTURES, 'physiocgm')}`, '--real', `t1d-uom=${join(FIXTURES, 't1d-uom')}`];

  before(async () => {
    server = await startTestTemporal();
    dataset = join(mkdtempSync(join(tmpdir(), 'fidelity-')), 'ds');
    const generated = await runCli(
      ['generate', '--patients', '30', '--days', '2', '--seed', '9', '--out', dataset, '--workers', '2', '--quiet'],
      {
        TEMPORAL_ADDRESS: server.address,
      },
    );
    assert.equal(generated.code, 0, generated.stderr);
  });
  after(async () => {
    await server?.stop();
  });

  it('refuses bad input with one line and exit 2, writing nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['fidelity', '--in', dataset], /invalid --real: missing; expected FORMAT=PATH/],
      [['fidelity', '--in', dataset, '--real', 'dexcom=/x'], /invalid --real: got "dexcom=\/x", expected FORMAT=PATH with FORMAT one of/],
      [['fidelity', '--in', dataset, '--real', 'csv=/nonexistent/set'], /invalid --real csv=\/nonexistent\/set: no such file or folder/],
      [['fidelity', '--in', dataset, '--real', `t1d-uom=${FIXTURES}`], /no "Glucose Data" folder/],
      [['fidelity', '--in', dataset, ...reals, '--match', 'height'], /invalid --match: got "height", expected a list of therapy, age/],
      [['fidelity', '--in', join(dataset, 'nothing-here'), ...reals], /holds no committed dataset/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(
        result.stderr
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('error:')).length,
        1,
      );
    }
    assert.equal(existsSync(join(dataset, 'fidelity.json')), false);
  });

  it('measures, writes fidelity.json by its contract, and the card and report show it with the sets cited', async () => {
    first = await runCli(['fidelity', '--in', dataset, ...reals, '--match', 'age', '--no-augmentation', '--seed', '3']);
    assert.equal(first.code, 0, first.stderr);
    for (const phase of ['reading', 'metrics', 'discriminator', 'forecasting'])
      assert.match(first.stderr, new RegExp(`\\[fidelity\\] ${phase}`));
    // A KS distance lies in [0, 1]; on this small fixture the two sets' sd5 can separate completely (1.00).
    const sd5Row = /SD of the 5-min change, mg\/dL \| [\d.]+ \/ [\d.]+ \/ [\d.]+ \| [\d.]+ \/ [\d.]+ \/ [\d.]+ \| ([01]\.\d\d) \|/.exec(
      first.stdout,
    );
    assert.ok(sd5Row, first.stdout);
    const report = JSON.parse(readFileSync(join(dataset, 'fidelity.json'), 'utf8'));
    assert.equal(sd5Row[1], report.metrics.sd5.ks.toFixed(2));
    for (const key of ['version', 'seed', 'real', 'synthetic', 'metrics', 'pooled', 'discriminator', 'forecasting', 'augmentation'])
      assert.ok(key in report, key);
    assert.equal(report.seed, 3);
    assert.deepEqual(
      report.real.sources.map((s: { format: string; people: number }) => [s.format, s.people]),
      [
        ['csv', 4],
        ['t1d-uom', 5],
      ],
    );
    assert.equal(report.synthetic.datasetRuns, 1);
    assert.ok(report.synthetic.people > 0 && report.synthetic.people < 30, 'matched on age: adults only');
    for (const name of ['tir', 'tbr70', 'tbr54', 'tar180', 'tar250', 'cv', 'mean', 'gmi', 'lbgi', 'hbgi', 'sd5', 'acf30', 'acf60']) {
      const m = report.metrics[name];
      assert.equal(m.real.length, 3, name);
      assert.equal(m.synthetic.length, 3, name);
      assert.ok(m.ks >= 0 && m.ks <= 1 && m.wasserstein >= 0, name);
    }
    assert.ok(report.pooled.ceilingPct.synthetic >= 0 && report.pooled.below54Pct.real >= 0);
    assert.ok(report.discriminator.auroc > 0 && report.discriminator.auroc <= 1);
    assert.equal(report.discriminator.ci95.length, 2);
    assert.ok(report.discriminator.topFeatures.length > 0);
    for (const horizon of ['30', '60']) {
      const f = report.forecasting[horizon];
      assert.ok(f.persistence > 0 && f.tstr.ridge > 0 && f.tstr.lightgbm > 0 && f.trtr.lightgbm > 0, horizon);
      assert.ok('lightgbm' in f.realGainCaptured);
    }
    assert.equal(report.augmentation, null);
    assert.ok('forecastingWithInsulinCarbs' in report);
    assert.deepEqual(
      report.usedFor.excludedFromDynamics.map((e: { person: string }) => e.person),
      ['t1d-uom:2302'],
    );
    const card = readFileSync(join(dataset, 'DATASET_CARD.md'), 'utf8');
    assert.match(card, /## Against real people/);
    assert.match(card, /T1D-UOM: Alsuhaymi et al\., Sci Data 12:1379/);
    assert.doesNotMatch(card, /Measured on an earlier state/);
    const html = readFileSync(join(dataset, 'report.html'), 'utf8');
    assert.match(html, /<section id="fidelity">/);
    assert.match(html, /id="fidelity-acf"/);
  });

  it('the same inputs and seed give the same fidelity.json', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fidelity-again-'));
    const again = await runCli([
      'fidelity',
      '--in',
      dataset,
      ...reals,
      '--match',
      'age',
      '--no-augmentation',
      '--seed',
      '3',
      '--out',
      out,
      '--quiet',
      '--json',
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(readFileSync(join(out, 'fidelity.json'), 'utf8'), readFileSync(join(dataset, 'fidelity.json'), 'utf8'));
    assert.equal(again.stderr, '');
    assert.equal(JSON.parse(again.stdout).seed, 3);
  });

  it('after an append the card says it was measured on an earlier state', async () => {
    const appended = await runCli(['generate', '--patients', '3', '--days', '2', '--out', dataset, '--workers', '1', '--quiet'], {
      TEMPORAL_ADDRESS: server.address,
    });
    assert.equal(appended.code, 0, appended.stderr);
    assert.match(
      readFileSync(join(dataset, 'DATASET_CARD.md'), 'utf8'),
      /Measured on an earlier state of the dataset \(1 run\(s\); it has 2 now\)/,
    );
  });
});
