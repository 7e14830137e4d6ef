// Age norms for children and adolescents, read off published centile charts to the nearest unit
// (docs/PHYSIOLOGY.md "Children and adolescents"). Values between the tabulated ages are
// interpolated linearly; each table covers ages 6–18.

/** Whole years at which each table below is tabulated. */
const AGES = [6, 8, 10, 12, 14, 16, 18] as const;

/** Median stature (cm), CDC 2000 growth charts (Kuczmarski et al. 2002), boys and girls. */
const HEIGHT_MEDIAN_CM = { M: [116, 128, 138, 149, 163, 173, 176], F: [115, 127, 138, 151, 160, 163, 163] };
/** Median BMI (kg/m²), CDC 2000 BMI-for-age charts. */
const BMI_MEDIAN = { M: [15.4, 15.8, 16.6, 17.9, 19.1, 20.4, 21.6], F: [15.3, 15.8, 16.9, 18.0, 19.4, 20.5, 21.3] };
/** Median resting heart rate (bpm) and breathing rate (breaths/min), Fleming et al., Lancet 2011 centiles. */
const HEART_RATE_MEDIAN_BPM = [96, 91, 86, 82, 78, 75, 72];
const BREATHING_RATE_MEDIAN_RPM = [21, 19, 18, 17, 16, 15, 15];
/**
 * Recommended sleep (h): 9–12 h for 6–12 years, 8–10 h for 13–18 (AASM consensus, Paruthi et al.
 * 2016); usual bedtime in the evening (h after midnight), earlier for the young.
 */
const SLEEP_HOURS = [10.2, 9.9, 9.6, 9.2, 8.8, 8.3, 7.8];
const BEDTIME_HOUR = [20.3, 20.7, 21.1, 21.6, 22.2, 22.7, 23.0];

function atAge(table: readonly number[], ageYears: number): number {
  const age = Math.min(AGES[AGES.length - 1]!, Math.max(AGES[0]!, ageYears));
  let i = 0;
  while (i < AGES.length - 2 && age > AGES[i + 1]!) i++;
  const fraction = (age - AGES[i]!) / (AGES[i + 1]! - AGES[i]!);
  return table[i]! + fraction * (table[i + 1]! - table[i]!);
}

export const medianHeightCm = (ageYears: number, gender: 'M' | 'F') => atAge(HEIGHT_MEDIAN_CM[gender], ageYears);
export const medianBmi = (ageYears: number, gender: 'M' | 'F') => atAge(BMI_MEDIAN[gender], ageYears);
export const medianRestingHeartRateBpm = (ageYears: number) => atAge(HEART_RATE_MEDIAN_BPM, ageYears);
export const medianBreathingRateRpm = (ageYears: number) => atAge(BREATHING_RATE_MEDIAN_RPM, ageYears);
export const usualSleepHours = (ageYears: number) => atAge(SLEEP_HOURS, ageYears);
export const usualBedtimeHour = (ageYears: number) => atAge(BEDTIME_HOUR, ageYears);
