/**
 * The inflated IDAT stream to unfiltered rows, as it arrives: `rowUnfilterer` takes the stream in
 * pieces of any size, holds a block of rows (about 128 KiB) and the row above it, and hands the
 * block on as soon as its rows are complete and unfiltered (one call of the unfilter a block, so
 * that a WebAssembly one pays its copies once). A plain file is one pass of whole rows; an Adam7 file is
 * seven passes one after another, and a pass row only needs the row above it in the same pass, so
 * interlaced files stream the same way (./decode.ts's `imageRows` scatters their rows).
 *
 * This is the one place rows are cut and unfiltered: the whole-image decoder (./decode.ts) and the
 * row reader (./stream.ts) both feed it.
 */
import { ADAM7, SAMPLES, type PngHeader } from './check.js';
import { paeth } from './predict.js';

function invalid(reason: string): Error {
  return new Error(`Invalid PNG: ${reason}`);
}

/**
 * Reverses the filter of one row in place (PNG spec section 9): `buf[at − 1]` is the filter type,
 * `buf[at, at + n)` the filtered bytes; `prev[pAt, pAt + n)` is the row above, already unfiltered,
 * or null for a pass's first row. `bpp` is bytes per complete pixel (at least 1). Each filter is
 * one loop without branches inside; Uint8Array stores wrap mod 256 as the spec's sums do. Returns
 * false, leaving the row as it is, for an unknown filter type.
 * @example
 * unfilterRow(raw, 1, null, 0, rowBytes, 3); // the first row of an RGB image
 */
export function unfilterRow(buf: Uint8Array, at: number, prev: Uint8Array | null, pAt: number, n: number, bpp: number): boolean {
  const type = buf[at - 1];
  const end = at + n;
  switch (type) {
    case 0:
      return true;
    case 1:
      for (let i = at + bpp; i < end; i++) buf[i] += buf[i - bpp];
      return true;
    case 2:
      if (prev) for (let i = at, j = pAt; i < end; i++, j++) buf[i] += prev[j];
      return true;
    case 3:
      if (!prev) {
        for (let i = at + bpp; i < end; i++) buf[i] += buf[i - bpp] >> 1;
        return true;
      }
      for (let i = at, j = pAt; i < at + bpp && i < end; i++, j++) buf[i] += prev[j] >> 1;
      for (let i = at + bpp, j = pAt + bpp; i < end; i++, j++) buf[i] += (buf[i - bpp] + prev[j]) >> 1;
      return true;
    case 4:
      if (!prev) {
        // Above and upper-left are 0: Paeth picks the left byte, as Sub does.
        for (let i = at + bpp; i < end; i++) buf[i] += buf[i - bpp];
        return true;
      }
      for (let i = at, j = pAt; i < at + bpp && i < end; i++, j++) buf[i] += prev[j];
      for (let i = at + bpp, j = pAt + bpp; i < end; i++, j++) buf[i] += paeth(buf[i - bpp], prev[j], prev[j - bpp]);
      return true;
    default:
      return false;
  }
}

/**
 * Unfilters `rows` consecutive rows in place: row i is `buf[at + i·(n + 1)]`, its filter type,
 * then its n bytes; the row above row 0 is the n bytes just before `at`, unless `first` (a pass's
 * first row has none). Returns −1, or the index of the first row with an unknown filter type (the
 * rows before it unfiltered). `unfilterRows` does it in JavaScript, a row at a time;
 * src/core/wasm/png-rows.ts's `unfilterRowsWasm` in WebAssembly, a pixel a step.
 */
export type RowsUnfilter = (buf: Uint8Array, at: number, rows: number, n: number, bpp: number, first: boolean) => number;

/** `RowsUnfilter` in JavaScript, with `unfilterRow`. */
export const unfilterRows: RowsUnfilter = (buf, at, rows, n, bpp, first) => {
  for (let i = 0, r = at + 1; i < rows; i++, r += n + 1) {
    if (!unfilterRow(buf, r, i === 0 && first ? null : buf, r - n - 1, n, bpp)) return i;
  }
  return -1;
};

/** Bytes per complete pixel for the filters (at least 1) and packed bytes per row of `w` pixels. */
export function rowGeometry({ bitDepth, colorType }: PngHeader, w: number): { bpp: number; rowBytes: number } {
  const bitsPerPixel = bitDepth * SAMPLES[colorType];
  return { bpp: Math.max(1, bitsPerPixel >> 3), rowBytes: Math.ceil((w * bitsPerPixel) / 8) };
}

/**
 * One pass of the pixel data: its pixel (x, y) is image pixel (x0 + x·dx, y0 + y·dy). A plain
 * file is the single pass 0, 0, 1, 1 over the whole image.
 */
export interface Pass {
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  width: number;
  height: number;
}

/** The passes of a file that hold pixels, in stream order (Adam7 skips passes a small image leaves empty). */
export function passesOf({ width, height, interlace }: PngHeader): Pass[] {
  if (!interlace) return [{ x0: 0, y0: 0, dx: 1, dy: 1, width, height }];
  return ADAM7.map(([x0, y0, dx, dy]) => ({ x0, y0, dx, dy, width: Math.ceil((width - x0) / dx), height: Math.ceil((height - y0) / dy) }))
    .filter((p) => p.width > 0 && p.height > 0);
}

/**
 * Called with each block of unfiltered rows: `rows` rows of `pass`, from its row `y`. Row i's
 * filter type is `block[at + i·stride]` and its bytes follow it, where stride is the pass's row
 * bytes + 1; all valid only during the call.
 */
export type RowsHandler = (block: Uint8Array, at: number, rows: number, pass: Pass, y: number) => void;

/** Called with each unfiltered row: its bytes are `row[1, 1 + rowBytes)` (row[0] is the filter type). */
export type RowHandler = (row: Uint8Array, pass: Pass, y: number) => void;

/**
 * A `RowsHandler` that hands each row of a block to `onRow` in turn, for handlers that take rows one
 * at a time.
 * @example
 * const push = rowUnfilterer(header, eachRow(header, (row, pass, y) => sink.row(y, row.subarray(1))));
 */
export function eachRow(header: PngHeader, onRow: RowHandler): RowsHandler {
  return (block, at, rows, pass, y) => {
    const stride = rowGeometry(header, pass.width).rowBytes + 1;
    for (let i = 0; i < rows; i++, at += stride) onRow(block.subarray(at, at + stride), pass, y + i);
  };
}

/** About this many bytes of rows are gathered and unfiltered in one call. */
const BLOCK_BYTES = 1 << 17;

/**
 * Cuts the inflated stream, pushed in pieces of any size, into rows, unfilters them a block at a
 * time (about BLOCK_BYTES, never past the end of a pass) and hands each block on; returns the function
 * that takes the next piece (copied: the caller may reuse it). Holds one block and the row above
 * it, never the stream. Bytes past the last row are ignored: the inflater refuses them (it knows
 * the expected length). `unfilter` is `unfilterRows` in JavaScript unless the platform has a
 * faster one. A closure rather than a class, so that its state minifies in the browser bundle.
 * @example
 * const push = rowUnfilterer(header, (block, at, rows, pass, y) => …);
 * zlib.inflateStream(idat, expected, push);
 */
export function rowUnfilterer(header: PngHeader, onRows: RowsHandler, unfilter: RowsUnfilter = unfilterRows): (data: Uint8Array) => void {
  const passes = passesOf(header);
  const widest = rowGeometry(header, header.width).rowBytes + 1;
  const most = Math.max(1, Math.floor(BLOCK_BYTES / widest));
  // block[0, stride) holds the row above the block (its unfiltered bytes after a type byte);
  // the block's rows follow, each its type byte and its bytes.
  const block = new Uint8Array(widest * (most + 1));
  let p = 0; // the pass
  let y = 0; // the pass row the block starts at
  let filled = 0; // bytes of the block's rows filled
  let { bpp, rowBytes } = rowGeometry(header, passes[0].width);
  let stride = rowBytes + 1;
  return (data) => {
    for (let at = 0; at < data.length && p < passes.length;) {
      const pass = passes[p];
      const rows = Math.min(most, pass.height - y);
      const n = Math.min(rows * stride - filled, data.length - at);
      block.set(data.subarray(at, at + n), stride + filled);
      filled += n;
      at += n;
      if (filled < rows * stride) return;
      const bad = unfilter(block, stride, rows, rowBytes, bpp, y === 0);
      if (bad >= 0) {
        throw invalid(`cannot decode pixel data (unknown filter type ${block[stride * (bad + 1)]} in row ${y + bad})`);
      }
      onRows(block, stride, rows, pass, y);
      block.copyWithin(0, rows * stride, (rows + 1) * stride);
      filled = 0;
      y += rows;
      if (y === pass.height && ++p < passes.length) {
        y = 0;
        ({ bpp, rowBytes } = rowGeometry(header, passes[p].width));
        stride = rowBytes + 1;
      }
    }
  };
}
