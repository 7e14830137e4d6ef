// Extension points inside the activities, empty in production. A worker plugin (a module named by
// DIABETIC_TWIN_WORKER_PLUGIN, imported by the worker process at start) may register behaviour
// here: the fault tests use it to kill a worker at a chosen moment.

export interface ActivityHooks {
  /** After each patient of a batch is simulated (before the heartbeat yields). */
  afterPatient?(batchIndex: number, patientsDone: number): void;
  /** After each request of a commit (a batch result read, a part file published). */
  afterCommitStep?(progress: { step: string; done: number; total: number }): void;
}

// One registry per process, kept on globalThis: a plugin loaded from the sources and a worker run
// from its bundle then share it (each has its own copy of this module).
const REGISTRY = Symbol.for('diabetic-twin-dataset.activityHooks');
export const activityHooks: ActivityHooks = ((globalThis as Record<symbol, ActivityHooks | undefined>)[REGISTRY] ??= {});

export function registerActivityHooks(hooks: ActivityHooks): void {
  Object.assign(activityHooks, hooks);
}
