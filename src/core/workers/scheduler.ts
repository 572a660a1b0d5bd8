/**
 * The scheduler under the pool: a queue of tasks and a set of workers started lazily up to a
 * limit, one task per worker at a time. A worker that dies is replaced and its task rejects with a
 * clear Error; `terminate` stops them all. It knows nothing of convolution: pool.ts turns a call
 * into tasks.
 */
import type { ConvolvePlan } from '../convolve/options.js';
import type { Image } from '../types.js';
import type { KernelMatrix } from '../validate.js';
import type { Platform, TaskRequest, TaskResponse, WorkerPort } from './protocol.js';

interface Task {
  request: TaskRequest;
  transfer: ArrayBuffer[];
  resolve(image: Image<Float32Array> | undefined): void;
  reject(error: Error): void;
}

interface Slot { port: WorkerPort; task?: Task }

export class Scheduler {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  /** Most workers it may hold: the largest useful `threads` any call asked for. */
  private limit = 1;

  constructor(private readonly platform: Platform) {}

  /** Lets up to `workers` run at once (the limit only grows: workers are shared by all calls). */
  allow(workers: number): void {
    this.limit = Math.max(this.limit, workers);
  }

  /** How many workers are worth running on this platform: its cores. */
  cores(): number {
    return this.platform.cores();
  }

  /** The live workers (for tests that need to kill one mid-task). */
  ports(): WorkerPort[] {
    return this.slots.map((s) => s.port);
  }

  /** Stops every worker; running and queued calls reject; a later call starts new workers. */
  terminate(why: string): void {
    for (const slot of this.slots.splice(0)) {
      slot.port.terminate();
      slot.task?.reject(new Error(`conv2d-wasm: ${why} stopped the ${this.platform.noun} during convolve2dAsync`));
    }
    for (const task of this.queue.splice(0)) task.reject(new Error(`conv2d-wasm: ${why} was called before this convolve2dAsync ran`));
  }
  /** Queues one request; resolves with the worker's image (none for `rows` tasks, which write in place). */
  run(image: Image, kernel: KernelMatrix, plan: ConvolvePlan, transfer: ArrayBuffer[],
    rows?: TaskRequest['rows']): Promise<Image<Float32Array> | undefined> {
    return new Promise((resolve, reject) => {
      const request: TaskRequest = { id: this.nextId++, image, kernel, plan };
      if (rows) request.rows = rows;
      this.queue.push({ request, transfer, resolve, reject });
      this.dispatch();
    });
  }

  private start(): Slot {
    const slot = {} as Slot;
    const onMessage = (msg: TaskResponse) => {
      const task = slot.task;
      if (!task || task.request.id !== msg.id) return;
      slot.task = undefined;
      if (msg.error === undefined) task.resolve(msg.image);
      else {
        const E = msg.error.name === 'TypeError' ? TypeError : msg.error.name === 'RangeError' ? RangeError : Error;
        task.reject(new E(msg.error.message));
      }
      this.dispatch();
    };
    const onLost = (why: string) => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return; // already handled (an error is often followed by an exit)
      this.slots.splice(i, 1);
      slot.port.terminate();
      slot.task?.reject(new Error(`conv2d-wasm: a ${this.platform.noun} ${why} during convolve2dAsync`));
      slot.task = undefined;
      this.dispatch(); // queued tasks go to the other workers, or to a new one
    };
    slot.port = this.platform.start(onMessage, onLost);
    this.slots.push(slot);
    return slot;
  }

  /** Hands queued tasks to idle workers, starting workers up to the limit. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.task);
      if (!slot && this.slots.length < this.limit) {
        try {
          slot = this.start();
        } catch (error) {
          for (const task of this.queue.splice(0)) task.reject(error as Error);
          return;
        }
      }
      if (!slot) break;
      const task = this.queue.shift()!;
      slot.task = task;
      slot.port.busy?.(true);
      try {
        slot.port.post(task.request, task.transfer);
      } catch (error) {
        // Nothing was sent (a buffer that cannot be cloned or moved): this task fails, the worker
        // stays free for the next one.
        slot.task = undefined;
        const e = error as Error;
        task.reject(new RangeError(`conv2d-wasm: the image could not be sent to a ${this.platform.noun} (${e.message}); image.data must stay attached until the promise settles`, { cause: e }));
      }
    }
    for (const s of this.slots) if (!s.task) s.port.busy?.(false);
  }
}
