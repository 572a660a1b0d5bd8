/**
 * The job id recorded on an output, so that a job that runs again (its worker died after writing,
 * a lock ran out) sees that its output is already there and whole, and skips the work.
 *
 * The mark is a hidden sidecar file beside the output, `.<name>.conv2d-job`, holding the job id
 * and the output's size and mtime. Why not inside the PNG (a tEXt chunk): the output must be byte
 * for byte what a local run writes, and anything that hashes outputs would see two versions. Why
 * not an extended attribute: Node has no API for them and shared mounts (NFS before 4.2, SMB)
 * often drop them. A sidecar works on any file system a worker can write to, is skipped by the
 * library's own walks (names starting with `.`), and maps directly to object metadata set
 * atomically with the object on S3-like stores.
 *
 * The order makes it safe without locks: the mark is removed before the image is rendered, the
 * output is renamed into place, then the mark is written (temp file and rename). A crash between
 * any two steps leaves no mark, or one whose size and mtime no longer match, which only costs
 * rendering the same bytes again. A mark never vouches for bytes it did not see written.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** What a mark holds besides the job id: the output as written, and its size for the report. */
export interface OutputMark {
  job: string;
  size: number;
  mtimeMs: number;
  width: number;
  height: number;
  pixels: number;
}

/**
 * The sidecar path of an output.
 * @example
 * markPath('edges/a.png') // 'edges/.a.png.conv2d-job'
 */
export function markPath(output: string): string {
  return join(dirname(output), `.${basename(output)}.conv2d-job`);
}

/**
 * The mark of `output` if it names `job` and the output is still the file it was written on
 * (same size and mtime); otherwise undefined.
 * @example
 * await readMark('edges/a.png', 'img-9c1f…') // { job: 'img-9c1f…', width: 64, height: 48, … } or undefined
 */
export async function readMark(output: string, job: string): Promise<OutputMark | undefined> {
  let mark: OutputMark;
  try {
    mark = JSON.parse(await readFile(markPath(output), 'utf8')) as OutputMark;
  } catch {
    return undefined; // none, or half-readable: render again
  }
  if (mark?.job !== job) return undefined;
  try {
    const stats = await stat(output);
    return stats.size === mark.size && stats.mtimeMs === mark.mtimeMs ? mark : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes the mark of `output` (before it is written again), if there is one.
 * @example
 * await clearMark('edges/a.png')
 */
export async function clearMark(output: string): Promise<void> {
  try {
    await unlink(markPath(output));
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
}

/**
 * Marks `output`, just written by `job`, with the size and mtime it has now. The mark is written to
 * a temp file named as `writePng` names its own (`.<mark>.<pid>.<hex>.tmp`, which the batch's
 * temp-file cleanup knows) and renamed into place.
 * @example
 * await writeMark('edges/a.png', 'img-9c1f…', { width: 64, height: 48, pixels: 3072 })
 */
export async function writeMark(output: string, job: string, image: { width: number; height: number; pixels: number }): Promise<void> {
  const stats = await stat(output);
  const mark: OutputMark = { job, size: stats.size, mtimeMs: stats.mtimeMs, ...image };
  const path = markPath(output);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, JSON.stringify(mark), { flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}
