import type * as Echarts from 'echarts';
import { F, FEATURE_NAMES } from '../domain/features.ts';
import { SPLITS } from '../dataset/splits.ts';
import { timeseriesTable } from '../storage/layout.ts';
import { cohortCellKey, correlationMatrix, GLUCOSE_BIN_MGDL, histogramQuantile } from '../dataset/summaryStats.ts';
import { AGE_GROUPS, THERAPIES } from '../domain/cohort.ts';
import { ActivityKind } from '../domain/activity.ts';
import { SensorState } from '../domain/cgm.ts';
import { GENERATOR } from '../version.ts';
import { baselineTables, type BaselineTables } from './baselines.ts';
import type { ReportData } from './reportData.ts';
import {
  FIDELITY_HEADER,
  FIDELITY_NOT_MEASURED,
  fidelityCitations,
  fidelityHeadlines,
  fidelityIntro,
  fidelityMetricRows,
  fidelityStaleNote,
} from './fidelityTables.ts';

type Option = Parameters<ReturnType<typeof Echarts.init>['setOption']>[0];

// ECharts is loaded when a report is first rendered: it costs ~2 s and ~70 MB to load, which
// every worker and CLI start would otherwise pay.
let echarts: typeof Echarts | undefined;

/** Renders one ECharts chart to an SVG string on the server: the page needs no script and no network. */
function svgChart(option: Option, width: number, height: number): string {
  if (!echarts) throw new Error('ECharts is not loaded (htmlReport loads it)');
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  chart.setOption({ animation: false, textStyle: { fontFamily: 'sans-serif' }, ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function labelPrevalenceChart(data: ReportData): string {
  const { manifest } = data;
  const symbols = { train: 'circle', val: 'diamond', test: 'triangle' } as const;
  return svgChart(
    {
      title: { text: 'Label prevalence per split (% of windows, log scale)', left: 'center', textStyle: { fontSize: 14 } },
      legend: { top: 28, data: [...SPLITS] },
      grid: { left: 260, right: 40, top: 60, bottom: 40 },
      xAxis: { type: 'log', name: '%', min: 0.001, max: 100 },
      yAxis: { type: 'category', data: data.labelNames.map((l) => l.replace('label_', '')), splitLine: { show: true } },
      series: SPLITS.map((split) => ({
        name: split,
        type: 'scatter',
        symbol: symbols[split],
        symbolSize: 11,
        // A split with no positive window sits at the axis minimum.
        data: data.labelNames.map((label, i) => {
          const rows = manifest.totals[timeseriesTable(split)].rows;
          return [rows > 0 ? Math.max(0.001, (100 * (manifest.labelCounts[split][label] ?? 0)) / rows) : 0.001, i];
        }),
      })),
    },
    760,
    100 + 26 * data.labelNames.length,
  );
}

function histogramChart(title: string, histogram: number[], lo: number, width: number, unit: string, marks: number[] = []): string {
  return svgChart(
    {
      title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
      grid: { left: 60, right: 20, top: 55, bottom: 50 },
      xAxis: { type: 'category', name: unit, nameLocation: 'middle', nameGap: 30, data: histogram.map((_, i) => String(lo + i * width)) },
      yAxis: { type: 'value' },
      series: [
        {
          type: 'bar',
          data: histogram,
          barCategoryGap: '5%',
          itemStyle: { color: '#4c78a8' },
          markLine: marks.length
            ? {
                symbol: 'none',
                lineStyle: { color: '#e45756' },
                label: { formatter: '{b}', position: 'insideEndTop' },
                data: marks.map((m) => ({ xAxis: String(m), name: String(m) })),
              }
            : undefined,
        },
      ],
    },
    370,
    300,
  );
}

/** Stretches [start, end) of minutes where `inside(minute)` holds, as chart x-axis areas (hours). */
function minuteAreas(minutes: number, inside: (minute: number) => boolean, hours: string[]): [{ xAxis: string }, { xAxis: string }][] {
  const areas: [{ xAxis: string }, { xAxis: string }][] = [];
  let start = -1;
  for (let m = 0; m <= minutes; m++) {
    const within = m < minutes && inside(m);
    if (within && start < 0) start = m;
    if (!within && start >= 0) {
      areas.push([{ xAxis: hours[start]! }, { xAxis: hours[m - 1]! }]);
      start = -1;
    }
  }
  return areas;
}

/** The glucose axis' top: 400 mg/dL, or the next 50 above the highest value shown. */
export function chartTopMgdl(values: readonly (number | null)[]): number {
  let highest = 400;
  for (const value of values) if (value !== null && value > highest) highest = value;
  return Math.ceil(highest / 50) * 50;
}

/** The example patient's week: the CGM as a --cgm-gaps table holds it, the truth beside it, what the sensor did. */
function examplePatientWeek(data: ReportData): string {
  const week = data.exampleWeek!;
  const { series, minutes } = week;
  const { state, sensorStarts, compressionStarts, compressionMgdl } = series.sensor;
  const hours = Array.from({ length: minutes }, (_, m) => (m / 60).toFixed(2));
  const cgm = Array.from({ length: minutes }, (_, m) => (state[m] === SensorState.Reading ? series.signals[F.glucose_mgdl]![m]! : null));
  const truth = Array.from({ length: minutes }, (_, m) => Math.round(series.bloodGlucoseMgdl[m]!));
  const shade = (name: string, color: string, inside: (m: number) => boolean) => ({
    name,
    type: 'line' as const,
    data: [],
    markArea: { silent: true, itemStyle: { color }, data: minuteAreas(minutes, inside, hours) },
  });
  return svgChart(
    {
      title: {
        text:
          `A patient-week on ${data.manifest.runs[data.manifest.runs.length - 1]!.config.cgmDevice}: CGM (gaps left empty) and plasma ` +
          `glucose\nsensor changes marked; warm-ups, signal loss and compression lows shaded`,
        left: 'center',
        textStyle: { fontSize: 12 },
      },
      legend: { top: 36, data: ['CGM', 'plasma glucose', 'warm-up', 'signal loss or failed sensor', 'compression low'] },
      grid: { left: 60, right: 20, top: 70, bottom: 40 },
      xAxis: { type: 'category', data: hours, name: 'hour', nameLocation: 'middle', nameGap: 25, axisLabel: { interval: 1439 } },
      // Up to 400 mg/dL, higher when the week goes higher (a Libre 3 reads to 500; plasma glucose has no ceiling).
      yAxis: { type: 'value', min: 40, max: chartTopMgdl([...cgm, ...truth]), name: 'mg/dL' },
      series: [
        {
          name: 'CGM',
          type: 'line',
          data: cgm,
          showSymbol: false,
          connectNulls: false,
          lineStyle: { width: 1, color: '#4c78a8' },
          itemStyle: { color: '#4c78a8' },
          markLine: {
            symbol: 'none',
            lineStyle: { color: '#222', type: 'dashed' },
            label: { formatter: '{b}', fontSize: 9 },
            data: [
              ...sensorStarts.filter((m) => m < minutes).map((m) => ({ xAxis: hours[m]!, name: 'new sensor' })),
              ...compressionStarts
                .filter((m) => m < minutes)
                .map((m) => ({ xAxis: hours[m]!, name: 'lying on it', lineStyle: { color: '#b279a2' } })),
            ],
          },
        },
        {
          name: 'plasma glucose',
          type: 'line',
          data: truth,
          showSymbol: false,
          lineStyle: { width: 1, color: '#f58518', opacity: 0.7 },
          itemStyle: { color: '#f58518' },
        },
        shade('warm-up', 'rgba(84,162,75,0.25)', (m) => state[m] === SensorState.WarmUp),
        shade(
          'signal loss or failed sensor',
          'rgba(228,87,86,0.2)',
          (m) => state[m] === SensorState.SignalLoss || state[m] === SensorState.Failed,
        ),
        shade('compression low', 'rgba(178,121,162,0.25)', (m) => compressionMgdl[m]! < -5),
      ],
    },
    1000,
    340,
  );
}

function examplePatientDay(data: ReportData): string {
  const { series, firstMinute, minutes, profile } = data.example;
  const hours = Array.from({ length: minutes }, (_, m) => ((firstMinute + m) / 60).toFixed(2));
  const inDay = (minute: number) => minute >= firstMinute && minute < firstMinute + minutes;
  const exerciseAreas: [{ xAxis: string }, { xAxis: string }][] = [];
  let start = -1;
  for (let m = 0; m <= minutes; m++) {
    const exercising = m < minutes && series.timeline.activityKind[firstMinute + m] === ActivityKind.Exercise;
    if (exercising && start < 0) start = m;
    if (!exercising && start >= 0) {
      exerciseAreas.push([{ xAxis: hours[start]! }, { xAxis: hours[m - 1]! }]);
      start = -1;
    }
  }
  const marks = [
    ...series.timeline.mealMinutes.map((m, i) => ({
      minute: m,
      name: `meal ${Math.round(series.timeline.mealGrams[i]!)} g`,
      color: '#f58518',
    })),
    ...series.timeline.bolusMinutes.map((m, i) => ({
      minute: m,
      name: `bolus ${Number(series.timeline.bolusUnits[i]!.toFixed(2))} U`,
      color: '#54a24b',
    })),
    ...series.timeline.hypoTreatmentMinutes.map((m) => ({ minute: m, name: 'hypo treatment', color: '#e45756' })),
  ].filter((mark) => inDay(mark.minute));
  // The insulin actually delivered as basal, minute by minute: the schedule, temp basals, suspensions.
  const basal = new Float64Array(minutes);
  const { basalChangeMinutes, basalUnitsPerHour } = series.timeline;
  for (let change = 0; change < basalChangeMinutes.length; change++) {
    const from = Math.max(0, basalChangeMinutes[change]! - firstMinute);
    const to = change + 1 < basalChangeMinutes.length ? basalChangeMinutes[change + 1]! - firstMinute : minutes;
    if (to > 0 && from < minutes) basal.fill(basalUnitsPerHour[change]!, from, Math.min(minutes, to));
  }
  const panels = [...FEATURE_NAMES, 'basal_rate_u_per_h'];
  const panelHeight = 70;
  const top = 56;
  const grids = panels.map((_, i) => ({ left: 170, right: 20, top: top + i * panelHeight, height: panelHeight - 18 }));
  const therapyText = { mdi: 'pens (MDI)', pump: 'insulin pump', aid: 'closed loop (OpenAPS oref0 temp basals, every 5 min)' }[
    profile.therapyKind
  ];
  const option: Option = {
    title: {
      text:
        `Example patient-day: ${profile.patientId} (${profile.ageGroup}, age ${profile.age}, ` +
        `${profile.gender}, BMI ${profile.bmi}) on ${therapyText}\nmeals, boluses and hypo treatments marked; ` +
        `exercise shaded`,
      left: 'center',
      textStyle: { fontSize: 12 },
    },
    grid: grids,
    xAxis: panels.map((_, i) => ({
      type: 'category',
      gridIndex: i,
      data: hours,
      axisLabel: { show: i === panels.length - 1, interval: 119 },
      axisTick: { show: false },
    })),
    yAxis: panels.map((name, i) => ({
      type: 'value',
      gridIndex: i,
      scale: true,
      name,
      nameLocation: 'middle',
      nameGap: 105,
      nameRotate: 0,
      nameTextStyle: { fontSize: 10 },
      splitNumber: 2,
      axisLabel: { fontSize: 9 },
    })),
    series: panels.map((_, i) => ({
      type: 'line',
      xAxisIndex: i,
      yAxisIndex: i,
      showSymbol: false,
      lineStyle: { width: 1 },
      step: i === FEATURE_NAMES.length ? ('end' as const) : undefined,
      data: Array.from(i === FEATURE_NAMES.length ? basal : series.signals[i]!.subarray(firstMinute, firstMinute + minutes)),
      markArea: exerciseAreas.length ? { itemStyle: { color: 'rgba(114, 183, 178, 0.25)' }, data: exerciseAreas } : undefined,
      markLine:
        i === 0 || i === 10 || i === 11
          ? {
              symbol: 'none',
              label: { show: i === 0, formatter: '{b}', fontSize: 9, position: 'insideEndTop' },
              data: marks.map((mark) => ({
                xAxis: hours[mark.minute - firstMinute]!,
                name: mark.name,
                lineStyle: { color: mark.color, type: 'dashed' },
              })),
            }
          : undefined,
    })),
  };
  return svgChart(option, 980, top + panels.length * panelHeight + 30);
}

/** Per-patient time in range of each therapy × age group: p10, p25, median, p75, p90 from the summaries. */
function timeInRangeByGroupChart(data: ReportData): string {
  const summaries = data.summary.cohortCells ?? {};
  const cells = AGE_GROUPS.flatMap((ageGroup) => THERAPIES.map((therapy) => cohortCellKey(therapy, ageGroup)))
    .filter((key) => (summaries[key]?.patients ?? 0) > 0)
    .map((key) => [key, summaries[key]!] as const);
  return svgChart(
    {
      title: {
        text: 'Per-patient time in range by therapy and age group (p10 / p25 / median / p75 / p90)',
        left: 'center',
        textStyle: { fontSize: 13 },
      },
      grid: { left: 60, right: 20, top: 50, bottom: 60 },
      xAxis: { type: 'category', data: cells.map(([key, cell]) => `${key}\n(${cell.patients})`), axisLabel: { fontSize: 10, interval: 0 } },
      yAxis: { type: 'value', name: 'TIR %', min: 0, max: 100 },
      series: [
        {
          type: 'boxplot',
          itemStyle: { color: '#c6dbef', borderColor: '#4c78a8' },
          data: cells.map(([, cell]) => [0.1, 0.25, 0.5, 0.75, 0.9].map((q) => histogramQuantile(cell.timeInRangeHistogram, 0, 5, q))),
        },
      ],
    },
    760,
    340,
  );
}

function correlationChart(data: ReportData): string {
  const matrix = correlationMatrix(data.summary);
  const cells: [number, number, number][] = [];
  matrix.forEach((row, i) => row.forEach((value, j) => cells.push([j, i, Math.round(value * 100) / 100])));
  return svgChart(
    {
      title: { text: 'Correlation between signals (Pearson, per minute)', left: 'center', textStyle: { fontSize: 14 } },
      grid: { left: 170, right: 90, top: 40, bottom: 150 },
      xAxis: { type: 'category', data: [...FEATURE_NAMES], axisLabel: { rotate: 60, fontSize: 10 } },
      yAxis: { type: 'category', data: [...FEATURE_NAMES], axisLabel: { fontSize: 10 } },
      visualMap: {
        min: -1,
        max: 1,
        calculable: false,
        orient: 'vertical',
        right: 10,
        top: 'center',
        inRange: { color: ['#3b4cc0', '#f7f7f7', '#b40426'] },
      },
      series: [{ type: 'heatmap', data: cells, label: { show: true, fontSize: 8 } }],
    },
    760,
    640,
  );
}

function rmseByHorizonChart(tables: BaselineTables): string {
  const { horizons, series } = tables.rmseByHorizon;
  return svgChart(
    {
      title: { text: 'Glucose forecast RMSE by horizon (test split)', left: 'center', textStyle: { fontSize: 14 } },
      legend: { top: 36, data: series.map((s) => s.model) },
      grid: { left: 70, right: 30, top: 84, bottom: 50 },
      xAxis: { type: 'category', name: 'horizon (min)', nameLocation: 'middle', nameGap: 30, data: horizons.map(String) },
      yAxis: { type: 'value', name: 'RMSE (mg/dL)' },
      series: series.map((s) => ({
        name: s.model,
        type: 'line',
        symbolSize: 8,
        data: s.rmse.map((v) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : null)),
      })),
    },
    760,
    360,
  );
}

const htmlRow = (cells: string[], tag: 'th' | 'td') => `<tr>${cells.map((cell) => `<${tag}>${escapeHtml(cell)}</${tag}>`).join('')}</tr>`;
const htmlTable = (header: string[], rows: string[][]) =>
  `<table>${htmlRow(header, 'th')}${rows.map((row) => htmlRow(row, 'td')).join('')}</table>`;

/** The Baselines section: tables and the RMSE-by-horizon chart, when evaluation.json exists. */
function baselinesSection(data: ReportData): string {
  if (!data.evaluation) return '';
  const tables = baselineTables(data.evaluation, data.manifest);
  return `<section id="baselines">
<h2>Baselines</h2>
${tables.staleNote ? `<p class="note">${escapeHtml(tables.staleNote)}</p>` : ''}
<p>${escapeHtml(tables.intro)}</p>
<figure id="rmse-by-horizon">${rmseByHorizonChart(tables)}<figcaption>Error of each model as the forecast reaches further ahead.</figcaption></figure>
${htmlTable(tables.glucoseHeader, tables.glucoseRows)}
<p></p>
${htmlTable(tables.labelHeader, tables.labelRows)}
</section>`;
}

const REAL_COLOUR = '#d9480f';
const GENERATED_COLOUR = '#1c7ed6';

/** Two lines (real, generated) over a shared x axis. */
function pairedLines(
  title: string,
  x: (number | string)[],
  real: (number | null)[] | null,
  generated: (number | null)[] | null,
  xName: string,
  yName: string,
  width = 480,
): string {
  return svgChart(
    {
      title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
      legend: { top: 26, data: ['real', 'generated'] },
      grid: { left: 60, right: 20, top: 64, bottom: 46 },
      xAxis: { type: 'category', name: xName, nameLocation: 'middle', nameGap: 28, data: x.map(String) },
      yAxis: { type: 'value', name: yName, scale: true },
      series: [
        ...(real ? [{ name: 'real', type: 'line' as const, showSymbol: false, color: REAL_COLOUR, data: real }] : []),
        ...(generated ? [{ name: 'generated', type: 'line' as const, showSymbol: false, color: GENERATED_COLOUR, data: generated }] : []),
      ],
    },
    width,
    300,
  );
}

/** Per-segment values of a metric on both sides, as overlaid shares per bin. */
function overlaidDistribution(name: string, values: { real: number[]; synthetic: number[] }): string {
  const all = [...values.real, ...values.synthetic];
  if (all.length === 0) return '';
  const lo = Math.min(...all),
    hi = Math.max(...all);
  const bins = 20,
    width = (hi - lo) / bins || 1;
  const shares = (v: number[]) => {
    const counts = new Array<number>(bins).fill(0);
    for (const x of v) counts[Math.min(bins - 1, Math.floor((x - lo) / width))]!++;
    return counts.map((c) => (v.length ? Math.round((1000 * c) / v.length) / 10 : 0));
  };
  const centres = Array.from({ length: bins }, (_, i) => (lo + (i + 0.5) * width).toPrecision(3));
  return svgChart(
    {
      title: { text: name, left: 'center', textStyle: { fontSize: 13 } },
      legend: { top: 22, data: ['real', 'generated'] },
      grid: { left: 44, right: 12, top: 56, bottom: 30 },
      xAxis: { type: 'category', data: centres },
      yAxis: { type: 'value', name: '% of segments' },
      series: [
        { name: 'real', type: 'bar', barGap: '0%', color: REAL_COLOUR, data: shares(values.real) },
        { name: 'generated', type: 'bar', color: GENERATED_COLOUR, data: shares(values.synthetic) },
      ],
    },
    320,
    230,
  );
}

/** The Against real people section: what fidelity.json holds, or how to measure it. */
function fidelitySection(data: ReportData): string {
  const report = data.fidelity;
  if (!report) return `<section id="fidelity"><h2>Against real people</h2><p>${escapeHtml(FIDELITY_NOT_MEASURED)}</p></section>`;
  const stale = fidelityStaleNote(report, data.manifest);
  const p = report.pictures;
  const hours = Array.from({ length: 24 }, (_, h) => h);
  const times = Array.from(
    { length: 288 },
    (_, i) => `${String(Math.floor(i / 12)).padStart(2, '0')}:${String((i % 12) * 5).padStart(2, '0')}`,
  );
  const figure = (id: string, svg: string, caption: string) =>
    svg ? `<figure id="${id}">${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>` : '';
  return `<section id="fidelity">
<h2>Against real people</h2>
${stale ? `<p class="note">${escapeHtml(stale)}</p>` : ''}
<p>${escapeHtml(fidelityIntro(report))}</p>
${htmlTable(FIDELITY_HEADER, fidelityMetricRows(report.metrics))}
<ul>${fidelityHeadlines(report)
    .map((line) => `<li>${escapeHtml(line)}</li>`)
    .join('')}</ul>
<div class="row">
${figure('fidelity-acf', pairedLines('Autocorrelation of glucose', p.autocorrelation.lagMinutes, p.autocorrelation.real, p.autocorrelation.synthetic, 'lag (min)', 'r'), 'Median over people: how fast glucose forgets its past.')}
${figure('fidelity-change', pairedLines('5-minute change of glucose', p.change5.binMgdl, p.change5.real, p.change5.synthetic, 'mg/dL', 'share'), 'Share of 5-minute changes by size.')}
</div>
<div class="row">${Object.entries(p.distributions)
    .map(([name, values]) => figure(`fidelity-dist-${name}`, overlaidDistribution(name, values), ''))
    .join('')}</div>
${p.heartRateByHour.real || p.heartRateByHour.synthetic ? figure('fidelity-hr', pairedLines('Heart rate by hour of day', hours, p.heartRateByHour.real, p.heartRateByHour.synthetic, 'hour', 'bpm', 760), 'Median heart rate per hour.') : ''}
${figure('fidelity-days', pairedLines('A real and a generated day', times, p.exampleDays.real?.mgdl ?? null, p.exampleDays.synthetic.mgdl, 'time of day', 'mg/dL', 960), p.exampleDays.real ? `Real: ${p.exampleDays.real.source} person ${p.exampleDays.real.person}; generated: ${p.exampleDays.synthetic.person}.` : `Generated: ${p.exampleDays.synthetic.person}.`)}
<p>Real data: ${escapeHtml(fidelityCitations(report).join('; '))}.</p>
</section>`;
}

/** report.html: a self-contained page (inline SVG drawn by ECharts, inline CSS, no scripts, no network). */
export async function htmlReport(data: ReportData, location: string): Promise<string> {
  echarts ??= await import('echarts');
  const { manifest, summary } = data;
  const rows = SPLITS.map((split) => manifest.totals[timeseriesTable(split)].rows);
  const figures = [
    { id: 'labels', caption: 'Adverse-event label prevalence in each split.', svg: labelPrevalenceChart(data) },
    {
      id: 'tir',
      caption: 'Per-patient time in range (70–180 mg/dL): control ranges from good to poor.',
      svg: histogramChart('Per-patient time in range', summary.timeInRangeHistogram, 0, 5, 'TIR %'),
    },
    {
      id: 'glucose',
      caption: 'CGM glucose distribution over all minutes (70 and 180 mg/dL marked).',
      svg: histogramChart('CGM glucose distribution', summary.glucoseHistogram, 40, GLUCOSE_BIN_MGDL, 'mg/dL', [70, 180]),
    },
    ...(data.summary.cohortCells && Object.keys(data.summary.cohortCells).length > 0
      ? [
          {
            id: 'tir-by-group',
            caption: 'Control by therapy and age group: closed loops raise time in range; children and adolescents vary more.',
            svg: timeInRangeByGroupChart(data),
          },
        ]
      : []),
    {
      id: 'example',
      caption: 'One patient-day: all 14 signals and the basal insulin delivered (on a closed loop, the temporary basals oref0 set).',
      svg: examplePatientDay(data),
    },
    ...(data.exampleWeek
      ? [
          {
            id: 'cgm-week',
            caption:
              'What the CGM does over a week: each sensor drifts and has its own noise, a new one gives no reading while it warms up, ' +
              'the signal drops out now and then, and lying on the sensor at night reads falsely low.',
            svg: examplePatientWeek(data),
          },
        ]
      : []),
    { id: 'correlation', caption: 'How the signals move together.', svg: correlationChart(data) },
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Synthetic diabetic digital twins — dataset report</title>
<style>
body { font-family: sans-serif; margin: 24px auto; max-width: 1000px; color: #222; }
h1 { font-size: 22px; } figure { margin: 18px 0; } figcaption { font-size: 13px; color: #555; }
.row { display: flex; gap: 12px; flex-wrap: wrap; } .note { background: #fff4e5; padding: 8px 12px; border-radius: 4px; }
table { border-collapse: collapse; font-size: 13px; } h2 { font-size: 18px; margin-top: 28px; }
td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: right; }
</style>
</head>
<body>
<h1>Synthetic diabetic digital twins — dataset report</h1>
<p class="note">Synthetic data: simulated patients only. Not for clinical decisions.</p>
<p>${escapeHtml(location)} · ${manifest.totals.patient_demographics.rows} patients · ${manifest.runs.length} run(s)
· updated ${escapeHtml(manifest.updatedAt)} · ${escapeHtml(GENERATOR)}</p>
<table>${htmlRow(['split', ...SPLITS], 'th')}${htmlRow(['windows', ...rows.map((r) => r.toLocaleString('en-US'))], 'td')}</table>
${figures[0] ? `<figure id="${figures[0].id}">${figures[0].svg}<figcaption>${figures[0].caption}</figcaption></figure>` : ''}
<div class="row">${figures
    .slice(1, 3)
    .map((f) => `<figure id="${f.id}">${f.svg}<figcaption>${f.caption}</figcaption></figure>`)
    .join('')}</div>
${figures
  .slice(3)
  .map((f) => `<figure id="${f.id}">${f.svg}<figcaption>${f.caption}</figcaption></figure>`)
  .join('\n')}
${baselinesSection(data)}
${fidelitySection(data)}
</body>
</html>
`;
}
