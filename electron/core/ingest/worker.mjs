// Worker-thread entry for the ingest pool. Node 20 does not pass module hooks registered in the
// parent on to workers, so the TypeScript loader is registered here before the task module loads.
import { register } from 'tsx/esm/api';

register();
const tasks = await import('./task.ts');

export const copyTask = tasks.copyTask;
export const extractTask = tasks.extractTask;
export const digestTask = tasks.digestTask;
export const stageTask = tasks.stageTask;
export const commitTask = tasks.commitTask;
export const previewTask = tasks.previewTask;
