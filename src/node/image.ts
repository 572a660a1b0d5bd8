/**
 * Images by format, for Node: `decodeImage` and `readImage` choose the decoder from the bytes
 * (PNG or JPEG signature), never from the file name; `encodeImage` and `writeImage` choose the
 * encoder from the format or the output's extension. Files go through ./files.ts.
 */
import { closeSync, constants, fstatSync, openSync, readSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { typeError, rangeError } from '../core/errors.js';
import { hasJpegSignature } from '../core/jpeg/header.js';
import { optionsObject } from '../core/validate.js';
import type { Image } from '../core/types.js';
import { hasPngSignature } from '../core/vocabulary.js';
import { namingFile, readFileBounded, writeAtomically } from './files.js';
import { pixelLimit } from '../core/limits.js';
import { decodeJpeg, encodeJpeg } from './jpeg.js';
import { PNG_HEAD, decodePng, encodePng, pngSizeBound } from './png.js';

/** The formats `decodeImage` reads and `encodeImage` writes. */
export const IMAGE_FORMATS = ['png', 'jpeg'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** File extensions (lower case) of each format: what directory walks pick up and `writeImage` understands. */
export const IMAGE_EXTENSIONS: Readonly<Record<string, ImageFormat>> = { '.png': 'png', '.jpg': 'jpeg', '.jpeg': 'jpeg' };

/** Options of `decodeImage` and `readImage`. */
export interface ImageDecodeOptions {
  /** Largest width × height accepted (default 16383², as in sharp); `false` disables the limit. */
  limitInputPixels?: number | boolean;
  /** 8 (default) or 16 (Uint16Array samples; 16-bit PNGs as stored, 8-bit files times 257). */
  depth?: 8 | 16;
}

/** Options of `encodeImage` and `writeImage`. */
export interface ImageEncodeOptions {
  /** JPEG quality, 1–100 (default 80); ignored for PNG. */
  quality?: number;
}

/** What the first bytes say the format is, or undefined. */
export function formatOfBytes(bytes: Uint8Array): ImageFormat | undefined {
  if (hasPngSignature(bytes)) return 'png';
  if (hasJpegSignature(bytes)) return 'jpeg';
  return undefined;
}

/**
 * The format of the file at `path` by its first bytes, or undefined for any other content and for a
 * file that cannot be read (the reader that follows reports why).
 * @example
 * formatOfFile('chelsea.jpg') // 'jpeg'
 */
export function formatOfFile(path: string): ImageFormat | undefined {
  let fd: number | undefined;
  try {
    // Non-blocking, and regular files only: opening a FIFO for reading would wait for a writer.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    if (!fstatSync(fd).isFile()) return undefined;
    const head = new Uint8Array(8);
    return formatOfBytes(head.subarray(0, readSync(fd, head, 0, head.length, 0)));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The format an output path asks for by its extension, or undefined for any other. */
export function formatOfPath(path: string): ImageFormat | undefined {
  return IMAGE_EXTENSIONS[extname(path).toLowerCase()];
}

/**
 * Decodes PNG or JPEG bytes, recognised by their signature: PNG as `decodePng` (8-bit RGBA), JPEG as
 * `decodeJpeg` (8-bit gray or RGB, upright by its EXIF orientation). Anything else throws
 * `Error('Unsupported image format …; supported: PNG, JPEG')`.
 * @example
 * const image = decodeImage(new Uint8Array(await (await fetch(url)).arrayBuffer()));
 */
export function decodeImage(bytes: Uint8Array | ArrayBuffer, options: ImageDecodeOptions & { depth: 16 }): Image<Uint16Array>;
export function decodeImage(bytes: Uint8Array | ArrayBuffer, options?: ImageDecodeOptions): Image<Uint8Array>;
export function decodeImage(bytes: Uint8Array | ArrayBuffer, options?: ImageDecodeOptions): Image<Uint8Array | Uint16Array> {
  if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) {
    throw typeError('bytes', 'a Uint8Array or ArrayBuffer', bytes);
  }
  const data = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  const o = optionsObject(options, 'options', ['limitInputPixels', 'depth']);
  const format = formatOfBytes(data);
  if (format === 'png') return decodePng(data, o);
  if (format === 'jpeg') return decodeJpeg(data, o);
  throw unsupported(data);
}

/**
 * Reads and decodes a PNG or JPEG file (synchronously), by its content, whatever its name. Errors
 * name the file: `photo.jpg: Invalid JPEG: Premature end of JPEG file`.
 * @example
 * const photo = readImage('chelsea.jpg'); // { width: 451, height: 300, channels: 3, data }
 */
export function readImage(path: string, options: ImageDecodeOptions & { depth: 16 }): Image<Uint16Array>;
export function readImage(path: string, options?: ImageDecodeOptions): Image<Uint8Array>;
export function readImage(path: string, options?: ImageDecodeOptions): Image<Uint8Array | Uint16Array> {
  if (typeof path !== 'string') throw typeError('path', 'a file path string', path);
  const limit = pixelLimit(optionsObject(options, 'options', ['limitInputPixels', 'depth']).limitInputPixels);
  return namingFile(path, () => decodeImage(readFileBounded(path, PNG_HEAD, (head) => sizeBound(head, limit)), options));
}

/**
 * The most bytes an image file with this head may have, after refusing it by its head: a PNG as
 * `readPng` bounds it (from its header); a JPEG, whose frame header may come after 64 KiB segments,
 * by the pixel limit (8 bytes a pixel is far above any JPEG's compressed size) and 64 MiB of
 * metadata; anything else is refused unread.
 */
function sizeBound(head: Uint8Array, limit: number): number {
  const format = formatOfBytes(head);
  if (format === 'png') return pngSizeBound(head, limit);
  if (format === 'jpeg') return limit * 8 + (64 << 20);
  throw unsupported(head);
}

/** The error for bytes of no supported format, saying what they start with. */
function unsupported(bytes: Uint8Array): Error {
  const start = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return new Error(`Unsupported image format (${bytes.length === 0 ? 'an empty file' : `the file starts with ${start}`}); supported: PNG, JPEG`);
}

/**
 * Encodes an image as `format` ('png' or 'jpeg'); see `encodePng` and `encodeJpeg`.
 * @example
 * const bytes = encodeImage(edges, 'jpeg', { quality: 90 });
 */
export function encodeImage(image: Image, format: ImageFormat, options?: ImageEncodeOptions): Uint8Array {
  if (typeof format !== 'string') throw typeError('format', `one of ${IMAGE_FORMATS.join(', ')}`, format);
  if (!(IMAGE_FORMATS as readonly string[]).includes(format)) throw rangeError('format', `one of ${IMAGE_FORMATS.join(', ')}`, format);
  const o = optionsObject(options, 'options', ['quality']);
  return format === 'jpeg' ? encodeJpeg(image, o) : encodePng(image);
}

/**
 * Encodes an image in the format its path's extension names (.png, .jpg, .jpeg) and writes it
 * atomically (temp file, then rename). Another extension is a RangeError naming `path`.
 * @example
 * writeImage('edges.jpg', toUint8(convolve2d(gray, kernels.edge)), { quality: 90 });
 */
export function writeImage(path: string, image: Image, options?: ImageEncodeOptions): void {
  if (typeof path !== 'string') throw typeError('path', 'a file path string', path);
  const format = formatOfPath(path);
  if (format === undefined) {
    throw rangeError('path', `a file name ending in ${Object.keys(IMAGE_EXTENSIONS).join(', ')}`, path);
  }
  const bytes = encodeImage(image, format, options); // encoded first, so a bad image changes nothing
  writeAtomically(path, (fd) => writeFileSync(fd, bytes), `cannot write ${format.toUpperCase()}`);
}
