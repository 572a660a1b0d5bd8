/**
 * JPEG in and out for Node, on MozJPEG (libjpeg-turbo's fork) compiled to WebAssembly, as
 * packaged by @jsquash/jpeg. Chosen by measurement (README, "JPEG"): its pixels equal libjpeg's
 * (cv2.imread) exactly, at 1–2× sharp's time per megapixel, where jpeg-js was 8× slower and up to
 * 26 levels off. Its modules are instantiated synchronously here (WebAssembly.Instance on a
 * compiled module, through Emscripten's `instantiateWasm` hook), so decodeJpeg is synchronous like
 * decodePng. The markers are read first (core/jpeg/header.ts): the pixel limit is checked before
 * decoding, and the EXIF orientation applied after it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import decoderFactory from '@jsquash/jpeg/codec/dec/mozjpeg_dec.js';
import encoderFactory from '@jsquash/jpeg/codec/enc/mozjpeg_enc.js';
import { jpegInfo } from '../core/jpeg/header.js';
import { decodeArgs } from '../core/decode-args.js';
import { checkPixels } from '../core/limits.js';
import { orient } from '../core/pixels/orient.js';
import { toDepth16 } from '../core/pixels/depth.js';
import { typeError } from '../core/errors.js';
import { checkImage, integer, optionsObject } from '../core/validate.js';
import type { Image } from '../core/types.js';

/** Options of `decodeJpeg`. */
export interface JpegDecodeOptions {
  /** Largest width × height accepted (default 16383², as in sharp); `false` disables the limit. */
  limitInputPixels?: number | boolean;
  /** 8 (default) or 16: Uint16Array samples, each byte value times 257. */
  depth?: 8 | 16;
}

/** Options of `encodeJpeg`. */
export interface JpegEncodeOptions {
  /** 1–100 (default 80, as sharp). */
  quality?: number;
}

/** The part of an Emscripten module object the codecs fill in. */
interface Codec {
  decode?(data: Uint8Array, preserveOrientation: boolean): { width: number; height: number; data: Uint8ClampedArray } | null;
  encode?(data: Uint8Array, width: number, height: number, options: Record<string, number | boolean>): Uint8Array;
}
type Factory = (module: object) => Promise<unknown>;

/** A codec with the messages libjpeg printed during the last call (warnings, then the error). */
interface Instance {
  codec: Codec;
  messages: string[];
}

const require = createRequire(import.meta.url);
const compiled = new Map<string, WebAssembly.Module>();
let decoder: Instance | undefined;
let encoder: Instance | undefined;

/**
 * Runs an Emscripten factory with a synchronous instantiation: the module object it is given is
 * the one it fills in, so its functions exist when the factory returns (its promise only adds the
 * `then` that is not needed). libjpeg's messages are collected instead of printed.
 */
function instantiate(factory: Factory, wasmPath: string): Instance {
  let module = compiled.get(wasmPath);
  if (!module) {
    module = new WebAssembly.Module(readFileSync(require.resolve(`@jsquash/jpeg/codec/${wasmPath}`)));
    compiled.set(wasmPath, module);
  }
  const wasm = module;
  const messages: string[] = [];
  const codec: Codec & Record<string, unknown> = {
    noInitialRun: true,
    print: (text: string) => messages.push(text),
    printErr: (text: string) => messages.push(text),
    instantiateWasm(imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance) => void) {
      const instance = new WebAssembly.Instance(wasm, imports);
      done(instance);
      return instance.exports;
    },
  };
  factory(codec).catch(() => {}); // a failure shows as the missing function below
  if (typeof codec.decode !== 'function' && typeof codec.encode !== 'function') {
    throw new Error(`the JPEG codec (@jsquash/jpeg ${wasmPath}) did not start synchronously`);
  }
  return { codec, messages };
}

/** Runs `call` on an instance; on any libjpeg error the instance is dropped (its memory may hold the failed call's buffers). */
function withCodec<T>(which: 'decoder' | 'encoder', call: (instance: Instance) => T): T {
  const instance = which === 'decoder'
    ? (decoder ??= instantiate(decoderFactory as unknown as Factory, 'dec/mozjpeg_dec.wasm'))
    : (encoder ??= instantiate(encoderFactory as unknown as Factory, 'enc/mozjpeg_enc.wasm'));
  instance.messages.length = 0;
  try {
    return call(instance);
  } catch (error) {
    if (which === 'decoder') decoder = undefined;
    else encoder = undefined;
    throw error;
  }
}

/**
 * Decodes JPEG bytes (baseline or progressive, gray or colour) to 8-bit pixels: 1 channel for a
 * gray file, 3 (RGB) for a colour one, turned upright by its EXIF orientation as browsers and
 * cv2.imread show it. Pixels equal libjpeg-turbo's (cv2.imread's). A file libjpeg only warns about
 * (cut short, corrupt data) is refused, as sharp does by default: `Error('Invalid JPEG: …')`.
 * CMYK files are refused with `Error('Unsupported JPEG: …')`. Too many pixels: a RangeError naming
 * `options.limitInputPixels`, before anything is decoded.
 * @example
 * const photo = decodeJpeg(readFileSync('cat.jpg')); // { width: 451, height: 300, channels: 3, data }
 */
export function decodeJpeg(bytes: Uint8Array | ArrayBuffer, options: JpegDecodeOptions & { depth: 16 }): Image<Uint16Array>;
export function decodeJpeg(bytes: Uint8Array | ArrayBuffer, options?: JpegDecodeOptions): Image<Uint8Array>;
export function decodeJpeg(bytes: Uint8Array | ArrayBuffer, options?: JpegDecodeOptions): Image<Uint8Array | Uint16Array> {
  const { bytes: data, limit, depth } = decodeArgs(bytes, options);
  const info = jpegInfo(data);
  checkPixels('JPEG', info.width, info.height, limit);
  if (info.components !== 1 && info.components !== 3) {
    throw new Error(`Unsupported JPEG: ${info.components} colour components (CMYK or YCCK); gray and YCbCr/RGB files are supported`);
  }
  const rgba = withCodec('decoder', ({ codec, messages }) => {
    let result;
    try {
      result = codec.decode!(data, false);
    } catch (cause) {
      throw new Error(`Invalid JPEG: ${messages.join('; ') || (cause as Error).message}`, { cause });
    }
    if (!result) throw new Error(`Invalid JPEG: ${messages.join('; ') || 'cannot decode'}`);
    if (messages.length > 0) throw new Error(`Invalid JPEG: ${messages.join('; ')}`);
    if (result.width !== info.width || result.height !== info.height) {
      throw new Error(`Invalid JPEG: decoded ${result.width} × ${result.height} pixels, the header says ${info.width} × ${info.height}`);
    }
    return result.data;
  });
  const n = info.width * info.height;
  const channels = info.components === 1 ? 1 : 3;
  const pixels = new Uint8Array(n * channels);
  if (channels === 1) {
    for (let i = 0; i < n; i++) pixels[i] = rgba[4 * i];
  } else {
    for (let i = 0, j = 0; i < n; i++, j += 4) {
      pixels[3 * i] = rgba[j];
      pixels[3 * i + 1] = rgba[j + 1];
      pixels[3 * i + 2] = rgba[j + 2];
    }
  }
  const upright = orient<Uint8Array>({ width: info.width, height: info.height, channels, data: pixels }, info.orientation);
  return depth === 16 ? toDepth16(upright) : upright;
}

/**
 * Encodes an 8-bit image of 1–4 channels as a baseline-compatible progressive JPEG (MozJPEG,
 * 4:2:0 chroma for colour, gray stays gray). JPEG has no alpha: channel 2 of gray + alpha and
 * channel 4 of RGBA are dropped. Convert Uint16Array or Float32Array images with `toUint8` first.
 * @example
 * const bytes = encodeJpeg(photo, { quality: 90 });
 */
export function encodeJpeg(image: Image, options?: JpegEncodeOptions): Uint8Array {
  const { width, height, channels, data } = checkImage(image);
  if (!(data instanceof Uint8Array) && !(data instanceof Uint8ClampedArray)) {
    throw typeError('image.data', 'a Uint8Array or Uint8ClampedArray (convert with toUint8 first)', data);
  }
  const o = optionsObject(options, 'options', ['quality']);
  const quality = o.quality === undefined ? 80 : integer(o.quality, 'options.quality', 1, 100);
  const n = width * height;
  const rgba = new Uint8Array(n * 4);
  const gray = channels <= 2;
  for (let i = 0; i < n; i++) {
    const from = i * channels;
    rgba[4 * i] = data[from];
    rgba[4 * i + 1] = gray ? data[from] : data[from + 1];
    rgba[4 * i + 2] = gray ? data[from] : data[from + 2];
    rgba[4 * i + 3] = 255;
  }
  return withCodec('encoder', ({ codec, messages }) => {
    let bytes;
    try {
      bytes = codec.encode!(rgba, width, height, {
        // @jsquash/jpeg's defaults (MozJPEG's), with the quality asked for and gray kept gray.
        quality, baseline: false, arithmetic: false, progressive: true, optimize_coding: true, smoothing: 0,
        color_space: gray ? 1 : 3, quant_table: 3, trellis_multipass: false, trellis_opt_zero: false,
        trellis_opt_table: false, trellis_loops: 1, auto_subsample: true, chroma_subsample: 2,
        separate_chroma_quality: false, chroma_quality: quality,
      });
    } catch (cause) {
      throw new Error(`cannot encode JPEG: ${messages.join('; ') || (cause as Error).message}`, { cause });
    }
    return new Uint8Array(bytes); // a copy: the codec's view points into its own memory
  });
}
