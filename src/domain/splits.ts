// The split names, with no dependency: workflow code (batch counts) uses them too, and may not
// load the seeded RNG that the split assignment in dataset/splits.ts needs.
export const SPLITS = ['train', 'val', 'test'] as const;
export type Split = (typeof SPLITS)[number];
