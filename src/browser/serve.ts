/**
 * Web Worker side of the browser `convolve2dAsync`: runs `convolve2d` on what the page sends and
 * transfers the result back (no copy). Arguments were already checked on the page.
 *
 * Where it runs: in a worker started from the text of worker.ts's bundle (apps bundled from
 * dist/browser/index.js), or from the text of dist/browser/conv2d-wasm.js itself (see
 * worker-source.self.ts). async.ts says why workers start from text.
 */
import { answer, type TaskRequest, type TaskResponse } from '../core/workers/protocol.js';
import { init } from '../core/index.js';

/** The parts of a dedicated worker's global scope used here (tsconfig's lib is the page's DOM). */
interface WorkerScope {
  onmessage: ((event: MessageEvent<TaskRequest>) => void) | null;
  postMessage(message: TaskResponse, transfer?: Transferable[]): void;
}

/** Makes this worker answer the pool's tasks. */
export function serveTasks(): void {
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
}
