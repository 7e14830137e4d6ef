import { ConfigError } from '../config/config.ts';
import type { RunLog } from '../util/logger.ts';

/** Exit status: 0 success, 2 bad input (nothing written), 1 the run failed or was refused, 130 detached. */
export const EXIT = { ok: 0, failed: 1, badInput: 2, interrupted: 130 } as const;

/** Prints a failure as one line and returns its exit status, from its type: bad input is 2, the rest 1. */
export function exitFor(error: unknown, log?: RunLog): number {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ConfigError) {
    process.stderr.write(`error: ${message}\n`);
    return EXIT.badInput;
  }
  if (log) log.logger.error(message);
  else process.stderr.write(`error: ${message}\n`);
  return EXIT.failed;
}
