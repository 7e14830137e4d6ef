import seedrandom from 'seedrandom';

/** A seeded stream of uniform and derived random numbers. */
export interface RandomStream {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal, N(0, 1). */
  normal(): number;
}

/**
 * One independent stream per (seed, patient index, purpose): a patient's data then depends only
 * on the seed and its global index, never on batch size, worker count or execution order.
 */
export function randomStream(seed: number, patientIndex: number, purpose: string): RandomStream {
  return new AleaStream(seedrandom.alea(`${seed}|${patientIndex}|${purpose}`));
}

/**
 * Normals by Box–Muller, two per pair of uniforms. A class rather than a closure: the spare normal
 * lives in a number field (a closure's `number | null` boxed a fresh heap number for every pair,
 * and the simulation draws ~15 normals a minute).
 */
class AleaStream implements RandomStream {
  private spareNormal = 0;
  private hasSpareNormal = false;

  constructor(private readonly next: () => number) {}

  uniform(): number {
    return this.next();
  }

  normal(): number {
    if (this.hasSpareNormal) {
      this.hasSpareNormal = false;
      return this.spareNormal;
    }
    // 1 - u keeps log away from 0.
    const radius = Math.sqrt(-2 * Math.log(1 - this.next()));
    const angle = 2 * Math.PI * this.next();
    this.spareNormal = radius * Math.sin(angle);
    this.hasSpareNormal = true;
    return radius * Math.cos(angle);
  }
}

export function normalBetween(rng: RandomStream, mean: number, sd: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, mean + sd * rng.normal()));
}

export function uniformBetween(rng: RandomStream, min: number, max: number): number {
  return min + (max - min) * rng.uniform();
}

export function bernoulli(rng: RandomStream, probability: number): boolean {
  return rng.uniform() < probability;
}

/** Fisher–Yates shuffle of 0..n-1 with the given stream. */
export function permutation(rng: RandomStream, n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order;
}
