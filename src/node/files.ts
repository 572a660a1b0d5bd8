/**
 * File-system primitives every Node path goes through, so that no input can hang a process or
 * make it read without bound, and no output is ever half-written:
 * - `readFileBounded` opens without blocking (a FIFO would block `open()` forever), refuses
 *   anything but a regular file (FIFOs, devices such as /dev/zero, sockets, directories), reads a
 *   head first so the caller can refuse a file by its first bytes, and never reads more than the
 *   caller's bound or the size the file had when it was opened.
 * - `makeDirectory` creates a directory and its parents one level at a time (Node's recursive
 *   mkdir loops forever on some paths, such as under /proc).
 * - `tempPathFor` names the temp file an atomic write goes through, short enough for any name;
 *   `openTemp` / `commitTemp` / `discardTemp` are that write in steps (the streamed PNG of
 *   ./file.ts), `writeAtomically` in one call (every image format's).
 * - `namingFile` puts the file's name in front of a reader's errors.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, fsync, fsyncSync, mkdirSync, openSync, readSync, renameSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { basename, dirname, join, parse, resolve } from 'node:path';

/** What kind of file `stats` describes, in words for an error message. */
export function fileKind(stats: Stats): string {
  if (stats.isFile()) return 'a regular file';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads a regular file: first `headBytes` (or the whole file if shorter), which `checkHead` sees
 * and answers with the most bytes the whole file may have (it throws to refuse the file); then the
 * rest, up to that bound. Throws an Error naming the file for anything else than a regular file
 * and for a file over the bound, without reading it.
 * @example
 * const bytes = readFileBounded('kernel.json', 0, () => 64 << 20);
 */
export function readFileBounded(path: string, headBytes: number, checkHead: (head: Uint8Array, size: number) => number): Uint8Array {
  // O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a writer.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new Error(`${path}: ${fileKind(stats)}, not a regular file; only regular files are read`);
    const size = stats.size;
    const head = new Uint8Array(Math.min(headBytes, size));
    readFully(fd, head, 0);
    const bound = checkHead(head, size);
    if (size > bound) {
      throw new Error(`${path}: ${size} bytes, more than the ${bound} its contents allow; not read`);
    }
    const bytes = new Uint8Array(size);
    bytes.set(head);
    const read = readFully(fd, bytes, head.length);
    // A file that shrank since it was opened: what is there is all there is.
    return read < size ? bytes.subarray(0, read) : bytes;
  } finally {
    closeSync(fd);
  }
}

/** Reads into `into` from `offset` to its end, or until the file ends; returns the bytes in `into` then. */
function readFully(fd: number, into: Uint8Array, offset: number): number {
  let at = offset;
  while (at < into.length) {
    const n = readSync(fd, into, at, Math.min(into.length - at, 1 << 26), at);
    if (n === 0) break;
    at += n;
  }
  return at;
}

/**
 * Creates `dir` and any missing parents, one level at a time, so every failure is a clear error
 * (Node's `mkdirSync(dir, { recursive: true })` spins forever on some paths, such as under /proc,
 * where each level answers ENOENT or EEXIST in turn).
 * @example
 * makeDirectory('out/edges/2024');
 */
export function makeDirectory(dir: string): void {
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    let stats: Stats | undefined;
    try {
      stats = statSync(at);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') throw error;
    }
    if (stats) {
      if (!stats.isDirectory()) throw Object.assign(new Error(`${at} is ${fileKind(stats)}, not a directory`), { code: 'ENOTDIR' });
      break;
    }
    if (dirname(at) === at) break; // the root itself is missing: mkdirSync below reports it
    missing.push(at);
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    try {
      mkdirSync(missing[i]);
    } catch (error) {
      // Another process may have made it meanwhile; anything else is the answer.
      if ((error as { code?: string }).code !== 'EEXIST' || !statSync(missing[i]).isDirectory()) throw error;
    }
  }
}

/** File names longer than this (in bytes) are refused by most file systems. */
const NAME_MAX = 255;

/**
 * The temp file an atomic write of `path` goes through: `.<name>.<pid>.<hex>.tmp` beside it, so
 * `removeTempFiles` can find it; for a name too long to carry that, `.<hash of the name>.<pid>.<hex>.tmp`.
 * @example
 * tempPathFor('out/a.png') // 'out/.a.png.4242.3f9a0c1b2d4e.tmp'
 */
export function tempPathFor(path: string, pid = process.pid): string {
  const name = basename(path);
  const tail = `.${pid}.${randomBytes(6).toString('hex')}.tmp`;
  const stem = Buffer.byteLength(`.${name}${tail}`) <= NAME_MAX ? name : shortName(name);
  return join(dirname(path), `.${stem}${tail}`);
}

/** The stem that stands for a name too long for `tempPathFor`: a hash of it, with its extension. */
export function shortName(name: string): string {
  return `${createHash('sha256').update(name).digest('hex').slice(0, 32)}${parse(name).ext.slice(0, 16)}`;
}

/** A temp file beside its target, open for writing: `commitTemp` renames it into place. */
export interface TempFile {
  fd: number;
  tempPath: string;
}

/**
 * Opens a temp file in `path`'s directory (same file system, so the final rename is atomic),
 * named uniquely per call.
 * @example
 * const temp = openTemp('out.png'); writeSync(temp.fd, bytes); commitTemp(temp, 'out.png');
 */
export function openTemp(path: string): TempFile {
  const tempPath = tempPathFor(path);
  return { fd: openSync(tempPath, 'wx'), tempPath };
}

/**
 * Flushes the temp file to disk, closes it and renames it over `path`. `synced`: `syncTemp` has
 * already flushed it.
 */
export function commitTemp(temp: TempFile, path: string, synced = false): void {
  if (!synced) fsyncSync(temp.fd); // the data must be on disk before the rename makes it visible
  closeSync(temp.fd);
  temp.fd = -1;
  renameSync(temp.tempPath, path);
}

/**
 * `commitTemp`'s flush to disk on the thread pool, for callers that have other work meanwhile
 * (a streamed file's fsync took 2 ms of its thread per photo).
 */
export function syncTemp(temp: TempFile): Promise<void> {
  return new Promise((resolve, reject) => fsync(temp.fd, (error) => (error ? reject(error) : resolve())));
}

/** Closes and removes a temp file after a failure (best effort: the first failure is the one to report). */
export function discardTemp(temp: TempFile | undefined): void {
  if (!temp) return;
  try {
    if (temp.fd >= 0) closeSync(temp.fd);
  } catch {}
  try {
    unlinkSync(temp.tempPath);
  } catch {}
}

/**
 * Writes a file atomically: `write` fills a temp file, which is then committed. On failure the temp
 * file is removed, an existing file at `path` is left as it was, and the error says
 * `path: ${what} (reason)`.
 * @example
 * writeAtomically('out.png', (fd) => writeSync(fd, bytes), 'cannot write PNG');
 */
export function writeAtomically(path: string, write: (fd: number) => void, what: string): void {
  let temp: TempFile | undefined;
  try {
    temp = openTemp(path);
    write(temp.fd);
    commitTemp(temp, path);
  } catch (cause) {
    discardTemp(temp);
    throw new Error(`${path}: ${what} (${(cause as Error).message})`, { cause });
  }
}

/**
 * Runs `read` (a read and decode of the file at `path`) and names the file in its errors:
 * `photo.png: Invalid PNG: bad CRC in IDAT chunk`, a RangeError staying one. System errors
 * (ENOENT, EACCES...) keep their code for the caller and pass as they are, as do errors that
 * already name the file.
 * @example
 * const image = namingFile('photo.png', () => decodePng(readFileSync('photo.png')));
 */
export function namingFile<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (cause) {
    if ((cause as { code?: unknown }).code !== undefined || (cause as Error).message.startsWith(`${path}: `)) throw cause;
    const message = `${path}: ${(cause as Error).message}`;
    throw cause instanceof RangeError ? new RangeError(message, { cause }) : new Error(message, { cause });
  }
}
