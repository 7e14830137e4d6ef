/** Refusals that no retry can fix (bad input, a dataset locked by another run). */
export class PermanentRunError extends Error {
  override name = 'PermanentRunError';
}
