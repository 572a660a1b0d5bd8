/**
 * Images that live in linear memory (`allocImage`).
 *
 * An allocated image's pixels are a block of the module's memory that calls read and write in
 * place: no copy into linear memory before a call, none out of it after. Blocks sit from
 * `heapBase()` upwards, first fit, and every call lays out its scratch above the highest live
 * block (`scratchLayout`), so no call ever overwrites one. Freeing a block lets a later image
 * reuse its room; linear memory itself never shrinks.
 *
 * Growth detaches every view of the old buffer (its length becomes 0), so an image's `data` is a
 * getter that views the current buffer; and every view of linear memory an argument brings is
 * pinned (`addressOf`), so drivers can view its bytes again after `reserve` (instance.ts `fresh`).
 */
import { rangeError } from '../errors.js';
import type { Image } from '../types.js';
import { Layout, fresh, getModule, loadedModule, pin, reserve, type ModuleExports, type Ptr } from './instance.js';

/** The pixel types an allocated image may have, by name (as `toUint8`/`depth` name them). */
export type LinearType = 'float32' | 'uint8' | 'uint16';

/** The array each type name gives. */
export interface LinearData { float32: Float32Array; uint8: Uint8Array; uint16: Uint16Array }

/** An `Image` whose pixels live in the library's WebAssembly memory (see `allocImage`). */
export interface LinearImage<D extends Float32Array | Uint8Array | Uint16Array = Float32Array> extends Image<D> {
  /** A view of the pixels on the current memory; read it again after any call (growth detaches views). */
  readonly data: D;
  /** Returns the pixels' memory to the library. Idempotent; `data` throws afterwards. */
  free(): void;
}

interface Block { ptr: Ptr; end: number }

/** Live blocks, sorted by address; scratch starts at the last one's end. */
const blocks: Block[] = [];

/** The memory map of one call: its scratch starts above every live image, so no call overwrites one. */
export function scratchLayout(wasm: ModuleExports): Layout {
  return new Layout(blocks.length === 0 ? wasm.heapBase() : blocks[blocks.length - 1].end);
}

/** The first gap of `bytes` between live blocks (or past the last), grown into if needed. */
function allocate(wasm: ModuleExports, bytes: number, what: string): Block {
  const align = (n: number): number => Math.ceil(n / 16) * 16;
  let at = align(wasm.heapBase());
  let index = 0;
  for (; index < blocks.length && blocks[index].ptr - at < bytes; index++) at = align(blocks[index].end);
  const block = { ptr: at, end: at + bytes };
  reserve(wasm, block.end, what);
  blocks.splice(index, 0, block);
  return block;
}

/**
 * Where `view` starts in linear memory, or -1 when it is an ordinary array. A view of linear
 * memory outside every live image (made by hand over `memory.buffer`, or of a freed image) is
 * refused: a call's scratch could overwrite it.
 */
export function addressOf(view: ArrayBufferView, name: string): number {
  const memory = loadedModule()?.memory;
  if (memory === undefined || view.buffer !== memory.buffer) return -1;
  const { byteOffset: ptr, byteLength } = view;
  if (!blocks.some((b) => b.ptr <= ptr && ptr + byteLength <= b.end)) {
    throw rangeError(name, 'an ordinary array, or the data of a live allocImage image', view);
  }
  pin(view);
  return ptr;
}

/**
 * A zero-filled image of `Type` in linear memory (allocImage, in ../alloc.ts, checks the
 * arguments). Its `data` views the current buffer at every read, and throws once it is freed.
 */
export function linearImage<D extends Float32Array | Uint8Array | Uint16Array>(width: number, height: number,
  channels: 1 | 2 | 3 | 4, Type: new (buffer: ArrayBuffer, offset: number, length: number) => D): LinearImage<D> {
  const length = width * height * channels;
  const size = (Type as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  const wasm = getModule();
  const block = allocate(wasm, length * size, `A ${width}×${height}×${channels} image`);
  const first = pin(new Type(wasm.memory.buffer as ArrayBuffer, block.ptr, length));
  first.fill(0);
  const image = {
    width, height, channels,
    get data() {
      if (!blocks.includes(block)) throw new Error('conv2d-wasm: this allocImage image was freed');
      return fresh(first);
    },
    free() {
      if (blocks.includes(block)) blocks.splice(blocks.indexOf(block), 1);
    },
  };
  return image;
}

/** Bytes held by live allocImage images, and where the last ends (tests: nothing leaks; growth mid-call). */
export function linearImages(): { bytes: number; end: number } {
  const bytes = blocks.reduce((sum, b) => sum + b.end - b.ptr, 0);
  return { bytes, end: blocks.length === 0 ? 0 : blocks[blocks.length - 1].end };
}
