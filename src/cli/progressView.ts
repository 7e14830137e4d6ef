import cliProgress from 'cli-progress';
import type { WorkflowHandle } from '@temporalio/client';
import type { RunProgress } from '../../workflows/generateDataset.ts';
import { PROGRESS_QUERY } from '../temporal/names.ts';
import type { RunLog } from '../util/logger.ts';

export const formatBytes = (bytes: number) =>
  bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;

/**
 * A live progress bar fed by the workflow's progress query (the same numbers as the Web UI).
 * Returns a stop function. Quiet shows nothing; a non-terminal gets a line every 10 s.
 */
export function showProgress(handle: WorkflowHandle, log: RunLog, options: { quiet: boolean }): () => Promise<void> {
  const interactive = process.stderr.isTTY && !options.quiet;
  const bar = new cliProgress.SingleBar(
    {
      format: ' {bar} {percentage}% | {phase} | batches {batchesDone}/{batchesTotal} | patients {patientsDone}/{patientsTotal} | rows {rows} | {size} | ETA {eta_formatted}',
      barsize: 28,
      hideCursor: true,
      stream: process.stderr,
      noTTYOutput: !interactive && !options.quiet,
      notTTYSchedule: 10_000,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  const poll = async () => {
    if (stopped) return;
    try {
      const progress = await handle.query<RunProgress>(PROGRESS_QUERY);
      const payload = {
        phase: progress.phase,
        batchesDone: progress.batchesDone,
        batchesTotal: progress.batchesTotal,
        patientsDone: progress.patientsDone,
        patientsTotal: progress.patientsTotal,
        rows: progress.rows.toLocaleString('en-US'),
        size: formatBytes(progress.bytes),
      };
      if (options.quiet) return;
      if (!started && progress.batchesTotal > 0) {
        bar.start(progress.batchesTotal, progress.batchesDone, payload);
        // Warnings printed while the bar is on screen: clear the bar's line first; it redraws on the next update.
        if (interactive) log.setConsoleWriter((text) => process.stderr.write(`\r\x1b[K${text}\n`));
        started = true;
      } else if (started) {
        bar.update(progress.batchesDone, payload);
      }
    } catch {
      // The query fails while no worker has the workflow cached yet; the next poll retries.
    }
  };
  let inFlight: Promise<void> = poll();
  const timer = setInterval(() => {
    inFlight = inFlight.then(poll);
  }, 500);
  return async () => {
    clearInterval(timer);
    if (stopped) {
      await inFlight;
      return;
    }
    stopped = true;
    // Let a query in flight finish before the caller closes the connection.
    await inFlight;
    if (started) bar.stop();
    log.setConsoleWriter(undefined);
  };
}
