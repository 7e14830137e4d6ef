// The pipeline (plan → stage → commit, abandon) against an in-memory store: concurrency, retries,
// crashes between steps, overwrite, and splits over a sequence of runs. Runs in seconds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_CONFIG, validateRunConfig, type RunConfig } from '../../src/config/config.ts';
import { abandonRun } from '../../src/pipeline/abandon.ts';
import { commitRun, CommitUnfinishedError, type CommitProgress } from '../../src/pipeline/commit.ts';
import { emptyStats } from '../../src/dataset/batchStats.ts';
import { PermanentRunError } from '../../src/pipeline/errors.ts';
import { planRun } from '../../src/pipeline/plan.ts';
import type { RunPlan } from '../../src/pipeline/runPlan.ts';
import { stageBatch } from '../../src/pipeline/stage.ts';
import { readDeltaState } from '../../src/pipeline/deltaCommit.ts';
import { demographicsSchema, runTimeseriesSchema } from '../../src/dataset/arrowSchema.ts';
import { commitFileName, deltaCommitText, emptyDeltaState, replayDeltaLog, sparkSchemaString } from '../../src/storage/deltaLog.ts';
import { deltaLogPrefix, LEASE_KEY, MANIFEST_KEY, partFileName, STAGING_PREFIX, TABLES, tableDirectory } from '../../src/storage/layout.ts';
import type { Manifest } from '../../src/storage/manifest.ts';
import { MemoryStore } from '../helpers/memoryStore.ts';

// Tiny runs: 20 simulated minutes a patient keep each batch to milliseconds.
const config = (overrides: Partial<RunConfig> = {}): RunConfig =>
  validateRunConfig({
    ...DEFAULT_CONFIG,
    numPatients: 3,
    batchSize: 2,
    simulationDaysPerPatient: 0.015,
    forecastHorizonsMinutes: [],
    outputDir: 'memory://dataset',
    ...overrides,
  });

let nextRun = 0;
const ids = () => {
  nextRun++;
  return {
    runId: `01936c2e-0000-7000-8000-${String(nextRun).padStart(12, '0')}`,
    workflowId: `wf-${nextRun}`,
    startedAt: new Date(Date.UTC(2026, 10, 29, 10, nextRun)).toISOString(),
  };
};

/** A planned run with every batch staged, not yet committed. */
async function stagedRun(store: MemoryStore, overrides: Partial<RunConfig> = {}): Promise<RunPlan> {
  const plan = await planRun(store, config(overrides), ids());
  for (let batch = 0; batch < plan.batchCount; batch++) await stageBatch(store, plan, batch, async () => {});
  return plan;
}

async function runOnce(store: MemoryStore, overrides: Partial<RunConfig> = {}): Promise<RunPlan> {
  const plan = await stagedRun(store, overrides);
  await commitRun(store, plan, new Date(Date.UTC(2026, 10, 29, 12)).toISOString());
  return plan;
}

const manifestOf = (store: MemoryStore): Manifest => JSON.parse(store.text(MANIFEST_KEY)!);
const patientsPerSplit = (manifest: Manifest) =>
  manifest.runs.reduce(
    (sum, run) => ({
      train: sum.train + run.patientsPerSplit.train,
      val: sum.val + run.patientsPerSplit.val,
      test: sum.test + run.patientsPerSplit.test,
    }),
    { train: 0, val: 0, test: 0 },
  );

describe('the dataset lease', () => {
  it('two runs planned at the same moment: exactly one takes the dataset', async () => {
    const store = new MemoryStore();
    const outcomes = await Promise.allSettled([planRun(store, config(), ids()), planRun(store, config(), ids())]);
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1, JSON.stringify(outcomes.map((o) => o.status)));
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    assert.ok(refused.reason instanceof PermanentRunError);
    assert.match(refused.reason.message, /being written by another run/);
  });

  it('a retried plan of the same run keeps its lease; abandon releases it and removes staging', async () => {
    const store = new MemoryStore();
    const runIds = ids();
    const first = await planRun(store, config(), runIds);
    const again = await planRun(store, config(), runIds);
    assert.deepEqual(again, first);
    await stageBatch(store, first, 0, async () => {});
    assert.ok(store.keys(STAGING_PREFIX).length > 1);
    await abandonRun(store, first.runId);
    assert.deepEqual(store.keys(STAGING_PREFIX), []);
    assert.equal(store.text(LEASE_KEY), undefined);
    await planRun(store, config(), ids()); // the dataset is free again
  });

  it("a closed run's lease is taken over (its staging removed, once); a running or unknown holder still refuses", async () => {
    const store = new MemoryStore();
    const staleIds = ids();
    const stale = await planRun(store, config(), staleIds);
    await stageBatch(store, stale, 0, async () => {});
    const holderOf = (state: 'running' | 'closed' | 'unknown', takeovers: string[] = []) => ({
      holderState: async (holder: { runId: string }) => (holder.runId === staleIds.runId ? state : 'running'),
      onTakeover: (lease: { runId: string }) => void takeovers.push(lease.runId),
    });
    for (const state of ['running', 'unknown'] as const) {
      await assert.rejects(planRun(store, config(), ids(), [], holderOf(state)), /being written by another run/);
      assert.ok(store.keys(`${STAGING_PREFIX}/${staleIds.runId}`).length > 0, 'the holder keeps its staging');
    }
    // Two planners race for the closed run's lease: one removes its staging and takes the dataset.
    const takeovers: string[] = [];
    const outcomes = await Promise.allSettled([
      planRun(store, config(), ids(), [], holderOf('closed', takeovers)),
      planRun(store, config(), ids(), [], holderOf('closed', takeovers)),
    ]);
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1, JSON.stringify(outcomes.map((o) => o.status)));
    assert.deepEqual(takeovers, [staleIds.runId]);
    assert.deepEqual(store.keys(`${STAGING_PREFIX}/${staleIds.runId}`), [], 'the stale staging is gone');
    const winner = (outcomes.find((o) => o.status === 'fulfilled') as PromiseFulfilledResult<RunPlan>).value;
    assert.equal(JSON.parse(store.text(LEASE_KEY)!).runId, winner.runId);
    assert.deepEqual(
      store.keys(STAGING_PREFIX).filter((key) => key.includes('_takeover-')),
      [],
      'no takeover marker is left',
    );
  });
});

describe('part files', () => {
  it('runs started in the same minute get different part names (the run id is not cut to its time prefix)', () => {
    const a = partFileName(5, 0, '01936c2e-1111-7000-8000-000000000001');
    const b = partFileName(5, 0, '01936c2e-2222-7000-8000-000000000002');
    assert.notEqual(a, b);
    assert.match(a, /^part-00005-00000-.+\.parquet$/);
  });

  it('a commit refuses to publish over a file that belongs to another run', async () => {
    const store = new MemoryStore();
    const first = await runOnce(store);
    const manifest = manifestOf(store);
    // A second run whose staged part would land on a path of the first run.
    const plan = await planRun(store, config(), ids());
    await stageBatch(store, plan, 0, async () => {});
    await stageBatch(store, plan, 1, async () => {});
    const foreign = manifest.files.find((f) => f.table === 'patient_demographics')!.path;
    const staged = store.keys(`${STAGING_PREFIX}/${plan.runId}/patient_demographics.parquet/`)[0]!;
    const batchResult = store.keys(`${STAGING_PREFIX}/${plan.runId}/batches/`)[0]!;
    const result = JSON.parse(store.text(batchResult)!);
    const fileName = foreign.split('/').pop()!;
    result.files = result.files.map((f: { table: string; fileName: string }) =>
      f.table === 'patient_demographics' ? { ...f, fileName } : f,
    );
    await store.put(batchResult, JSON.stringify(result));
    await store.publish(staged, `${STAGING_PREFIX}/${plan.runId}/patient_demographics.parquet/${fileName}`);
    const before = store.objects.get(foreign);
    await assert.rejects(commitRun(store, plan, new Date().toISOString()), /belongs to run/);
    assert.equal(store.objects.get(foreign), before, "the first run's file is untouched");
    assert.equal(manifestOf(store).runs.length, 1);
    void first;
  });
});

describe('splits over a sequence of runs', () => {
  it('nightly runs of 2 patients keep every split within one patient of its fraction, and every table exists', async () => {
    const store = new MemoryStore();
    for (let night = 1; night <= 6; night++) {
      await runOnce(store, { numPatients: 2 });
      const manifest = manifestOf(store);
      const total = 2 * night;
      const counts = patientsPerSplit(manifest);
      assert.equal(counts.train + counts.val + counts.test, total);
      for (const [split, fraction] of [
        ['train', 0.7],
        ['val', 0.15],
        ['test', 0.15],
      ] as const) {
        assert.ok(Math.abs(counts[split] - fraction * total) <= 1, `night ${night}: ${split} ${counts[split]} of ${total}`);
      }
      for (const table of ['patient_demographics', 'timeseries_features_train', 'timeseries_features_val', 'timeseries_features_test']) {
        assert.ok(store.keys(`${table}.parquet/`).length >= 1, `night ${night}: ${table}.parquet/ exists`);
        assert.ok(
          manifest.files.some((f) => f.table === table),
          `night ${night}: ${table} is in the manifest`,
        );
      }
    }
    // 12 patients: 8.4 / 1.8 / 1.8 → within one of each.
    assert.deepEqual(
      Object.values(patientsPerSplit(manifestOf(store))).reduce((a, b) => a + b, 0),
      12,
    );
  });

  it('any sequence of run sizes and fractions stays within one patient (property)', async () => {
    const { appendSplitCounts } = await import('../../src/dataset/splits.ts');
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let trial = 0; trial < 300; trial++) {
      const train = 0.05 + 0.9 * random();
      const val = (1 - train) * random() * 0.99;
      const counts: [number, number, number] = [0, 0, 0];
      for (let run = 0; run < 12; run++) {
        const size = 1 + Math.floor(random() * (random() < 0.5 ? 3 : 200));
        const added = appendSplitCounts(counts, size, train, val);
        assert.equal(
          added.reduce((a, b) => a + b, 0),
          size,
        );
        added.forEach((n, i) => (counts[i]! += n));
        const total = counts[0] + counts[1] + counts[2];
        [train, val, 1 - train - val].forEach((f, i) =>
          assert.ok(Math.abs(counts[i]! - f * total) <= 1, `trial ${trial} run ${run}: ${counts} of ${total} at ${train}/${val}`),
        );
      }
    }
  });
});

describe('commit', () => {
  it('a retried commit is idempotent', async () => {
    const store = new MemoryStore();
    const plan = await runOnce(store);
    const manifest = store.text(MANIFEST_KEY);
    const again = await commitRun(store, plan, new Date().toISOString());
    assert.equal(again.alreadyCommitted, true);
    assert.equal(store.text(MANIFEST_KEY), manifest);
  });

  it('a crash at any step of the commit, then a retry, ends in the same committed state as no crash', async () => {
    const clean = new MemoryStore();
    nextRun = 100;
    const cleanPlan = await runOnce(clean);
    const cleanManifest = manifestOf(clean);
    const steps = clean.operations.length;
    for (let crashAt = 1; ; crashAt++) {
      const store = new MemoryStore();
      nextRun = 100;
      const plan = await stagedRun(store);
      const committedFrom = store.operations.length;
      let count = 0;
      store.beforeOperation = () => {
        if (++count === crashAt) throw new Error(`crash at step ${crashAt}`);
      };
      const finishedAt = new Date(Date.UTC(2026, 10, 29, 12)).toISOString();
      const crashed = await commitRun(store, plan, finishedAt).then(
        () => false,
        () => true,
      );
      store.beforeOperation = () => {};
      await commitRun(store, plan, finishedAt);
      const manifest = manifestOf(store);
      assert.deepEqual(manifest.files, cleanManifest.files, `crash at commit step ${crashAt}`);
      assert.deepEqual(
        store.keys().filter((k) => k.includes('.parquet/')),
        clean.keys().filter((k) => k.includes('.parquet/')),
      );
      assert.deepEqual(store.keys(STAGING_PREFIX), []);
      if (!crashed) {
        assert.ok(crashAt > steps - committedFrom - 50, 'every step was tried');
        break;
      }
      void cleanPlan;
    }
  });

  it('a commit of 2,000 staged batches on a store answering after 30 ms reports progress throughout and finishes at the first attempt', async () => {
    const store = new MemoryStore('memory://slow', 30);
    const plan = await planRun(store, config({ numPatients: 2000, batchSize: 1 }), ids());
    assert.equal(plan.batchCount, 2000);
    // Staged as a batch activity leaves them (tiny parts; the commit does not read their bytes).
    for (let batch = 0; batch < plan.batchCount; batch++) {
      const fileName = partFileName(plan.runSeq, batch, plan.runId);
      const files = (['patient_demographics', 'timeseries_features_train'] as const).map((table) => ({
        table,
        fileName,
        rows: 1,
        bytes: 4,
        sha256: 'x',
      }));
      for (const f of files) store.objects.set(`${STAGING_PREFIX}/${plan.runId}/${f.table}.parquet/${fileName}`, new Uint8Array(4));
      store.objects.set(
        `${STAGING_PREFIX}/${plan.runId}/batches/batch-${String(batch).padStart(6, '0')}.json`,
        new TextEncoder().encode(JSON.stringify({ ...emptyStats(6), patients: 1, batchIndex: batch, files })),
      );
    }
    const started = Date.now();
    const reports: number[] = [];
    let last: CommitProgress | undefined;
    const summary = await commitRun(store, plan, new Date().toISOString(), (progress) => {
      reports.push(Date.now());
      last = progress;
    });
    const gaps = reports.map((at, i) => at - (i === 0 ? started : reports[i - 1]!));
    assert.ok(gaps[0]! < 1000, `first report after ${gaps[0]} ms`);
    assert.ok(Math.max(...gaps) < 2000, `longest silence ${Math.max(...gaps)} ms`);
    assert.equal(reports.length, 2000 + 4002 + 4, 'every batch result read, every part (and the two empty ones) published, four logs');
    assert.deepEqual(last, { step: 'writing Delta logs', done: 4, total: 4 });
    assert.equal(summary.patients, 2000);
    assert.equal(manifestOf(store).files.length, 4002);
    assert.ok(Date.now() - started < 60_000);
  });

  it('overwrite (--no-append) removes only the files its manifest listed', async () => {
    const store = new MemoryStore();
    await runOnce(store);
    await store.put('timeseries_features_train.parquet/part-hand-made.parquet', 'not ours');
    const before = manifestOf(store).files.map((f) => f.path);
    await runOnce(store, { appendMode: false });
    const after = manifestOf(store);
    assert.equal(after.runs.length, 1);
    for (const path of before) assert.ok(!store.objects.has(path) || after.files.some((f) => f.path === path), path);
    assert.ok(store.objects.has('timeseries_features_train.parquet/part-hand-made.parquet'));
    assert.deepEqual(after.pendingDeletes, []);
  });
});

/** Each table's live files by its Delta log (paths relative to the dataset root), and by the manifest. */
async function deltaAgreesWithManifest(store: MemoryStore): Promise<number[]> {
  const manifest = manifestOf(store);
  const latestRun = Math.max(...manifest.runs.map((r) => r.runSeq));
  const versions: number[] = [];
  for (const table of TABLES) {
    const state = await readDeltaState(store, table);
    const byLog = [...state.files.keys()].map((p) => `${tableDirectory(table)}/${p}`).sort();
    const byManifest = manifest.files
      .filter((f) => f.table === table)
      .map((f) => f.path)
      .sort();
    assert.deepEqual(byLog, byManifest, table);
    assert.equal(state.txnVersions.get(manifest.datasetId), latestRun, `${table}: txn of the latest run`);
    versions.push(state.version);
  }
  return versions;
}

const deltaCommits = (store: MemoryStore, table: (typeof TABLES)[number]) =>
  store.keys(`${deltaLogPrefix(table)}/`).map((key) =>
    store
      .text(key)!
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line)),
  );

describe('Delta Lake logs', () => {
  it('the schema string names Spark types and nullability; a first commit holds protocol, metaData, adds, txn, commitInfo', () => {
    const demographics = JSON.parse(sparkSchemaString(demographicsSchema));
    assert.deepEqual(demographics.fields[0], { name: 'patient_id', type: 'string', nullable: false, metadata: {} });
    const series = JSON.parse(sparkSchemaString(runTimeseriesSchema(config({ cgmGaps: true }))));
    const typeOf = (name: string) => series.fields.find((f: { name: string }) => f.name === name);
    assert.equal(typeOf('timestamp').type, 'timestamp');
    assert.equal(typeOf('label_hypoglycemia_risk').type, 'integer');
    assert.equal(typeOf('feature_t0_glucose_mgdl').nullable, true, 'gaps make the glucose columns nullable');
    assert.equal(typeOf('feature_t0_heart_rate_bpm').nullable, false);
    const text = deltaCommitText({
      state: emptyDeltaState(),
      liveFiles: [{ path: 'part-1.parquet', size: 10, rows: 3 }],
      schemaString: '{"type":"struct","fields":[]}',
      tableId: 'id-1',
      appId: 'dataset-1',
      runSeq: 4,
      timestampMs: 1000,
      engineInfo: 'test',
    });
    const actions = text
      .trim()
      .split('\n')
      .map((line) => Object.keys(JSON.parse(line))[0]);
    assert.deepEqual(actions, ['protocol', 'metaData', 'add', 'txn', 'commitInfo']);
    const state = replayDeltaLog([text]);
    assert.deepEqual([...state.files], [['part-1.parquet', 10]]);
    assert.equal(state.txnVersions.get('dataset-1'), 4);
    // Nothing to add: the next version is txn and commitInfo only; a dropped file is a remove.
    const next = deltaCommitText({
      state,
      liveFiles: [],
      schemaString: '{"type":"struct","fields":[]}',
      tableId: 'id-1',
      appId: 'dataset-1',
      runSeq: 5,
      timestampMs: 2000,
      engineInfo: 'test',
    });
    assert.deepEqual(
      next
        .trim()
        .split('\n')
        .map((line) => Object.keys(JSON.parse(line))[0]),
      ['remove', 'txn', 'commitInfo'],
    );
    assert.equal(replayDeltaLog([text, next]).files.size, 0);
  });

  it('every run is one version in every table, the same number everywhere; a retried commit adds none', async () => {
    const store = new MemoryStore();
    const first = await runOnce(store, { numPatients: 2 });
    assert.deepEqual(await deltaAgreesWithManifest(store), [0, 0, 0, 0]);
    await runOnce(store, { numPatients: 2 });
    assert.deepEqual(await deltaAgreesWithManifest(store), [1, 1, 1, 1]);
    // Version 0 of the train table: protocol and metaData once, an add per part with its row count.
    const [v0, v1] = deltaCommits(store, 'timeseries_features_train');
    assert.deepEqual(
      v0!.slice(0, 2).map((a) => Object.keys(a)[0]),
      ['protocol', 'metaData'],
    );
    const firstAdds = v0!.filter((a) => a.add).map((a) => a.add);
    const manifest = manifestOf(store);
    for (const add of firstAdds) {
      const listed = manifest.files.find((f) => f.path === `timeseries_features_train.parquet/${add.path}`)!;
      assert.equal(add.size, listed.bytes);
      const stats = JSON.parse(add.stats);
      assert.equal(stats.numRecords, listed.rows);
      assert.equal(listed.runId, first.runId);
      // Bounds for data skipping: the batch's patients, the stay's minutes; never null.
      assert.deepEqual(stats.nullCount, { patient_id: 0, timestamp: 0 });
      assert.ok(stats.minValues.patient_id <= stats.maxValues.patient_id);
      assert.ok(Date.parse(stats.minValues.timestamp) < Date.parse(stats.maxValues.timestamp), JSON.stringify(stats));
    }
    assert.equal(v1!.filter((a) => a.metaData || a.protocol).length, 0, 'same schema: no new metaData');
    const logKeys = store.keys('timeseries_features_train.parquet/_delta_log');
    const again = await commitRun(store, first, new Date().toISOString());
    assert.equal(again.alreadyCommitted, true);
    assert.deepEqual(store.keys('timeseries_features_train.parquet/_delta_log'), logKeys);
  });

  it('an overwrite is one version later with a remove for every replaced file; its files are gone', async () => {
    const store = new MemoryStore();
    await runOnce(store);
    await runOnce(store);
    const replaced = manifestOf(store).files.map((f) => f.path);
    await runOnce(store, { appendMode: false, forecastHorizonsMinutes: [30] });
    assert.deepEqual(await deltaAgreesWithManifest(store), [2, 2, 2, 2]);
    const last = deltaCommits(store, 'timeseries_features_train').at(-1)!;
    const removed = last.filter((a) => a.remove).map((a) => `timeseries_features_train.parquet/${a.remove.path}`);
    assert.deepEqual(removed.sort(), replaced.filter((p) => p.startsWith('timeseries_features_train')).sort());
    for (const path of replaced) assert.ok(!store.objects.has(path), `${path} deleted`);
    const metaData = last.find((a) => a.metaData)?.metaData;
    assert.ok(metaData, 'the new columns (a 30-minute horizon) come with a new metaData');
    assert.ok(JSON.parse(metaData.schemaString).fields.some((f: { name: string }) => f.name.includes('30min')));
    assert.equal(
      deltaCommits(store, 'patient_demographics')
        .at(-1)!
        .filter((a) => a.metaData).length,
      0,
    );
  });

  it('a dataset written before the logs gets them at its next run: version 0 holds every run', async () => {
    const store = new MemoryStore();
    await runOnce(store);
    await runOnce(store);
    for (const key of store.keys()) if (key.includes('/_delta_log/')) store.objects.delete(key);
    await runOnce(store);
    assert.deepEqual(await deltaAgreesWithManifest(store), [0, 0, 0, 0]);
    assert.equal(manifestOf(store).runs.length, 3);
  });

  it("a crash between two tables' log entries: the retried commit finishes every log, one version each, no duplicate add", async () => {
    const store = new MemoryStore();
    await runOnce(store);
    const plan = await stagedRun(store);
    const thirdLog = `${deltaLogPrefix('timeseries_features_val')}/${commitFileName(1)}`;
    store.beforeOperation = (op, key) => {
      if (op === 'putIfAbsent' && key === thirdLog) throw new Error('killed between two log entries');
    };
    const finishedAt = new Date(Date.UTC(2026, 10, 29, 13)).toISOString();
    await assert.rejects(commitRun(store, plan, finishedAt), /killed between/);
    assert.ok(store.objects.has(`${deltaLogPrefix('timeseries_features_train')}/${commitFileName(1)}`));
    assert.ok(!store.objects.has(thirdLog));
    store.beforeOperation = () => {};
    await commitRun(store, plan, finishedAt);
    assert.deepEqual(await deltaAgreesWithManifest(store), [1, 1, 1, 1]);
    for (const table of TABLES) {
      const adds = deltaCommits(store, table).flatMap((actions) => actions.filter((a) => a.add).map((a) => a.add.path));
      assert.equal(new Set(adds).size, adds.length, `${table}: no file added twice`);
    }
  });

  it('a write refused for good after the manifest never abandons the run: it is committed, what is left is named, the next commit finishes it', async () => {
    const store = new MemoryStore();
    const plan = await stagedRun(store);
    const valLog = `${deltaLogPrefix('timeseries_features_val')}/${commitFileName(0)}`;
    store.beforeOperation = (op, key) => {
      if (op === 'putIfAbsent' && key === valLog) throw new PermanentRunError('the Delta log refused the write');
    };
    const finishedAt = new Date(Date.UTC(2026, 10, 29, 13)).toISOString();
    const refused = await commitRun(store, plan, finishedAt).then(
      () => assert.fail('the refused log write must be reported'),
      (error: unknown) => error,
    );
    assert.ok(refused instanceof CommitUnfinishedError, String(refused));
    assert.equal(refused.summary.runId, plan.runId);
    assert.match(refused.message, /is committed, but finishing it \(Delta logs.*\) failed: the Delta log refused the write/);
    store.beforeOperation = () => {};
    const committedFiles = manifestOf(store).files.map((f) => f.path);
    assert.equal(manifestOf(store).runs[0]!.runId, plan.runId);
    // The clean-up of a committed run (a workflow that failed anyway, a takeover) keeps every file.
    await abandonRun(store, plan.runId);
    for (const path of committedFiles) assert.ok(store.objects.has(path), `${path} kept`);
    await runOnce(store);
    assert.deepEqual(await deltaAgreesWithManifest(store), [1, 1, 1, 1]);
  });

  it('abandoning a run stopped mid-publish removes the parts it had published; no file of a committed run goes', async () => {
    const store = new MemoryStore();
    await runOnce(store);
    const before = manifestOf(store).files.map((f) => f.path);
    const plan = await stagedRun(store, { numPatients: 6 });
    let published = 0;
    store.beforeOperation = (op) => {
      if (op === 'publish' && ++published === 3) throw new Error('storage gone mid-publish');
    };
    await assert.rejects(commitRun(store, plan, new Date(Date.UTC(2026, 10, 29, 13)).toISOString()), /storage gone mid-publish/);
    store.beforeOperation = () => {};
    const orphans = () =>
      TABLES.flatMap((table) => store.keys(`${tableDirectory(table)}/`)).filter((key) => key.endsWith(`-${plan.runId}.parquet`));
    assert.equal(orphans().length, 2, 'two parts were published before the failure');
    await abandonRun(store, plan.runId);
    assert.deepEqual(orphans(), []);
    for (const path of before) assert.ok(store.objects.has(path), `${path} kept`);
    assert.deepEqual(store.keys(STAGING_PREFIX), []);
    assert.equal(store.text(LEASE_KEY), undefined);
  });
});
