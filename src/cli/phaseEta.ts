// The progress bar's ETA, per phase: the bar's own estimate mixes phases (simulation, then the
// commit's reads and publishes), so a long commit showed a stale or broken ETA.

/** Whole seconds as `42s`, `3m07s` or `2h05m`. */
export function formatDuration(seconds: number): string {
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${seconds}s`;
}

/**
 * An ETA that starts over whenever the phase changes: elapsed in this phase ÷ work done in it ×
 * work left. '…' until the phase has made progress, '0s' once it is done.
 */
export function phaseEta(now: () => number = Date.now): (phase: string, done: number, total: number) => string {
  let start = { phase: '', at: now(), done: 0 };
  return (phase, done, total) => {
    if (phase !== start.phase) start = { phase, at: now(), done };
    if (total <= done) return '0s';
    const progressed = done - start.done;
    if (progressed <= 0) return '…';
    return formatDuration(Math.round((((now() - start.at) / progressed) * (total - done)) / 1000));
  };
}
