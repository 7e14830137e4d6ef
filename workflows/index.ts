export * from './generateDataset.ts';
