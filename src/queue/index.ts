/**
 * conv2d-wasm/queue: batches spread over many machines, on BullMQ and Redis. A producer calls
 * `enqueueFiles` (one job per image, deterministic ids), workers on every machine call
 * `startWorker` (the same pipeline as a local `convolveFiles` run, on the library's worker
 * threads), and anyone follows a batch with `batchStatus`. Node only; nothing here is loaded by
 * the main entry, so users who never import this subpath never load BullMQ.
 * @example
 * import { enqueueFiles, batchStatus } from 'conv2d-wasm/queue';
 * import { kernels } from 'conv2d-wasm';
 * const { batch } = await enqueueFiles(['photos/'], kernels.edge, {}, { redis: 'redis://10.0.0.5:6379', outDir: 'edges' });
 * const { report } = await batchStatus(batch, { redis: 'redis://10.0.0.5:6379', wait: true });
 */
export { enqueueFiles, type EnqueueOptions, type EnqueueResult } from './enqueue.js';
export { startWorker, type QueueWorker, type WorkerEvent, type WorkerOptions } from './worker.js';
export { batchStatus, type QueueBatchStatus, type StatusOptions } from './status.js';
export { DEFAULT_QUEUE } from './connection.js';
