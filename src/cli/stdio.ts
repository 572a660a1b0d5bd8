/**
 * `-` as a file name: the image read from standard input, or the result written to standard output
 * (`cat a.jpg | conv2d - -k edge -o - > e.png`). One image, processed on this thread through the
 * same pipeline as the batch (`convolveToUint8`, or `convolveToUint16` for --depth 16; alpha dropped
 * for --color); standard output
 * gets PNG, files get the format their extension names.
 */
import { convolveToUint8, convolveToUint16, decodeImage, encodeImage, readImage, writeImage } from '../node/index.js';
import type { Image } from '../node/index.js';
import { withoutAlpha } from '../core/pixels/alpha.js';
import { edgeImage } from '../node/batch/edge-image.js';
import { fileReason } from '../node/file-reason.js';
import type { CliOptions } from './args.js';
import { inFlagWords, printable } from './flag-words.js';
import type { Output } from './progress.js';

/** The name standing for standard input or output. */
export const STDIO = '-';

/**
 * Reads, convolves and writes one image where the input or the output is `-`. Returns 0, or 1 after
 * printing `stdin: reason` (or `file: reason`).
 * @example
 * const status = await runStdio(options, io); // options.inputs = ['-'], options.output = '-'
 */
export async function runStdio(options: CliOptions, io: Output, stdin: AsyncIterable<Uint8Array> = process.stdin): Promise<0 | 1> {
  const input = options.inputs[0];
  const output = options.output ?? STDIO;
  const name = input === STDIO ? 'stdin' : input;
  let result: Image<Uint8Array | Uint16Array>;
  try {
    const decodeOptions = { limitInputPixels: options.limitInputPixels, depth: options.depth };
    const image = input === STDIO ? decodeImage(await readAll(stdin, stdinBound(options)), decodeOptions) : readImage(input, decodeOptions);
    const pipeline = options.depth === 16 ? convolveToUint16 : convolveToUint8;
    result = options.edges
      ? edgeImage(image, options.edges, options)
      : pipeline(options.color ? withoutAlpha(image) : image, options.kernel, {
        ...options.convolve, limitInputPixels: options.limitInputPixels, grayscale: !options.color, weights: options.weights, map: options.map,
      });
  } catch (error) {
    io.err(printable(`${name}: ${inFlagWords(stripName(fileReason(error), input))}`));
    return 1;
  }
  try {
    if (output === STDIO) await writeAll(encodeImage(result, 'png'));
    else writeImage(output, result, { quality: options.quality });
  } catch (error) {
    io.err(printable(`${output === STDIO ? 'stdout' : output}: ${inFlagWords(stripName(fileReason(error), output))}`));
    return 1;
  }
  if (output !== STDIO && !options.quiet && !options.json) io.out(printable(`wrote ${output} (${result.width}×${result.height})`));
  return 0;
}

/**
 * The most bytes read from standard input: as a file's bound (see `readImage`), 8 bytes for each
 * pixel the limit allows and 64 MiB more, so an endless stream (`conv2d - < /dev/zero`) ends.
 */
function stdinBound(options: CliOptions): number {
  if (options.limitInputPixels === false) return Infinity;
  return (options.limitInputPixels ?? 16383 * 16383) * 8 + (64 << 20);
}

/** Everything on a stream, as one array; an error past `bound` bytes. */
async function readAll(stream: AsyncIterable<Uint8Array>, bound: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += chunk.length;
    if (total > bound) throw new Error(`more than ${bound} bytes on standard input, more than any image within --limit-input-pixels; not read`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Writes to standard output and waits until it is flushed (a pipe may be slower than we are). */
function writeAll(bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(bytes, (error) => (error ? reject(error) : resolve()));
  });
}

/** The message without a leading `file: ` the library already put there. */
function stripName(message: string, file: string): string {
  return message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message;
}
