// Naive local timestamps as the sets write them, read as if they were UTC (no zone is known; only
// durations and the time of day matter here).

const DAY_FIRST = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** `DD/MM/YYYY HH:MM[:SS]` or `DD-MM-YYYY HH:MM:SS` (T1D-UOM, OhioT1DM), day first. NaN if it is not one. */
export function parseDayFirst(text: string): number {
  const m = DAY_FIRST.exec(text.trim());
  if (!m) return Number.NaN;
  const [day, month, year, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as number[];
  if (month! < 1 || month! > 12 || day! < 1 || day! > 31) return Number.NaN;
  return Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
}

/** `YYYY-MM-DD HH:MM[:SS]` or with `T`; an offset, if written, is honoured. NaN if it is not one. */
export function parseIso(text: string): number {
  const m = ISO.exec(text.trim());
  if (!m) return Number.NaN;
  if (m[7]) return Date.parse(text.trim().replace(' ', 'T'));
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as number[];
  return Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
}

/** Either form, ISO first. */
export function parseTimestamp(text: string): number {
  const iso = parseIso(text);
  return Number.isNaN(iso) ? parseDayFirst(text) : iso;
}
