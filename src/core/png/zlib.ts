/**
 * What the PNG codec needs from a platform: zlib (RFC 1950) in and out, and CRC-32. The codec in this folder
 * is platform-free and takes one of these as an argument; Node passes `node:zlib`
 * (src/node/png.ts), browsers pass fflate (./fflate.ts). The core never imports `node:*`.
 */

/** A zlib implementation as the PNG codec uses it. */
export interface PngZlib {
  /** The largest buffer, in bytes, this platform can allocate for the inflated stream or pixels. */
  readonly maxBytes: number;
  /**
   * Inflates one zlib stream, given as the data of the IDAT chunks in order, to exactly `expected`
   * bytes, or throws `Error('Invalid PNG: …')`: a bad header, a cut or damaged stream, a wrong
   * Adler-32, bytes after it, or any other length than `expected`. It must stop producing output
   * past `expected + 1` bytes, so a zlib bomb costs no more than an honest file. The caller may
   * overwrite the result.
   */
  inflate(parts: readonly Uint8Array[], expected: number): Uint8Array;
  /**
   * CRC-32 of `bytes[start, end)` as PNG chunks carry it, continuing from `previous` (default 0):
   * check.ts's `crc32`, or a native one.
   */
  crc32(bytes: Uint8Array, start: number, end: number, previous?: number): number;
  /** Deflates `data` into one zlib stream at `level` (0 = stored … 9 = smallest). */
  deflate(data: Uint8Array, level: number): Uint8Array;
}
