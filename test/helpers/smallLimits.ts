// Stands in for workflows/limits.ts in the test bundle: continue-as-new after a few batches.
import type { WorkflowLimits } from '../../workflows/limits.ts';

export type { WorkflowLimits };
export const DEFAULT_LIMITS: WorkflowLimits = { maxBatchesInFlight: 2, historyEventsBeforeContinue: 40 };
