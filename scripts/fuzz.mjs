#!/usr/bin/env node
/**
 * Fuzzer for conv2d-wasm: mutated PngSuite files for decodePng, and random (valid and hostile)
 * arguments for convolve2d, convolve2dAsync, toGrayscale, toUint8 and encodePng.
 *
 *   npm run fuzz -- --minutes 30 [--seed S] [--jobs N] [--timeout MS] [--out DIR]
 *   node scripts/fuzz.mjs --seed S --case I        # replay one case in this process and print it
 *
 * How it works: the parent process hands case numbers to child processes (`--jobs`, default 1)
 * and starts a timer for each. Every case is built from (seed, number) alone, so the parent can
 * rebuild and save any case a child died on or hung in. A child that exceeds `--timeout` is killed
 * (a hang), one that exits mid-case is a crash; both are saved and the child is replaced.
 * The child checks each result itself (see `runCase`) and reports findings: a throw other than the
 * documented TypeError / RangeError / Error('…PNG…'), a message that does not name the bad
 * argument, a result that differs from the reference, an accepted invalid argument, a modified
 * input, or WASM / process memory growing past a bound. Every `--check-every` cases the child
 * also re-runs a fixed convolution and a fixed decode and compares them with known answers.
 *
 * Findings are saved under `--out` (default test-artifacts/fuzz-findings/, git-ignored) as `<kind>-<seed>-<case>.json` plus
 * the input PNG for decoder cases; the run ends with a summary of cases, rate and findings.
 * The build (dist/) must be current: run `npm run build` first (`npm run fuzz` does).
 */
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, inflateSync } from 'node:zlib';
import { crc32 } from '../dist/internal.js';
import { rng } from '../tests/helpers.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SUITE_DIR = join(ROOT, 'tests/fixtures/pngsuite');

// ------------------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const args = { minutes: 1, seed: undefined, jobs: 1, timeout: 30000, out: join(ROOT, 'test-artifacts/fuzz-findings'), checkEvery: 100, case: undefined, child: false, cases: Infinity };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--minutes') args.minutes = Number(value());
    else if (a === '--seed') args.seed = Number(value()) >>> 0;
    else if (a === '--jobs') args.jobs = Number(value());
    else if (a === '--timeout') args.timeout = Number(value());
    else if (a === '--out') args.out = value();
    else if (a === '--check-every') args.checkEvery = Number(value());
    else if (a === '--case') args.case = Number(value());
    else if (a === '--cases') args.cases = Number(value());
    else if (a === '--child') args.child = true;
    else if (a === '--help' || a === '-h') {
      console.log('usage: node scripts/fuzz.mjs [--minutes N] [--seed S] [--jobs N] [--timeout MS] [--out DIR] [--check-every N] [--cases N] [--case I]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!(args.minutes > 0) || !(args.jobs >= 1) || !(args.timeout > 0)) throw new Error('bad --minutes, --jobs or --timeout');
  return args;
}

// ------------------------------------------------------------------------------------------------
// Seeded randomness: every case is a pure function of (seed, case number)

function caseSeed(seed, index) {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

// ------------------------------------------------------------------------------------------------
// PNG chunk surgery

const SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);


/** Chunks of a PNG as { type: string, data: Uint8Array, crc: number }, or undefined if it does not parse. */
function parseChunks(bytes) {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) return undefined;
  const chunks = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = view.getUint32(at);
    if (at + 12 + length > bytes.length) return undefined;
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    chunks.push({ type, data: bytes.slice(at + 8, at + 8 + length), crc: view.getUint32(at + 8 + length) });
    at += 12 + length;
    if (type === 'IEND') break;
  }
  return chunks;
}

/** Serialises chunks; `fixCrc` recomputes every CRC so mutations reach the decoder proper. */
function buildPng(chunks, fixCrc) {
  const total = 8 + chunks.reduce((n, c) => n + 12 + c.data.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(SIGNATURE, 0);
  let at = 8;
  for (const c of chunks) {
    view.setUint32(at, c.data.length);
    for (let i = 0; i < 4; i++) out[at + 4 + i] = c.type.charCodeAt(i) & 0xff;
    out.set(c.data, at + 8);
    const crc = fixCrc || c.crc === undefined ? crc32(out.subarray(at + 4, at + 8 + c.data.length)) : c.crc;
    view.setUint32(at + 8 + c.data.length, crc);
    at += 12 + c.data.length;
  }
  return out;
}

let corpus;
function loadCorpus() {
  if (corpus) return corpus;
  const files = [];
  for (const dir of ['.', 'png-parse-data', 'other']) {
    for (const name of readdirSync(join(SUITE_DIR, dir))) {
      if (name.endsWith('.png')) files.push({ name: join(dir, name).replace(/^\.\//, ''), bytes: new Uint8Array(readFileSync(join(SUITE_DIR, dir, name))) });
    }
  }
  files.sort((a, b) => (a.name < b.name ? -1 : 1));
  corpus = files;
  return corpus;
}

const INTERESTING_U32 = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 255, 256, 4095, 4096, 16383, 16384, 46341, 65535, 65536, 100000, 0x7fffffff, 0x80000000, 0xffffffff];
const INTERESTING_U8 = [0, 1, 2, 3, 4, 5, 6, 7, 8, 15, 16, 31, 32, 64, 127, 128, 254, 255];
const CHUNK_TYPES = ['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'iCCP', 'tEXt', 'zTXt', 'iTXt', 'bKGD', 'pHYs', 'sBIT', 'sPLT', 'hIST', 'tIME', 'oFFs', 'acTL', 'fcTL', 'fdAT', 'ABCD', 'abcd', 'aB1d', '\0\0\0\0'];

function setU32(data, at, v) {
  if (at + 4 > data.length) return;
  new DataView(data.buffer, data.byteOffset).setUint32(at, v >>> 0);
}

/** Inflates the IDAT stream, mutates the raw scanlines (filter bytes, samples, length), deflates again. */
function mutateIdat(r, chunks, notes) {
  const idats = chunks.filter((c) => c.type === 'IDAT');
  if (idats.length === 0) return chunks;
  let raw;
  try {
    raw = inflateSync(Buffer.concat(idats.map((c) => c.data)));
  } catch {
    return chunks;
  }
  let bytes = new Uint8Array(raw);
  const ops = r.int(1, 4);
  for (let k = 0; k < ops; k++) {
    const op = r.int(0, 5);
    if (bytes.length === 0) break;
    if (op === 0) {
      const at = r.int(0, bytes.length - 1);
      bytes[at] = r.pick([5, 6, 7, 127, 255, r.int(0, 255)]);
      notes.push(`raw[${at}]=${bytes[at]}`);
    } else if (op === 1) {
      const n = r.int(1, 16);
      for (let i = 0; i < n; i++) bytes[r.int(0, bytes.length - 1)] ^= 1 << r.int(0, 7);
      notes.push(`raw ${n} bit flips`);
    } else if (op === 2) {
      const cut = r.int(1, Math.min(bytes.length, 64));
      bytes = bytes.slice(0, bytes.length - cut);
      notes.push(`raw -${cut} bytes`);
    } else if (op === 3) {
      const extra = r.int(1, 64);
      const grown = new Uint8Array(bytes.length + extra);
      grown.set(bytes);
      for (let i = bytes.length; i < grown.length; i++) grown[i] = r.int(0, 255);
      bytes = grown;
      notes.push(`raw +${extra} bytes`);
    } else if (op === 4) {
      bytes.fill(r.int(0, 255), r.int(0, bytes.length - 1));
      notes.push('raw fill tail');
    } else {
      notes.push('raw re-deflated unchanged');
    }
  }
  const z = deflateSync(bytes, { level: r.int(0, 9) });
  const pieces = [];
  const parts = r.int(1, 3);
  for (let p = 0; p < parts; p++) {
    const a = Math.floor((z.length * p) / parts), b = Math.floor((z.length * (p + 1)) / parts);
    pieces.push({ type: 'IDAT', data: new Uint8Array(z.subarray(a, b)) });
  }
  const first = chunks.findIndex((c) => c.type === 'IDAT');
  const rest = chunks.filter((c) => c.type !== 'IDAT');
  rest.splice(Math.min(first, rest.length), 0, ...pieces);
  return rest;
}

/** A mutated PngSuite file and a description of what was done to it. */
export function mutatePng(r) {
  const files = loadCorpus();
  const source = r.pick(files);
  const notes = [`from ${source.name}`];
  let chunks = parseChunks(source.bytes);
  let bytes;
  if (chunks && r.chance(0.85)) {
    chunks = chunks.map((c) => ({ ...c, data: c.data.slice() }));
    const ops = r.int(1, 3);
    for (let k = 0; k < ops; k++) {
      const op = r.int(0, 11);
      const i = r.int(0, Math.max(0, chunks.length - 1));
      if (op === 0 && chunks.length > 1) {
        notes.push(`drop ${chunks[i].type}`);
        chunks.splice(i, 1);
      } else if (op === 1) {
        notes.push(`duplicate ${chunks[i].type}`);
        chunks.splice(i, 0, { ...chunks[i], data: chunks[i].data.slice() });
      } else if (op === 2 && chunks.length > 1) {
        const j = r.int(0, chunks.length - 1);
        notes.push(`swap ${chunks[i].type} ${chunks[j].type}`);
        [chunks[i], chunks[j]] = [chunks[j], chunks[i]];
      } else if (op === 3) {
        const other = parseChunks(r.pick(files).bytes);
        if (other && other.length) {
          const c = r.pick(other);
          notes.push(`splice in ${c.type}`);
          chunks.splice(r.int(0, chunks.length), 0, { ...c, data: c.data.slice() });
        }
      } else if (op === 4) {
        const type = r.pick(CHUNK_TYPES);
        const data = Uint8Array.from({ length: r.pick([0, 1, 2, 3, 6, 13, r.int(0, 300)]) }, () => r.int(0, 255));
        notes.push(`insert ${JSON.stringify(type)} of ${data.length}`);
        chunks.splice(r.int(0, chunks.length), 0, { type, data });
      } else if (op === 5 || op === 6) {
        // Header fields: the most interesting bytes in the file.
        const h = chunks.find((c) => c.type === 'IHDR');
        if (h && h.data.length >= 13) {
          const field = r.int(0, 6);
          if (field <= 1) setU32(h.data, field * 4, r.chance(0.7) ? r.pick(INTERESTING_U32) : r.int(1, 300));
          else h.data[6 + field] = r.pick(INTERESTING_U8);
          notes.push(`IHDR field ${field}`);
        }
      } else if (op === 7 && chunks[i].data.length > 0) {
        const c = chunks[i];
        const n = r.int(1, 8);
        for (let b = 0; b < n; b++) c.data[r.int(0, c.data.length - 1)] ^= 1 << r.int(0, 7);
        notes.push(`${n} bit flips in ${c.type}`);
      } else if (op === 8 && chunks[i].data.length > 0) {
        const c = chunks[i];
        const cut = r.int(0, c.data.length - 1);
        notes.push(`cut ${c.type} to ${cut}`);
        c.data = c.data.slice(0, cut);
      } else if (op === 9) {
        const c = chunks[i];
        const extra = Uint8Array.from({ length: r.int(1, 40) }, () => r.int(0, 255));
        const grown = new Uint8Array(c.data.length + extra.length);
        grown.set(c.data);
        grown.set(extra, c.data.length);
        notes.push(`extend ${c.type} by ${extra.length}`);
        c.data = grown;
      } else if (op === 10) {
        chunks = mutateIdat(r, chunks, notes);
      } else {
        const c = chunks[i];
        const type = r.pick(CHUNK_TYPES);
        notes.push(`retype ${c.type} to ${JSON.stringify(type)}`);
        c.type = type;
      }
    }
    const fix = r.chance(0.9);
    if (!fix) notes.push('CRCs not fixed');
    bytes = buildPng(chunks, fix);
  } else {
    bytes = source.bytes.slice();
  }
  // Byte-level damage after serialisation: may break lengths, CRCs, the signature.
  if (r.chance(0.35)) {
    const op = r.int(0, 4);
    if (op === 0) {
      const n = r.int(1, 8);
      for (let b = 0; b < n; b++) bytes[r.int(0, bytes.length - 1)] ^= 1 << r.int(0, 7);
      notes.push(`${n} raw bit flips`);
    } else if (op === 1) {
      const at = r.int(0, bytes.length - 1);
      bytes[at] = r.pick(INTERESTING_U8);
      notes.push(`byte ${at} = ${bytes[at]}`);
    } else if (op === 2) {
      const cut = r.int(0, bytes.length - 1);
      bytes = bytes.slice(0, cut);
      notes.push(`truncate to ${cut}`);
    } else if (op === 3) {
      const at = r.int(8, Math.max(8, bytes.length - 4));
      setU32(bytes, at, r.pick(INTERESTING_U32));
      notes.push(`u32 at ${at}`);
    } else {
      const tail = Uint8Array.from({ length: r.int(1, 100) }, () => r.int(0, 255));
      const grown = new Uint8Array(bytes.length + tail.length);
      grown.set(bytes);
      grown.set(tail, bytes.length);
      bytes = grown;
      notes.push(`append ${tail.length}`);
    }
  }
  return { bytes, notes };
}

// ------------------------------------------------------------------------------------------------
// Convolution arguments: valid ones, with an independent model of what the output must be, and
// hostile ones with exactly one bad value whose path the error must name.

const PIXEL_TYPES = ['Uint8Array', 'Uint8ClampedArray', 'Uint16Array', 'Float32Array'];
const BORDERS = ['constant', 'edge', 'reflect', 'symmetric', 'wrap'];
const DEFAULT_LIMIT = 16383 * 16383;
const MAX_SIDE = 1 << 20;

function randomImageSpec(r, { maxSide = 24, extreme = false } = {}) {
  const type = r.pick(PIXEL_TYPES);
  const width = r.chance(0.1) ? 1 : r.int(1, maxSide);
  const height = r.chance(0.1) ? 1 : r.int(1, maxSide);
  const channels = r.int(1, 4);
  const Type = globalThis[type];
  const n = width * height * channels;
  // Storage the caller may hand us: a plain array, a view at an offset into a larger buffer, a
  // SharedArrayBuffer, or a Node Buffer.
  const storage = r();
  let data;
  if (storage < 0.15) {
    const offset = r.int(1, 9);
    data = new Type(new ArrayBuffer((n + offset + r.int(0, 5)) * Type.BYTES_PER_ELEMENT), offset * Type.BYTES_PER_ELEMENT, n);
  } else if (storage < 0.2) data = new Type(new SharedArrayBuffer(n * Type.BYTES_PER_ELEMENT));
  else if (storage < 0.25 && type === 'Uint8Array') data = Buffer.alloc(n);
  else data = new Type(n);
  const max = type === 'Uint16Array' ? 65535 : 255;
  // Half the extreme images hold only finite extremes, so every method can be held to the reference.
  const finiteSpecials = [0, -0, 3.4028234663852886e38, -3.4028234663852886e38, 1.401298464324817e-45, 1.1754943508222875e-38, 1e30, -1e30, 1e20];
  const specials = r.chance(0.5) ? finiteSpecials : [...finiteSpecials, Infinity, -Infinity, NaN, NaN];
  for (let i = 0; i < data.length; i++) {
    if (type !== 'Float32Array') data[i] = r.chance(0.1) ? r.pick([0, max]) : r.int(0, max);
    else data[i] = extreme && r.chance(0.1) ? r.pick(specials) : (r() - 0.3) * 200;
  }
  return { width, height, channels, data };
}

function randomKernelRows(r, maxSide = 7) {
  const kh = r.int(1, maxSide), kw = r.int(1, maxSide);
  if (r.chance(0.25)) {
    // rank 1, so the separable path is reachable
    const u = Array.from({ length: kh }, () => r.int(-8, 8) / 4 || 1);
    const v = Array.from({ length: kw }, () => r.int(-8, 8) / 4 || 0.5);
    return u.map((a) => v.map((b) => a * b));
  }
  return Array.from({ length: kh }, () => Array.from({ length: kw }, () => (r.chance(0.1) ? 0 : Math.round((r() * 4 - 2) * 1000) / 1000)));
}

function kernelForm(r, rows) {
  if (r.chance(0.6)) return rows;
  const data = rows.flat();
  return { width: rows[0].length, height: rows.length, data: r.chance(0.5) ? data : Float32Array.from(data) };
}

function isRank1(rows) {
  // Same test the library documents: K = u·vᵀ to float32 rounding. Only used to predict whether
  // method "separable" must be refused, so exactness on the boundary does not matter for our kernels.
  const flat = rows.flat();
  let p = 0;
  for (let i = 1; i < flat.length; i++) if (Math.abs(flat[i]) > Math.abs(flat[p])) p = i;
  if (flat[p] === 0) return false;
  const kw = rows[0].length, pm = Math.floor(p / kw), pn = p % kw;
  return rows.every((row, m) => row.every((x, n) => Math.abs(x - (rows[m][pn] * rows[pm][n]) / flat[p]) <= Math.abs(x) * 2 ** -23 + Math.abs(flat[p]) * 1e-12));
}

function randomValidOptions(r, kh, kw, { big = false } = {}) {
  const o = {};
  if (r.chance(0.8)) {
    o.padding = r.pick([
      () => r.int(0, 4), () => [r.int(0, 4), r.int(0, 6)], () => r.pick(['valid', 'same', 'full']),
      () => ({ top: r.int(0, 3), bottom: r.int(0, 3), left: r.int(0, 9), right: r.int(0, 2) }),
      () => ({ [r.pick(['top', 'bottom', 'left', 'right'])]: r.int(0, 5) }),
      () => r.int(5, 40), // wider than most images: periodic extension
    ])();
  }
  if (r.chance(0.5)) o.stride = r.chance(0.5) ? r.int(1, 4) : [r.int(1, 4), r.int(1, 4)];
  if (big && r.chance(0.5)) o.stride = [r.pick([1, 7, 1000, 100000]), r.pick([1, 3, 1000])];
  if (r.chance(0.4)) o.dilation = r.chance(0.5) ? r.int(1, 3) : [r.int(1, 3), r.int(1, 3)];
  if (r.chance(0.7)) o.border = r.pick(BORDERS);
  if (r.chance(0.5)) o.mode = r.pick(['convolution', 'correlation']);
  if (r.chance(0.3)) o.cval = r.pick([0, -0, 1, -7.5, 255, 65535, 1e-40, 3e38, Math.round((r() * 20 - 10) * 100) / 100]);
  if (r.chance(0.3)) o.method = r.pick(['auto', 'direct', 'separable', 'fft']);
  if (r.chance(0.15)) o.limitInputPixels = r.pick([true, false, DEFAULT_LIMIT, r.int(1, 2000)]);
  return o;
}

/** The library's contract, written independently: sides of the padding, output size, or why not. */
function predict(image, rows, o) {
  const kh = rows.length, kw = rows[0].length;
  const pair = (v) => (v === undefined ? [1, 1] : Array.isArray(v) ? v : [v, v]);
  const [sy, sx] = pair(o.stride), [dy, dx] = pair(o.dilation);
  const spanH = dy * (kh - 1), spanW = dx * (kw - 1);
  let t = 0, b = 0, l = 0, rt = 0;
  const p = o.padding;
  if (typeof p === 'number') t = b = l = rt = p;
  else if (Array.isArray(p)) [t, b, l, rt] = [p[0], p[0], p[1], p[1]];
  else if (p === 'full') [t, b, l, rt] = [spanH, spanH, spanW, spanW];
  else if (p === 'same') [t, b, l, rt] = [Math.floor(spanH / 2), spanH - Math.floor(spanH / 2), Math.floor(spanW / 2), spanW - Math.floor(spanW / 2)];
  else if (p && typeof p === 'object') [t, b, l, rt] = [p.top ?? 0, p.bottom ?? 0, p.left ?? 0, p.right ?? 0];
  const limit = o.limitInputPixels === undefined || o.limitInputPixels === true ? DEFAULT_LIMIT : o.limitInputPixels === false ? Infinity : o.limitInputPixels;
  if (image.width * image.height > limit) return { error: 'limit' };
  const pH = image.height + t + b, pW = image.width + l + rt;
  if (pH > MAX_SIDE || pW > MAX_SIDE) return { error: 'padded side' };
  if (pH - spanH < 1 || pW - spanW < 1) return { error: 'empty' };
  const outH = Math.floor((pH - spanH - 1) / sy) + 1, outW = Math.floor((pW - spanW - 1) / sx) + 1;
  if (outH * outW > limit) return { error: 'limit' };
  if (o.method === 'separable' && !isRank1(rows)) return { error: 'separable' };
  return { outH, outW };
}

const EXPECTED_ERROR = {
  limit: [RangeError, /limitInputPixels|side longer than/],
  'padded side': [RangeError, /options\.padding/],
  empty: [RangeError, /larger than the padded image/],
  separable: [RangeError, /options\.method/],
};

/** Bad values of every kind; each entry is [value, expected class] for a slot expecting `kind`. */
function badValue(r, kind) {
  const common = [[NaN, RangeError], [Infinity, RangeError], [-Infinity, RangeError], ['2', TypeError], [null, TypeError], [{}, TypeError], [true, TypeError], [() => 1, TypeError], [10n, TypeError], [Symbol('x'), TypeError], [new Date(0), TypeError]];
  const byKind = {
    positive: [[0, RangeError], [-1, RangeError], [1.5, RangeError], [2 ** 53, RangeError], [MAX_SIDE + 1, RangeError], [-0.5, RangeError], ...common],
    nonneg: [[-1, RangeError], [0.25, RangeError], [-(2 ** 31), RangeError], [MAX_SIDE + 1, RangeError], ...common],
    // Taps and cval are float32 in the kernels: a double beyond 2^128 − 2^103 would become ±Infinity.
    finite: [[NaN, RangeError], [Infinity, RangeError], [-Infinity, RangeError], ['0', TypeError], [null, TypeError], [[1], TypeError], [{}, TypeError], [false, TypeError], [10n, TypeError], [1e39, RangeError], [-Number.MAX_VALUE, RangeError]],
    name: [['', RangeError], ['Constant', RangeError], ['mirror', RangeError], [' same', RangeError], [0, TypeError], [null, TypeError], [['constant'], TypeError], [{}, TypeError]],
  };
  return r.pick(byKind[kind]);
}

const isEmptyPlainObject = (v) => v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype && Object.keys(v).length === 0;

/** A valid call with exactly one bad value planted; returns the call and the path the error must name. */
function hostileConvolve(r) {
  const image = randomImageSpec(r, { maxSide: 12 });
  const rows = randomKernelRows(r, 4);
  let kernel = kernelForm(r, rows);
  let options = randomValidOptions(r, rows.length, rows[0].length);
  delete options.limitInputPixels;
  if (options.method === 'separable') delete options.method;
  // The valid part must succeed, so the planted value is the only thing wrong.
  if (predict(image, rows, options).error) options = { padding: 'full' };
  let img = image;
  const where = r.int(0, 18);
  let path, Class, value;
  const setOption = (key, kind) => {
    [value, Class] = badValue(r, kind);
    options = { ...options, [key]: value };
    path = `options.${key}`;
  };
  const setPair = (key, kind) => {
    const i = r.int(0, 1);
    [value, Class] = badValue(r, kind);
    const good = kind === 'positive' ? 1 : 0;
    options = { ...options, [key]: i === 0 ? [value, good] : [good, value] };
    path = `options.${key}[${i}]`;
  };
  switch (where) {
    case 0: setOption('stride', 'positive'); break;
    case 1: setPair('stride', 'positive'); break;
    case 2: setOption('dilation', 'positive'); break;
    case 3: setPair('dilation', 'positive'); break;
    case 4:
      setOption('padding', 'nonneg');
      if (typeof value === 'string') Class = RangeError; // a string is a rule name: the right kind, a bad value
      if (isEmptyPlainObject(value)) options.padding = -3; // {} is valid padding (no sides)
      if (options.padding === -3) Class = RangeError;
      break;
    case 5: setPair('padding', 'nonneg'); break;
    case 6: {
      const side = r.pick(['top', 'bottom', 'left', 'right']);
      [value, Class] = badValue(r, 'nonneg');
      options = { ...options, padding: { [side]: value } };
      path = `options.padding.${side}`;
      break;
    }
    case 7: setOption('border', 'name'); break;
    case 8: setOption('mode', 'name'); break;
    case 9: setOption('method', 'name'); break;
    case 10: setOption('cval', 'finite'); break;
    case 11: {
      const key = r.pick(['strides', 'pad', 'Padding', 'kernel', 'threads', '__proto__x', 'constructor', 'toString', 'borderType']);
      options = { ...options, [key]: r.pick([1, 'x', undefined, null]) };
      path = `options.${key}`;
      Class = TypeError;
      break;
    }
    case 12: {
      const key = r.pick(['stride', 'dilation', 'padding']);
      const len = r.pick([0, 1, 3, 4]);
      options = { ...options, [key]: Array.from({ length: len }, () => 1) };
      path = `options.${key}`;
      Class = RangeError;
      break;
    }
    case 13: {
      // kernel entries
      const m = r.int(0, rows.length - 1), n = r.int(0, rows[0].length - 1);
      [value, Class] = badValue(r, 'finite');
      const bad = rows.map((row) => row.slice());
      bad[m][n] = value;
      if (r.chance(0.5)) {
        kernel = bad;
        path = `kernel[${m}][${n}]`;
      } else {
        kernel = { width: rows[0].length, height: rows.length, data: bad.flat() };
        path = `kernel.data[${m * rows[0].length + n}]`;
      }
      break;
    }
    case 14: {
      const variant = r.int(0, 5);
      if (variant === 0) { kernel = []; path = 'kernel'; Class = RangeError; }
      else if (variant === 1 && rows.length > 1) { kernel = rows.map((row, i) => (i === 1 ? row.slice(1).concat(row.length === 1 ? [1, 1] : []) : row)); path = 'kernel[1]'; Class = RangeError; }
      else if (variant === 2) { kernel = { width: rows[0].length, height: rows.length, data: rows.flat().slice(1) }; path = 'kernel.data'; Class = RangeError; }
      else if (variant === 3) { [value, Class] = badValue(r, 'positive'); kernel = { width: value, height: 1, data: [1] }; path = 'kernel.width'; }
      else if (variant === 4) { kernel = r.pick(['sobel', 5, null, new Map()]); path = 'kernel'; Class = TypeError; }
      else { kernel = [[1], 'x']; path = 'kernel[1]'; Class = TypeError; }
      break;
    }
    case 15: {
      const field = r.pick(['width', 'height', 'channels']);
      [value, Class] = badValue(r, 'positive');
      if (field === 'channels' && typeof value === 'number' && !Number.isNaN(value)) value = r.pick([0, 5, 1.5, -1]);
      img = { ...image, [field]: value };
      path = `image.${field}`;
      break;
    }
    case 16: {
      const variant = r.int(0, 3);
      if (variant === 0) { img = { ...image, data: new Float64Array(image.data.length) }; Class = TypeError; }
      else if (variant === 1) { img = { ...image, data: Array.from(image.data) }; Class = TypeError; }
      else if (variant === 2) { img = { ...image, data: image.data.subarray(1) }; Class = RangeError; }
      else { img = { ...image, data: new Int16Array(image.data.length) }; Class = TypeError; }
      path = 'image.data';
      break;
    }
    case 17: {
      options = r.pick([() => new Map([['padding', 1]]), () => new Date(0), () => [], () => 'same', () => 5, () => null])();
      path = 'options';
      Class = TypeError;
      break;
    }
    default: {
      [value, Class] = badValue(r, 'positive');
      if (typeof value === 'number' && Number.isInteger(value) && value >= 1) value = 0;
      if (value === true) value = 'yes'; // true is a valid limitInputPixels
      options = { ...options, limitInputPixels: value };
      path = 'options.limitInputPixels';
    }
  }
  // Class of value-less slots (objects where an integer or pair was expected) is decided by the
  // library's documented rule: wrong kind → TypeError, wrong value → RangeError.
  return { image: img, kernel, options, path, Class };
}

// ------------------------------------------------------------------------------------------------
// Case construction (pure) and execution (child side)

const KINDS = [
  ['png', 40], ['png-idat', 12], ['convolve', 18], ['convolve-extreme', 6], ['convolve-big-stride', 2],
  ['convolve-hostile', 14], ['async', 2], ['grayscale-uint8', 4], ['encode', 2],
];
const KIND_TOTAL = KINDS.reduce((n, [, w]) => n + w, 0);

export function buildCase(seed, index) {
  const r = rng(caseSeed(seed, index));
  let x = r() * KIND_TOTAL, kind = KINDS[0][0];
  for (const [k, w] of KINDS) {
    if (x < w) { kind = k; break; }
    x -= w;
  }
  if (kind === 'png' || kind === 'png-idat') {
    const { bytes, notes } = kind === 'png-idat' ? mutateIdatOnly(r) : mutatePng(r);
    const options = r.chance(0.1) ? { limitInputPixels: r.pick([1, 100, 1024, false, true]) } : undefined;
    // One case in three also goes through the streamed file path, in bands of 1 row to the default.
    const stream = r.chance(1 / 3) ? {
      color: r.chance(0.3), kernel: r.pick(['sobelX', 'gaussian5', 'box3']), border: r.pick(['constant', 'reflect', 'edge', 'wrap']),
      bandBytes: r.pick([1, 64, 4096, 1 << 17]),
    } : undefined;
    return { kind, bytes, notes, options, stream };
  }
  if (kind === 'convolve-hostile') return { kind, ...hostileConvolve(r) };
  if (kind === 'grayscale-uint8' || kind === 'encode') {
    const image = randomImageSpec(r, { maxSide: 16, extreme: true });
    const weights = r.pick([undefined, 'bt601', 'bt709', [0.5, 0.25, 0.25], [1, 0, 0], [-1, 2, 0.5], [1e30, 1, 1], 'BT601', [1, 2], [1, NaN, 1], {}]);
    const map = r.pick([undefined, 'clamp', 'abs', 'normalize', 'round', 1]);
    return { kind, image, weights, map };
  }
  // Mostly small kernels; sometimes large ones, where "auto" may take the FFT path.
  const rows = randomKernelRows(r, kind === 'async' ? 5 : kind !== 'convolve-big-stride' && r.chance(0.1) ? 17 : 7);
  const kernel = kernelForm(r, rows);
  const image = randomImageSpec(r, { maxSide: kind === 'convolve-big-stride' ? 4 : 40, extreme: kind === 'convolve-extreme' });
  const options = randomValidOptions(r, rows.length, rows[0].length, { big: kind === 'convolve-big-stride' });
  if (kind === 'convolve-big-stride') options.padding = { left: r.pick([0, 100, 999]), right: r.pick([0, 500, 4000]), top: 0, bottom: r.pick([0, 2]) };
  // Drawn last, so every earlier draw (and a saved seed's other cases) stays as it was: a fifth of
  // the cases run on allocImage images, half of those into an allocImage out as well.
  const linear = r.chance(0.2) ? (r.chance(0.5) ? 'image and out' : 'image') : undefined;
  return { kind, image, kernel, rows, options, ...(linear && { linear }) };
}

function mutateIdatOnly(r) {
  const files = loadCorpus().filter((f) => !/(^|\/)x/.test(f.name));
  const source = r.pick(files);
  const notes = [`from ${source.name}`];
  let chunks = parseChunks(source.bytes).map((c) => ({ ...c, data: c.data.slice() }));
  if (r.chance(0.3)) {
    const h = chunks.find((c) => c.type === 'IHDR');
    const field = r.int(0, 3);
    if (field === 0) h.data[8] = r.pick([1, 2, 4, 8, 16]);
    else if (field === 1) h.data[9] = r.pick([0, 2, 3, 4, 6]);
    else if (field === 2) h.data[12] ^= 1;
    else setU32(h.data, r.int(0, 1) * 4, r.int(1, 64));
    notes.push(`IHDR field ${field}`);
  }
  chunks = mutateIdat(r, chunks, notes);
  return { bytes: buildPng(chunks, true), notes };
}

/** A JSON-safe description of a case (typed arrays, NaN, functions and symbols spelled out). */
export function describeCase(c) {
  return JSON.stringify(c, (key, v) => {
    if (key === 'bytes') return `<${v.length} bytes, saved as .png>`;
    if (key === 'Class') return v?.name;
    if (ArrayBuffer.isView(v)) return { [v.constructor.name]: Array.from(v, (x) => (Number.isFinite(x) ? x : String(x))) };
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    if (typeof v === 'function') return `<function ${v.name}>`;
    if (typeof v === 'symbol' || typeof v === 'bigint') return `<${typeof v} ${String(v)}>`;
    if (v instanceof Map) return '<Map>';
    if (Object.is(v, -0)) return '-0';
    return v;
  }, 1);
}

let lib;
async function loadLibrary() {
  if (lib) return lib;
  const index = await import(join(ROOT, 'dist/node/index.js'));
  const { wasmMemoryBytes, tuneStreaming, convolveFileWith } = await import(join(ROOT, 'dist/internal.js'));
  const { referenceConvolve2d } = await import(join(ROOT, 'dist/internal.js'));
  const { float32Convolve } = await import(join(ROOT, 'tests/helpers.mjs'));
  // The PNG codec on fflate (the browser entry) promises the Node entry's bytes exactly: a second
  // opinion on every mutated file; pngjs (tests/pngjs-reference.mjs) is the third, for the pixels.
  const codec = (await import(join(ROOT, 'dist/internal.js')).catch(() => undefined))?.browserPng;
  const { referenceDecodePng } = await import(join(ROOT, 'tests/pngjs-reference.mjs'));
  lib = { ...index, wasmMemoryBytes, referenceConvolve2d, float32Convolve, codec, referenceDecodePng, tuneStreaming, convolveFileWith };
  return lib;
}

class Finding extends Error {}
const fail = (message) => { throw new Finding(message); };

function snapshot(data) {
  return Array.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}
function sameBytes(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The documented failure of a decode: Error('…PNG…') or a RangeError naming the pixel limit. */
function checkDecodeError(e) {
  if (!(e instanceof Error)) fail(`decodePng threw a non-Error: ${String(e)}`);
  if (e instanceof TypeError) fail(`decodePng threw TypeError: ${e.message}`);
  if (e instanceof RangeError) {
    if (!/limitInputPixels|too large|side longer than/.test(e.message)) fail(`decodePng threw RangeError not about the limit: ${e.message}`);
    return;
  }
  if (e.constructor !== Error) fail(`decodePng threw ${e.constructor.name}: ${e.message}`);
  if (!/PNG/.test(e.message)) fail(`decodePng threw an Error that does not say PNG: ${e.message}`);
}

function withinReference(L, got, image, rows, options, label) {
  const want = L.referenceConvolve2d(image, rows, options);
  if (got.width !== want.width || got.height !== want.height || got.channels !== want.channels) {
    fail(`${label}: size ${got.width}×${got.height}×${got.channels}, reference ${want.width}×${want.height}×${want.channels}`);
  }
  if (!(got.data instanceof Float32Array) || got.data.length !== want.data.length) fail(`${label}: data is not a Float32Array of the right length`);
  const abs = { ...image, data: Float32Array.from(image.data, Math.abs) };
  const bound = L.referenceConvolve2d(abs, rows.map((row) => row.map(Math.abs)), { ...options, cval: Math.abs(options.cval ?? 0), method: 'direct' });
  for (let i = 0; i < want.data.length; i++) {
    const err = Math.abs(got.data[i] - want.data[i]);
    if (!(err <= 1e-5 * bound.data[i] + 1e-6) && !(Number.isNaN(got.data[i]) && Number.isNaN(want.data[i]))) {
      fail(`${label}: output ${i} is ${got.data[i]}, reference ${want.data[i]}`);
    }
  }
}

function checkConvolveError(e, c, expected) {
  if (!(e instanceof TypeError) && !(e instanceof RangeError)) fail(`convolve2d threw ${e?.constructor?.name}: ${e?.message}`);
  if (expected) {
    const [Class, pattern] = EXPECTED_ERROR[expected];
    if (!(e instanceof Class) || !pattern.test(e.message)) fail(`expected ${Class.name} ${pattern} (${expected}), got ${e.constructor.name}: ${e.message}`);
  } else fail(`a valid call threw ${e.constructor.name}: ${e.message}`);
}

const WASM_BOUND = 256 * 1024 * 1024;

/** The platform-free codec's answer for the same bytes: an image, or the error it threw. */
function codecDecode(L, c) {
  if (!L.codec) return undefined;
  try {
    return { image: L.codec.decodePng(c.bytes.slice(), c.options) };
  } catch (e) {
    try {
      checkDecodeError(e);
    } catch (f) {
      fail(`the codec on fflate ${f.message}`);
    }
    return { error: e };
  }
}

/** pngjs's answer for the same bytes, under the same pixel limit: an image, or the error. */
function pngjsDecode(L, c) {
  const value = c.options?.limitInputPixels;
  const limit = value === false ? Infinity : typeof value === 'number' ? value : 16383 * 16383;
  try {
    return { image: L.referenceDecodePng(c.bytes.slice(), limit) };
  } catch (e) {
    return { error: e };
  }
}

let streamDir;
/**
 * The streamed file path on the same bytes (`convolveFile`, rows decoded and convolved band by
 * band): when decodePng decodes them, the output file's pixels are those of the whole-image
 * composition; when it rejects them, convolveFile rejects too, with the same class, the input's
 * name in the message, and no output or temp file left behind.
 */
async function checkStreamed(L, c, image, error) {
  if (!streamDir) {
    // Under the parent, inside its folder (children are killed with SIGKILL, so the parent removes
    // it); a replayed case makes its own and removes it on exit.
    const parent = process.env.CONV2D_FUZZ_TMP;
    streamDir = mkdtempSync(join(parent ?? tmpdir(), parent ? 'child-' : 'conv2d-fuzz-stream-'));
    if (!parent) process.on('exit', () => rmSync(streamDir, { recursive: true, force: true }));
  }
  const input = join(streamDir, 'in.png'), output = join(streamDir, 'out.png');
  rmSync(output, { force: true });
  writeFileSync(input, c.bytes);
  const s = c.stream;
  const kernel = s.kernel === 'sobelX' ? L.kernels.sobelX : s.kernel === 'gaussian5' ? L.kernels.gaussian(5) : L.kernels.box(3);
  const options = { padding: 'same', border: s.border, limitInputPixels: c.options?.limitInputPixels, ...(s.color ? { dropAlpha: true } : { grayscale: true }) };
  const old = L.tuneStreaming({ bandBytes: s.bandBytes });
  let result;
  try {
    // zlib on Node's thread pool, or on this thread (as convolveFiles runs it with a job per core):
    // picked by the file's length, so that older seeds replay unchanged.
    result = await L.convolveFileWith(input, output, kernel, options, c.bytes.length % 2 === 1);
  } catch (e) {
    if (image) fail(`decodePng decodes a ${image.width}×${image.height} image but convolveFile rejects it: ${e?.message}`);
    // Streaming stops at the header's size against the limit, before it reaches a later chunk's
    // damage that decodePng (which checks the whole file's structure first) names instead.
    const sizeFirst = error.constructor === Error && e instanceof RangeError && /limitInputPixels|side longer than/.test(e.message);
    // A header too large for one buffer stops decodePng only: streaming holds a band, so it reads
    // on and meets the damage (or the end) of the file instead.
    const wholeOnly = error instanceof RangeError && /into one buffer/.test(error.message) && e instanceof Error;
    if (e?.constructor !== error.constructor && !sizeFirst && !wholeOnly) fail(`decodePng throws ${error.constructor.name}, convolveFile ${e?.constructor?.name}: ${e?.message}`);
    if (!String(e.message).startsWith(`${input}: `)) fail(`convolveFile's error does not start with the input's name: ${e.message}`);
    const left = readdirSync(streamDir).filter((f) => f !== 'in.png');
    if (left.length) fail(`convolveFile rejected the input and left ${left.join(', ')}`);
    return;
  } finally {
    L.tuneStreaming(old);
  }
  if (!image && /into one buffer/.test(error.message)) return; // streamed where the whole image cannot be
  if (!image) fail(`decodePng rejects (${error.message}) but convolveFile writes a ${result.width}×${result.height} file`);
  // The decoded RGBA without its alpha, for --color (convolveFile's dropAlpha).
  const rgb = () => ({ ...image, channels: 3, data: image.data.filter((_, i) => i % 4 !== 3) });
  const source = s.color ? rgb() : image;
  const pipeline = { padding: 'same', border: s.border, grayscale: !s.color };
  const want = L.decodePng(L.encodePng(L.convolveToUint8(source, kernel, pipeline)));
  const got = L.decodePng(readFileSync(output));
  if (got.width !== want.width || got.height !== want.height || !sameBytes(got.data, want.data)) {
    const i = got.data.findIndex((v, k) => v !== want.data[k]);
    fail(`convolveFile (bands of ${s.bandBytes} bytes, ${JSON.stringify(options)}) differs from the whole-image composition at byte ${i}`);
  }
}

/** Runs one case and checks it; throws a Finding when the library breaks a promise. */
export async function runCase(c) {
  const L = await loadLibrary();
  if (c.kind === 'png' || c.kind === 'png-idat') {
    const before = c.bytes.slice();
    const other = codecDecode(L, c);
    const reference = pngjsDecode(L, c);
    let image;
    try {
      image = L.decodePng(c.bytes, c.options);
    } catch (e) {
      if (e instanceof Finding) throw e;
      checkDecodeError(e);
      if (!sameBytes(before, c.bytes)) fail('decodePng modified its input');
      if (other?.image) fail(`Node decodePng rejects (${e.message}) but the codec on fflate decodes a ${other.image.width}×${other.image.height} image`);
      if (reference.image && !(e instanceof RangeError)) fail(`Node decodePng rejects (${e.message}) but pngjs decodes a ${reference.image.width}×${reference.image.height} image`);
      if (other && other.error.constructor !== e.constructor) fail(`Node decodePng throws ${e.constructor.name}, the codec on fflate ${other.error.constructor.name}: ${other.error.message}`);
      if (c.stream) await checkStreamed(L, c, undefined, e);
      return c.stream ? 'rejected, streamed too' : 'rejected';
    }
    if (other?.error) fail(`the codec on fflate rejects (${other.error.message}) but Node decodePng decodes a ${image.width}×${image.height} image`);
    if (other && !sameBytes(other.image.data, image.data)) {
      const i = image.data.findIndex((v, k) => v !== other.image.data[k]);
      fail(`the codec on fflate and Node decodePng differ at byte ${i} (pixel ${i >> 2}): ${other.image.data[i]} vs ${image.data[i]}`);
    }
    if (reference.error) fail(`pngjs rejects (${reference.error.message}) but Node decodePng decodes a ${image.width}×${image.height} image`);
    if (!sameBytes(reference.image.data, image.data)) {
      const i = image.data.findIndex((v, k) => v !== reference.image.data[k]);
      fail(`pngjs and Node decodePng differ at byte ${i} (pixel ${i >> 2}): ${reference.image.data[i]} vs ${image.data[i]}`);
    }
    if (!sameBytes(before, c.bytes)) fail('decodePng modified its input');
    const view = new DataView(c.bytes.buffer, c.bytes.byteOffset);
    const w = view.getUint32(16), h = view.getUint32(20);
    if (image.width !== w || image.height !== h || image.channels !== 4) fail(`decoded ${image.width}×${image.height}×${image.channels}, IHDR says ${w}×${h}`);
    if (!(image.data instanceof Uint8Array) || image.data.length !== w * h * 4) fail(`decoded data of length ${image.data?.length}, expected ${w * h * 4}`);
    // Determinism: uninitialised memory (pngjs' failure mode) would differ between two decodes.
    // The second goes into an array of the caller's (options.out) filled with 0xA5 beforehand:
    // a byte the decoder skipped would keep it.
    const again = L.decodePng(c.bytes.slice(), { ...c.options, out: new Uint8Array(image.data.length).fill(0xa5) });
    if (!sameBytes(image.data, again.data)) fail('two decodes of the same bytes differ (the second into options.out)');
    if (c.stream) await checkStreamed(L, c, image, undefined);
    // And the pipeline accepts what the decoder returns.
    const gray = L.toGrayscale(image);
    const round = L.decodePng(L.encodePng(image));
    if (!sameBytes(round.data, image.data)) fail('encodePng → decodePng does not round-trip');
    L.toUint8(L.convolve2d(gray, L.kernels.sobelX, { padding: 'same' }), { map: 'abs' });
    return c.stream ? 'decoded, streamed too' : 'decoded';
  }
  if (c.kind === 'convolve-hostile') {
    const mem = L.wasmMemoryBytes();
    const before = ArrayBuffer.isView(c.image?.data) ? snapshot(c.image.data) : undefined;
    let out;
    try {
      out = L.convolve2d(c.image, c.kernel, c.options);
    } catch (e) {
      if (!(e instanceof TypeError) && !(e instanceof RangeError)) fail(`threw ${e?.constructor?.name}: ${e?.message}`);
      if (!(e instanceof c.Class)) fail(`planted ${c.path}: expected ${c.Class.name}, got ${e.constructor.name}: ${e.message}`);
      if (!e.message.includes(c.path)) fail(`planted ${c.path}: message does not name it: ${e.message}`);
      if (L.wasmMemoryBytes() !== mem) fail(`WASM memory grew from ${mem} to ${L.wasmMemoryBytes()} on a throw`);
      if (before && !sameBytes(before, snapshot(c.image.data))) fail('a throwing call modified image.data');
      return 'rejected';
    }
    fail(`planted ${c.path} but the call returned a ${out.width}×${out.height} result`);
  }
  if (c.kind === 'grayscale-uint8' || c.kind === 'encode') return runPixelOps(L, c);
  // Valid convolutions.
  const { kernel, rows } = c;
  let { image, options } = c;
  // allocImage copies (not Uint8ClampedArray, which it does not make), freed whatever happens.
  const held = [];
  const TYPE_NAMES = { Float32Array: 'float32', Uint8Array: 'uint8', Uint16Array: 'uint16' };
  if (c.linear && TYPE_NAMES[image.data.constructor.name] && !Buffer.isBuffer(image.data)) {
    const lin = L.allocImage(image.width, image.height, image.channels, TYPE_NAMES[image.data.constructor.name]);
    lin.data.set(image.data);
    held.push(lin);
    image = lin;
    const shape = predict(image, rows, options);
    if (c.linear === 'image and out' && !shape.error) {
      const out = L.allocImage(shape.outW, shape.outH, image.channels);
      held.push(out);
      options = { ...options, out: out.data };
    }
  }
  try {
    const result = await runValidConvolution(L, c, image, kernel, rows, options);
    return held.length ? `${result} (allocImage${held.length > 1 ? ' image and out' : ''})` : result;
  } finally {
    for (const x of held) x.free();
  }
}

/** One valid convolution case (`image` and `options.out` may live in linear memory). */
async function runValidConvolution(L, c, image, kernel, rows, options) {
  const expected = predict(image, rows, options).error;
  const before = snapshot(image.data);
  let out;
  try {
    out = c.kind === 'async' ? await L.convolve2dAsync(image, kernel, options) : L.convolve2d(image, kernel, options);
  } catch (e) {
    if (e instanceof Finding) throw e;
    checkConvolveError(e, c, expected);
    return 'rejected';
  }
  if (expected) fail(`expected a RangeError (${expected}) but got a ${out.width}×${out.height} result`);
  if (!sameBytes(before, snapshot(image.data))) fail('convolve2d modified image.data');
  if (L.wasmMemoryBytes() > WASM_BOUND) fail(`WASM memory is ${L.wasmMemoryBytes()} bytes after a ${out.width}×${out.height} output`);
  const finite = image.data instanceof Float32Array ? image.data.every(Number.isFinite) && Math.max(...Array.from(image.data, Math.abs)) < 1e30 : true;
  const cvalOk = options.cval === undefined || Math.abs(options.cval) < 1e30;
  if (finite && cvalOk && out.data.length <= 200000) withinReference(L, out, image, rows, options, c.kind);
  if (c.kind === 'convolve-extreme' && out.data.length <= 200000) {
    // Whatever the method, Infinity and NaN must land where IEEE arithmetic puts them: exactly
    // where the direct path (checked bit for bit below) has them.
    // (Only without huge finite values: float32 overflow depends on the order of the sums.)
    const noHugeFinite = Array.prototype.every.call(image.data, (v) => !Number.isFinite(v) || Math.abs(v) < 1e30) && cvalOk;
    if (options.method !== 'direct' && noHugeFinite) {
      const direct = L.convolve2d(image, kernel, { ...options, method: 'direct' }).data;
      for (let i = 0; i < direct.length; i++) {
        if (!Number.isFinite(direct[i]) || !Number.isFinite(out.data[i])) {
          if (!Object.is(direct[i], out.data[i])) fail(`method ${options.method ?? 'auto'} output ${i} is ${out.data[i]} where the direct path gives ${direct[i]} (${rows.length}×${rows[0].length} kernel)`);
        }
      }
    }
    // Huge but finite values: every method stays within float32 tolerance of the float64 reference
    // for each output, measured against that output's own Σ|K'|·|P| (FFT error must not leak from
    // one large pixel into small outputs). Outputs whose bound nears float32 overflow are skipped.
    if (options.method !== 'direct' && Array.prototype.every.call(image.data, Number.isFinite) && cvalOk) {
      const want = L.referenceConvolve2d(image, rows, options).data;
      const abs = { ...image, data: Float32Array.from(image.data, Math.abs) };
      const bound = L.referenceConvolve2d(abs, rows.map((row) => row.map(Math.abs)), { ...options, cval: Math.abs(options.cval ?? 0), method: 'direct' }).data;
      for (let i = 0; i < want.length; i++) {
        if (bound[i] < 1e37 && !(Math.abs(out.data[i] - want[i]) <= 1e-5 * bound[i] + 1e-6)) {
          fail(`method ${options.method ?? 'auto'} output ${i} is ${out.data[i]}, reference ${want[i]} (bound ${bound[i]}, ${rows.length}×${rows[0].length} kernel)`);
        }
      }
    }
    // Extreme values: the direct path must be bit-identical to float32 evaluation in tap order.
    const direct = L.convolve2d(image, kernel, { ...options, method: 'direct' });
    const { method, limitInputPixels, ...rest } = options;
    const want = L.float32Convolve(image, rows, rest);
    for (let i = 0; i < want.data.length; i++) {
      if (!Object.is(direct.data[i], want.data[i]) && !(Number.isNaN(direct.data[i]) && Number.isNaN(want.data[i]))) {
        fail(`direct path output ${i} is ${direct.data[i]}, float32 tap-order evaluation ${want.data[i]}`);
      }
    }
  }
  return 'ok';
}

function roundHalfEven(v) {
  const f = Math.floor(v), d = v - f;
  return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
}

function runPixelOps(L, c) {
  const { image, weights, map } = c;
  const validWeights = weights === undefined || weights === 'bt601' || weights === 'bt709' || (Array.isArray(weights) && weights.length === 3 && weights.every(Number.isFinite));
  const validMap = map === undefined || ['clamp', 'abs', 'normalize'].includes(map);
  const before = snapshot(image.data);
  let gray;
  try {
    gray = L.toGrayscale(image, weights === undefined ? undefined : { weights });
    if (!validWeights) fail(`toGrayscale accepted weights ${describeCase(weights)}`);
    if (gray.width !== image.width || gray.height !== image.height || gray.channels !== 1 || gray.data.length !== image.width * image.height) fail('toGrayscale: wrong size');
    // Same pixel type out as in (a Node Buffer counts as the Uint8Array it is).
    const plainType = (d) => (typeof Buffer !== 'undefined' && d instanceof Buffer ? Uint8Array : d.constructor);
    if (Object.getPrototypeOf(gray.data) !== plainType(image.data).prototype) fail(`toGrayscale: ${image.data.constructor.name} in, ${gray.data.constructor.name} out`);
  } catch (e) {
    if (e instanceof Finding) throw e;
    if (validWeights) fail(`toGrayscale threw on valid weights: ${e.constructor.name}: ${e.message}`);
    if (!(e instanceof TypeError || e instanceof RangeError) || !/options\.weights/.test(e.message)) fail(`toGrayscale: ${e.constructor.name}: ${e.message}`);
  }
  let u8;
  try {
    u8 = L.toUint8(image, map === undefined ? undefined : { map });
    if (!validMap) fail(`toUint8 accepted map ${String(map)}`);
    if (!(u8.data instanceof Uint8Array) || u8.data.length !== image.data.length) fail('toUint8: wrong output');
    if (map === undefined || map === 'clamp' || map === 'abs') {
      for (let i = 0; i < image.data.length; i++) {
        let v = image.data[i];
        if (map === 'abs') v = Math.abs(v);
        const want = Number.isNaN(v) ? 0 : Math.min(255, Math.max(0, roundHalfEven(v)));
        if (u8.data[i] !== want) fail(`toUint8 ${map ?? 'clamp'}: ${v} → ${u8.data[i]}, expected ${want}`);
      }
    }
  } catch (e) {
    if (e instanceof Finding) throw e;
    if (validMap) fail(`toUint8 threw on a valid map: ${e.constructor.name}: ${e.message}`);
    if (!(e instanceof TypeError || e instanceof RangeError) || !/options\.map/.test(e.message)) fail(`toUint8: ${e.constructor.name}: ${e.message}`);
  }
  if (!sameBytes(before, snapshot(image.data))) fail('toGrayscale/toUint8 modified image.data');
  if (c.kind === 'encode' && u8) {
    const back = L.decodePng(L.encodePng(u8));
    for (let p = 0; p < image.width * image.height; p++) {
      const C = u8.channels;
      const px = Array.from(u8.data.subarray(p * C, p * C + C));
      const rgba = C === 1 ? [px[0], px[0], px[0], 255] : C === 2 ? [px[0], px[0], px[0], px[1]] : C === 3 ? [...px, 255] : px;
      if (!sameBytes(rgba, back.data.subarray(p * 4, p * 4 + 4))) fail(`encodePng/decodePng changed pixel ${p}: ${rgba} → ${Array.from(back.data.subarray(p * 4, p * 4 + 4))}`);
    }
  }
  return 'ok';
}

/** The library still gives known answers (run every --check-every cases). */
async function healthCheck() {
  const L = await loadLibrary();
  const data = Float32Array.from({ length: 9 * 7 * 2 }, (_, i) => ((i * 37) % 23) - 7.5);
  const image = { width: 9, height: 7, channels: 2, data };
  const rows = [[1, -2, 0.5], [0, 3, 1], [2, 1, -1]];
  for (const options of [{ padding: 'same', border: 'reflect' }, { padding: [2, 3], stride: 2, dilation: [1, 2], border: 'wrap', mode: 'correlation' }, { padding: 1, cval: 4 }]) {
    withinReference(L, L.convolve2d(image, rows, options), image, rows, options, `health check ${JSON.stringify(options)}`);
  }
  const png = L.decodePng(new Uint8Array(readFileSync(join(SUITE_DIR, 'basn2c08.png'))));
  const want = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/pngsuite-expected.json'), 'utf8'))['basn2c08.png'].sha256;
  if (createHash('sha256').update(png.data).digest('hex') !== want) fail('health check: basn2c08.png decodes wrongly');
  const mem = L.wasmMemoryBytes();
  if (mem > WASM_BOUND) fail(`health check: WASM memory is ${mem} bytes`);
  return mem;
}

// ------------------------------------------------------------------------------------------------
// Child process

async function child(args) {
  await loadLibrary();
  process.on('message', async (msg) => {
    if (msg.type === 'case') {
      const c = buildCase(msg.seed, msg.index);
      let result, finding;
      try {
        result = await runCase(c);
      } catch (e) {
        finding = e instanceof Finding ? e.message : `fuzzer error: ${e?.stack ?? e}`;
      }
      let health;
      if (!finding && msg.check) {
        try {
          await healthCheck();
        } catch (e) {
          finding = `after this case: ${e.message}`;
        }
      }
      const rssMB = process.memoryUsage().rss / 2 ** 20;
      process.send({ type: 'done', index: msg.index, result, finding, rssMB, health });
    }
  });
  process.send({ type: 'ready' });
}

// ------------------------------------------------------------------------------------------------
// Parent: schedule, time, save

function signature(kind, message) {
  return `${kind}: ${message.replace(/\d+(\.\d+)?(e[+-]?\d+)?/g, 'N').replace(/"[^"]*"/g, 'S').slice(0, 160)}`;
}

async function parent(args) {
  const seed = args.seed ?? (Math.random() * 2 ** 32) >>> 0;
  let end = Date.now() + args.minutes * 60000;
  // Ctrl-C or SIGTERM: finish the cases in flight, then print and save the summary as usual.
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => { end = 0; });
  mkdirSync(args.out, { recursive: true });
  const stats = { cases: 0, byKind: {}, byResult: {}, findings: 0, hangs: 0, crashes: 0, restarts: 0, maxRssMB: 0 };
  const seen = new Map();
  let next = 0;
  const started = Date.now();
  console.log(`conv2d-wasm fuzz: seed ${seed}, ${args.minutes} min, ${args.jobs} job(s), ${args.timeout} ms per case, findings in ${args.out}`);

  const record = (index, kind, message) => {
    stats.findings++;
    const sig = signature(kind, message);
    const count = (seen.get(sig) ?? 0) + 1;
    seen.set(sig, count);
    if (count <= 3) {
      const c = buildCase(seed, index);
      const base = join(args.out, `${kind}-${seed}-${index}`);
      writeFileSync(`${base}.json`, JSON.stringify({ seed, case: index, kind: c.kind, finding: message, replay: `node scripts/fuzz.mjs --seed ${seed} --case ${index}`, input: JSON.parse(describeCase(c)) }, null, 1));
      if (c.bytes) writeFileSync(`${base}.png`, c.bytes);
      if (count === 1) console.log(`FINDING [${kind}] case ${index} (${c.kind}): ${message}`);
    }
  };

  // The children's streamed-file cases write here (see checkStreamed); removed at the end.
  const streamRoot = mkdtempSync(join(tmpdir(), 'conv2d-fuzz-stream-'));
  const runJob = () => new Promise((resolveJob) => {
    let proc, current, timer, ready = false;
    const spawn = () => {
      ready = false;
      proc = fork(fileURLToPath(import.meta.url), ['--child'], {
        serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, CONV2D_FUZZ_TMP: streamRoot },
      });
      let stderr = '';
      proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-2000); });
      proc.on('message', (msg) => {
        if (msg.type === 'ready') { ready = true; send(); return; }
        if (msg.type !== 'done' || msg.index !== current) return;
        clearTimeout(timer);
        const c = buildCase(seed, current);
        stats.cases++;
        stats.byKind[c.kind] = (stats.byKind[c.kind] ?? 0) + 1;
        const key = `${c.kind}:${msg.result ?? 'finding'}`;
        stats.byResult[key] = (stats.byResult[key] ?? 0) + 1;
        stats.maxRssMB = Math.max(stats.maxRssMB, msg.rssMB);
        if (msg.finding) record(current, 'finding', msg.finding);
        current = undefined;
        if (msg.rssMB > 3072) {
          record(msg.index, 'memory', `child RSS reached ${Math.round(msg.rssMB)} MB`);
          restart();
        } else if (msg.finding && /WASM memory/.test(msg.finding)) restart(); // start clean
        else send();
      });
      proc.on('exit', (code, sig) => {
        if (current !== undefined) {
          clearTimeout(timer);
          stats.crashes++;
          stats.cases++;
          record(current, 'crash', `child exited (code ${code}, signal ${sig}) during the case; stderr: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
          current = undefined;
          stats.restarts++;
          spawn();
        }
      });
    };
    const restart = () => {
      const old = proc;
      old.removeAllListeners('exit');
      old.kill('SIGKILL');
      stats.restarts++;
      spawn();
    };
    const send = () => {
      if (!ready) return;
      if (Date.now() >= end || next >= args.cases) {
        proc.removeAllListeners('exit');
        proc.kill('SIGKILL');
        resolveJob();
        return;
      }
      current = next++;
      const check = current % args.checkEvery === args.checkEvery - 1;
      proc.send({ type: 'case', seed, index: current, check });
      timer = setTimeout(() => {
        stats.hangs++;
        stats.cases++;
        record(current, 'hang', `no answer within ${args.timeout} ms`);
        current = undefined;
        restart();
      }, args.timeout);
    };
    spawn();
  });

  const progress = setInterval(() => {
    const s = (Date.now() - started) / 1000;
    console.log(`${Math.round(s)} s: ${stats.cases} cases (${(stats.cases / s).toFixed(0)}/s), ${stats.findings} findings (${seen.size} distinct), ${stats.hangs} hangs, ${stats.crashes} crashes, max child RSS ${Math.round(stats.maxRssMB)} MB`);
  }, 60000);
  await Promise.all(Array.from({ length: args.jobs }, runJob));
  clearInterval(progress);
  rmSync(streamRoot, { recursive: true, force: true });
  const seconds = (Date.now() - started) / 1000;
  const summary = { seed, minutes: args.minutes, jobs: args.jobs, seconds: Math.round(seconds), cases: stats.cases, rate: Math.round(stats.cases / seconds), findings: stats.findings, distinct: [...seen.entries()].map(([sig, n]) => ({ signature: sig, count: n })), hangs: stats.hangs, crashes: stats.crashes, childRestarts: stats.restarts, maxChildRssMB: Math.round(stats.maxRssMB), byKind: stats.byKind, byResult: stats.byResult };
  writeFileSync(join(args.out, `summary-${seed}.json`), JSON.stringify(summary, null, 1));
  console.log(JSON.stringify(summary, null, 1));
  console.log(`${stats.cases} cases in ${Math.round(seconds)} s (${summary.rate}/s), seed ${seed}: ${stats.findings} findings, ${seen.size} distinct, ${stats.hangs} hangs, ${stats.crashes} crashes`);
  process.exitCode = stats.findings > 0 ? 1 : 0;
}

async function replay(args) {
  if (args.seed === undefined) throw new Error('--case needs --seed');
  const c = buildCase(args.seed, args.case);
  console.log(describeCase(c));
  try {
    console.log('result:', await runCase(c));
  } catch (e) {
    console.log(e instanceof Finding ? `FINDING: ${e.message}` : e);
    process.exitCode = 1;
  }
}

const args = parseArgs(process.argv.slice(2));
if (args.child) await child(args);
else if (args.case !== undefined) await replay(args);
else await parent(args);
