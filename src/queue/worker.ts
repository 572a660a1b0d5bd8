/**
 * `startWorker`: takes images from a BullMQ queue and writes their outputs, until closed. Start at
 * `startWorker`, then `processJob`, which is one image: the skip checks, the library's own batch
 * worker threads (the very code a local `conv2d` run uses, so the bytes are the same), the output
 * mark, and the record `batchStatus` reads.
 *
 * The convolution runs on worker threads, never on this thread, which only schedules and renews
 * BullMQ's job locks: a long image never looks like a stalled job. When a process dies (SIGKILL,
 * a lost machine) its jobs' locks run out and another worker takes them after the stall interval.
 */
import type { Job, Worker } from 'bullmq';
import type { Piscina } from 'piscina';
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { typeError } from '../core/errors.js';
import { integer, optionsObject } from '../core/validate.js';
import { createBatchPool, IMAGES_PER_THREAD, removeTempFiles, zlibOnWorkers } from '../node/batch/index.js';
import type { BatchTask, BatchTaskResult, BatchWorkerData } from '../node/batch/worker.js';
import { bullConnection, connectRedis, queueKeys, queueName, redisUrl } from './connection.js';
import { clearMark, markPath, readMark, writeMark } from './output-mark.js';
import { canonicalJson, saveRecord, type JobData, type JobRecord } from './records.js';
import { settingsOf } from './spec.js';
import { inside, rootDir } from './paths.js';

/** Options of `startWorker`. */
export interface WorkerOptions {
  /** The Redis server, as `redis://host:port` (or `rediss://` for TLS). */
  redis: string;
  /** The queue's name (default `"conv2d"`), as given to `enqueueFiles`. */
  queue?: string;
  /** The directory job paths are relative to (default: the current directory). */
  root?: string;
  /**
   * Worker threads (default: `os.availableParallelism()`), each working on two images at once, as
   * `convolveFiles`'s `jobs`.
   */
  jobs?: number;
  /**
   * Milliseconds after which a job whose worker stopped renewing its lock is taken by another
   * worker (BullMQ's lock duration and stalled-job check interval; default 30000).
   */
  stallInterval?: number;
  /** Called after each image, and on connection errors (`error`); for logs. */
  onEvent?: (event: WorkerEvent) => void;
}

/** What `onEvent` is told. */
export type WorkerEvent =
  | { kind: 'done'; job: string; input: string; output: string; record: JobRecord }
  | { kind: 'retry'; job: string; input: string; error: string }
  | { kind: 'error'; error: string };

/** A running worker. */
export interface QueueWorker {
  /**
   * Stops taking jobs and resolves once those in progress are done (`force`: at once, handing
   * them back to the queue, where another worker takes them after the stall interval).
   */
  close(force?: boolean): Promise<void>;
}

/** A pool of the library's batch worker threads for one convolution, and its images in progress. */
interface PoolEntry {
  pool: Promise<Piscina<BatchTask, BatchTaskResult>>;
  busy: number;
}

/** Kept between images: a pool per distinct convolution (usually one), threads leave when idle. */
const POOL_IDLE_MS = 10_000;
/** How often a job may be taken back from a dead worker before it fails (a crash-looping image). */
const MAX_STALLED = 3;

/**
 * Starts a worker on the queue and resolves once it is connected. Arguments are checked first
 * (TypeError or RangeError naming them); an unreachable Redis rejects after 10 s. Every job's
 * paths are resolved against `root`, which must be the same shared folder (mounted anywhere) that
 * `enqueueFiles` was given.
 * @example
 * const worker = await startWorker({ redis: 'redis://10.0.0.5:6379', root: '/mnt/photos', jobs: 4 });
 * process.on('SIGTERM', () => worker.close().then(() => process.exit(0)));
 */
export async function startWorker(options: WorkerOptions): Promise<QueueWorker> {
  if (options === undefined) throw typeError('options', 'an object with at least { redis }', options);
  const o = optionsObject(options, 'options', ['redis', 'queue', 'root', 'jobs', 'stallInterval', 'onEvent']) as unknown as WorkerOptions;
  const url = redisUrl(o.redis, 'options.redis');
  const queue = queueName(o.queue, 'options.queue');
  const root = rootDir(o.root, 'options.root');
  const jobs = o.jobs === undefined ? availableParallelism() : integer(o.jobs, 'options.jobs', 1, 1024);
  const stallInterval = o.stallInterval === undefined ? 30_000 : integer(o.stallInterval, 'options.stallInterval', 100, 86_400_000);
  if (o.onEvent !== undefined && typeof o.onEvent !== 'function') throw typeError('options.onEvent', 'a function', o.onEvent);
  const onEvent = o.onEvent ?? (() => {});

  const { Worker: BullWorker, UnrecoverableError } = await import('bullmq');
  const redis = await connectRedis(url);
  const keys = queueKeys(queue);
  const pools = new Map<string, PoolEntry>();

  /** One image, start to end; the value is the job's return value in BullMQ. */
  async function processJob(job: Job<JobData>): Promise<JobRecord> {
    const id = job.id!;
    const started = Date.now();
    let input: string;
    let output: string;
    let workerData: BatchWorkerData;
    let skipExisting: boolean;
    try {
      input = inside(root, job.data?.input, 'input');
      output = inside(root, job.data?.output, 'output');
      ({ workerData, skipExisting } = settingsOf(job.data?.spec));
    } catch (error) {
      await finish(job, { status: 'failed', error: `bad job: ${(error as Error).message}` });
      throw new UnrecoverableError(`bad job: ${(error as Error).message}`);
    }
    await saveRecord(redis, keys.results, id, { status: 'active', started });
    const retried = job.attemptsStarted > 1;

    if (skipExisting && exists(output)) return finish(job, { status: 'skipped', started });
    const mark = await readMark(output, id);
    if (mark) {
      if (retried) await removeTempFiles([output, markPath(output)], 'any');
      return finish(job, { status: 'written', width: mark.width, height: mark.height, pixels: mark.pixels, started });
    }
    await clearMark(output);

    let answer: BatchTaskResult;
    const entry = poolFor(workerData);
    entry.busy++;
    try {
      answer = await (await entry.pool).run({ input, output, zlibOnThread: zlibOnWorkers(jobs, entry.busy) });
    } catch (error) {
      // The thread died under the image (out of memory, most likely): worth another try.
      answer = { ok: false, error: `the worker thread stopped (${(error as Error)?.message ?? String(error)})` };
    } finally {
      entry.busy--;
    }
    if (answer.ok) {
      await writeMark(output, id, answer);
      // A worker that died on this job may have left a temp file; only a rerun can find one.
      if (retried) await removeTempFiles([output, markPath(output)], 'any');
      return finish(job, { status: 'written', width: answer.width, height: answer.height, pixels: answer.pixels, started });
    }
    const permanent = isPermanent(answer.error);
    const attempts = job.opts.attempts ?? 1;
    if (permanent || job.attemptsMade + 1 >= attempts) {
      await finish(job, { status: 'failed', error: answer.error, started });
    } else {
      onEvent({ kind: 'retry', job: id, input: job.data.input, error: answer.error });
    }
    throw permanent ? new UnrecoverableError(answer.error) : new Error(answer.error);
  }

  async function finish(job: Job<JobData>, record: JobRecord): Promise<JobRecord> {
    const done = { ...record, finished: Date.now(), attempts: job.attemptsStarted };
    await saveRecord(redis, keys.results, job.id!, done);
    onEvent({ kind: 'done', job: job.id!, input: String(job.data?.input), output: String(job.data?.output), record: done });
    return done;
  }

  function poolFor(workerData: BatchWorkerData): PoolEntry {
    const key = canonicalJson({ ...workerData, kernel: { ...workerData.kernel, data: Array.from(workerData.kernel.data) } });
    let entry = pools.get(key);
    if (!entry) {
      // Pools of earlier batches with nothing running go; their threads have left already.
      for (const [k, e] of pools) {
        if (e.busy === 0) {
          void e.pool.then((p) => p.destroy());
          pools.delete(k);
        }
      }
      entry = { pool: createBatchPool(jobs, workerData, POOL_IDLE_MS), busy: 0 };
      pools.set(key, entry);
    }
    return entry;
  }

  const worker: Worker<JobData, JobRecord> = new BullWorker<JobData, JobRecord>(queue, processJob, {
    connection: bullConnection(url),
    concurrency: jobs * IMAGES_PER_THREAD, // as many jobs as the pool runs at once
    lockDuration: stallInterval,
    stalledInterval: stallInterval,
    maxStalledCount: MAX_STALLED,
  });
  worker.on('error', (error) => onEvent({ kind: 'error', error: error.message }));
  // A job taken back from dead workers too often fails without reaching processJob: record it.
  worker.on('failed', (job, error) => {
    if (!job || !/stalled/i.test(error.message)) return;
    void finish(job, { status: 'failed', error: `${error.message} (its worker died each time)` }).catch(() => {});
  });
  await worker.waitUntilReady();

  let closing: Promise<void> | undefined;
  return {
    close(force = false) {
      if (force) return worker.close(true).then(shutDown);
      closing ??= worker.close().then(shutDown);
      return closing;
    },
  };

  async function shutDown(): Promise<void> {
    await Promise.all([...pools.values()].map(async (e) => (await e.pool).destroy()));
    pools.clear();
    redis.disconnect();
  }
}

/**
 * Whether a failure is the input's own (corrupt, too large, an impossible convolution: retrying
 * cannot help) rather than the file system's or the machine's (retried with backoff). The batch
 * worker words its failures for `file: reason`; file-system ones are the few it names itself.
 */
function isPermanent(error: string): boolean {
  return !(/^(cannot write |cannot create directory |the worker thread stopped)/.test(error) ||
    /^(no such file|permission denied|is a directory|not a directory)$/.test(error) ||
    /^E[A-Z]+\b/.test(error));
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
