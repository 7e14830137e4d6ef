// `--real FORMAT=PATH`: which reader, and the one-line refusals for what cannot be read.
import { existsSync } from 'node:fs';
import { readHupaUcm } from './hupaUcm.ts';
import { readOhioT1dm } from './ohioT1dm.ts';
import { readPlainCsv } from './plainCsv.ts';
import { readT1dUom } from './t1dUom.ts';
import { DAY_COVERAGE, hasCoveredDay } from './readings.ts';
import { RealDataError, type GlucoseUnit, type RealSet } from './types.ts';

export const REAL_FORMATS = ['t1d-uom', 'hupa-ucm', 'csv', 'ohiot1dm'] as const;
export type RealFormat = (typeof REAL_FORMATS)[number];

export interface RealSpec {
  format: RealFormat;
  path: string;
}

export function parseRealSpec(text: string): RealSpec {
  const at = text.indexOf('=');
  const format = at > 0 ? text.slice(0, at) : '';
  const path = at > 0 ? text.slice(at + 1) : '';
  if (!(REAL_FORMATS as readonly string[]).includes(format) || !path)
    throw new RealDataError(
      `invalid --real: got ${JSON.stringify(text)}, expected FORMAT=PATH with FORMAT one of ${REAL_FORMATS.join(', ')}`,
    );
  return { format: format as RealFormat, path };
}

export function readRealSet(spec: RealSpec, units?: GlucoseUnit): RealSet {
  if (!existsSync(spec.path)) throw new RealDataError(`invalid --real ${spec.format}=${spec.path}: no such file or folder`);
  const set =
    spec.format === 't1d-uom'
      ? readT1dUom(spec.path)
      : spec.format === 'hupa-ucm'
        ? readHupaUcm(spec.path)
        : spec.format === 'ohiot1dm'
          ? readOhioT1dm(spec.path)
          : readPlainCsv(spec.path, units);
  // The same rule for every format: a person counts with one well-covered day.
  const counted: typeof set.people = [];
  for (const person of set.people)
    if (hasCoveredDay(person.timesMs, person.intervalMinutes)) counted.push(person);
    else set.leftOut.push(`${person.personId}: no day with readings at ≥ ${DAY_COVERAGE * 100} % coverage`);
  set.people = counted;
  if (set.people.length === 0)
    throw new RealDataError(
      `invalid --real ${spec.format}=${spec.path}: nobody with enough data (a person needs one day with readings at ≥ 70 % coverage); ${set.leftOut.join('; ')}`,
    );
  return set;
}
