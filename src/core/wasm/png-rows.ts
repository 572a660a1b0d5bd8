/**
 * The PNG codec's row work in WebAssembly. PNG's row filters (assembly/filter.ts), both ways: for
 * the encoder a block of rows is copied in just after the row above it, filtered sixteen bytes a
 * step and copied out; for the decoder a block of filtered rows likewise, unfiltered in place and
 * copied back. And the decoder's expansion of 8-bit gray, gray + alpha and RGB rows to RGBA
 * (assembly/pixels.ts's `rgbaRows`). At most FILTER_BYTES of rows at a time. The bytes are
 * `filterRow`'s (core/png/encode.ts), `unfilterRow`'s (core/png/rows.ts) and `makeExpander`'s
 * (core/png/decode.ts); the tests compare them on random rows, every filter and pixel size.
 */
import type { RgbaRows } from '../png/decode.js';
import type { RowsUnfilter } from '../png/rows.js';
import { fresh, getModule, pin, reserve } from './instance.js';
import { scratchLayout } from './linear.js';

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
  const layout = scratchLayout(wasm);
  const inPtr = layout.take((per + 1) * n);
  const outPtr = layout.take(per * (n + 1));
  pin(src); // an allocImage image's bytes: viewed again after growth
  reserve(wasm, layout.end, 'PNG filtering');
  src = fresh(src);
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

/**
 * `RowsUnfilter` in WebAssembly: `rows` rows of `n` bytes in `buf` from `at` (each its filter
 * type, then its bytes; the row above the first just before `at` unless `first`), unfiltered in
 * place. Returns −1, or the index of the first row with an unknown filter type.
 * @example
 * const push = rowUnfilterer(header, onRow, unfilterRowsWasm);
 */
export const unfilterRowsWasm: RowsUnfilter = (buf, at, rows, n, bpp, first) => {
  const stride = n + 1;
  // Rows of filter type 0 are already what they should be, and files written without filters
  // (sharp's default) are all such rows: copying them through the module would only cost time.
  let skip = 0;
  while (skip < rows && buf[at + skip * stride] === 0) skip++;
  if (skip === rows) return -1;
  if (skip > 0) {
    const bad = unfilterRowsWasm(buf, at + skip * stride, rows - skip, n, bpp, false);
    return bad < 0 ? bad : bad + skip;
  }
  const wasm = getModule();
  const per = Math.max(1, Math.min(rows, Math.floor(FILTER_BYTES / stride)));
  const layout = scratchLayout(wasm);
  // The row above, then the rows; 8 bytes of room after them for the pixel-a-step loop's loads.
  const ptr = layout.take((per + 1) * stride + 8);
  reserve(wasm, layout.end, 'PNG unfiltering');
  for (let y = 0; y < rows; y += per) {
    const count = Math.min(per, rows - y);
    const from = at + y * stride;
    const memory = new Uint8Array(wasm.memory.buffer);
    if (y === 0 && first) memory.fill(0, ptr, ptr + stride);
    else memory.set(buf.subarray(from - stride, from), ptr);
    memory.set(buf.subarray(from, from + count * stride), ptr + stride);
    const bad = wasm.unfilterRows(ptr + stride, count, n, bpp);
    buf.set(memory.subarray(ptr + stride, ptr + stride + count * stride), from);
    if (bad >= 0) return y + bad;
  }
  return -1;
};

/**
 * `RgbaRows` in WebAssembly: blocks of rows copied in (their filter type bytes too: one copy), 16
 * output bytes a step, the RGBA copied out.
 * @example
 * decodePng(bytes, undefined, nodeZlib, { unfilter: unfilterRowsWasm, rgbaRows: rgbaRowsWasm });
 */
export const rgbaRowsWasm: RgbaRows = (block, at, stride, rows, w, channels, dst, d) => {
  const wasm = getModule();
  const per = Math.max(1, Math.min(rows, Math.floor(FILTER_BYTES / stride)));
  const layout = scratchLayout(wasm);
  // 16 bytes of room after the rows for the last step's load.
  const inPtr = layout.take(per * stride + 16);
  const outPtr = layout.take(per * w * 4);
  reserve(wasm, layout.end, 'PNG row expansion');
  for (let y = 0; y < rows; y += per) {
    const count = Math.min(per, rows - y);
    const memory = new Uint8Array(wasm.memory.buffer);
    const from = at + y * stride;
    // The last row's bytes end at from + (count − 1)·stride + w·channels; its type byte is not there.
    memory.set(block.subarray(from, from + (count - 1) * stride + w * channels), inPtr);
    wasm.rgbaRows(inPtr, stride, count, w, channels, outPtr);
    dst.set(memory.subarray(outPtr, outPtr + count * w * 4), d + y * w * 4);
  }
};
