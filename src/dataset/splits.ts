import { permutation, randomStream } from '../util/random.ts';

import { SPLITS, type Split } from '../domain/splits.ts';

export { SPLITS, type Split };
export const SPLIT_CODE: Record<Split, number> = { train: 0, val: 1, test: 2 };

/**
 * How many of a run's patients go to each split so that the WHOLE dataset keeps its fractions:
 * each new patient goes to the split furthest below its share of the growing total (ties: train,
 * val, test). Starting from counts within one patient of their shares, every split stays within
 * one patient of its fraction after every run, however small the runs (a nightly run of 2
 * patients does not send both to train every night).
 */
export function appendSplitCounts(
  existing: readonly [number, number, number],
  numPatients: number,
  trainFraction: number,
  valFraction: number,
): [number, number, number] {
  const fractions = [trainFraction, valFraction, Math.max(0, 1 - trainFraction - valFraction)];
  const counts = [...existing];
  const added: [number, number, number] = [0, 0, 0];
  let total = counts[0]! + counts[1]! + counts[2]!;
  for (let patient = 0; patient < numPatients; patient++) {
    total++;
    let best = 0;
    for (let split = 1; split < 3; split++) {
      if (fractions[split]! * total - counts[split]! > fractions[best]! * total - counts[best]! + 1e-12) best = split;
    }
    counts[best]!++;
    added[best]++;
  }
  return added;
}

/**
 * Split of each patient of a run, by patient (never by window, so overlapping windows never leak
 * across splits): a seeded permutation of the run's patients, the first `counts[0]` to train, the
 * next `counts[1]` to val, the rest to test. Depends only on the seed, the run's first patient
 * index and the counts, never on batches or workers. Returns split codes (SPLIT_CODE) by offset.
 */
export function assignSplits(randomSeed: number, firstPatientIndex: number, counts: readonly [number, number, number]): Uint8Array {
  const [train, val, test] = counts;
  const numPatients = train + val + test;
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
export function runSplits(randomSeed: number, firstPatientIndex: number, counts: readonly [number, number, number]): Uint8Array {
  const key = `${randomSeed}|${firstPatientIndex}|${counts.join(',')}`;
  if (lastAssignment?.key !== key) lastAssignment = { key, codes: assignSplits(randomSeed, firstPatientIndex, counts) };
  return lastAssignment.codes;
}
