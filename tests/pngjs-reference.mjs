// pngjs as the reference decoder for the tests and the fuzzer (scripts/fuzz.mjs): what the library
// decoded with before it had its own codec. The structure check and the zlib verdict are the
// library's (pngjs alone accepts some malformed files and returns uninitialised memory for others);
// the pixels are pngjs's own, so every decode can be compared with it bit for bit.
import pngjs from 'pngjs';
import { checkPng, inflatedLength, nodePng } from '../dist/internal.js';

/**
 * pngjs's RGBA pixels for `bytes`, or a throw where the library must throw too (a RangeError for
 * the pixel limit, given as a number of pixels).
 */
export function referenceDecodePng(bytes, limit = 16383 * 16383) {
  const info = checkPng(bytes);
  if (info.width * info.height > limit) throw new RangeError(`PNG exceeds options.limitInputPixels (${limit})`);
  nodePng.nodeZlib.inflateStream(info.idat, inflatedLength(info), () => {});
  const png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, info.byteLength));
  return { width: png.width, height: png.height, channels: 4, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length) };
}
