/**
 * `enqueueFiles`: the producer side of a queued batch. It finds the inputs exactly as a local
 * `convolveFiles` run does (the same expansion, naming and safety checks, imported from
 * ../node/batch/), records the batch's entries in Redis, and adds one BullMQ job per image under
 * a deterministic id, so that enqueueing the same batch again adds nothing.
 */
import type { Redis } from 'ioredis';
import { typeError } from '../core/errors.js';
import { pixelLimit } from '../core/limits.js';
import type { ConvolveOptions, Kernel, Uint8Map } from '../core/types.js';
import { integer, optionsObject } from '../core/validate.js';
import { checkConvolution, checkFileOptions } from '../node/batch/index.js';
import { checkInputs, expand, statOrUndefined } from '../node/batch/inputs.js';
import { Run } from '../node/batch/run.js';
import type { BatchItem } from '../node/batch/types.js';
import { bullConnection, connectRedis, queueKeys, queueName, redisUrl, type QueueKeys } from './connection.js';
import { batchId, jobId } from './job-id.js';
import { belowRoot, rootDir } from './paths.js';
import type { Entry, JobData } from './records.js';
import { specOf } from './spec.js';

/** Options of `enqueueFiles`: where the queue is, and the same output options as `convolveFiles`. */
export interface EnqueueOptions {
  /** The Redis server, as `redis://host:port` (or `rediss://` for TLS). */
  redis: string;
  /** The queue's name (default `"conv2d"`); workers must name the same. */
  queue?: string;
  /**
   * The folder that producer and workers share (default: the current directory). Jobs carry
   * paths relative to it; inputs and outputs outside it are refused.
   */
  root?: string;
  /** As in `convolveFiles`: where outputs go, the suffix added to their names, and the pixels. */
  outDir?: string;
  suffix?: string;
  color?: boolean;
  map?: Uint8Map;
  /** Skip inputs whose output exists when the batch is enqueued (and when a worker takes it). */
  skipExisting?: boolean;
  limitInputPixels?: number | boolean;
  /** Tries per image before a transient failure (I/O) is final (default 5); corrupt inputs get one. */
  attempts?: number;
  /** Milliseconds before the first retry, doubled for each next one (default 1000). */
  backoff?: number;
}

/** The answer of `enqueueFiles`. */
export interface EnqueueResult {
  /** The batch's id, for `batchStatus` (the same for the same inputs, options and files). */
  batch: string;
  /** Images of the batch that are jobs (inputs refused at once are entries, not jobs). */
  jobs: number;
  /** Jobs that were new to the queue (0 when the same batch was enqueued before). */
  added: number;
  /** Inputs refused at once (as a local run would: nothing to read, an output over an input, …). */
  refused: number;
}

/** Jobs added per round trip: large enough to amortise it, small enough to keep Redis responsive. */
const CHUNK = 500;

/**
 * Adds one job per input image to the queue and records the batch, for workers started with
 * `startWorker` (on any machine that mounts the same `root`). `inputs`, `kernel` and `options` are
 * as in `convolveFiles`, and outputs are named as it names them. Arguments are checked first
 * (TypeError or RangeError naming them); an unreachable Redis rejects.
 * @example
 * const { batch, jobs, added } = await enqueueFiles(['photos/'], kernels.edge, { padding: 'same' }, {
 *   redis: 'redis://10.0.0.5:6379', outDir: 'edges',
 * });
 * // { batch: 'b5d0e…', jobs: 1200, added: 1200, refused: 0 }; then: await batchStatus(batch, { redis, wait: true })
 */
export async function enqueueFiles(
  inputs: string | Iterable<string | BatchItem> | AsyncIterable<string | BatchItem>,
  kernel: Kernel,
  options: ConvolveOptions | undefined,
  batch: EnqueueOptions,
): Promise<EnqueueResult> {
  const list = checkInputs(inputs);
  if (batch === undefined) throw typeError('batch', 'an object with at least { redis }', batch);
  const b = optionsObject(batch, 'batch', [
    'redis', 'queue', 'root', 'outDir', 'suffix', 'color', 'map', 'skipExisting', 'limitInputPixels', 'attempts', 'backoff',
  ]) as unknown as EnqueueOptions;
  const url = redisUrl(b.redis, 'batch.redis');
  const queue = queueName(b.queue, 'batch.queue');
  const root = rootDir(b.root, 'batch.root');
  const attempts = b.attempts === undefined ? 5 : integer(b.attempts, 'batch.attempts', 1, 100);
  const backoff = b.backoff === undefined ? 1000 : integer(b.backoff, 'batch.backoff', 0, 3_600_000);
  if (b.limitInputPixels !== undefined) pixelLimit(b.limitInputPixels, 'batch.limitInputPixels');
  const convolution = checkConvolution(kernel, options, b.limitInputPixels);
  const settings = checkFileOptions(b, list, convolution);
  const spec = specOf(settings);

  // The same admission as a local run: each input gets exactly one result, in order.
  const run = new Run(settings.naming, settings.skipExisting, undefined);
  if (Array.isArray(list)) run.noteExplicitInputs(list);
  const entries: Entry[] = [];
  const jobs: { id: string; data: JobData }[] = [];
  for await (const found of expand(list, settings.naming)) {
    const task = run.admit(found);
    const result = run.results[run.results.length - 1];
    if (!task) {
      entries.push({ input: result.input, output: result.output, status: result.status === 'skipped' ? 'skipped' : 'failed', error: result.error });
      continue;
    }
    const input = belowRoot(root, task.entry.input);
    const output = belowRoot(root, task.output);
    const stats = statOrUndefined(task.entry.input);
    if (input === undefined || output === undefined || !stats) {
      const error = !stats ? 'no such file'
        : `the ${input === undefined ? 'input' : 'output'} is outside the root ${root}, where workers look`;
      entries.push({ input: task.entry.input, output: task.output, status: 'failed', error });
      continue;
    }
    const id = jobId({ input, size: stats.size, mtimeMs: stats.mtimeMs, output, spec });
    entries.push({ job: id, input: task.entry.input, output: task.output });
    jobs.push({ id, data: { batch: '', input, output, spec } });
  }
  const batchName = batchId(entries);
  for (const job of jobs) job.data.batch = batchName;

  const redis = await connectRedis(url);
  const { Queue } = await import('bullmq');
  const bull = new Queue<JobData>(queue, { connection: bullConnection(url) });
  try {
    await recordBatch(redis, queueKeys(queue), batchName, entries);
    let added = 0;
    for (let i = 0; i < jobs.length; i += CHUNK) {
      const chunk = jobs.slice(i, i + CHUNK);
      // Only the jobs the queue has not seen are added (BullMQ would ignore the others, but could
      // not say which were new); a job of another batch with the same id counts as there.
      const seen = await redis.pipeline(chunk.map((job) => ['exists', `bull:${queue}:${job.id}`])).exec();
      const fresh = chunk.filter((_, k) => seen?.[k]?.[1] === 0);
      if (fresh.length === 0) continue;
      await bull.addBulk(fresh.map((job) => ({
        name: 'image',
        data: job.data,
        opts: { jobId: job.id, attempts, backoff: { type: 'exponential', delay: backoff } },
      })));
      added += fresh.length;
    }
    return { batch: batchName, jobs: jobs.length, added, refused: entries.length - jobs.length };
  } finally {
    await bull.close();
    redis.disconnect();
  }
}

/**
 * Stores the batch's entries once: a second enqueue of the same batch (the same id) finds them and
 * leaves them; two at the same moment are kept apart by WATCH, so the list is never doubled.
 */
async function recordBatch(redis: Redis, keys: QueueKeys, batch: string, entries: Entry[]): Promise<void> {
  const meta = keys.batch(batch);
  for (;;) {
    await redis.watch(meta);
    if (await redis.exists(meta)) {
      await redis.unwatch();
      return;
    }
    const tx = redis.multi();
    tx.del(keys.entries(batch));
    for (let i = 0; i < entries.length; i += CHUNK) {
      tx.rpush(keys.entries(batch), ...entries.slice(i, i + CHUNK).map((e) => JSON.stringify(e)));
    }
    tx.hset(meta, { created: Date.now(), entries: entries.length });
    if (await tx.exec()) return; // null: another producer got there first; look again
  }
}
