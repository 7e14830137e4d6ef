// The project targets Node 20 (the machine's); the AWS SDK's Node-22 notice would break one-line errors.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The production worker process (`npm run worker`, and the CLI's worker pool): the activities with
// their default dependencies and the lease holder lookup of this folder (given, so that activities/
// imports nothing from src/temporal/).
import { createActivities } from '../../activities/index.ts';
import { leaseHolderState } from './leaseHolder.ts';
import { runWorker } from './worker.ts';

await runWorker(createActivities({ leaseHolderState }));
