/**
 * PNG by rows: `PngRowReader` takes a file in pieces of any size and hands on RGBA rows as soon as
 * their block (about 128 KiB, ./rows.ts) is complete, holding that block, never the image;
 * `PngRowWriter` takes rows and gives back file pieces. Start at `PngRowReader.push`.
 *
 * The reader makes every check the whole-file decoder (./decode.ts) makes, in the same walk: the
 * CRC of each chunk over its pieces, the chunk order (check.ts's `checkChunkOrder`), the pixel
 * limit against IHDR before anything is inflated, an inflated stream of exactly the size the
 * header allows (it stops at the first piece past it), its Adler-32, and nothing after it; the
 * pixels are ./decode.ts's (the same ./rows.ts `rowUnfilterer` and expander). Adam7 rows do not
 * arrive in order, so an interlaced file's passes are expanded into a whole RGBA image as they
 * come and its rows handed on at the end.
 *
 * Inflation streams through an injected `RowInflater`: ./fflate.ts's `fflateInflater` by default (synchronous),
 * Node's zlib in src/node/file.ts (asynchronous, on its thread pool, so inflating overlaps the
 * convolution; rows then arrive after `push` returns).
 */
import { checkPixels } from '../limits.js';
import { hasPngSignature, PNG_SIGNATURE } from '../vocabulary.js';
import {
  checkChunkOrder, crc32, inflatedLength, MAX_UINT31, typeName, type PngHeader, type WalkState,
} from './check.js';
import { extrasOf, imageRows, makeExpander, type Expander } from './decode.js';
import { filterRows, PNG_END, pngChunk, pngHead, type EncodeSettings, type RowsFilter } from './encode.js';
import { fflateInflater } from './fflate.js';
import { eachRow, rowUnfilterer, unfilterRows, type RowsUnfilter } from './rows.js';

function invalid(reason: string): Error {
  return new Error(`Invalid PNG: ${reason}`);
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

/** Chunks whose data the reader keeps: the header and what the pixels need; all tiny. */
const KEPT = new Set(['IHDR', 'PLTE', 'tRNS']);
/** Longest kept chunk any valid file has (a 256-entry PLTE is 768 bytes). */
const KEPT_MAX = 1024;

/** What the reader calls as the file is read. */
export interface RowSink {
  /**
   * The header, once IHDR is read and the limit checked, before any pixel data. Returns the
   * channels the rows should have: 4, RGBA (the default), or 3, RGB with alpha dropped.
   */
  header(info: PngHeader): 3 | 4 | void;
  /** Row `y` as 8-bit RGBA (or RGB), `width · channels` bytes; valid only during the call. */
  row(y: number, pixels: Uint8Array): void;
}

/**
 * Unfilters (./rows.ts) and expands rows as inflated bytes arrive in pieces and hands each on; an
 * interlaced image's pass rows are expanded into a whole RGBA image as they come, and its rows
 * handed on at the end, when they are all there. When the file's own rows already are what the
 * sink wants (8-bit RGB for 3 channels, 8-bit RGBA for 4, no tRNS key), they go out as they are:
 * for a photo that saves expanding every pixel to RGBA and back, two loops of JavaScript.
 */
class RowAssembler {
  /** Takes the next piece of the inflated stream. */
  readonly push: (data: Uint8Array) => void;
  private readonly whole?: Uint8Array;
  private readonly out: Uint8Array;

  constructor(private readonly info: PngHeader, expand: Expander, private readonly sink: RowSink,
    private readonly channels: 3 | 4, keyed: boolean, unfilter: RowsUnfilter) {
    const { width, bitDepth, colorType } = info;
    this.out = new Uint8Array(width * channels);
    if (info.interlace) {
      this.whole = new Uint8Array(width * info.height * 4);
      this.push = rowUnfilterer(info, imageRows(info, expand, this.whole, 4), unfilter);
    } else if (bitDepth === 8 && !keyed && colorType === (channels === 3 ? 2 : 6)) {
      this.push = rowUnfilterer(info, eachRow(info, (row, _pass, y) => sink.row(y, row.subarray(1, 1 + width * channels))), unfilter);
    } else {
      const rgba = channels === 4 ? this.out : new Uint8Array(width * 4);
      this.push = rowUnfilterer(info, eachRow(info, (row, _pass, y) => {
        expand(row, 1, width, rgba, 0);
        sink.row(y, this.pixels(rgba));
      }), unfilter);
    }
  }

  /** Hands on the rows of an interlaced image, which come only once all of it is in. */
  end(): void {
    if (!this.whole) return;
    const { width, height } = this.info;
    for (let y = 0; y < height; y++) this.sink.row(y, this.pixels(this.whole.subarray(y * width * 4, (y + 1) * width * 4)));
  }

  /** An RGBA row as the sink wants it: itself, or its RGB. */
  private pixels(rgba: Uint8Array): Uint8Array {
    if (this.channels === 4) return rgba;
    const rgb = this.out;
    for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
      rgb[i] = rgba[j];
      rgb[i + 1] = rgba[j + 1];
      rgb[i + 2] = rgba[j + 2];
    }
    return rgb;
  }
}

/**
 * A streaming inflater for the IDAT zlib stream, as the reader uses it: `push` the stream's
 * pieces, then `end`. It hands inflated bytes to `onData` and calls `onEnd` once the stream is
 * whole and checked (exactly `expected` bytes, Adler-32, nothing after it), either before `end`
 * returns (fflate, synchronous) or later (Node's zlib, on its thread pool: src/node/file.ts);
 * it throws, or reports through its own channel, an `Error('Invalid PNG: …')` otherwise.
 */
export interface RowInflater {
  push(data: Uint8Array): void;
  end(): void;
  /** Frees what the inflater holds when the stream will not be finished (absent: nothing to free). */
  abort?(): void;
}

/** Makes the inflater for one stream of `expected` bytes. */
export type RowInflaterFactory = (expected: number, onData: (chunk: Uint8Array) => void, onEnd: () => void) => RowInflater;

/** The default `RowInflaterFactory`: fflate, synchronous. */
export const fflateRowInflater: RowInflaterFactory = (expected, onData, onEnd) => {
  const push = fflateInflater(expected, onData);
  return {
    push: (data) => push(data, false),
    end: () => {
      push(new Uint8Array(0), true);
      onEnd();
    },
  };
};

/**
 * Reads a PNG file pushed in pieces and hands on its rows as RGBA (or RGB) as they complete.
 * @example
 * const reader = new PngRowReader(limit, { header: (info) => …, row: (y, rgba) => … });
 * for (const piece of pieces) reader.push(piece);
 * reader.end(); // throws if the file stopped before IEND
 */
export class PngRowReader {
  private pending = new Uint8Array(0);
  private state: WalkState = { paletteEntries: 0, hasTransparency: false, idat: 'none' };
  private signed = false;
  /** The chunk being read: its type, data length, bytes of data read so far, running CRC. */
  private chunk?: { type: string; length: number; read: number; crc: number; kept?: Uint8Array; headerBytes: Uint8Array };
  private kept: { type: string; data: Uint8Array }[] = [];
  private inflater?: RowInflater;
  private assembler?: RowAssembler;
  private ended = false;
  /** Channels per pixel of the rows handed on (the sink's answer to the header). */
  private channels: 3 | 4 = 4;

  /**
   * `crc` may be a platform's faster CRC-32 (check.ts's `crc32` by default), `inflate` its own
   * streaming inflater (fflate's by default), `unfilter` its own row unfilter (./rows.ts's
   * JavaScript `unfilterRows` by default).
   */
  constructor(private readonly limit: number, private readonly sink: RowSink,
    private readonly crc: (bytes: Uint8Array, start: number, end: number, previous: number) => number = crc32,
    private readonly inflate: RowInflaterFactory = fflateRowInflater,
    private readonly unfilter: RowsUnfilter = unfilterRows) {}

  /** Whether IEND has been read: the rest of the file, if any, is ignored. */
  get complete(): boolean {
    return this.ended;
  }

  /** Takes the next piece of the file. */
  push(bytes: Uint8Array): void {
    let at = 0;
    const take = (n: number): Uint8Array | undefined => {
      // `n` bytes from pending + bytes, or undefined (and everything kept in pending) if short.
      const have = this.pending.length + bytes.length - at;
      if (have < n) {
        const rest = new Uint8Array(have);
        rest.set(this.pending);
        rest.set(bytes.subarray(at), this.pending.length);
        this.pending = rest;
        at = bytes.length;
        return undefined;
      }
      const out = new Uint8Array(n);
      const fromPending = Math.min(n, this.pending.length);
      out.set(this.pending.subarray(0, fromPending));
      out.set(bytes.subarray(at, at + n - fromPending), fromPending);
      this.pending = this.pending.subarray(fromPending);
      at += n - fromPending;
      return out;
    };
    while (!this.ended && (at < bytes.length || this.pending.length > 0)) {
      if (!this.signed) {
        const sig = take(PNG_SIGNATURE.length);
        if (!sig) return;
        if (!hasPngSignature(sig)) throw invalid('bad signature (not a PNG file, or one damaged by a text-mode transfer)');
        this.signed = true;
        continue;
      }
      if (!this.chunk) {
        const head = take(8);
        if (!head) return;
        this.startChunk(head);
        continue;
      }
      const c = this.chunk;
      if (c.read < c.length) {
        // Chunk data: from pending first, then straight from the piece (no copy for IDAT).
        let data: Uint8Array;
        if (this.pending.length > 0) {
          data = this.pending.subarray(0, c.length - c.read);
          this.pending = this.pending.subarray(data.length);
        } else {
          data = bytes.subarray(at, at + Math.min(c.length - c.read, bytes.length - at));
          at += data.length;
        }
        this.chunkData(c, data);
        continue;
      }
      const crc = take(4);
      if (!crc) return;
      this.endChunk(c, readUint32(crc, 0));
    }
  }

  /** Throws unless the whole file, up to IEND, has been pushed. */
  end(): void {
    if (this.ended) return;
    if (!this.signed) throw invalid('bad signature (not a PNG file, or one damaged by a text-mode transfer)');
    throw invalid(this.chunk ? `truncated ${this.chunk.type} chunk` : this.pending.length ? 'truncated chunk header' : 'missing IEND chunk');
  }

  private startChunk(head: Uint8Array): void {
    const length = readUint32(head, 0);
    const type = typeName(head, 4);
    if (type.startsWith('0x')) throw invalid(`bad chunk type ${type}`);
    if (length > MAX_UINT31) throw invalid(`${type} chunk length ${length} exceeds 2^31-1`);
    const kept = KEPT.has(type) || !this.state.info;
    if (kept && length > KEPT_MAX) {
      throw invalid(type === 'IHDR' || !this.state.info ? `IHDR chunk has length ${length}, expected 13` : `${type} chunk has length ${length}, too long`);
    }
    this.chunk = { type, length, read: 0, crc: this.crc(head, 4, 8, 0), kept: kept ? new Uint8Array(length) : undefined, headerBytes: head };
    if (type === 'IDAT') {
      // The order rules for IDAT read nothing of its data: check them before streaming it.
      checkChunkOrder(this.state, type, head, 8, length);
      this.startPixels();
    }
  }

  private chunkData(c: NonNullable<PngRowReader['chunk']>, data: Uint8Array): void {
    c.crc = this.crc(data, 0, data.length, c.crc);
    if (c.kept) c.kept.set(data, c.read);
    c.read += data.length;
    if (c.type === 'IDAT') this.inflater!.push(data);
  }

  private endChunk(c: NonNullable<PngRowReader['chunk']>, crc: number): void {
    if (crc !== c.crc) throw invalid(`bad CRC in ${c.type} chunk`);
    this.chunk = undefined;
    if (c.type === 'IDAT') return;
    // checkChunkOrder reads the chunk's bytes as laid out in a file: header, then data.
    const laid = new Uint8Array(8 + (c.kept?.length ?? 0));
    laid.set(c.headerBytes);
    if (c.kept) laid.set(c.kept, 8);
    if (this.state.idat === 'open') this.endPixels();
    checkChunkOrder(this.state, c.type, laid, 8, c.length);
    if (c.type === 'IHDR') {
      const info = this.state.info!;
      // Before anything is inflated: a 100-byte file may claim 100000 × 100000 pixels.
      checkPixels('PNG', info.width, info.height, this.limit);
      this.channels = this.sink.header(info) ?? 4;
    } else if (c.kept) this.kept.push({ type: c.type, data: c.kept });
    if (c.type === 'gAMA' && c.length < 4) throw invalid(`gAMA chunk has length ${c.length}, expected 4`);
    if (c.type === 'IEND') this.ended = true;
  }

  private startPixels(): void {
    if (this.inflater) return;
    const info = this.state.info!;
    const expected = inflatedLength(info);
    const extras = extrasOf(info.colorType, this.kept);
    this.assembler = new RowAssembler(info, makeExpander(info, extras), this.sink, this.channels, extras.transColor !== undefined,
      this.unfilter);
    this.inflater = this.inflate(expected, (chunk) => this.assembler!.push(chunk), () => this.assembler!.end());
  }

  private endPixels(): void {
    this.inflater!.end();
  }
}

/**
 * The IDAT zlib stream (RFC 1950) made as rows arrive: `push` filtered bytes (the deflater owns
 * them from then on; the writer never touches them again), then `end`. The stream's bytes go to
 * `onData` as they are made, in order, and `onEnd` follows the last of them, or reports the first
 * failure. Node's is a zlib stream on its thread pool (src/node/png.ts `nodeIdatDeflater`).
 */
export interface IdatDeflater {
  push(data: Uint8Array): void;
  end(): void;
  /** Resolves once the deflater has caught up enough to take more (absent: always at once). */
  drained?(): Promise<void>;
  /** Stops a stream that will not be finished (the input failed), freeing what it holds. */
  abort?(): void;
  /** `push` is done with its data when it returns (else it owns it: the writer fills a new segment). */
  synchronous?: boolean;
}

/** Makes the deflater of one stream at zlib `level`. */
export type IdatDeflaterFactory = (level: number, onData: (bytes: Uint8Array) => void, onEnd: (failure?: Error) => void) => IdatDeflater;

/**
 * Filtered bytes handed to the deflater at a time. Each piece is one hand-off to zlib on Node's
 * thread pool, which costs the calling thread about 50 µs on a 2-core VM: a 1.3 MP gray photo in
 * 64 KiB pieces cost it 2.4 ms, in 256 KiB pieces 1.4 ms. Larger pieces gained nothing more.
 */
const SEGMENT_BYTES = 1 << 18;

/**
 * Writes a PNG row by row (8-bit, 1–4 channels, not interlaced), handing on file pieces as they
 * are made: the rows of one segment are held until the deflater takes them. Each piece of the
 * zlib stream becomes an IDAT chunk; `finished` resolves once IEND is written.
 * @example
 * const writer = new PngRowWriter(width, height, 1, encodeSettings({}), nodeIdatDeflater, (bytes) => out.push(bytes));
 * for (const row of rows) writer.row(row);
 * writer.end();
 * await writer.finished;
 */
export class PngRowWriter {
  /** Resolves when the file is whole (IEND written); rejects with the deflater's or `write`'s failure. */
  readonly finished: Promise<void>;
  private readonly rowBytes: number;
  private buffer: Uint8Array;
  private readonly prev: Uint8Array;
  private used = 0;
  private written = 0;
  private readonly deflater: IdatDeflater;

  /**
   * `crc` may be a platform's faster CRC-32 (check.ts's `crc32` by default), `filter` a faster
   * `RowsFilter` (encode.ts's `filterRows` in JavaScript by default).
   */
  constructor(
    width: number, private readonly height: number, private readonly channels: 1 | 2 | 3 | 4,
    private readonly settings: EncodeSettings, factory: IdatDeflaterFactory,
    write: (bytes: Uint8Array) => void, crc: (bytes: Uint8Array, start: number, end: number) => number = crc32,
    private readonly filter: RowsFilter = filterRows,
  ) {
    this.rowBytes = width * channels;
    this.buffer = this.segment();
    this.prev = new Uint8Array(this.rowBytes);
    write(pngHead(width, height, channels));
    let deflater!: IdatDeflater;
    this.finished = new Promise<void>((resolve, reject) => {
      deflater = factory(settings.level, (bytes) => write(pngChunk('IDAT', bytes, crc)), (failure) => {
        if (failure) reject(failure);
        else {
          try {
            write(PNG_END);
            resolve();
          } catch (error) {
            reject(error);
          }
        }
      });
    });
    this.deflater = deflater;
    // Awaited by whoever ends the writer; until then a failure must not count as unhandled.
    this.finished.catch(() => {});
  }

  /** Takes the next row: `width · channels` bytes, twice that at 16 bits (copied; the caller may reuse it). */
  row(data: Uint8Array): void {
    this.rows(data, 1);
  }

  /** Takes the next `count` rows, one after another in `data` (copied; the caller may reuse it). */
  rows(data: Uint8Array, count: number): void {
    const n = this.rowBytes;
    for (let done = 0; done < count;) {
      if (this.used + n + 1 > this.buffer.length) this.flush();
      const fit = Math.min(count - done, Math.floor((this.buffer.length - this.used) / (n + 1)));
      const block = data.subarray(done * n, (done + fit) * n);
      this.filter(this.settings.filterType, block, this.written > 0 ? this.prev : null, fit, n, this.channels, this.buffer, this.used);
      this.prev.set(block.subarray((fit - 1) * n, fit * n));
      this.used += fit * (n + 1);
      this.written += fit;
      done += fit;
    }
  }

  /** Hands on the rest of the pixels and ends the zlib stream; `finished` says when the file is whole. */
  end(): void {
    if (this.written !== this.height) throw new Error(`PNG writer got ${this.written} rows of ${this.height}`);
    this.flush();
    this.deflater.end();
  }

  /** Abandons the file (nothing more will be written). */
  abort(): void {
    this.deflater.abort?.();
  }

  /** Resolves once the deflater can take more rows: wait for it, or rows pile up in memory. */
  async drained(): Promise<void> {
    await this.deflater.drained?.();
  }

  private segment(): Uint8Array {
    return new Uint8Array(Math.max(SEGMENT_BYTES, this.rowBytes + 1));
  }

  private flush(): void {
    if (this.used === 0) return;
    this.deflater.push(this.buffer.subarray(0, this.used));
    // An asynchronous deflater owns the segment now: the next rows go into a new one.
    if (!this.deflater.synchronous) this.buffer = this.segment();
    this.used = 0;
  }
}
