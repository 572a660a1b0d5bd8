/**
 * What a queued batch keeps in Redis and in BullMQ: the job data (paths relative to the root, the
 * convolution), the batch's entries in input order, and one record per job id. Jobs are written
 * by `enqueueFiles`, records by the workers, and both are read back by `batchStatus`; the
 * functions here are the only place that knows their shape.
 */
import type { Redis } from 'ioredis';
import type { BatchWorkerData } from '../node/batch/worker.js';

/** A kernel as JSON carries it: the exact float64 taps, row by row. */
export interface KernelJson {
  width: number;
  height: number;
  data: number[];
}

/** The convolution of a job: what batch-worker.ts takes, in JSON, plus `skipExisting`. */
export interface JobSpec {
  kernel: KernelJson;
  options: Record<string, unknown>;
  color: boolean;
  map: BatchWorkerData['map'];
  limitInputPixels?: number | boolean;
  skipExisting: boolean;
}

/** A BullMQ job's data: one image. */
export interface JobData {
  /** The batch that first added this job (a job shared by two batches keeps the first). */
  batch: string;
  /** Input and output relative to the root each process names, with `/` separators. */
  input: string;
  output: string;
  spec: JobSpec;
}

/** One entry of a batch, in input order: a job, or an input refused before any job was made. */
export type Entry =
  | { job: string; input: string; output: string }
  | { input: string; output?: string; status: 'failed' | 'skipped'; error?: string };

/** The last word on a job, kept by id: in progress, or what became of it. */
export interface JobRecord {
  status: 'active' | 'written' | 'skipped' | 'failed';
  error?: string;
  width?: number;
  height?: number;
  pixels?: number;
  /** Times in ms since 1970: when a worker first took the job, and when it ended. */
  started?: number;
  finished?: number;
  /** How many times a worker took the job (BullMQ's attemptsStarted) when it ended. */
  attempts?: number;
}

/** The JSON of `spec`, keys sorted at every level, so equal settings always hash the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

// A final record (written or skipped) is never replaced by a failure: a worker whose lock ran out
// may fail late (its temp file was cleaned up by the worker that finished the job).
const RECORD_FAILURE = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old and (string.find(old, '"status":"written"', 1, true) or string.find(old, '"status":"skipped"', 1, true)) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`;

/**
 * Writes a job's record: `active` only when there is none yet (a rerun keeps the first start
 * time and any final word), `failed` unless the job already succeeded, the rest always.
 * @example
 * await saveRecord(redis, queueKeys('conv2d').results, 'img-3f…', { status: 'written', width: 64, height: 48 })
 */
export async function saveRecord(redis: Redis, key: string, jobId: string, record: JobRecord): Promise<void> {
  const json = JSON.stringify(record);
  if (record.status === 'active') await redis.hsetnx(key, jobId, json);
  else if (record.status === 'failed') await redis.eval(RECORD_FAILURE, 1, key, jobId, json);
  else await redis.hset(key, jobId, json);
}

/**
 * The records of `jobIds` (undefined where a job has none), fetched with one HMGET.
 * @example
 * await loadRecords(redis, queueKeys('conv2d').results, ['img-3f…']) // [{ status: 'written', … }]
 */
export async function loadRecords(redis: Redis, key: string, jobIds: string[]): Promise<(JobRecord | undefined)[]> {
  if (jobIds.length === 0) return [];
  const values = await redis.hmget(key, ...jobIds);
  return values.map((v) => (v === null ? undefined : (JSON.parse(v) as JobRecord)));
}
