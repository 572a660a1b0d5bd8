/**
 * Worker-thread side of `convolve2dAsync`: answers each request (see src/core/workers/pool.ts) and
 * transfers the result back, no copy. Arguments were already checked on the calling thread.
 */
import { parentPort } from 'node:worker_threads';
import { answer, type TaskRequest } from '../core/workers/protocol.js';

const port = parentPort;
if (!port) throw new Error('conv2d-wasm: worker.js must run in a worker thread');

port.on('message', (request: TaskRequest) => {
  const { response, transfer } = answer(request);
  port.postMessage(response, transfer);
});
