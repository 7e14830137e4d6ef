// Names that users and scripts call (`temporal workflow start --type generateDataset --task-queue diabetic-twin-dataset`).
export const TASK_QUEUE = 'diabetic-twin-dataset';
export const WORKFLOW_TYPE = 'generateDataset';
export const PROGRESS_QUERY = 'progress';
