/**
 * Worker-thread side of `convolve2dAsync`: runs `convolve2d` on what the main thread sends and
 * transfers the result back (no copy). Arguments were already checked on the main thread.
 */
import { parentPort } from 'node:worker_threads';
import { convolve2d } from '../core/convolve.js';
import type { AsyncRequest, AsyncResponse } from './async.js';

const port = parentPort;
if (!port) throw new Error('conv2d-wasm: worker.js must run in a worker thread');

port.on('message', (request: AsyncRequest) => {
  let response: AsyncResponse;
  try {
    const out = convolve2d(request.image, request.kernel, request.options);
    response = { id: request.id, image: out };
    port.postMessage(response, [out.data.buffer as ArrayBuffer]);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    response = { id: request.id, error: { name: e.name, message: e.message } };
    port.postMessage(response);
  }
});
