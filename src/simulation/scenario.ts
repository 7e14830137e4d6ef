// The scenario: what the person plans to do each minute (sleep, meals, everyday activity, walks,
// exercise), before their body or their therapy decisions have any say.
import { ActivityKind } from '../domain/activity.ts';
import type { Habits } from '../cohort/patientProfile.ts';
import { bernoulli, normalBetween, randomStream, uniformBetween, type RandomStream } from '../util/random.ts';

/** Planned meal or snack (before the person's bolus behaviour is applied). */
export interface PlannedMeals {
  minute: Int32Array;
  carbsGrams: Float64Array;
  isSnack: Uint8Array;
  count: number;
}

/** A patient's planned days, one value per simulated minute (columnar, no per-minute objects). */
export interface DailySchedule {
  totalMinutes: number;
  /** Target activity intensity 0–1 (fraction of heart-rate reserve the activity demands). */
  intensityTarget: Float64Array;
  kind: Uint8Array;
  meals: PlannedMeals;
}

/** Day 0 of every patient is a Monday (2025-01-06T00:00Z): weekday habits follow the calendar. */
export const SIMULATION_START_EPOCH_MS = Date.UTC(2025, 0, 6);

/**
 * Chance of a snack in each of the day's three snack slots: 2.7 snacks a day besides the meals (0.3
 * in simglucose). US adults report about 2.8 snack occasions a day (NHANES 2015–2016, What We Eat in
 * America; 2.1–2.3 in NHANES 1971–2002, Kant & Graubard, Am J Clin Nutr 2006), children about 2.5.
 * Most go unlogged: T1D-UOM's and HUPA-UCM's carb logs hold a median 0.5–0.6 entries under 25 g a
 * day (docs/FIDELITY.md §7).
 */
const SNACK_PROBABILITY = 0.9;

// simglucose RandomScenario (PHYSIOLOGY.md): probability, mean time (h), SD (min), window (h), carbs
// g ± SD; the snacks' probability is ours (SNACK_PROBABILITY).
const MEAL_PLAN = [
  { probability: 0.95, hour: 7, sdMin: 60, earliest: 5, latest: 9, grams: 45, gramsSd: 10, snack: false },
  { probability: SNACK_PROBABILITY, hour: 9.5, sdMin: 30, earliest: 8.5, latest: 10.5, grams: 10, gramsSd: 5, snack: true },
  { probability: 0.95, hour: 12, sdMin: 60, earliest: 10, latest: 14, grams: 70, gramsSd: 10, snack: false },
  { probability: SNACK_PROBABILITY, hour: 15, sdMin: 30, earliest: 14, latest: 16, grams: 10, gramsSd: 5, snack: true },
  { probability: 0.95, hour: 18, sdMin: 60, earliest: 16, latest: 20, grams: 80, gramsSd: 10, snack: false },
  { probability: SNACK_PROBABILITY, hour: 21.5, sdMin: 30, earliest: 20.5, latest: 22.5, grams: 10, gramsSd: 5, snack: true },
] as const;

/**
 * The longest everyday walk, min. With 1.5–5 walks a day (cohort/patientProfile.ts) an adult takes
 * a median ~8,600 steps a day (p25 ~6,800, p75 ~10,800): between T1D-UOM's Garmin wearers (median
 * 8,331) and HUPA-UCM's Fitbit wearers (10,493), the sets that calibrated it, and inside healthy
 * adults' 4,000–18,000 (Tudor-Locke et al. 2011, Int J Behav Nutr Phys Act 8:79).
 */
const MAX_WALK_MINUTES = 25;

/** A very large meal; beyond this, portions are capped. */
const MAX_MEAL_GRAMS = 130;

export function planSchedule(randomSeed: number, patientIndex: number, habits: Habits, totalMinutes: number): DailySchedule {
  const rng = randomStream(randomSeed, patientIndex, 'schedule');
  const intensityTarget = new Float64Array(totalMinutes);
  const kind = new Uint8Array(totalMinutes);
  const days = Math.ceil(totalMinutes / 1440);
  const sedentaryLevel = uniformBetween(rng, 0.06, 0.14);
  intensityTarget.fill(sedentaryLevel);
  kind.fill(ActivityKind.Sedentary);

  const fill = (startMinute: number, durationMinutes: number, level: number, activity: number) => {
    const from = Math.max(0, Math.round(startMinute));
    const to = Math.min(totalMinutes, Math.round(startMinute + durationMinutes));
    for (let m = from; m < to; m++) {
      if (kind[m] === ActivityKind.Sleep) continue;
      intensityTarget[m] = level;
      kind[m] = activity;
    }
  };

  // Sleep first (from the night before day 0 to the night after the last day). Nights draw from
  // their own stream, day by day, so the first N minutes of a patient never depend on how many
  // minutes are simulated (the forecasting tail adds minutes without changing the visible days).
  const sleepRng = randomStream(randomSeed, patientIndex, 'schedule:sleep');
  const wakeMinuteOfDay = new Float64Array(days);
  for (let day = -1; day < days; day++) {
    const weekend = isWeekend(day + 1); // the morning after
    const onset = habits.sleepOnsetHour + normalBetween(sleepRng, 0, 0.5, -1.5, 1.5) + (weekend ? 0.7 : 0);
    const duration = habits.sleepDurationHours + normalBetween(sleepRng, 0, 0.5, -1.5, 1.5) + (weekend ? 0.8 : 0);
    const start = day * 1440 + onset * 60;
    const end = start + duration * 60;
    if (day + 1 < days) wakeMinuteOfDay[day + 1] = end - (day + 1) * 1440;
    for (let m = Math.max(0, Math.round(start)); m < Math.min(totalMinutes, Math.round(end)); m++) {
      kind[m] = ActivityKind.Sleep;
      intensityTarget[m] = 0;
    }
  }

  const mealMinutes: number[] = [];
  const mealGrams: number[] = [];
  const mealSnack: number[] = [];
  for (let day = 0; day < days; day++) {
    const dayStart = day * 1440;
    const wake = wakeMinuteOfDay[day]!;
    for (const meal of MEAL_PLAN) {
      if (!bernoulli(rng, meal.probability)) continue;
      let minuteOfDay = normalBetween(rng, meal.hour * 60, meal.sdMin, meal.earliest * 60, meal.latest * 60);
      if (minuteOfDay < wake + 10) minuteOfDay = wake + uniformBetween(rng, 10, 40);
      // simglucose's ±10 g is narrower than free-living intake; real portions vary ~±35% (log-normal).
      const grams = meal.snack
        ? Math.max(5, meal.grams + meal.gramsSd * rng.normal())
        : Math.min(MAX_MEAL_GRAMS, meal.grams * habits.mealPortionScale * Math.exp(0.3 * rng.normal() - 0.045));
      const minute = Math.round(dayStart + minuteOfDay);
      if (minute >= totalMinutes || kind[minute] === ActivityKind.Sleep) continue;
      mealMinutes.push(minute);
      mealGrams.push(Math.round(grams));
      mealSnack.push(meal.snack ? 1 : 0);
    }

    // Light activity (household, standing) and walking bouts, many after meals.
    const lightEpisodes = Math.round(uniformBetween(rng, 4, 12));
    for (let i = 0; i < lightEpisodes; i++) {
      fill(
        dayStart + uniformBetween(rng, wake, wake + 15 * 60),
        uniformBetween(rng, 2, 12),
        uniformBetween(rng, 0.18, 0.3),
        ActivityKind.Light,
      );
    }
    const walks = poisson(rng, habits.walkingBoutsPerDay);
    for (let i = 0; i < walks; i++) {
      fill(
        dayStart + uniformBetween(rng, wake + 20, wake + 15 * 60),
        uniformBetween(rng, 5, MAX_WALK_MINUTES),
        uniformBetween(rng, 0.4, 0.6),
        ActivityKind.Walking,
      );
    }

    // 0–1 exercise session a day, more likely at weekends; some are interval sessions.
    if (bernoulli(rng, Math.min(0.9, habits.exerciseProbabilityPerDay * (isWeekend(day) ? 1.3 : 1)))) {
      const startHour = bernoulli(rng, 0.35) ? uniformBetween(rng, 6.5, 9) : uniformBetween(rng, 16.5, 20);
      const duration = uniformBetween(rng, 30, 60);
      const vigorous = bernoulli(rng, 0.3);
      const level = vigorous ? uniformBetween(rng, 0.7, 0.88) : uniformBetween(rng, 0.5, 0.66);
      const start = dayStart + startHour * 60;
      if (bernoulli(rng, 0.45)) {
        // Intervals: 3 min hard, 2 min easy.
        for (let t = 0; t < duration; t += 5) {
          fill(start + t, 3, Math.min(0.95, level + 0.1), ActivityKind.Exercise);
          fill(start + t + 3, 2, level - 0.25, ActivityKind.Exercise);
        }
      } else {
        fill(start, duration, level, ActivityKind.Exercise);
      }
    }
  }

  const order = mealMinutes.map((_, i) => i).sort((a, b) => mealMinutes[a]! - mealMinutes[b]!);
  const meals: PlannedMeals = {
    minute: Int32Array.from(order, (i) => mealMinutes[i]!),
    carbsGrams: Float64Array.from(order, (i) => mealGrams[i]!),
    isSnack: Uint8Array.from(order, (i) => mealSnack[i]!),
    count: order.length,
  };
  return { totalMinutes, intensityTarget, kind, meals };
}

export function isWeekend(day: number): boolean {
  const weekday = ((day % 7) + 7) % 7; // 0 = Monday
  return weekday >= 5;
}

function poisson(rng: RandomStream, mean: number): number {
  // Knuth; means here are small.
  const limit = Math.exp(-mean);
  let count = 0;
  let product = rng.uniform();
  while (product > limit) {
    count++;
    product *= rng.uniform();
  }
  return count;
}
