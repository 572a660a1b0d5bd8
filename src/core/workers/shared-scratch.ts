/**
 * Shared memory that `convolve2dAsync` reuses between calls: one SharedArrayBuffer for the input
 * pixels and one for the output, which every worker of a call reads and writes in place.
 *
 * Why reuse: a fresh buffer costs its first touch, page by page, and on some machines (VMs that
 * fault every page in from the host) that is ~3 ms per MB, several times the convolution itself
 * for a 3×3 kernel. A buffer that has been written once costs only the copy. So a finished call's
 * buffers wait for the next call, up to RETAIN_BYTES in all, and are let go after IDLE_MS with no
 * call, so a program that stops convolving gets its memory back.
 */

/** Whether this platform can share memory with its workers (Node; browsers only when cross-origin isolated). */
export function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer !== 'function') return false;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isolated !== false;
}

/** Whether a typed array's memory is a SharedArrayBuffer (which workers read and write in place). */
export function isShared(data: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer === 'function' && data.buffer instanceof SharedArrayBuffer;
}

/** Most bytes kept between calls: two 4096² float32 images. Bigger calls allocate and let go. */
const RETAIN_BYTES = 128 << 20;
/** Kept buffers are dropped after this long with no call. */
const IDLE_MS = 2000;

/** One call's shared buffers: at least the sizes it asked for. */
export interface Scratch {
  input: SharedArrayBuffer;
  output: SharedArrayBuffer;
}

export class SharedScratch {
  private free: Scratch[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly idleMs = IDLE_MS, private readonly retainBytes = RETAIN_BYTES) {}

  /** Buffers of at least these sizes, reused when a kept pair is big enough. */
  acquire(inputBytes: number, outputBytes: number): Scratch {
    const i = this.free.findIndex((s) => s.input.byteLength >= inputBytes && s.output.byteLength >= outputBytes);
    if (i >= 0) return this.free.splice(i, 1)[0];
    // The smallest kept pair is the least useful: a bigger call replaces it.
    this.free.sort((a, b) => bytes(a) - bytes(b)).shift();
    return { input: new SharedArrayBuffer(inputBytes), output: new SharedArrayBuffer(outputBytes) };
  }

  /**
   * Hands buffers back once no worker can write to them any more. A call whose worker died or was
   * stopped does not come here: a dying worker may still be writing.
   */
  release(scratch: Scratch): void {
    this.free.push(scratch);
    this.free.sort((a, b) => bytes(b) - bytes(a));
    let kept = 0;
    this.free = this.free.filter((s) => (kept += bytes(s)) <= this.retainBytes);
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.free.length === 0) return;
    this.timer = setTimeout(() => {
      this.free = [];
      this.timer = undefined;
    }, this.idleMs);
    // Node: a kept buffer must never keep the process alive.
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Bytes kept for the next call (for tests). */
  keptBytes(): number {
    return this.free.reduce((sum, s) => sum + bytes(s), 0);
  }

  /** Lets everything go now. */
  clear(): void {
    this.free = [];
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

const bytes = (s: Scratch) => s.input.byteLength + s.output.byteLength;
