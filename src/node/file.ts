/**
 * `convolveFile`: one PNG file in, one out, streamed by rows. The input is read a megabyte at a
 * time and decoded by rows (core/png/stream.ts, inflated by Node's zlib on its thread pool); each band of output rows is convolved as soon as
 * the input rows it reads have arrived (the band machinery of core/wasm, given a window of rows),
 * mapped to bytes, filtered and deflated, and written to a temp file that is renamed into place.
 * Memory holds the window of input rows a band reads and one band of output, never the image; so
 * `limitInputPixels: false` lets a 50000 × 50000 file through.
 *
 * The pixels are exactly `convolveToUint8(decodePng(file), kernel, options)`'s. Three cases read
 * the whole image instead, because they need all of it at once: `map: "normalize"` (the global
 * min and max), gray weights other than BT.601, RGBA with its alpha kept (`alpha: "keep"`, the
 * default without `grayscale`: alpha comes from each window's centre), and kernels for which the whole image would take
 * the FFT path (its tiles read rows past the band). `border: "wrap"` streams, but its first rows
 * read the last ones, so its window is the whole image.
 */
import { constants as fsConstants, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createInflate } from 'node:zlib';
import { borderMap } from '../core/convolve/border.js';
import { CONVOLVE_OPTIONS, planConvolution, type ConvolvePlan } from '../core/convolve/options.js';
import { factorsFor } from '../core/convolve/separable.js';
import { typeError } from '../core/errors.js';
import { pixelLimit } from '../core/limits.js';
import { withoutAlpha } from '../core/pixels/alpha.js';
import { checkWeights } from '../core/pixels/grayscale.js';
import { convolveToUint8, type PipelineOptions } from '../core/pixels/pipeline.js';
import { encodeSettings, type EncodeOptions } from '../core/png/encode.js';
import { PngRowReader, PngRowWriter, type IdatDeflaterFactory, type RowInflater } from '../core/png/stream.js';
import type { PngHeader } from '../core/png/check.js';
import type { ConvolveOptions, Kernel } from '../core/types.js';
import { checkKernel, oneOf, optionsObject, type KernelMatrix } from '../core/validate.js';
import { filterRowsWasm, unfilterRowsWasm } from '../core/wasm/png-rows.js';
import { choosePath, convolveRowsWasm, type Path } from '../core/wasm/paths.js';
import { MAPS, PNG_FILTERS } from '../core/vocabulary.js';
import { commitTemp, discardTemp, fileKind, openTemp, syncTemp, type TempFile } from './files.js';
import { checkPath, nodeIdatDeflater, nodeSyncIdatDeflater, nodeSyncRowInflater, nodeZlib, readPng, writePng } from './png.js';

/** Options of `convolveFile`: `convolveToUint8`'s, the pixel limit, and `encodePng`'s. */
export interface FileOptions extends PipelineOptions, EncodeOptions {
  /** As `readPng`'s: the largest width × height read (default 16383²); false for none. */
  limitInputPixels?: number | boolean;
  /** Without `grayscale`: true drops the alpha channel and convolves and writes RGB (default false). */
  dropAlpha?: boolean;
}

/** What `convolveFile` wrote. */
export interface FileResult {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  /** The input's size. */
  input: { width: number; height: number };
  /** Whether rows were streamed (false: the whole image was read; see the module notes). */
  streamed: boolean;
}

const KEYS = [...CONVOLVE_OPTIONS.filter((key) => key !== 'out'), 'grayscale', 'weights', 'map', 'compressionLevel', 'filter', 'alpha', 'dropAlpha'];

/** Bytes of input read at a time. */
const READ_BYTES = 1 << 20;

/**
 * Buffers of READ_BYTES kept from one file to the next (a few, so concurrent calls each get
 * their own): fresh memory costs a page fault per 4 KiB when first touched, about 13 µs each on
 * the VM this was measured on, so 3 ms a megabyte on every file.
 */
const spareBuffers = {
  free: [] as Uint8Array[],
  take(): Uint8Array {
    return this.free.pop() ?? new Uint8Array(READ_BYTES);
  },
  give(buffer: Uint8Array): void {
    if (this.free.length < 4) this.free.push(buffer);
  },
};
/** How the file pipeline streams; tests change it through `tuneStreaming`. */
const tuning = {
  /** About this many bytes of output per band (at least one row). */
  bandBytes: 1 << 17,
  /**
   * Images of at most this many pixels are read whole. 0: with Node's zlib inflating on its
   * thread pool, streaming a 1.3 MP photo took 67 ms against 74 ms whole (it once was 1.7× slower
   * with fflate's inflate), so every image streams.
   */
  wholeUpTo: 0,
};

/**
 * Changes the streaming tuning (tests only, through dist/internal.js); returns the old values.
 * @example
 * const old = tuneStreaming({ bandBytes: 1, wholeUpTo: 0 }); // stream everything, a row per band
 */
export function tuneStreaming(values: Partial<typeof tuning>): typeof tuning {
  const old = { ...tuning };
  Object.assign(tuning, values);
  return old;
}

/** Thrown from the header callback to switch to the whole-image path; never escapes. */
class WholeImage extends Error {}

/**
 * Convolves a PNG file into a PNG file, streaming rows: the same pixels as
 * `writePng(output, convolveToUint8(readPng(input), kernel, options))`, in memory for a band of
 * rows. The output is 1 channel with `grayscale: true`, else the decoded RGBA. Errors from the
 * input name it (`photo.png: Invalid PNG: …`); an existing output is replaced whole or not at all.
 * @example
 * await convolveFile('photo.png', 'edges.png', kernels.edge, { grayscale: true, padding: 'same', map: 'abs' });
 */
export async function convolveFile(input: string, output: string, kernel: Kernel, options?: FileOptions): Promise<FileResult> {
  return convolveFileWith(input, output, kernel, options, false);
}

/**
 * `convolveFile`, inflating and deflating on Node's thread pool, or with `zlibOnThread` on the
 * calling thread. The pool overlaps zlib with the convolution and puts idle cores to work; when
 * every core already has a thread converting images (convolveFiles with a job per core), its
 * hand-offs and fresh output buffers only cost. bench:batch, 200 photos, 2 cores, jobs 2: 3.60 s
 * on the threads against 4.03 s on the pool in the same session; jobs 1: 6.02 against 4.60 s
 * (bench/RESULTS.md, session 11).
 * @example
 * await convolveFileWith('a.png', 'out/a.png', kernels.edge, { grayscale: true }, true);
 */
export async function convolveFileWith(input: string, output: string, kernel: Kernel, options: FileOptions | undefined,
  zlibOnThread: boolean): Promise<FileResult> {
  checkPath(input, 'input');
  checkPath(output, 'output');
  const k = checkKernel(kernel);
  const o = optionsObject(options, 'options', KEYS);
  const { grayscale, weights, map, compressionLevel, filter, alpha, dropAlpha, ...convolveOptions } = o;
  if (grayscale !== undefined && typeof grayscale !== 'boolean') throw typeError('options.grayscale', 'true or false', grayscale);
  if (dropAlpha !== undefined && typeof dropAlpha !== 'boolean') throw typeError('options.dropAlpha', 'true or false', dropAlpha);
  const alphaMode = alpha === undefined ? 'keep' : oneOf(alpha, 'options.alpha', ['keep', 'convolve'] as const);
  const mapping = map === undefined ? 'clamp' : oneOf(map, 'options.map', MAPS);
  if (weights !== undefined) checkWeights(weights);
  const settings = encodeSettings({ compressionLevel, filter });
  const limit = pixelLimit(o.limitInputPixels);
  const gray = grayscale === true;
  const channels = gray ? 1 : dropAlpha === true ? 3 : 4;
  const pipeline = { ...convolveOptions, grayscale: gray, weights, map: mapping, alpha: alphaMode } as PipelineOptions;
  const whole = (): FileResult => {
    const decoded = readNamed(input, limit);
    const result = convolveToUint8(channels === 3 ? withoutAlpha(decoded) : decoded, kernel, pipeline);
    writePng(output, result, { compressionLevel: settings.level, filter: PNG_FILTERS[settings.filterType] });
    return { width: result.width, height: result.height, channels, input: { width: decoded.width, height: decoded.height }, streamed: false };
  };
  // Kept alpha is carried from each window's centre (convolveToUint8's default), not streamed here.
  if (mapping === 'normalize' || (gray && weights !== undefined && weights !== 'bt601') || (channels === 4 && alphaMode === 'keep')) {
    return whole();
  }
  try {
    return await stream(input, output, k, convolveOptions as ConvolveOptions, channels, mapping === 'abs', settings, limit, zlibOnThread);
  } catch (error) {
    if (error instanceof WholeImage) return whole();
    throw error;
  }
}

function readNamed(input: string, limit: number) {
  return readPng(input, { limitInputPixels: limit === Infinity ? false : limit });
}

/** A file error, named as readPng names it; argument errors pass unchanged. */
function named(input: string, cause: unknown): Error {
  if (cause instanceof TypeError || cause instanceof WholeImage) return cause;
  if ((cause as Error).message?.startsWith(`${input}: `)) return cause as Error;
  const message = `${input}: ${(cause as Error).message}`;
  return cause instanceof RangeError ? new RangeError(message, { cause }) : new Error(message, { cause });
}

/** One band of output rows and the source rows it reads (lo..hi; hi < lo when it reads none). */
interface Band { first: number; end: number; lo: number; hi: number }

/** The bands of a plan, with the source rows each reads through the border map. */
function bandsOf(plan: ConvolvePlan, kH: number, height: number, outRowBytes: number): Band[] {
  const rowMap = borderMap(height, plan.top, plan.bottom, plan.border);
  const rows = Math.max(1, Math.floor(tuning.bandBytes / outRowBytes));
  const bands: Band[] = [];
  for (let first = 0; first < plan.outH; first += rows) {
    const end = Math.min(plan.outH, first + rows);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = first; i < end; i++) {
      for (let m = 0; m < kH; m++) {
        const r = rowMap[i * plan.sy + m * plan.dy];
        if (r < 0) continue;
        if (r < lo) lo = r;
        if (r > hi) hi = r;
      }
    }
    bands.push({ first, end, lo, hi });
  }
  return bands;
}

/**
 * Node's zlib as the row reader's inflater: on the thread pool, so that inflating the next rows
 * overlaps convolving the last ones. Its verdicts are those of `inflateSync` in the whole-file
 * decoder: zlib checks the header and the Adler-32; output past `expected` bytes, less than
 * `expected`, or input left after the stream's end are errors here. The first failure is kept in
 * `failure` (the stream cannot throw into the reader) and ends the stream.
 */
class NodeRowInflater implements RowInflater {
  failure?: Error;
  readonly done: Promise<void>;
  // 1 MiB of output a callback: each callback is a hand-off to the thread pool and back, tens of
  // microseconds of this thread (inflating a 4 MB RGB photo cost it 3.8 ms in 64 KiB pieces,
  // 1.5 ms in 256 KiB pieces, 0.8–1.0 ms in 1 MiB pieces).
  private readonly zlib = createInflate({ chunkSize: 1 << 20 });
  private pushed = 0;
  private total = 0;
  /**
   * A PNG's IDAT chunks are often 8 KiB each: they are gathered here and written to zlib once per
   * piece read (one write of a stream costs tens of microseconds; a photo has hundreds of chunks).
   */
  private readonly gather = spareBuffers.take();
  /** Inflated chunks not yet handed on, and whether a microtask will hand them on. */
  private readonly queue: Buffer[] = [];
  private scheduled = false;
  private readonly flushRows: () => void;
  private gathered = 0;
  private consumed: Promise<void> = Promise.resolve();
  /** Resolves `consumed` early when the stream closes (a failure) before zlib took the chunk. */
  private wake?: () => void;

  constructor(expected: number, onData: (chunk: Uint8Array) => void, onEnd: () => void) {
    // zlib asks the thread pool for its next output only after the 'data' handler returns, so the
    // rows are handled in a microtask instead: the next piece inflates while this one convolves.
    // The queue holds a chunk or two: the next callback waits for the microtask.
    const handle = () => {
      this.scheduled = false;
      try {
        for (let chunk; (chunk = this.queue.shift());) if (!this.failure) onData(chunk);
      } catch (error) {
        this.fail(error as Error);
      }
    };
    this.zlib.on('data', (chunk: Buffer) => {
      if (this.failure) return;
      this.total += chunk.length;
      if (this.total > expected) {
        this.fail(new Error(`Invalid PNG: IDAT data inflates to more than ${expected} bytes`));
        return;
      }
      this.queue.push(chunk);
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(handle);
      }
    });
    this.flushRows = handle;
    this.done = new Promise((resolve) => {
      this.zlib.on('error', (cause) => {
        this.fail(new Error(`Invalid PNG: bad zlib data in IDAT (${cause.message})`, { cause }));
        resolve();
      });
      this.zlib.on('end', () => {
        this.flushRows();
        if (!this.failure) {
          try {
            if (this.total !== expected) throw new Error(`Invalid PNG: IDAT data inflates to ${this.total} bytes, expected ${expected}`);
            // zlib stops at the end of its stream and ignores what follows, which is an error here.
            if (this.zlib.bytesWritten < this.pushed) {
              throw new Error(`Invalid PNG: ${this.pushed - this.zlib.bytesWritten} bytes after the end of the zlib stream in IDAT`);
            }
            onEnd();
          } catch (error) {
            this.fail(error as Error);
          }
        }
        resolve();
      });
      this.zlib.on('close', () => {
        this.wake?.();
        resolve();
      });
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.zlib.destroy();
  }

  push(data: Uint8Array): void {
    if (this.failure || data.length === 0) return;
    this.pushed += data.length;
    if (this.gathered + data.length > this.gather.length) this.flush(true);
    if (data.length > this.gather.length) this.write(Buffer.from(data), false);
    else {
      this.gather.set(data, this.gathered);
      this.gathered += data.length;
    }
  }

  end(): void {
    if (this.failure) return;
    this.flush(true);
    this.zlib.end();
  }

  /**
   * Resolves when zlib has taken in everything pushed so far (backpressure: the reader reads the
   * next piece only then), after writing what was gathered since the last call.
   */
  async drained(): Promise<void> {
    this.flush(false);
    await this.consumed;
  }

  /** The pieces gathered since the last write, as one write: its own copy when `copy`, else the gather buffer itself. */
  private flush(copy: boolean): void {
    if (this.gathered === 0 || this.failure) return;
    const bytes = this.gather.subarray(0, this.gathered);
    this.write(copy ? Buffer.from(bytes) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), !copy);
    this.gathered = 0;
  }

  private write(chunk: Buffer, track: boolean): void {
    if (!track) {
      this.zlib.write(chunk);
      return;
    }
    // The gather buffer is reused once zlib has consumed it: the write's callback says when.
    this.consumed = new Promise<void>((resolve) => {
      this.wake = resolve;
      this.zlib.write(chunk, () => resolve());
    });
  }

  /** Gives the gather buffer back for the next file (only once zlib is done with it). */
  release(): void {
    spareBuffers.give(this.gather);
  }
}

async function stream(
  input: string, output: string, k: KernelMatrix, convolveOptions: ConvolveOptions, channels: 1 | 3 | 4, absolute: boolean,
  settings: ReturnType<typeof encodeSettings>, limit: number, sync: boolean,
): Promise<FileResult> {
  let file: FileHandle;
  try {
    // O_NONBLOCK: a FIFO opens at once instead of waiting for a writer; only regular files are read.
    file = await open(input, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (cause) {
    throw named(input, cause);
  }
  const stats = await file.stat();
  if (!stats.isFile()) {
    await file.close();
    throw new Error(`${input}: ${fileKind(stats)}, not a regular file; only regular files are read`);
  }
  let temp: TempFile | undefined;
  let state: StreamState | undefined;
  try {
    temp = openOutput(output);
    const fd = temp.fd;
    // zlib on the thread pool (NodeRowInflater, nodeIdatDeflater), or on this thread (`sync`).
    let inflater: NodeRowInflater | undefined;
    let syncInflater: RowInflater | undefined;
    const reader = new PngRowReader(limit, {
      header: (info) => {
        if (info.width * info.height <= tuning.wholeUpTo) throw new WholeImage();
        state = new StreamState(info, k, convolveOptions, channels, absolute, settings, (bytes) => writeOutput(output, fd, bytes),
          sync ? nodeSyncIdatDeflater : nodeIdatDeflater);
        return state.held;
      },
      row: (y, pixels) => state!.row(y, pixels),
    }, nodeZlib.crc32, sync ? (expected, onData, onEnd) => (syncInflater = nodeSyncRowInflater(expected, onData, onEnd))
      : (expected, onData, onEnd) => (inflater = new NodeRowInflater(expected, onData, onEnd)), unfilterRowsWasm);
    const piece = spareBuffers.take();
    const check = () => {
      if (inflater?.failure) throw named(input, inflater.failure);
    };
    try {
      for (;;) {
        const { bytesRead } = await file.read(piece, 0, piece.length, null);
        if (bytesRead === 0) break;
        reader.push(piece.subarray(0, bytesRead));
        check();
        await inflater?.drained();
        await state?.drained();
        check();
        if (reader.complete) break;
      }
      reader.end();
      if (inflater) {
        await inflater.done;
        check();
        inflater.release();
      }
    } catch (cause) {
      syncInflater?.abort?.();
      throw (cause as Error).message?.startsWith(`${output}: `) ? cause : named(input, cause);
    } finally {
      // Nothing holds the piece now: the reader copies what it keeps, the inflater gathers copies.
      spareBuffers.give(piece);
    }
    await state!.end();
    await commitOutput(temp, output);
    const { width, height } = state!.info;
    return { width: state!.plan.outW, height: state!.plan.outH, channels, input: { width, height }, streamed: true };
  } catch (error) {
    state?.abort();
    discardTemp(temp);
    throw error;
  } finally {
    await file.close();
  }
}

/** Opens the output's temp file; a failure names the output. */
function openOutput(output: string): TempFile {
  try {
    return openTemp(output);
  } catch (cause) {
    throw new Error(`${output}: cannot write PNG (${(cause as Error).message})`, { cause });
  }
}

function writeOutput(output: string, fd: number, bytes: Uint8Array): void {
  try {
    writeSync(fd, bytes);
  } catch (cause) {
    throw new Error(`${output}: cannot write PNG (${(cause as Error).message})`, { cause });
  }
}

async function commitOutput(temp: TempFile, output: string): Promise<void> {
  try {
    await syncTemp(temp);
    commitTemp(temp, output, true);
  } catch (cause) {
    throw new Error(`${output}: cannot write PNG (${(cause as Error).message})`, { cause });
  }
}

/** The streaming state of one file: the plan, the window of input rows, the bands, the writer. */
class StreamState {
  readonly plan: ConvolvePlan;
  private readonly path: Path;
  private readonly factors;
  private readonly bands: Band[];
  /** For each band, the lowest source row it or any later band reads. */
  private readonly keepFrom: number[];
  private readonly window: Uint8Array;
  private windowStart = 0;
  private windowRows = 0;
  private next = 0;
  private readonly out: Uint8Array;
  private readonly writer: PngRowWriter;
  /**
   * Channels held per input row, as the reader hands rows on: RGB for color output (alpha is
   * dropped), RGBA for RGBA output; for gray output, whichever an 8-bit RGB or RGBA file already
   * has (the gray of RGB(A) ignores alpha), so its rows need no conversion, and RGBA otherwise.
   */
  readonly held: 3 | 4;
  private readonly gray: boolean;

  constructor(
    readonly info: PngHeader, private readonly kernel: KernelMatrix, options: ConvolveOptions,
    private readonly channels: 1 | 3 | 4, private readonly absolute: boolean, settings: ReturnType<typeof encodeSettings>,
    write: (bytes: Uint8Array) => void, deflater: IdatDeflaterFactory,
  ) {
    const { width, height } = info;
    this.plan = planConvolution(options, height, width, kernel.height, kernel.width);
    this.gray = channels === 1;
    this.held = channels === 3 || (channels === 1 && info.colorType === 2) ? 3 : 4;
    const image = { width, height, channels: this.held, data: new Uint8Array(0) };
    this.factors = factorsFor(kernel, this.plan);
    this.path = choosePath(image, kernel, this.plan, this.factors);
    // FFT tiles read whole tile heights of rows past a band's own: whole image instead.
    if (this.path === 'fft') throw new WholeImage();
    const outRowBytes = this.plan.outW * this.channels;
    this.bands = bandsOf(this.plan, kernel.height, height, outRowBytes);
    this.keepFrom = new Array(this.bands.length);
    let lowest = Infinity;
    let span = 1;
    for (let b = this.bands.length - 1; b >= 0; b--) {
      lowest = Math.min(lowest, this.bands[b].lo);
      this.keepFrom[b] = lowest;
      if (this.bands[b].hi >= lowest) span = Math.max(span, this.bands[b].hi - lowest + 1);
    }
    this.window = new Uint8Array(Math.min(span, height) * width * this.held);
    this.out = new Uint8Array(this.bands.reduce((most, b) => Math.max(most, b.end - b.first), 0) * outRowBytes);
    this.writer = new PngRowWriter(this.plan.outW, this.plan.outH, this.channels, settings, deflater, write, nodeZlib.crc32, filterRowsWasm);
    this.drain(-1);
  }

  /** Takes input row `y`, keeping it if a band to come reads it, and runs the bands now ready. */
  row(y: number, pixels: Uint8Array): void {
    const { width } = this.info;
    const rowBytes = width * this.held;
    const keep = this.next < this.bands.length ? this.keepFrom[this.next] : Infinity;
    if (y >= keep) {
      // After a gap of rows no band reads (a large stride), nothing held is read again either.
      if (this.windowStart + this.windowRows !== y) this.windowRows = 0;
      if (this.windowRows === 0) this.windowStart = y;
      const capacity = this.window.length / rowBytes;
      if (this.windowRows === capacity) {
        // Drop the rows no band to come reads, keeping the window's rows consecutive.
        const drop = Math.max(0, Math.min(this.windowRows, keep - this.windowStart));
        this.window.copyWithin(0, drop * rowBytes, this.windowRows * rowBytes);
        this.windowStart += drop;
        this.windowRows -= drop;
      }
      this.window.set(pixels, this.windowRows * rowBytes);
      this.windowRows++;
    }
    this.drain(y);
  }

  /** Runs every band whose rows up to `y` have all arrived. */
  private drain(y: number): void {
    while (this.next < this.bands.length && this.bands[this.next].hi <= y) this.runBand(this.bands[this.next++]);
  }

  private runBand(band: Band): void {
    const { width, height } = this.info;
    const { outW } = this.plan;
    const rows = band.end - band.first;
    const image = { width, height, channels: this.held, data: this.window.subarray(0, this.windowRows * width * this.held) };
    const data = this.out.subarray(0, rows * outW * this.channels);
    convolveRowsWasm(image, this.kernel, this.plan, { data, channels: this.channels, gray: this.gray, absolute: this.absolute },
      this.path, this.path === 'separable' ? this.factors : undefined,
      { first: band.first, end: band.end, sourceRow0: this.windowStart, outputRow0: band.first });
    this.writer.rows(data, rows);
  }

  /** Runs the last bands and resolves once the output file is whole. */
  async end(): Promise<void> {
    this.drain(Infinity);
    this.writer.end();
    await this.writer.finished;
  }

  /** Resolves once the writer can take more rows. */
  drained(): Promise<void> {
    return this.writer.drained();
  }

  /** Abandons the output (the input failed). */
  abort(): void {
    this.writer.abort();
  }
}
