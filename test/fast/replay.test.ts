// Histories recorded from real runs (scripts/record-histories.ts) replayed against today's workflow
// code: a change that is not deterministic for runs already in flight fails here.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { smallLimitsBundlePath } from '../helpers/workflowBundles.ts';
import { workflowBundlePath } from '../../src/temporal/workflowBundle.ts';

const HISTORIES = fileURLToPath(new URL('../replay/histories/', import.meta.url));

describe('replay of recorded histories', () => {
  const files = readdirSync(HISTORIES)
    .filter((f) => f.endsWith('.pb'))
    .sort();

  it('has the recorded runs: completed, cancelled mid-run, continued as new; and the first two again with the cancellable commit', () => {
    assert.deepEqual(files, [
      'cancelled-cancellable-commit.pb',
      'cancelled.pb',
      'completed-cancellable-commit.pb',
      'completed.pb',
      'continued-1.pb',
      'continued-2.pb',
      'continued-3.pb',
    ]);
  });

  it('every history replays without a determinism error', async () => {
    const histories = files.map((file) => ({
      workflowId: file.replace(/\.pb$/, ''),
      history: proto.temporal.api.history.v1.History.decode(readFileSync(join(HISTORIES, file))),
    }));
    assert.ok(histories.every((h) => h.history.events.length > 15));
    const failures: string[] = [];
    // The continued run was recorded with the small limits: it replays against the bundle that has them.
    const bundles = [
      { codePath: await workflowBundlePath(), histories: histories.filter((h) => !h.workflowId.startsWith('continued')) },
      { codePath: await smallLimitsBundlePath(), histories: histories.filter((h) => h.workflowId.startsWith('continued')) },
    ];
    for (const { codePath, histories: some } of bundles) {
      for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath } }, some)) {
        if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
      }
    }
    assert.deepEqual(failures, []);
  });
});
