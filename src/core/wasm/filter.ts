/**
 * PNG's row filters in WebAssembly (assembly/filter.ts), for the streamed encoder: a block of rows
 * is copied in just after the row above it, filtered sixteen bytes a step and copied out, at most
 * FILTER_BYTES of rows at a time. The bytes are `filterRow`'s (core/png/encode.ts); the tests
 * compare the two on random rows, every filter and pixel size.
 */
import { getModule, Layout, reserve } from './instance.js';

/** Rows per call: about this many bytes, so the block and its output stay in cache. */
const FILTER_BYTES = 1 << 17;

/**
 * Filters `rows` rows of `n` bytes from `src` (the row above the first: `above`, or zeros when
 * null) with filter `type` (0–4) and `bpp` bytes a pixel into `out` at `outAt`: each row its type
 * byte, then its filtered bytes.
 * @example
 * filterRowsWasm(2, band, previousRow, 16, width, 1, segment, used);
 */
export function filterRowsWasm(type: number, src: Uint8Array, above: Uint8Array | null, rows: number, n: number, bpp: number,
  out: Uint8Array, outAt: number): void {
  const wasm = getModule();
  const per = Math.max(1, Math.min(rows, Math.floor(FILTER_BYTES / n)));
  const layout = new Layout(wasm.heapBase());
  const inPtr = layout.take((per + 1) * n);
  const outPtr = layout.take(per * (n + 1));
  reserve(wasm, layout.end, 'PNG filtering');
  for (let y = 0; y < rows; y += per) {
    const count = Math.min(per, rows - y);
    const memory = new Uint8Array(wasm.memory.buffer);
    if (y > 0) memory.set(src.subarray((y - 1) * n, y * n), inPtr);
    else if (above) memory.set(above.subarray(0, n), inPtr);
    else memory.fill(0, inPtr, inPtr + n);
    memory.set(src.subarray(y * n, (y + count) * n), inPtr + n);
    wasm.filterRows(inPtr + n, count, n, type, bpp, outPtr);
    out.set(memory.subarray(outPtr, outPtr + count * (n + 1)), outAt + y * (n + 1));
  }
}
