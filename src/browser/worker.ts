/**
 * Web Worker side of the browser `convolve2dAsync`: runs `convolve2d` on what the page sends and
 * transfers the result back (no copy). Arguments were already checked on the page.
 *
 * This file is not loaded by URL. scripts/build-browser.mjs bundles it (with the core and the
 * embedded WASM) into one module and stores the text in worker-source.generated.ts; async.ts
 * starts workers from a Blob URL of that text. See async.ts for why.
 */
import { answer, type TaskRequest, type TaskResponse } from '../core/workers/protocol.js';
import { init } from '../core/index.js';

/** The parts of a dedicated worker's global scope used here (tsconfig's lib is the page's DOM). */
interface WorkerScope {
  onmessage: ((event: MessageEvent<TaskRequest>) => void) | null;
  postMessage(message: TaskResponse, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
// Compiled once per worker, asynchronously, before the first task.
const ready = init();

scope.onmessage = async ({ data: request }) => {
  try {
    await ready;
  } catch (error) {
    scope.postMessage({ id: request.id, error: { name: 'Error', message: (error as Error).message } });
    return;
  }
  const { response, transfer } = answer(request);
  scope.postMessage(response, transfer);
};
