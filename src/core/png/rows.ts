/**
 * The inflated IDAT stream to unfiltered rows, as it arrives: `rowUnfilterer` takes the stream in
 * pieces of any size, holds two rows (the current one and the one above), and hands on each row as
 * soon as it is complete and unfiltered. A plain file is one pass of whole rows; an Adam7 file is
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
 * one loop without branches inside; Uint8Array stores wrap mod 256 as the spec's sums do.
 * @example
 * unfilterRow(raw, 1, null, 0, rowBytes, 3, 0); // the first row of an RGB image
 */
export function unfilterRow(
  buf: Uint8Array, at: number, prev: Uint8Array | null, pAt: number, n: number, bpp: number, y: number,
): void {
  const type = buf[at - 1];
  const end = at + n;
  switch (type) {
    case 0:
      return;
    case 1:
      for (let i = at + bpp; i < end; i++) buf[i] += buf[i - bpp];
      return;
    case 2:
      if (prev) for (let i = at, j = pAt; i < end; i++, j++) buf[i] += prev[j];
      return;
    case 3:
      if (!prev) {
        for (let i = at + bpp; i < end; i++) buf[i] += buf[i - bpp] >> 1;
        return;
      }
      for (let i = at, j = pAt; i < at + bpp && i < end; i++, j++) buf[i] += prev[j] >> 1;
      for (let i = at + bpp, j = pAt + bpp; i < end; i++, j++) buf[i] += (buf[i - bpp] + prev[j]) >> 1;
      return;
    case 4:
      if (!prev) {
        // Above and upper-left are 0: Paeth picks the left byte, as Sub does.
        for (let i = at + bpp; i < end; i++) buf[i] += buf[i - bpp];
        return;
      }
      for (let i = at, j = pAt; i < at + bpp && i < end; i++, j++) buf[i] += prev[j];
      for (let i = at + bpp, j = pAt + bpp; i < end; i++, j++) buf[i] += paeth(buf[i - bpp], prev[j], prev[j - bpp]);
      return;
    default:
      throw invalid(`cannot decode pixel data (unknown filter type ${type} in row ${y})`);
  }
}

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
 * Called with each unfiltered row: its bytes are `row[1, 1 + rowBytes)` (row[0] is the filter
 * type), valid only during the call; `y` counts rows within `pass`.
 */
export type RowHandler = (row: Uint8Array, pass: Pass, y: number) => void;

/**
 * Cuts the inflated stream, pushed in pieces of any size, into rows, unfilters each and hands it
 * on; returns the function that takes the next piece (copied as needed: the caller may reuse it).
 * Holds two rows of the widest pass, never the stream. Bytes past the last row are ignored: the
 * inflater refuses them (it knows the expected length). A closure rather than a class, so that
 * its state minifies in the browser bundle.
 * @example
 * const push = rowUnfilterer(header, (row, pass, y) => expand(row, 1, pass.width, out, …));
 * zlib.inflateStream(idat, expected, push);
 */
export function rowUnfilterer(header: PngHeader, onRow: RowHandler): (data: Uint8Array) => void {
  const passes = passesOf(header);
  const widest = rowGeometry(header, header.width).rowBytes + 1;
  let cur = new Uint8Array(widest);
  let prev = new Uint8Array(widest);
  let p = 0; // the pass
  let y = 0; // the row within it
  let filled = 0; // bytes of `cur` filled
  let { bpp, rowBytes } = rowGeometry(header, passes[0].width);
  return (data) => {
    for (let at = 0; at < data.length && p < passes.length;) {
      const n = Math.min(rowBytes + 1 - filled, data.length - at);
      cur.set(data.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled <= rowBytes) return;
      filled = 0;
      const pass = passes[p];
      unfilterRow(cur, 1, y > 0 ? prev : null, 1, rowBytes, bpp, y);
      onRow(cur, pass, y);
      [cur, prev] = [prev, cur];
      if (++y === pass.height && ++p < passes.length) {
        y = 0;
        ({ bpp, rowBytes } = rowGeometry(header, passes[p].width));
      }
    }
  };
}
