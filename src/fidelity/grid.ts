// The common grid's step: every reading of either side is placed on 5-minute slots.
export const SLOT_MINUTES = 5;
export const SLOT_MS = SLOT_MINUTES * 60_000;
export const SLOTS_PER_DAY = 1440 / SLOT_MINUTES;
