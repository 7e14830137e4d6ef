/**
 * The daily rhythm of insulin sensitivity that basal–bolus therapy cannot see: the dawn phenomenon
 * (sensitivity falls around 06:00), a Gaussian bump 1.5 h wide whose height is the person's own.
 * The body (simulation/patient.ts) applies it minute by minute; a titrated basal profile
 * (cohort/patientProfile.ts) follows it hour by hour.
 */
export const DAWN_HOUR = 6;

/** The bump centred on `centreHour` at `hourOfDay`: 1 at the centre, ~0 three hours away. */
export function circadianBump(hourOfDay: number, centreHour: number): number {
  return Math.exp(-(((hourOfDay - centreHour) / 1.5) ** 2));
}

/** The bump at every minute of the day: the same for everyone, so worked out once, not twice a minute. */
export function circadianBumpByMinute(centreHour: number): Float64Array {
  return Float64Array.from({ length: 1440 }, (_, minuteOfDay) => circadianBump(minuteOfDay / 60, centreHour));
}
