// The generated side as a 5-minute sensor would report it: per patient, the CGM at every fifth
// minute (a Libre 3's own reading, or a G6/G7's held one; a --cgm-gaps null stays a gap), heart
// rate sampled at the same minutes, steps per minute averaged over each 5 minutes, and (with
// --with-truth) the plasma glucose. Read from the committed Parquet files with DuckDB.
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import type { Manifest } from '../storage/manifest.ts';
import type { RealAgeGroup, RealTherapy } from '../real/types.ts';
import { SLOT_MINUTES, SLOT_MS } from './grid.ts';
import { onCommonGrid, type GridSeries } from './series.ts';

export interface GeneratedSeries extends GridSeries {
  /** Plasma glucose per slot, mg/dL (a --with-truth dataset), for the body's own dynamics. */
  truthMgdl?: Float64Array;
}

const sqlList = (paths: string[]) => `[${paths.map((p) => `'${p.replace(/'/g, "''")}'`).join(', ')}]`;

/** Every committed patient of the dataset in `directory` (a local copy when it lives on S3). */
export async function readGeneratedSeries(directory: string, manifest: Manifest): Promise<GeneratedSeries[]> {
  const timeseries = manifest.files.filter((f) => f.table.startsWith('timeseries_') && f.rows > 0).map((f) => join(directory, f.path));
  const demographics = manifest.files.filter((f) => f.table === 'patient_demographics' && f.rows > 0).map((f) => join(directory, f.path));
  if (timeseries.length === 0) return [];
  const connection = await (await DuckDBInstance.create(':memory:', { threads: '2' })).connect();
  try {
    const people = new Map<string, { therapy: RealTherapy; ageGroup: RealAgeGroup }>();
    const demo = await connection.runAndReadAll(`SELECT patient_id, therapy, age_group FROM read_parquet(${sqlList(demographics)})`);
    for (const [id, therapy, ageGroup] of demo.getRowsJS() as [string, RealTherapy, RealAgeGroup][]) people.set(id, { therapy, ageGroup });

    const columns = (
      await connection.runAndReadAll(`SELECT * FROM read_parquet(${sqlList(timeseries.slice(0, 1))}) LIMIT 0`)
    ).columnNames();
    const withTruth = columns.includes('blood_glucose_mgdl');
    const reader = await connection.runAndReadAll(`
      WITH minutes AS (
        SELECT patient_id, epoch_ms(timestamp) AS t, feature_t0_glucose_mgdl AS g, feature_t0_heart_rate_bpm AS hr,
               feature_t0_steps_per_minute AS steps, feature_t0_insulin_on_board AS iob,
               feature_t0_carbs_in_stomach AS cob${withTruth ? ', blood_glucose_mgdl AS truth' : ''}
        FROM read_parquet(${sqlList(timeseries)})
      )
      SELECT patient_id, (t // ${SLOT_MS}) * ${SLOT_MS} AS slot_ms,
             arg_min(g, t) FILTER (WHERE t % ${SLOT_MS} = 0) AS g,
             arg_min(hr, t) FILTER (WHERE t % ${SLOT_MS} = 0) AS hr,
             avg(steps) AS steps,
             arg_min(iob, t) FILTER (WHERE t % ${SLOT_MS} = 0) AS iob,
             arg_min(cob, t) FILTER (WHERE t % ${SLOT_MS} = 0) AS cob${withTruth ? `, arg_min(truth, t) FILTER (WHERE t % ${SLOT_MS} = 0) AS truth` : ''}
      FROM minutes GROUP BY ALL ORDER BY patient_id, slot_ms`);
    const [ids, slotMs, glucose, heart, steps, iob, cob, truth] = reader.getColumnsJS() as [
      string[],
      number[],
      (number | null)[],
      (number | null)[],
      number[],
      (number | null)[],
      (number | null)[],
      (number | null)[]?,
    ];
    const out: GeneratedSeries[] = [];
    let first = 0;
    while (first < ids.length) {
      let last = first;
      while (last + 1 < ids.length && ids[last + 1] === ids[first]) last++;
      const id = ids[first]!;
      const startMs = Math.floor(Number(slotMs[first]) / 86_400_000) * 86_400_000;
      const slots = Math.round((Number(slotMs[last]) - startMs) / SLOT_MS) + 1;
      const g = new Float64Array(slots).fill(Number.NaN);
      const hr = new Float64Array(slots).fill(Number.NaN);
      const st = new Float64Array(slots).fill(Number.NaN);
      const tr = withTruth ? new Float64Array(slots).fill(Number.NaN) : undefined;
      const onBoardInsulin = new Float64Array(slots).fill(Number.NaN);
      const onBoardCarbs = new Float64Array(slots).fill(Number.NaN);
      for (let row = first; row <= last; row++) {
        const slot = Math.round((Number(slotMs[row]) - startMs) / SLOT_MS);
        g[slot] = glucose[row] ?? Number.NaN;
        hr[slot] = heart[row] ?? Number.NaN;
        st[slot] = steps[row] ?? Number.NaN;
        onBoardInsulin[slot] = iob[row] ?? Number.NaN;
        onBoardCarbs[slot] = cob[row] ?? Number.NaN;
        if (tr) tr[slot] = truth![row] ?? Number.NaN;
      }
      const who = people.get(id) ?? { therapy: 'unknown', ageGroup: 'unknown' };
      out.push({
        side: 'synthetic',
        source: 'generated',
        personId: id,
        therapy: who.therapy,
        ageGroup: who.ageGroup,
        startMs,
        unit: 'mg/dL',
        glucose: g,
        commonMgdl: g.map((v) => (Number.isNaN(v) ? v : onCommonGrid(v))),
        atCeiling: Uint8Array.from(g, (v) => (v >= 400 ? 1 : 0)),
        intervalMinutes: SLOT_MINUTES,
        dynamics: true,
        heartRateBpm: hr,
        stepsPerMinute: st,
        iobUnits: onBoardInsulin,
        cobGrams: onBoardCarbs,
        truthMgdl: tr,
      });
      first = last + 1;
    }
    return out;
  } finally {
    connection.closeSync();
  }
}
