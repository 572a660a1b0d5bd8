/**
 * Paths in a queued batch: producer and workers each name a root (the same shared folder, mounted
 * anywhere), and jobs carry paths relative to it, with `/` separators.
 */
import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { rangeError, typeError } from '../core/errors.js';

/**
 * A job's path resolved against the root; throws if it is not relative or leaves the root.
 * @example
 * inside('/mnt/photos', 'edges/a.png', 'output') // '/mnt/photos/edges/a.png'
 */
export function inside(root: string, path: unknown, what: string): string {
  if (typeof path !== 'string' || path === '' || isAbsolute(path)) throw new TypeError(`the job's ${what} is not a relative path`);
  const full = resolve(root, path);
  if (belowRoot(root, full) === undefined) throw new RangeError(`the job's ${what} ${path} leaves the root`);
  return full;
}

/**
 * The root directory: `value` or the current directory, which must exist.
 * @example
 * rootDir('/mnt/photos', 'options.root') // '/mnt/photos'
 */
export function rootDir(value: unknown, name: string): string {
  if (value === undefined) return process.cwd();
  if (typeof value !== 'string') throw typeError(name, 'a directory path string', value);
  let ok = false;
  try {
    ok = value !== '' && statSync(value).isDirectory();
  } catch {}
  if (!ok) throw rangeError(name, 'an existing directory', value);
  return resolve(value);
}

/**
 * `path` (as the producer names it) relative to `root` with `/` separators, or undefined when it
 * is not below the root (a worker could not find it there).
 * @example
 * belowRoot('/mnt/photos', 'photos/a.png') // 'photos/a.png' when the current directory is /mnt
 */
export function belowRoot(root: string, path: string): string | undefined {
  const rel = relative(root, resolve(path));
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}
