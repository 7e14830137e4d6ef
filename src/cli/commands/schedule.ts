import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Command } from 'commander';
import { ConfigError, withoutInheritedKeys } from '../../config/config.ts';
import { preflightOutput } from '../../storage/preflight.ts';
import { TASK_QUEUE, WORKFLOW_TYPE, workflowIdFor } from '../../temporal/connection.ts';
import { createRunLog } from '../../util/logger.ts';
import { EXIT } from '../failures.ts';
import { addRunOptions, resolveRunConfig, type GenerateFlags } from '../runOptions.ts';
import { openSession } from '../../temporal/session.ts';

/** Durations Temporal accepts: 30s, 15m, 2h, 1d (ms-style). */
const DURATION = /^\d+(\.\d+)?\s*(ms|s|m|h|d)$/;

async function withClient(run: (client: Client) => Promise<number>): Promise<number> {
  const log = createRunLog({});
  const session = await openSession(log, { startServer: false, workers: 0 });
  try {
    return await run(session.client);
  } finally {
    await session.close();
    await log.close();
  }
}

function fail(error: unknown): number {
  if (error instanceof ConfigError) {
    process.stderr.write(`error: ${error.message}\n`);
    return EXIT.badInput;
  }
  if (error instanceof ScheduleNotFoundError) {
    process.stderr.write(`error: no schedule ${error.scheduleId ?? ''}\n`);
    return EXIT.failed;
  }
  process.stderr.write(`error: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
  return EXIT.failed;
}

/**
 * `schedule create|list|describe|pause|unpause|delete|trigger`: nightly growth with Temporal
 * Schedules. Overlap policy SKIP; the dataset's lease also keeps a scheduled run and a manual one
 * from writing at once (schedule-fired workflow ids carry the fire time).
 */
export function registerSchedule(program: Command): void {
  const schedule = program
    .command('schedule')
    .description('Grow a dataset on a schedule (Temporal Schedules).')
    .addHelpText(
      'after',
      '\nExamples:\n  npm run schedule -- create --id nightly --cron "0 2 * * *" --patients 200 --out ' +
        'ml_dataset_output\n  npm run schedule -- list\n  npm run schedule -- describe nightly\n  npm run ' +
        'schedule -- trigger nightly\n  npm run schedule -- pause nightly\n  npm run schedule -- delete ' +
        'nightly',
    );

  addRunOptions(
    schedule
      .command('create')
      .description('Create a schedule that runs generate with these options (append mode) at each fire time.')
      .requiredOption('--id <id>', 'schedule id')
      .option('--cron <expr>', 'cron expression, e.g. "0 2 * * *" (02:00 UTC nightly)')
      .option('--every <duration>', 'interval, e.g. 30s, 6h, 1d'),
  )
    .option('--no-append', 'each fire replaces the dataset instead of growing it')
    .addHelpText(
      'after',
      '\nExamples:\n  npm run schedule -- create --id nightly --cron "0 2 * * *" --patients 100 --out ' +
        's3://bucket/twins\n  npm run schedule -- create --id demo --every 30s --patients 5 --days 0.1 --out ' +
        '/tmp/grow',
    )
    .action(async (flags: GenerateFlags & { id: string; cron?: string; every?: string }) => {
      process.exitCode = await (async () => {
        try {
          if (!!flags.cron === !!flags.every)
            throw new ConfigError('invalid schedule: give exactly one of --cron EXPR or --every DURATION');
          if (flags.every && !DURATION.test(flags.every))
            throw new ConfigError(`invalid --every: got "${flags.every}", expected a duration such as 30s, 15m, 6h or 1d`);
          if (!/^[A-Za-z0-9._-]{1,200}$/.test(flags.id))
            throw new ConfigError(`invalid --id: got "${flags.id}", expected letters, digits, ".", "_" or "-"`);
          const { config, omittedInheritedKeys: omitted } = resolveRunConfig(flags);
          const location = await preflightOutput(config.outputDir);
          return await withClient(async (client) => {
            await client.schedule.create({
              scheduleId: flags.id,
              spec: flags.cron ? { cronExpressions: [flags.cron] } : { intervals: [{ every: flags.every! as never }] },
              action: {
                type: 'startWorkflow',
                workflowType: WORKFLOW_TYPE,
                taskQueue: TASK_QUEUE,
                workflowId: workflowIdFor(location),
                args: [{ ...withoutInheritedKeys(config, omitted), outputDir: location }],
              },
              policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
            });
            process.stdout.write(
              `created schedule ${flags.id}: ${flags.cron ? `cron "${flags.cron}"` : `every ${flags.every}`} → ` +
                `${config.numPatients} patients into ${location}\n`,
            );
            return EXIT.ok;
          });
        } catch (error) {
          if (error instanceof ScheduleAlreadyRunning) {
            process.stderr.write(`error: schedule ${flags.id} already exists; delete it first or choose another --id\n`);
            return EXIT.failed;
          }
          if (/invalid cron|cron/i.test(String((error as Error).message)) && flags.cron) {
            process.stderr.write(`error: invalid --cron: "${flags.cron}" (${(error as Error).message.split('\n')[0]})\n`);
            return EXIT.badInput;
          }
          return fail(error);
        }
      })();
    });

  schedule
    .command('list')
    .description('List schedules.')
    .action(async () => {
      process.exitCode = await withClient(async (client) => {
        for await (const s of client.schedule.list()) {
          const action = s.action as { workflowType?: string } | undefined;
          process.stdout.write(
            `${s.scheduleId}\t${s.state.paused ? 'paused' : 'active'}\t${action?.workflowType ?? ''}\tnext ` +
              `${s.info.nextActionTimes[0]?.toISOString() ?? '—'}\n`,
          );
        }
        return EXIT.ok;
      }).catch(fail);
    });

  const simple = (name: string, description: string, act: (client: Client, id: string) => Promise<string>) =>
    schedule
      .command(`${name} <id>`)
      .description(description)
      .action(async (id: string) => {
        process.exitCode = await withClient(async (client) => {
          process.stdout.write((await act(client, id)) + '\n');
          return EXIT.ok;
        }).catch(fail);
      });

  simple('describe', 'Show a schedule: spec, state, recent and next runs.', async (client, id) => {
    const d = await client.schedule.getHandle(id).describe();
    const action = d.action as { args?: unknown[] };
    return JSON.stringify(
      {
        scheduleId: d.scheduleId,
        paused: d.state.paused,
        spec: d.spec,
        config: action.args?.[0],
        recentActions: d.info.recentActions.map((a) => ({ scheduledAt: a.scheduledAt, workflowId: a.action.workflow.workflowId })),
        nextActionTimes: d.info.nextActionTimes,
        runningActions: d.info.runningActions.map((a) => a.workflow.workflowId),
      },
      null,
      2,
    );
  });
  simple('pause', 'Pause a schedule.', async (client, id) => {
    await client.schedule.getHandle(id).pause('paused from the CLI');
    return `paused ${id}`;
  });
  simple('unpause', 'Resume a paused schedule.', async (client, id) => {
    await client.schedule.getHandle(id).unpause('unpaused from the CLI');
    return `unpaused ${id}`;
  });
  simple('delete', 'Delete a schedule (data already generated stays).', async (client, id) => {
    await client.schedule.getHandle(id).delete();
    return `deleted ${id}`;
  });
  simple('trigger', 'Run a schedule now (overlap policy applies).', async (client, id) => {
    await client.schedule.getHandle(id).trigger(ScheduleOverlapPolicy.SKIP);
    return `triggered ${id}`;
  });
}
