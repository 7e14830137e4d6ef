import { permutation, randomStream } from '../util/random.ts';

export const SPLITS = ['train', 'val', 'test'] as const;
export type Split = (typeof SPLITS)[number];
export const SPLIT_CODE: Record<Split, number> = { train: 0, val: 1, test: 2 };

/** Whole-patient counts per split, as close to the fractions as whole patients allow (largest remainder). */
export function splitCounts(numPatients: number, trainFraction: number, valFraction: number): [number, number, number] {
  const fractions = [trainFraction, valFraction, Math.max(0, 1 - trainFraction - valFraction)];
  const exact = fractions.map((f) => f * numPatients);
  const counts = exact.map(Math.floor);
  let remaining = numPatients - counts.reduce((a, b) => a + b, 0);
  const byRemainder = [0, 1, 2].sort((a, b) => exact[b]! - counts[b]! - (exact[a]! - counts[a]!) || a - b);
  for (const i of byRemainder) {
    if (remaining <= 0) break;
    counts[i]!++;
    remaining--;
  }
  return counts as [number, number, number];
}

/**
 * Split of each patient of a run, by patient (never by window, so overlapping windows never leak
 * across splits): a seeded permutation of the run's patients, first `train` to train, next `val`
 * to val, the rest to test. Depends only on seed, the run's first patient index and its size,
 * never on batches or workers. Returns split codes (SPLIT_CODE) indexed by offset in the run.
 */
export function assignSplits(randomSeed: number, firstPatientIndex: number, numPatients: number, trainFraction: number, valFraction: number): Uint8Array {
  const [train, val] = splitCounts(numPatients, trainFraction, valFraction);
  const order = permutation(randomStream(randomSeed, firstPatientIndex, `split:${numPatients}`), numPatients);
  const codes = new Uint8Array(numPatients);
  for (let rank = 0; rank < numPatients; rank++) {
    codes[order[rank]!] = rank < train ? SPLIT_CODE.train : rank < train + val ? SPLIT_CODE.val : SPLIT_CODE.test;
  }
  return codes;
}

let lastAssignment: { key: string; codes: Uint8Array } | undefined;

/**
 * assignSplits for the batches of one run: the whole-run permutation is computed once per worker
 * process and reused by each batch (it is O(patients in the run), and a run has many batches).
 */
export function runSplits(randomSeed: number, firstPatientIndex: number, numPatients: number, trainFraction: number, valFraction: number): Uint8Array {
  const key = `${randomSeed}|${firstPatientIndex}|${numPatients}|${trainFraction}|${valFraction}`;
  if (lastAssignment?.key !== key) lastAssignment = { key, codes: assignSplits(randomSeed, firstPatientIndex, numPatients, trainFraction, valFraction) };
  return lastAssignment.codes;
}
