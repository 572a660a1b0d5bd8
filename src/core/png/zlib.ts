/**
 * What the PNG codec needs from a platform: zlib (RFC 1950) in (synchronous, streamed in bounded
 * pieces) and out, and CRC-32. The codec in this folder
 * is platform-free and takes one of these as an argument; Node passes `node:zlib`
 * (src/node/png.ts), browsers pass fflate (./fflate.ts). The core never imports `node:*`.
 */

/**
 * Output bytes Node's streaming inflater hands on at a time: small enough to stay far below the
 * 64 MiB a whole-image decode may hold beyond its output, large enough that calls cost nothing.
 */
export const INFLATE_PIECE = 1 << 16;

/** A zlib implementation as the PNG codec uses it. */
export interface PngZlib {
  /** The largest buffer, in bytes, this platform can allocate for the inflated stream or pixels. */
  readonly maxBytes: number;
  /**
   * Inflates one zlib stream, given as the data of the IDAT chunks in order, synchronously, and
   * hands the output to `onData` in pieces as it is made (each a view valid only during the call),
   * never holding the whole output. Pieces are bounded: Node's at most `INFLATE_PIECE` bytes,
   * fflate's what one 8 KiB slice of input inflates to (at most about 8 MiB). Throws
   * `Error('Invalid PNG: …')`, possibly after some pieces were handed on: a bad header, a cut or
   * damaged stream, a wrong Adler-32, bytes after it, or any other length than `expected`. It stops
   * at the first piece that takes the output past `expected` bytes, so a zlib bomb costs no more
   * than an honest file. An error thrown by `onData` ends it too, and propagates.
   */
  inflateStream(parts: readonly Uint8Array[], expected: number, onData: (piece: Uint8Array) => void): void;
  /**
   * CRC-32 of `bytes[start, end)` as PNG chunks carry it, continuing from `previous` (default 0):
   * check.ts's `crc32`, or a native one.
   */
  crc32(bytes: Uint8Array, start: number, end: number, previous?: number): number;
  /** Deflates `data` into one zlib stream at `level` (0 = stored … 9 = smallest). */
  deflate(data: Uint8Array, level: number): Uint8Array;
}
