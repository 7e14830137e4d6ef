import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { F, FEATURE_NAMES } from '../../src/domain/features.ts';
import { featureColumnNames, timeseriesSchema } from '../../src/dataset/arrowSchema.ts';
import { appendSplitCounts, assignSplits } from '../../src/dataset/splits.ts';
import { cutWindows, minuteTimestamps } from '../../src/dataset/windows.ts';
import { permutation, randomStream } from '../../src/util/random.ts';

function rampSignals(minutes: number): Float64Array[] {
  // Signal f at minute m = 1000·f + m, so every cell says where it came from.
  return FEATURE_NAMES.map((_, f) => Float64Array.from({ length: minutes }, (_, m) => 1000 * f + m));
}

describe('sliding windows', () => {
  it('yields minutes − window rows, lags and next-minute targets aligned', () => {
    const minutes = 60;
    const window = 5;
    const cut = cutWindows(rampSignals(minutes), minutes, window, [], 0);
    assert.equal(cut.rows, minutes - window);
    assert.equal(cut.features.length, window * 14);
    // Row r ends at minute m = W−1+r; feature_t{k}_{f} = signal_f[m−k].
    for (const row of [0, 17, cut.rows - 1]) {
      const m = window - 1 + row;
      for (let lag = 0; lag < window; lag++) {
        for (let f = 0; f < 14; f++) assert.equal(cut.features[lag * 14 + f]![row], 1000 * f + m - lag);
      }
      assert.equal(cut.targets[0]![row], 1000 * F.glucose_mgdl + m + 1);
      assert.equal(cut.targets[3]![row], 1000 * F.respiratory_rate_rpm + m + 1);
      assert.equal(cut.timestampMs[row], BigInt(m * 60_000));
    }
    // The last window's target is the last minute: m + 1 < total.
    assert.equal(cut.targets[0]![cut.rows - 1], minutes - 1);
  });

  it('minute timestamps written as 32-bit halves equal the BigInt values, also past 2^32 ms and at the simulation start', () => {
    for (const first of [0, 2 ** 32 - 60_000 * 3, 1_735_689_600_000, 2 ** 52]) {
      const timestamps = minuteTimestamps(first, 7);
      assert.deepEqual(
        [...timestamps],
        Array.from({ length: 7 }, (_, row) => BigInt(first + row * 60_000)),
      );
    }
  });

  it('column names follow the contract order', () => {
    const names = featureColumnNames(5);
    assert.equal(names[0], 'feature_t0_glucose_mgdl');
    assert.equal(names[14], 'feature_t1_glucose_mgdl');
    assert.equal(names[69], 'feature_t4_hour_of_day');
    const schema = timeseriesSchema(5, []);
    assert.equal(schema.fields.length, 2 + 70 + 4 + 6);
    assert.equal(schema.fields[0]!.name, 'patient_id');
    assert.equal(schema.fields[1]!.name, 'timestamp');
    assert.equal(schema.fields[72]!.name, 'target_glucose_mgdl');
    assert.equal(schema.fields[81]!.name, 'label_autonomic_dysregulation');
    assert.ok(schema.fields.every((f) => !f.nullable));
    // The default horizons add 6 columns after the original 82, in the contract's order.
    const forecasting = timeseriesSchema(5, [30, 60]);
    assert.equal(forecasting.fields.length, 88);
    assert.deepEqual(
      forecasting.fields.slice(0, 82).map((f) => f.name),
      schema.fields.map((f) => f.name),
    );
    assert.deepEqual(
      forecasting.fields.slice(82).map((f) => `${f.name}:${f.type}`),
      [
        'target_glucose_mgdl_30min:Float64',
        'target_glucose_mgdl_60min:Float64',
        'label_hypoglycemia_within_30min:Int32',
        'label_hyperglycemia_within_30min:Int32',
        'label_hypoglycemia_within_60min:Int32',
        'label_hyperglycemia_within_60min:Int32',
      ],
    );
    assert.ok(forecasting.fields.every((f) => !f.nullable));
  });
});

describe('patient-level splits', () => {
  it('counts are as close to the fractions as whole patients allow', () => {
    assert.deepEqual(appendSplitCounts([0, 0, 0], 1000, 0.7, 0.15), [700, 150, 150]);
    assert.deepEqual(appendSplitCounts([0, 0, 0], 20, 0.7, 0.15), [14, 3, 3]);
    assert.deepEqual(appendSplitCounts([0, 0, 0], 7, 0.7, 0.15), [5, 1, 1]);
    assert.deepEqual(appendSplitCounts([0, 0, 0], 1, 0.7, 0.15), [1, 0, 0]);
    for (const n of [1, 2, 3, 10, 33, 101])
      assert.equal(
        appendSplitCounts([0, 0, 0], n, 0.6, 0.25).reduce((a, b) => a + b, 0),
        n,
      );
  });

  it('assignment is deterministic in (seed, first index, size) and matches the counts', () => {
    const a = assignSplits(42, 0, [140, 30, 30]);
    const b = assignSplits(42, 0, [140, 30, 30]);
    assert.deepEqual(a, b);
    const counts = [0, 0, 0];
    for (const code of a) counts[code]!++;
    assert.deepEqual(counts, [140, 30, 30]);
    assert.notDeepEqual(assignSplits(43, 0, [140, 30, 30]), a);
    assert.notDeepEqual(assignSplits(42, 200, [140, 30, 30]), a);
  });
});

describe('random streams', () => {
  it('are reproducible per (seed, patient, purpose) and independent across them', () => {
    const draw = (seed: number, index: number, purpose: string) => {
      const rng = randomStream(seed, index, purpose);
      return [rng.uniform(), rng.normal(), rng.normal(), rng.uniform()];
    };
    assert.deepEqual(draw(42, 7, 'profile'), draw(42, 7, 'profile'));
    assert.notDeepEqual(draw(42, 7, 'profile'), draw(42, 8, 'profile'));
    assert.notDeepEqual(draw(42, 7, 'profile'), draw(42, 7, 'sensor'));
    assert.notDeepEqual(draw(42, 7, 'profile'), draw(41, 7, 'profile'));
  });

  it('normals have mean ~0 and SD ~1; permutations are permutations', () => {
    const rng = randomStream(1, 1, 'check');
    let sum = 0;
    let sumSq = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const x = rng.normal();
      sum += x;
      sumSq += x * x;
    }
    assert.ok(Math.abs(sum / n) < 0.03);
    assert.ok(Math.abs(Math.sqrt(sumSq / n) - 1) < 0.03);
    const order = permutation(rng, 100);
    assert.deepEqual(
      [...order].sort((x, y) => x - y),
      Array.from({ length: 100 }, (_, i) => i),
    );
  });
});
