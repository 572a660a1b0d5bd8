/**
 * Command-line parsing: flags (node:util parseArgs) and kernel specs, checked completely before
 * any image is read, so a usage error (exit 2) never leaves a file behind. Start at `parseCli`.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { BORDERS, MAPS, METHODS, MODES, kernels } from '../node/index.js';
import type { ConvolveOptions, GrayWeights, KernelRows, Uint8Map } from '../node/index.js';
import { API_FLAGS, parseDepth, parseGrayWeights, parsePair, parseQuality, parseValue } from './api-flags.js';
import { UsageError } from './usage.js';
import { EDGE_FLAGS, parseEdgeFlags } from './edge-flags.js';
import type { BatchEdges } from '../node/index.js';
import { fileReason } from '../node/file-reason.js';
import { readFileBounded } from '../node/files.js';

/** Largest kernel file `-k @FILE` reads. */
const KERNEL_FILE_MAX = 64 << 20;

/** Everything `run` needs, already checked. */
export interface CliOptions {
  inputs: string[];
  kernel: KernelRows;
  /** The kernel as it appears in default output names: `edge`, `box5`, `gaussian1.5x7`, `custom`. */
  kernelName: string;
  output?: string;
  outDir?: string;
  /** Added to each output's stem; undefined means the default (`-<kernel>`, or none with --out-dir). */
  suffix?: string;
  convolve: ConvolveOptions;
  map: Uint8Map;
  color: boolean;
  jobs: number;
  skipExisting: boolean;
  json: boolean;
  quiet: boolean;
  /** Largest width × height read (false: no limit); undefined means the library's default. */
  limitInputPixels?: number | false;
  /** Gray conversion weights (--weights); undefined means BT.601. */
  weights?: GrayWeights;
  /** JPEG outputs' quality (--quality); undefined means the library's default. */
  quality?: number;
  /** Bits per output sample (--depth). */
  depth: 8 | 16;
  /** --gradient or --canny: edge detection instead of the convolution (edge-flags.ts). */
  edges?: BatchEdges;
}

/** What the command line asks for. */
export type Command = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; options: CliOptions };

/** Largest side of a `box:N` or `gaussian:...` kernel: larger ones only exhaust memory and time. */
export const MAX_KERNEL_SIDE = 1024;

const PADDINGS = ['same', 'valid', 'full'] as const;

const FLAGS = {
  kernel: { type: 'string', short: 'k' },
  output: { type: 'string', short: 'o' },
  'out-dir': { type: 'string' },
  suffix: { type: 'string' },
  padding: { type: 'string' },
  stride: { type: 'string' },
  border: { type: 'string' },
  mode: { type: 'string' },
  map: { type: 'string' },
  color: { type: 'boolean' },
  jobs: { type: 'string', short: 'j' },
  'skip-existing': { type: 'boolean' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  'limit-input-pixels': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
  ...API_FLAGS,
  ...EDGE_FLAGS,
} as const;

const INTEGER = /^\d+$/;
const DECIMAL = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Names of the kernels that take no parameters, as the library spells them. */
const FIXED_NAMES = Object.keys(kernels).filter((name) => Array.isArray(kernels[name as keyof typeof kernels]));

/**
 * Parses `argv` (without `node` and the script). Throws `UsageError` for anything wrong.
 * @example
 * parseCli(['photo.png', '-k', 'sobelX', '--map', 'abs'])
 * // { kind: 'run', options: { inputs: ['photo.png'], kernelName: 'sobelX', map: 'abs', ... } }
 */
export function parseCli(argv: readonly string[], cores = availableParallelism()): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
  const { values, positionals: inputs } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };

  const edgeJob = parseEdgeFlags(values);
  const { kernel, name: kernelName } = edgeJob ? { ...parseKernel('identity'), name: edgeJob.name } : parseKernel(values.kernel ?? 'edge');
  const padding = values.padding === undefined ? 'same' : parsePadding(values.padding);
  const stride = values.stride === undefined ? 1 : parsePair('--stride', values.stride);
  const jobs = values.jobs === undefined ? cores : positiveInteger('--jobs', values.jobs);
  const border = choice('--border', values.border ?? 'reflect', BORDERS);
  const mode = choice('--mode', values.mode ?? 'convolution', MODES);
  const map = choice('--map', values.map ?? 'clamp', MAPS);
  const limitInputPixels = values['limit-input-pixels'] === undefined ? undefined : parsePixelLimit(values['limit-input-pixels']);
  // Only when given: the library's defaults are the same, and a queued job's id hashes its options.
  const extra = {
    ...(values.dilation !== undefined && { dilation: parsePair('--dilation', values.dilation) }),
    ...(values.cval !== undefined && { cval: parseValue('--cval', values.cval) }),
    ...(values.method !== undefined && { method: choice('--method', values.method, METHODS) }),
  };
  const weights = values.weights === undefined ? undefined : parseGrayWeights(values.weights);
  const quality = values.quality === undefined ? undefined : parseQuality(values.quality);
  const depth = values.depth === undefined ? 8 : parseDepth(values.depth);
  if (depth === 16 && values.output !== undefined && /\.jpe?g$/i.test(values.output)) {
    throw new UsageError('--depth 16 writes 16-bit PNG; JPEG (-o *.jpg) holds 8 bits');
  }
  if (depth === 16 && edgeJob) throw new UsageError('--depth 16 does not apply to --gradient or --canny (edge maps are 8-bit)');
  const suffix = values.suffix;

  if (inputs.length === 0) throw new UsageError('no input files');
  if (values.output !== undefined && values['out-dir'] !== undefined) {
    throw new UsageError('use either -o/--output or --out-dir, not both');
  }
  if (values.output !== undefined && inputs.length !== 1) {
    throw new UsageError(`-o/--output needs exactly one input, but ${inputs.length} were given (use --out-dir for several)`);
  }
  if (inputs.includes('-') && (inputs.length !== 1 || values.output === undefined)) {
    throw new UsageError('- (standard input) must be the only input, with -o FILE or -o - (standard output)');
  }
  if (values.output === '-' && values.json) throw new UsageError('--json and -o - (standard output) cannot share standard output');
  if (values.output === '' || values['out-dir'] === '') {
    throw new UsageError(`${values.output === '' ? '-o/--output' : '--out-dir'} needs a non-empty path`);
  }
  if (suffix !== undefined) {
    if (values.output !== undefined) throw new UsageError('--suffix names outputs in a batch; with -o/--output the name is given');
    if (/[/\\]/.test(suffix)) throw new UsageError(`--suffix must not contain / or \\, not '${suffix}'`);
    if (suffix === '' && values['out-dir'] === undefined) {
      throw new UsageError('an empty --suffix needs --out-dir (outputs would overwrite their inputs)');
    }
  }

  return {
    kind: 'run',
    options: {
      inputs,
      kernel,
      kernelName,
      output: values.output,
      outDir: values['out-dir'],
      suffix,
      convolve: { padding, stride, border, mode, ...extra },
      map,
      color: values.color ?? false,
      jobs,
      skipExisting: values['skip-existing'] ?? false,
      json: values.json ?? false,
      quiet: values.quiet ?? false,
      limitInputPixels,
      weights,
      quality,
      depth,
      // --border shapes the gradient as it does a convolution (Canny's border is OpenCV's own).
      edges: edgeJob && 'gradient' in edgeJob.edges ? { gradient: { ...edgeJob.edges.gradient, border } } : edgeJob?.edges,
    },
  };
}

/**
 * A kernel spec: a name (`edge`, `box:5`, `gaussian:1.5,7`), a JSON array of rows, or
 * `@file.json`. Throws `UsageError` with the reason.
 * @example
 * parseKernel('box:3')         // { kernel: [[1/9, ...], ...], name: 'box3' }
 * parseKernel('[[1,0],[0,-1]]') // { kernel: [[1, 0], [0, -1]], name: 'custom' }
 */
export function parseKernel(spec: string): { kernel: KernelRows; name: string } {
  if (spec.startsWith('@')) {
    const file = spec.slice(1);
    let text;
    try {
      // A kernel of the most taps the library takes (2²⁰) is well under 64 MiB of JSON.
      text = new TextDecoder().decode(readFileBounded(file, 0, () => KERNEL_FILE_MAX));
    } catch (error) {
      throw new UsageError(`-k ${spec}: ${fileReason(error)}`);
    }
    return { kernel: parseJsonKernel(text, `-k ${spec}`), name: 'custom' };
  }
  if (/^\s*[[{]/.test(spec)) return { kernel: parseJsonKernel(spec, '-k'), name: 'custom' };

  const [rawName, params, ...extra] = spec.split(':');
  const name = FIXED_NAMES.find((n) => n.toLowerCase() === rawName.toLowerCase()) ??
    ['box', 'gaussian'].find((n) => n === rawName.toLowerCase());
  if (name === undefined || extra.length > 0) {
    throw new UsageError(
      `unknown kernel '${spec}' (names: ${FIXED_NAMES.join(', ')}; box:N; gaussian:SIGMA[,N]; ` +
      `a JSON array of rows; or @file.json)`,
    );
  }
  if (name === 'box' || name === 'gaussian') {
    const made = name === 'box' ? boxKernel(spec, params) : gaussianKernel(spec, params);
    // An extreme sigma (1e-300) can still produce NaN weights: check what the library made.
    checkRows(made.kernel, `-k ${spec}`);
    return made;
  }
  if (params !== undefined) throw new UsageError(`kernel '${name}' takes no parameters, but got '${spec}'`);
  return { kernel: kernels[name as 'edge'], name };
}

function boxKernel(spec: string, params: string | undefined): { kernel: KernelRows; name: string } {
  if (params === undefined || !INTEGER.test(params) || !inSide(Number(params))) {
    throw new UsageError(`-k ${spec}: box needs a size from 1 to ${MAX_KERNEL_SIDE}, as in box:5`);
  }
  const size = Number(params);
  return { kernel: library(spec, () => kernels.box(size)), name: `box${size}` };
}

function gaussianKernel(spec: string, params: string | undefined): { kernel: KernelRows; name: string } {
  const [sigmaText, sizeText, ...extra] = params === undefined ? [] : params.split(',');
  const hint = 'as in gaussian:1.5 or gaussian:1.5,7 (sigma, then an optional size)';
  if (sigmaText === undefined || extra.length > 0) throw new UsageError(`-k ${spec}: gaussian needs a sigma, ${hint}`);
  const sigma = Number(sigmaText);
  if (!DECIMAL.test(sigmaText) || !(sigma > 0) || !Number.isFinite(sigma)) {
    throw new UsageError(`-k ${spec}: the sigma must be a positive number, ${hint}`);
  }
  if (sizeText !== undefined && (!INTEGER.test(sizeText) || !inSide(Number(sizeText)))) {
    throw new UsageError(`-k ${spec}: the size must be an integer from 1 to ${MAX_KERNEL_SIDE}, ${hint}`);
  }
  const size = sizeText === undefined ? undefined : Number(sizeText);
  // The library's default size, 2·floor(4σ + 0.5) + 1, checked here before anything is allocated.
  if (size === undefined && !inSide(2 * Math.floor(4 * sigma + 0.5) + 1)) {
    throw new UsageError(`-k ${spec}: sigma ${sigma} makes a kernel wider than ${MAX_KERNEL_SIDE}; give a size, ${hint}`);
  }
  return { kernel: library(spec, () => kernels.gaussian(sigma, size)), name: `gaussian${sigma}${size === undefined ? '' : `x${size}`}` };
}

/** Calls a kernel maker; whatever it rejects is a usage error. */
function library(spec: string, make: () => KernelRows): KernelRows {
  try {
    return make();
  } catch (error) {
    throw new UsageError(`-k ${spec}: ${(error as Error).message}`);
  }
}

function inSide(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= MAX_KERNEL_SIDE;
}

/** A JSON array of rows of equal length, every entry a finite number. */
function parseJsonKernel(text: string, where: string): KernelRows {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // The position only: JSON.parse's message quotes the text, which may be any file's contents.
    const at = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new UsageError(`${where}: the kernel is not valid JSON${at === undefined ? '' : ` (at byte ${at})`}`);
  }
  return checkRows(value, where);
}

/** Rows of equal length, every entry a finite number; else a UsageError naming the entry. */
function checkRows(value: unknown, where: string): KernelRows {
  const shape = 'a JSON array of rows like [[0,1,0],[1,-4,1],[0,1,0]]';
  if (!Array.isArray(value) || value.length === 0) throw new UsageError(`${where}: the kernel must be ${shape}`);
  const width = Array.isArray(value[0]) ? value[0].length : 0;
  value.forEach((row: unknown, y) => {
    if (!Array.isArray(row) || row.length === 0) throw new UsageError(`${where}: row ${y} of the kernel must be a non-empty array of numbers (${shape})`);
    if (row.length !== width) throw new UsageError(`${where}: row ${y} of the kernel has ${row.length} numbers but row 0 has ${width}`);
    row.forEach((v: unknown, x) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new UsageError(`${where}: kernel[${y}][${x}] must be a finite number, not ${describe(v)}`);
      }
    });
  });
  return value as number[][];
}

/** A JSON value in a few words (never the whole value: it may be nested thousands deep). */
function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function parsePadding(text: string): ConvolveOptions['padding'] {
  if ((PADDINGS as readonly string[]).includes(text)) return text as (typeof PADDINGS)[number];
  if (INTEGER.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  throw new UsageError(`--padding must be a non-negative integer, same, valid or full, not '${text}'`);
}

/** `--limit-input-pixels N`: a positive integer, or 0 for no limit. */
function parsePixelLimit(text: string): number | false {
  const n = Number(text);
  if (!INTEGER.test(text) || !Number.isSafeInteger(n)) {
    throw new UsageError(`--limit-input-pixels must be a non-negative integer (0: no limit), not '${text}'`);
  }
  return n === 0 ? false : n;
}

/** A positive integer flag value; else a UsageError naming the flag. */
export function positiveInteger(flag: string, text: string): number {
  const n = Number(text);
  if (!INTEGER.test(text) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${flag} must be a positive integer, not '${text}'`);
  }
  return n;
}

function choice<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) {
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, not '${text}'`);
  }
  return text as T;
}

/** One line out of parseArgs' several-line errors. */
function describeParseError(error: unknown): string {
  const e = error as { code?: string; message?: string };
  const message = String(e.message ?? error);
  // Node names a flag with a short form as '-q, --quiet': keep the long form.
  const flag = (/'(-[^']*)'/.exec(message)?.[1] ?? '').split(', ').pop()!.split(' ')[0];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return `unknown option '${flag}' (to name a file that starts with '-', put it after '--')`;
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(message)) return `option '${flag}' takes no value`;
    if (/ambiguous/.test(message)) {
      return `option '${flag}' needs a value (for one that starts with '-', write ${flag}=VALUE)`;
    }
    return `option '${flag}' needs a value`;
  }
  return message.split('\n')[0];
}

