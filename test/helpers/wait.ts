import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Polls `predicate` until it holds; on a timeout the error carries `context()` (e.g. a run's output so far). */
export async function waitFor(
  what: string,
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 120_000,
  context?: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${context ? `\n${context()}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The run log of a local dataset (the newest), or '' before it exists. */
export function runLog(dataset: string): string {
  if (!existsSync(dataset)) return '';
  const logs = readdirSync(dataset)
    .filter((f) => f.startsWith('ml_dataset_generation_'))
    .sort();
  return logs.length ? logs.map((f) => readFileSync(join(dataset, f), 'utf8')).join('\n') : '';
}

export const count = (text: string, pattern: RegExp) => (text.match(new RegExp(pattern.source, 'g')) ?? []).length;
