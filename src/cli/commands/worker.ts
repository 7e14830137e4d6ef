import type { Command } from 'commander';
import { TASK_QUEUE } from '../../temporal/connection.ts';
import { createRunLog } from '../../util/logger.ts';
import { EXIT, exitFor } from '../failures.ts';
import { parseWorkers } from '../runOptions.ts';
import { openSession } from '../../temporal/session.ts';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('Run worker processes only (scale out on more machines against the same cluster).')
    .option('--workers <n>', 'worker processes (default all cores)')
    .option('--verbose', 'print every worker line')
    .addHelpText('after', '\nExamples:\n  npm run worker\n  TEMPORAL_ADDRESS=temporal.example.org:7233 npm run worker -- --workers 8')
    .action(async (flags: { workers?: string; verbose?: boolean }) => {
      process.exitCode = await workersOnly(flags);
    });
}

export async function workersOnly(flags: { workers?: string; verbose?: boolean }): Promise<number> {
  let workers: number;
  try {
    workers = parseWorkers(flags.workers, 1);
  } catch (error) {
    return exitFor(error);
  }
  const log = createRunLog({ verbose: flags.verbose });
  const session = await openSession(log, { startServer: false, workers });
  log.logger.info(`workers polling task queue ${TASK_QUEUE} on ${session.target.address}; Ctrl-C to stop`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  log.logger.info('stopping workers (the current batches finish or are retried elsewhere)');
  await session.close();
  return EXIT.ok;
}
