/**
 * Finding the inputs of a batch and naming their outputs: file paths, directories (walked lazily,
 * as streams) and glob patterns, each paired with the output it gets. Start at `expand`.
 */
import { opendir } from 'node:fs/promises';
import { realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, parse, relative, resolve, sep } from 'node:path';
import { typeError, rangeError } from '../../core/errors.js';
import { kernels } from '../../core/convolve/kernels.js';
import type { KernelMatrix } from '../../core/validate.js';
import { IMAGE_EXTENSIONS } from '../image.js';
import { isPlainObject, optionsObject } from '../../core/validate.js';
import type { BatchItem } from './types.js';

/** An input as found: the file and where its output goes, or why there is nothing to do. */
export type Found = { input: string; output: string } | { input: string; error: string };

/** How outputs are named; fixed for a run. */
export interface Naming {
  outDir?: string;
  /** `outDir`'s real path (symbolic links resolved): a walk never enters it, so a run never reads its own outputs. */
  outDirPath?: string;
  suffix: string;
}

/** The files a directory walk picks up: every extension of a supported format (.png, .jpg, .jpeg). */
const IMAGE_NAME = new RegExp(`(${Object.keys(IMAGE_EXTENSIONS).map((e) => `\\${e}`).join('|')})$`, 'i');
const IMAGE_KINDS = 'no .png, .jpg or .jpeg files in this directory';


let picomatchModule: typeof import('picomatch') | undefined;

/** picomatch, loaded the first time a pattern may need it. */
async function loadPicomatch(): Promise<typeof import('picomatch')> {
  picomatchModule ??= (await import('picomatch')).default;
  return picomatchModule;
}

/**
 * Every input as found, lazily: a file as it is; a directory walked for `*.png`; a pattern
 * matched while walking its base directory. A directory or pattern that yields nothing is
 * reported, since it was presumably meant to.
 */
export async function* expand(inputs: Iterable<string | BatchItem> | AsyncIterable<string | BatchItem>, naming: Naming): AsyncGenerator<Found> {
  for await (const item of inputs) {
    if (typeof item !== 'string') {
      yield { input: item.input, output: item.output };
      continue;
    }
    const stats = statOrUndefined(item);
    if (stats?.isDirectory()) {
      let any = false;
      const accept = (file: string) => (IMAGE_NAME.test(file) ? walkedOutput(file, naming, item) : undefined);
      for await (const found of walk(item, naming, accept)) {
        any = true;
        yield found;
      }
      if (!any) yield { input: item, error: IMAGE_KINDS };
    } else if (!stats && (await loadPicomatch()).scan(item).isGlob) {
      const picomatch = await loadPicomatch();
      const { base, glob } = picomatch.scan(item);
      const root = base === '' ? '.' : base;
      const matches = picomatch(glob, { dot: false });
      // Without `**` a pattern reaches a fixed depth, so deeper directories need not be read.
      const depth = glob.includes('**') ? Infinity : glob.split('/').length - 1;
      const accept = (file: string) => (matches(relative(root, file).split(sep).join('/')) ? walkedOutput(file, naming, root) : undefined);
      let any = false;
      for await (const found of walk(root, naming, accept, depth)) {
        any = true;
        yield found;
      }
      if (!any) yield { input: item, error: 'no file matches this pattern' };
    } else {
      yield { input: item, output: outputName(item, naming) };
    }
  }
}

/**
 * Files below `root`, depth first, reading one directory at a time as a stream (a folder of
 * 100,000 files is never listed whole). Names starting with `.` are skipped, as shells and glob
 * libraries do; symbolic links to directories are not followed (no cycles); the output directory
 * is never entered. `accept` names a file's output, or refuses it with undefined.
 */
async function* walk(
  root: string, naming: Naming, accept: (file: string) => string | undefined, maxDepth = Infinity,
): AsyncGenerator<Found> {
  const pending: { dir: string; depth: number }[] = [{ dir: root, depth: 0 }];
  while (pending.length > 0) {
    const { dir, depth } = pending.pop()!;
    const subdirs: string[] = [];
    try {
      const handle = await opendir(dir);
      for await (const entry of handle) {
        if (entry.name.startsWith('.')) continue;
        const file = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (depth < maxDepth && realPath(file) !== naming.outDirPath) subdirs.push(file);
        } else if (entry.isFile() || entry.isSymbolicLink()) {
          const output = accept(file);
          if (output !== undefined) yield { input: file, output };
        }
      }
    } catch (error) {
      yield { input: dir, error: `cannot read the directory: ${errorReason(error)}` };
    }
    // Reversed, so that popping visits subdirectories in the order they were listed.
    for (let i = subdirs.length - 1; i >= 0; i--) pending.push({ dir: subdirs[i], depth: depth + 1 });
  }
}

/**
 * The output path of `file`: in `outDir` (below it as `file` is below `root`, for a file found by
 * a walk) or next to the input, with the suffix added to the stem.
 */
function outputName(file: string, naming: Naming, root?: string): string {
  const { outDir, suffix } = naming;
  const name = basename(file);
  const renamed = suffix === '' ? name : `${parse(name).name}${suffix}.png`;
  if (outDir === undefined) return join(dirname(file), renamed);
  return join(outDir, root === undefined ? '' : dirname(relative(root, file)), renamed);
}

/**
 * The output of a file found by a walk, or undefined to leave it out: without `outDir`, a file
 * whose stem already ends in the suffix is taken for an earlier output (`photo-edge.png` when the
 * suffix is `-edge`), so running the same command twice does not filter its own results.
 */
function walkedOutput(file: string, naming: Naming, root: string): string | undefined {
  if (naming.outDir === undefined && naming.suffix !== '' && parse(file).name.endsWith(naming.suffix)) return undefined;
  return outputName(file, naming, root);
}

/**
 * The real path of `path` (every symbolic link resolved), or of its nearest existing ancestor
 * with the rest appended (an output directory that does not exist yet), so that two spellings of
 * one directory compare equal.
 */
export function realPath(path: string): string {
  const missing: string[] = [];
  for (let at = resolve(path); ; at = dirname(at)) {
    try {
      return join(realpathSync(at), ...missing.reverse());
    } catch {
      if (dirname(at) === at) return resolve(path);
      missing.push(basename(at));
    }
  }
}

/**
 * Refuses an output directory that is, or contains, an input directory: its outputs could replace
 * that directory's images before the walk reaches them (`conv2d in/x.png in2 --out-dir in2`).
 * An output directory inside an input directory is fine: walks never enter it.
 */
export function checkOutDirHoldsNoInput(list: readonly (string | BatchItem)[], naming: Naming): void {
  const out = naming.outDirPath;
  if (out === undefined) return;
  for (const item of list) {
    if (typeof item !== 'string') continue;
    const stats = statOrUndefined(item);
    const dir = stats?.isDirectory() ? item : stats === undefined ? globBase(item) : undefined;
    if (dir === undefined) continue;
    const real = realPath(dir);
    if (real === out || real.startsWith(out.endsWith(sep) ? out : out + sep)) {
      throw rangeError('batch.outDir', `a directory that is not, and does not hold, the input directory ${item}`, naming.outDir);
    }
  }
}

/** The directory a glob pattern walks: its part before the first wildcard. */
function globBase(pattern: string): string | undefined {
  if (!/[*?[\]{}()!]/.test(pattern)) return undefined;
  const head = pattern.split(/[/\\]/);
  const fixed = head.slice(0, head.findIndex((part) => /[*?[\]{}()!]/.test(part)));
  return fixed.length === 0 ? '.' : fixed.join('/');
}

/**
 * The suffix the CLI gives outputs when none is asked for: `-` and the kernel's name when it is one
 * of the library's fixed kernels (`kernels.edge` → `-edge`) or a box (`-box5`), else `-custom`.
 */
export function defaultSuffix(kernel: KernelMatrix): string {
  const { width, height, data } = kernel;
  for (const [name, rows] of Object.entries(kernels)) {
    if (!Array.isArray(rows) || rows.length !== height || rows[0].length !== width) continue;
    if (rows.every((row: readonly number[], y: number) => row.every((v, x) => v === data[y * width + x]))) return `-${name}`;
  }
  if (width === height && data.every((v) => v === data[0]) && Math.abs(data[0] * width * width - 1) < 1e-12) return `-box${width}`;
  return '-custom';
}

/** `dev:ino`: the same file under any name (never a valid absolute path, so it shares sets with them). */
export function fileKey(stats: Stats): string {
  return `${stats.dev}:${stats.ino}`;
}

export function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

function errorReason(error: unknown): string {
  const code = (error as { code?: string })?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'ENOTDIR') return 'not a directory';
  return error instanceof Error ? error.message : String(error);
}

/** Checks `convolveFiles`' inputs: a path, or a list or (async) iterable of paths and pairs. */
export function checkInputs(inputs: unknown): readonly (string | BatchItem)[] | AsyncIterable<string | BatchItem> {
  if (typeof inputs === 'string') return [path(inputs, 'inputs')];
  if (inputs === null || typeof inputs !== 'object') {
    throw typeError('inputs', 'an array or iterable of paths or { input, output } pairs', inputs);
  }
  const check = (item: unknown, i: number | string): string | BatchItem => {
    if (typeof item === 'string') return path(item, `inputs[${i}]`);
    if (!isPlainObject(item)) throw typeError(`inputs[${i}]`, 'a path or an { input, output } pair', item);
    const pair = optionsObject(item, `inputs[${i}]`, ['input', 'output']);
    return { input: path(pair.input, `inputs[${i}].input`), output: path(pair.output, `inputs[${i}].output`) };
  };
  if (Symbol.iterator in inputs) return Array.from(inputs as Iterable<unknown>, check);
  if (Symbol.asyncIterator in inputs) {
    const source = inputs as AsyncIterable<unknown>;
    return (async function* checked() {
      let i = 0;
      for await (const item of source) yield check(item, i++);
    })();
  }
  throw typeError('inputs', 'an array or iterable of paths or { input, output } pairs', inputs);
}

/** A non-empty path string, else TypeError / RangeError naming `name`. */
export function path(value: unknown, name: string): string {
  if (typeof value !== 'string') throw typeError(name, 'a path string', value);
  if (value === '') throw rangeError(name, 'a non-empty path', value);
  return value;
}
