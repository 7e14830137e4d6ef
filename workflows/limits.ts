// How the workflow paces itself. Fixed in the workflow code, never an input: tests that need
// continue-as-new to happen after a few batches bundle the workflow with another copy of this
// module (test/helpers/workflowBundles.ts), so no start command can change them.

export interface WorkflowLimits {
  /** Batches scheduled at once; workers take one each, the rest wait in the task queue. */
  maxBatchesInFlight: number;
  /** Continue-as-new well before Temporal's 10,240-event warning. */
  historyEventsBeforeContinue: number;
}

export const DEFAULT_LIMITS: WorkflowLimits = { maxBatchesInFlight: 100, historyEventsBeforeContinue: 6000 };
