/**
 * Deterministic names: a job id is a hash of everything that decides an output's bytes and place
 * (the input's path, size and mtime, the convolution, the output path, the library version), so
 * the same image enqueued twice is one job, and a changed input or option is a new one. A batch
 * id is a hash of its entries in order, so enqueueing the same batch twice names the same batch.
 */
import { createHash } from 'node:crypto';
import { version } from '../node/version.js';
import { canonicalJson, type Entry, type JobSpec } from './records.js';

/** What a job id is made of. Paths are relative to the root, with `/` separators. */
export interface JobIdentity {
  input: string;
  size: number;
  mtimeMs: number;
  output: string;
  spec: JobSpec;
}

/**
 * The job id of one image: `img-` and 40 hex digits of SHA-256 (BullMQ refuses ids with `:` or
 * only digits, and 160 bits make a collision in any real archive unthinkable).
 * @example
 * jobId({ input: 'photos/a.png', size: 5120, mtimeMs: 1733300000000, output: 'edges/a.png', spec }) // 'img-9c1f…'
 */
export function jobId(identity: JobIdentity, libraryVersion = version()): string {
  const { input, size, mtimeMs, output, spec } = identity;
  const text = canonicalJson({ input, size, mtimeMs, output, spec, version: libraryVersion });
  return `img-${createHash('sha256').update(text).digest('hex').slice(0, 40)}`;
}

/**
 * The batch id of a list of entries: `b` and 24 hex digits of SHA-256 over them in order.
 * @example
 * batchId([{ job: 'img-9c1f…', input: 'photos/a.png', output: 'edges/a.png' }]) // 'b5d0e…'
 */
export function batchId(entries: readonly Entry[]): string {
  const hash = createHash('sha256');
  for (const entry of entries) hash.update(canonicalJson(entry)).update('\n');
  return `b${hash.digest('hex').slice(0, 24)}`;
}
