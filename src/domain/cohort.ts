/** The therapies a simulated person can be on (docs/PHYSIOLOGY.md §1). */
export const THERAPIES = ['mdi', 'pump', 'aid'] as const;
export type Therapy = (typeof THERAPIES)[number];

/** Age groups, each with simglucose's parameter sets of the same name. */
export const AGE_GROUPS = ['child', 'adolescent', 'adult'] as const;
export type AgeGroup = (typeof AGE_GROUPS)[number];

/** Shares of a cohort by therapy or by age group; each sums to 1. */
export type TherapyMix = Record<Therapy, number>;
export type AgeMix = Record<AgeGroup, number>;

/** Ages (whole years, inclusive) of each group: the paediatric arms of the AID pivotal trials start at 6. */
export const AGE_RANGE: Record<AgeGroup, [number, number]> = {
  child: [6, 12],
  adolescent: [13, 17],
  adult: [18, 85],
};

/** The shares a cohort is drawn with. */
export interface CohortMix {
  therapyMix: TherapyMix;
  ageMix: AgeMix;
}

/** A cohort of one therapy and one age group (e.g. mdi and adult: the cohort of schema version 2). */
export function singleMix(therapy: Therapy, ageGroup: AgeGroup): CohortMix {
  const therapyMix = Object.fromEntries(THERAPIES.map((name) => [name, name === therapy ? 1 : 0])) as TherapyMix;
  const ageMix = Object.fromEntries(AGE_GROUPS.map((name) => [name, name === ageGroup ? 1 : 0])) as AgeMix;
  return { therapyMix, ageMix };
}
