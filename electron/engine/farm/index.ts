/** Batch farms: BullMQ queues on Redis, files through storage the workers share. */
export { runFarmBatch, type FarmBatchSpec, type FarmContext } from './farm-client.js';
export { FarmWorker, type FarmWorkerOptions, type WorkerItemReport } from './farm-worker.js';
export { farmStatus, cancelFarmBatch, type FarmStatus } from './farm-status.js';
export { SharedFolderStorage } from './shared-folder-storage.js';
export { farmRedis, redact, FARM_ENV, type FarmRedis } from './redis-connection.js';
