/**
 * `batchStatus`: where a queued batch stands, read from the entries `enqueueFiles` recorded and
 * the records the workers wrote, as counts, a rate and an ETA, and as the very report a local
 * `convolveFiles` run returns (`results` in input order, `totals`). With `wait`, it looks again
 * whenever the queue logs an event (at least every `interval` ms) until every entry is final.
 */
import type { Redis } from 'ioredis';
import { typeError, rangeError } from '../core/errors.js';
import { integer, optionsObject } from '../core/validate.js';
import type { BatchReport, BatchResult } from '../node/batch/types.js';
import { bullConnection, connectRedis, queueKeys, queueName, redisUrl, type QueueKeys } from './connection.js';
import { loadRecords, type Entry, type JobRecord } from './records.js';

/** Options of `batchStatus`. */
export interface StatusOptions {
  /** The Redis server, as `redis://host:port`. */
  redis: string;
  /** The queue's name (default `"conv2d"`). */
  queue?: string;
  /** Resolve only when every image of the batch is written, skipped or failed. */
  wait?: boolean;
  /** While waiting: the longest time between looks, in ms (default 500); a job ending wakes it sooner. */
  interval?: number;
  /** Called with each look while waiting (and once without). */
  onProgress?: (status: QueueBatchStatus) => void;
  /** Stops waiting: the promise resolves with the status as it is then. */
  signal?: AbortSignal;
}

/** Where a batch stands. */
export interface QueueBatchStatus {
  batch: string;
  /** Entries of the batch: its images, and inputs refused when it was enqueued. */
  total: number;
  written: number;
  skipped: number;
  failed: number;
  /** Images a worker is on now. */
  active: number;
  /** Images no worker has taken yet (or handed back for a retry). */
  waiting: number;
  /** Every entry is written, skipped or failed. */
  finished: boolean;
  /** Images finished per second since the first was taken (undefined before two are done). */
  imagesPerSecond?: number;
  /** Seconds until the rest is done at that rate. */
  etaSeconds?: number;
  /** The report a local run gives: `results` in input order (`interrupted` for those not done yet), `totals`. */
  report: BatchReport;
}

/** Entries read per round trip. */
const CHUNK = 1000;
/** Unfinished jobs looked up in BullMQ per look, at most (see `look`). */
const CHECK_MAX = 100;
/** While waiting, the shortest time between looks however many events arrive. */
const LOOK_GAP_MS = 100;
/** How long a batch must stand still before unfinished jobs are looked up in BullMQ. */
const STILL_MS = 3000;

/**
 * The status of `batch` (an id from `enqueueFiles`). Arguments are checked first (TypeError or
 * RangeError naming them); a batch the queue does not know rejects with a RangeError too.
 * @example
 * const status = await batchStatus('b5d0e…', { redis: 'redis://10.0.0.5:6379', wait: true });
 * // status.report.totals: { inputs: 1200, written: 1199, skipped: 0, failed: 1, … }
 */
export async function batchStatus(batch: string, options: StatusOptions): Promise<QueueBatchStatus> {
  if (typeof batch !== 'string') throw typeError('batch', 'a batch id string', batch);
  if (!/^b[0-9a-f]{24}$/.test(batch)) throw rangeError('batch', 'a batch id as enqueueFiles returns it (b and 24 hex digits)', batch);
  if (options === undefined) throw typeError('options', 'an object with at least { redis }', options);
  const o = optionsObject(options, 'options', ['redis', 'queue', 'wait', 'interval', 'onProgress', 'signal']) as unknown as StatusOptions;
  const url = redisUrl(o.redis, 'options.redis');
  const queue = queueName(o.queue, 'options.queue');
  if (o.wait !== undefined && typeof o.wait !== 'boolean') throw typeError('options.wait', 'true or false', o.wait);
  const interval = o.interval === undefined ? 500 : integer(o.interval, 'options.interval', 10, 3_600_000);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw typeError('options.onProgress', 'a function', o.onProgress);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw typeError('options.signal', 'an AbortSignal', o.signal);

  const redis = await connectRedis(url);
  const keys = queueKeys(queue);
  const { Queue } = await import('bullmq');
  const bull = new Queue(queue, { connection: bullConnection(url) });
  try {
    if (!(await redis.exists(keys.batch(batch)))) throw rangeError('batch', `a batch the queue ${queue} knows`, batch);
    const entries = await readEntries(redis, keys, batch);
    // BullMQ is asked about unfinished jobs only when the batch has not moved for STILL_MS, and
    // about CHECK_MAX of them per look, in turn: while workers report, their records say it all,
    // and Redis is spared a script call per job and look.
    let lastDone = -1;
    let moved = Date.now();
    let turn = 0;
    const fromQueue = new Map<string, JobRecord>(); // final states found in BullMQ, kept across looks
    const pick = (open: number[], done: number): number[] => {
      if (done !== lastDone) {
        lastDone = done;
        moved = Date.now();
      }
      if (o.wait && Date.now() - moved < STILL_MS) return [];
      if (open.length <= CHECK_MAX) return open;
      const start = (turn++ * CHECK_MAX) % open.length;
      return [...open.slice(start), ...open.slice(0, start)].slice(0, CHECK_MAX);
    };
    const wake = o.wait ? queueEvents(redis, bull.keys.events, o.signal) : undefined;
    try {
      for (;;) {
        const lookedAt = Date.now();
        const status = await look(redis, keys, bull, batch, entries, fromQueue, pick);
        o.onProgress?.(status);
        if (!o.wait || status.finished || o.signal?.aborted) return status;
        await wake!.next(interval, lookedAt + Math.min(interval, LOOK_GAP_MS));
      }
    } finally {
      wake?.close();
    }
  } finally {
    await bull.close();
    redis.disconnect();
  }
}

async function readEntries(redis: Redis, keys: QueueKeys, batch: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  for (let start = 0; ; start += CHUNK) {
    const part = await redis.lrange(keys.entries(batch), start, start + CHUNK - 1);
    for (const json of part) entries.push(JSON.parse(json) as Entry);
    if (part.length < CHUNK) return entries;
  }
}

/** BullMQ's view of a job, for those without a final record. */
interface BullView {
  getJobState(id: string): Promise<string>;
  getJob(id: string): Promise<{ failedReason?: string } | undefined>;
}

/**
 * One look at the batch. Workers write a final record for every job they end, but a job can also
 * end where no worker sees it (removed from the queue by hand, failed in a way BullMQ decided):
 * the unfinished jobs that `pick` chooses (given them and the count of final entries) are looked
 * up in BullMQ too, so `wait` cannot hang.
 */
async function look(
  redis: Redis, keys: QueueKeys, bull: BullView, batch: string, entries: Entry[], fromQueue: Map<string, JobRecord>,
  pick: (open: number[], done: number) => number[],
): Promise<QueueBatchStatus> {
  const ids = entries.map((e) => ('job' in e ? e.job : undefined));
  const records: (JobRecord | undefined)[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    const found = await loadRecords(redis, keys.results, part.filter((id): id is string => id !== undefined));
    let k = 0;
    for (const id of part) records.push(id === undefined ? undefined : found[k++]);
  }
  ids.forEach((id, i) => {
    if (id !== undefined && !isFinal(records[i]) && fromQueue.has(id)) records[i] = fromQueue.get(id);
  });
  const open = ids.map((id, i) => (id !== undefined && !isFinal(records[i]) ? i : -1)).filter((i) => i >= 0);
  if (open.length > 0) {
    await Promise.all(pick(open, entries.length - open.length).map(async (i) => {
      const id = ids[i]!;
      const state = await bull.getJobState(id);
      if (state === 'unknown') records[i] = { status: 'failed', error: 'the job is no longer in the queue (removed?); enqueue the batch again' };
      else if (state === 'failed') records[i] = { status: 'failed', error: (await bull.getJob(id))?.failedReason ?? 'failed' };
      if (isFinal(records[i])) fromQueue.set(id, records[i]!);
    }));
  }

  const results: BatchResult[] = [];
  let written = 0, skipped = 0, failed = 0, active = 0, waiting = 0, pixels = 0;
  let first = Infinity, last = 0, jobsDone = 0;
  entries.forEach((entry, i) => {
    const record = 'job' in entry ? records[i] : { status: entry.status, error: entry.error };
    const result: BatchResult = { input: entry.input, output: entry.output, status: 'interrupted' };
    if (record?.started !== undefined) first = Math.min(first, record.started);
    switch (record?.status) {
      case 'written':
        result.status = 'written';
        result.width = record.width;
        result.height = record.height;
        written++;
        pixels += record.pixels ?? 0;
        break;
      case 'skipped':
        result.status = 'skipped';
        skipped++;
        break;
      case 'failed':
        result.status = 'failed';
        result.error = record.error;
        failed++;
        break;
      case 'active':
        active++;
        break;
      default:
        waiting++;
    }
    if ('job' in entry && isFinal(record)) {
      jobsDone++;
      last = Math.max(last, record?.finished ?? 0);
    }
    results.push(result);
  });
  const finished = active + waiting === 0;
  const seconds = first === Infinity ? 0 : Math.max(0, ((finished ? last : Date.now()) - first) / 1000);
  const imagesPerSecond = jobsDone >= 2 && seconds > 0 ? jobsDone / seconds : undefined;
  return {
    batch,
    total: entries.length,
    written,
    skipped,
    failed,
    active,
    waiting,
    finished,
    imagesPerSecond,
    etaSeconds: imagesPerSecond === undefined ? undefined : (active + waiting) / imagesPerSecond,
    report: {
      results,
      totals: { inputs: entries.length, written, skipped, failed, interrupted: active + waiting, pixels, seconds },
      interrupted: !finished,
    },
  };
}

function isFinal(record: JobRecord | undefined): boolean {
  return record !== undefined && record.status !== 'active';
}

/**
 * Waits for the next event BullMQ logs on the queue's event stream (a job taken, completed,
 * failed or handed back) or for `ms`, whichever comes first: a blocking XREAD on a connection of
 * its own. Polling alone left `wait` up to an interval behind the batch's end, which a short
 * batch felt (a quarter of a second on average at the default 500 ms). Looks stay apart until
 * `notBefore` however busy the stream is, so a farm's thousand events a second cost one look
 * per gap.
 */
function queueEvents(redis: Redis, stream: string, signal: AbortSignal | undefined) {
  const blocker = redis.duplicate();
  const stop = () => blocker.disconnect(); // an abort ends a blocked XREAD at once
  signal?.addEventListener('abort', stop, { once: true });
  // The newest id now, so no event between two reads is missed (none yet: from the start).
  let last: Promise<string> = blocker.xrevrange(stream, '+', '-', 'COUNT', 1).then((newest) => newest[0]?.[0] ?? '0-0', () => '0-0');
  return {
    async next(ms: number, notBefore: number): Promise<void> {
      try {
        const from = await last;
        const read = (await blocker.xread('COUNT', 1000, 'BLOCK', ms, 'STREAMS', stream, from)) as [string, [string, string[]][]][] | null;
        const events = read?.[0]?.[1];
        if (events?.length) last = Promise.resolve(events[events.length - 1]![0]);
      } catch {
        // Aborted, or Redis went away: waiting out the interval is all that is needed.
        await sleep(ms, signal);
      }
      if (notBefore > Date.now()) await sleep(notBefore - Date.now(), signal);
    },
    close(): void {
      signal?.removeEventListener('abort', stop);
      blocker.disconnect();
    },
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.resolve(); // its abort event has been and gone
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
