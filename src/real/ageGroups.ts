import type { RealAgeGroup } from './types.ts';

/** The project's age groups (domain/cohort.ts AGE_RANGE): child 6–12, adolescent 13–17, adult 18 and over. */
export function ageGroupOf(ageYears: number): RealAgeGroup {
  if (!(ageYears >= 0)) return 'unknown';
  if (ageYears >= 18) return 'adult';
  if (ageYears >= 13) return 'adolescent';
  return 'child';
}
