import type { Schema } from 'apache-arrow';
import type { RunConfig } from '../config/config.ts';
import { demographicsSchema, runTimeseriesSchema } from '../dataset/arrowSchema.ts';
import type { TableName } from '../storage/layout.ts';

/** The Arrow schema of a table's part files for a run with this config. */
export const tableSchema = (table: TableName, config: RunConfig): Schema =>
  table === 'patient_demographics' ? demographicsSchema : runTimeseriesSchema(config);
