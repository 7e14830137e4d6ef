import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../util/projectRoot.ts';

/**
 * Published UVA/Padova virtual-patient parameters (Dalla Man 2007 model as packaged by
 * simglucose, MIT licence: data/uva-padova/LICENSE-simglucose.txt).
 */
export interface UvaPadovaParameters {
  name: string;
  /** Steady-state initial state x0_1..x0_13 (see physiology/glucoseInsulin.ts for the order). */
  x0: number[];
  BW: number;
  EGPb: number;
  Gb: number;
  Ib: number;
  kabs: number;
  kmax: number;
  kmin: number;
  b: number;
  d: number;
  Vg: number;
  Vi: number;
  Ipb: number;
  Vmx: number;
  Km0: number;
  k2: number;
  k1: number;
  p2u: number;
  m1: number;
  m5: number;
  CL: number;
  HEb: number;
  m2: number;
  m4: number;
  m30: number;
  Ilb: number;
  ki: number;
  kp2: number;
  kp3: number;
  f: number;
  Gpb: number;
  ke1: number;
  ke2: number;
  Fsnc: number;
  Gtb: number;
  Vm0: number;
  Rdb: number;
  PCRb: number;
  kd: number;
  ksc: number;
  ka1: number;
  ka2: number;
  dosekempt: number;
  u2ss: number;
  isc1ss: number;
  isc2ss: number;
  kp1: number;
}

/** Carb ratio (g/U), correction factor (mg/dL per U), age and total daily insulin (Quest.csv). */
export interface QuestRecord {
  name: string;
  carbRatioGramsPerUnit: number;
  correctionFactorMgdlPerUnit: number;
  age: number;
  totalDailyInsulinUnits: number;
}

const DATA_DIR = join(PROJECT_ROOT, 'data/uva-padova/');

function readCsv(fileName: string): Record<string, string>[] {
  const lines = readFileSync(DATA_DIR + fileName, 'utf8')
    .trim()
    .split(/\r?\n/);
  const header = lines[0]!.split(',').map((name) => name.trim());
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(header.map((name, i) => [name, cells[i]!.trim()]));
  });
}

let cachedParameters: UvaPadovaParameters[] | undefined;
let cachedQuest: Map<string, QuestRecord> | undefined;

export function loadVirtualPatients(): UvaPadovaParameters[] {
  if (cachedParameters) return cachedParameters;
  cachedParameters = readCsv('vpatient_params.csv').map((row) => {
    const numeric: Record<string, number> = {};
    for (const [key, value] of Object.entries(row)) if (key !== 'Name') numeric[key] = Number(value);
    const x0 = Array.from({ length: 13 }, (_, i) => numeric[`x0_${String(i + 1).padStart(2, ' ')}`]!);
    return { ...(numeric as unknown as UvaPadovaParameters), name: row.Name!, x0 };
  });
  return cachedParameters;
}

export function loadQuest(): Map<string, QuestRecord> {
  if (cachedQuest) return cachedQuest;
  cachedQuest = new Map(
    readCsv('Quest.csv').map((row) => [
      row.Name!,
      {
        name: row.Name!,
        carbRatioGramsPerUnit: Number(row.CR),
        correctionFactorMgdlPerUnit: Number(row.CF),
        age: Number(row.Age),
        totalDailyInsulinUnits: Number(row.TDI),
      },
    ]),
  );
  return cachedQuest;
}
