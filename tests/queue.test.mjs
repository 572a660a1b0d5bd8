// conv2d-wasm/queue: argument checks of enqueueFiles, startWorker and batchStatus (before Redis is
// touched), deterministic job ids, enqueueing twice, corrupt inputs (failed at once, attempted
// once) and transient failures (retried), through the API and the CLI, on a private redis-server.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { kernels } from '../dist/node/index.js';
import { enqueueFiles, startWorker, batchStatus } from '../dist/queue/index.js';
import { cleanup, cli, listFiles, makeImages, redisAvailable, startRedis, writeCorrupt } from './queue-helpers.mjs';

const HAVE_REDIS = redisAvailable();
let redis;
let dir;

async function rejects(promise, Type, pattern) {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, Type, `${error?.message}`);
    assert.match(error.message, pattern);
    return;
  }
  assert.unreachable(`expected ${Type.name} matching ${pattern}`);
}

// -------------------------------------------------------------------------------------------
const checks = suite('queue: argument checks');
const R = 'redis://127.0.0.1:1'; // never reached: every check comes before the connection

checks('enqueueFiles names each bad argument', async () => {
  const d = makeImages(1);
  try {
    const cases = [
      [() => enqueueFiles(5, kernels.edge, {}, { redis: R }), TypeError, /inputs/],
      [() => enqueueFiles(['a.png'], 'edge', {}, { redis: R }), TypeError, /kernel/],
      [() => enqueueFiles(['a.png'], kernels.edge, { stride: 0 }, { redis: R, outDir: 'o' }), RangeError, /options\.stride/],
      [() => enqueueFiles(['a.png'], kernels.edge, {}, undefined), TypeError, /\bbatch\b/],
      [() => enqueueFiles(['a.png'], kernels.edge, {}, { outDir: 'o' }), TypeError, /batch\.redis/],
      [() => enqueueFiles(['a.png'], kernels.edge, {}, { redis: 'http://x', outDir: 'o' }), RangeError, /batch\.redis/],
      [() => enqueueFiles(['a.png'], kernels.edge, {}, { redis: 6379, outDir: 'o' }), TypeError, /batch\.redis/],
      [() => enqueueFiles(['a.png'], kernels.edge, {}, { redis: R, queue: 'a:b', outDir: 'o' }), RangeError, /batch\.queue/],
      [() => enqueueFiles(['a.png'], kernels.edge, {}, { redis: R, queue: 7, outDir: 'o' }), TypeError, /batch\.queue/],
      [() => enqueueFiles(['a.png'], kernels.edge, {}, { redis: R, root: join(d, 'nope'), outDir: 'o' }), RangeError, /batch\.root/],
      [() => enqueueFiles(['a.png'], kernels.edge, {}, { redis: R, root: 1, outDir: 'o' }), TypeError, /batch\.root/],
      [() => enqueueFiles(['a.png'], kernels.edge, {}, { redis: R, attempts: 0, outDir: 'o' }), RangeError, /batch\.attempts/],
      [() => enqueueFiles(['a.png'], kernels.edge, {}, { redis: R, attempts: '2', outDir: 'o' }), TypeError, /batch\.attempts/],
      [() => enqueueFiles(['a.png'], kernels.edge, {}, { redis: R, backoff: -1, outDir: 'o' }), RangeError, /batch\.backoff/],
      [() => enqueueFiles(['a.png'], kernels.edge, {}, { redis: R, outDir: 5 }), TypeError, /batch\.outDir/],
      [() => enqueueFiles(['a.png'], kernels.edge, {}, { redis: R, map: 'log', outDir: 'o' }), RangeError, /batch\.map/],
      [() => enqueueFiles(['a.png'], kernels.edge, {}, { redis: R, jobs: 2, outDir: 'o' }), TypeError, /batch\.jobs/],
      [() => enqueueFiles(['a.png'], kernels.edge, {}, { redis: R }), RangeError, /batch\.suffix/],
    ];
    for (const [call, Type, pattern] of cases) await rejects(call(), Type, pattern);
  } finally {
    cleanup(d);
  }
});

checks('startWorker names each bad argument', async () => {
  const cases = [
    [() => startWorker(), TypeError, /\boptions\b/],
    [() => startWorker({}), TypeError, /options\.redis/],
    [() => startWorker({ redis: 'redis://' }), RangeError, /options\.redis/],
    [() => startWorker({ redis: R, queue: '' }), RangeError, /options\.queue/],
    [() => startWorker({ redis: R, jobs: 0 }), RangeError, /options\.jobs/],
    [() => startWorker({ redis: R, jobs: 1.5 }), RangeError, /options\.jobs/],
    [() => startWorker({ redis: R, stallInterval: 5 }), RangeError, /options\.stallInterval/],
    [() => startWorker({ redis: R, root: '/no/such/dir' }), RangeError, /options\.root/],
    [() => startWorker({ redis: R, onEvent: 'log' }), TypeError, /options\.onEvent/],
    [() => startWorker({ redis: R, concurrency: 2 }), TypeError, /options\.concurrency/],
  ];
  for (const [call, Type, pattern] of cases) await rejects(call(), Type, pattern);
});

checks('batchStatus names each bad argument', async () => {
  const id = `b${'0'.repeat(24)}`;
  const cases = [
    [() => batchStatus(5, { redis: R }), TypeError, /\bbatch\b/],
    [() => batchStatus('b123', { redis: R }), RangeError, /\bbatch\b/],
    [() => batchStatus(id), TypeError, /\boptions\b/],
    [() => batchStatus(id, { redis: 'x' }), RangeError, /options\.redis/],
    [() => batchStatus(id, { redis: R, wait: 'yes' }), TypeError, /options\.wait/],
    [() => batchStatus(id, { redis: R, interval: 0 }), RangeError, /options\.interval/],
    [() => batchStatus(id, { redis: R, onProgress: 1 }), TypeError, /options\.onProgress/],
    [() => batchStatus(id, { redis: R, signal: {} }), TypeError, /options\.signal/],
  ];
  for (const [call, Type, pattern] of cases) await rejects(call(), Type, pattern);
});

checks('the CLI refuses bad queue flags with exit 2, before Redis is reached', async () => {
  const cases = [
    [['enqueue', 'in', '--out-dir', 'o'], /no Redis given/],
    [['enqueue', 'in', '--out-dir', 'o', '--redis', 'http://x'], /--redis/],
    [['enqueue', 'in', '--out-dir', 'o', '--redis', R, '--queue', 'a:b'], /--queue/],
    [['enqueue', 'in', '--out-dir', 'o', '--redis', R, '--jobs', '2'], /conv2d worker/],
    [['enqueue', 'in', '--out-dir', 'o', '--redis', R, '--stride', '0'], /--stride/],
    [['enqueue', 'in', '--out-dir', 'o', '--redis', R, '--attempts', '0'], /--attempts/],
    [['enqueue', 'in', '--out-dir', 'o', '--redis', R, '--root', '/no/such/dir'], /batch\.root/],
    // Flags a queued job does not carry are refused, not dropped.
    [['enqueue', 'in', '--out-dir', 'o', '--redis', R, '--depth', '16'], /does not take --depth/],
    [['enqueue', 'in', '--out-dir', 'o', '--redis', R, '--canny', '1,2'], /does not take --canny/],
    [['enqueue', 'in', '--out-dir', 'o', '--redis', R, '--quality', '90', '--weights', 'bt709'], /does not take --weights, --quality/],
    [['worker', '--redis', R, '--stall-interval', '0'], /--stall-interval/],
    [['worker', '--redis', R, 'in'], /takes no inputs/],
    [['worker', '--redis', R, '--jobs', 'x'], /--jobs/],
    [['status', '--redis', R], /one batch id/],
    [['status', 'nope', '--redis', R], /not a batch id/],
    [['status', `b${'0'.repeat(24)}`, '--redis', R, '--frobnicate'], /frobnicate/],
  ];
  for (const [args, pattern] of cases) {
    const { status, stderr } = await cli(args, { env: { ...process.env, CONV2D_REDIS: '' } });
    assert.is(status, 2, `${args.join(' ')}: ${stderr}`);
    assert.match(stderr, pattern, args.join(' '));
  }
  const env = await cli(['status', '--redis', R], { env: { ...process.env, CONV2D_REDIS: 'redis://127.0.0.1:1' } });
  assert.is(env.status, 2);
});

// -------------------------------------------------------------------------------------------
const jobs = suite('queue: jobs on a private redis-server');

jobs.before(async () => {
  if (!HAVE_REDIS) return;
  redis = await startRedis();
  dir = makeImages(12);
});
jobs.after(async () => {
  await redis?.stop();
  if (redis) cleanup(redis.dir);
  if (dir) cleanup(dir);
});

const jobsTest = HAVE_REDIS ? jobs : jobs.skip;

jobsTest('enqueueing the same batch twice adds one job per image; a changed input is a new job', async () => {
  const queue = 'twice';
  const args = ['enqueue', 'in', '--out-dir', 'out', '-k', 'sobelY', '--json', '--redis', redis.url, '--queue', queue];
  const first = await cli(args, { cwd: dir });
  assert.is(first.status, 0, first.stderr);
  const a = JSON.parse(first.stdout);
  assert.equal({ jobs: a.jobs, added: a.added }, { jobs: 12, added: 12 });
  assert.match(a.batch, /^b[0-9a-f]{24}$/);
  const second = JSON.parse((await cli(args, { cwd: dir })).stdout);
  assert.equal(second, { batch: a.batch, jobs: 12, added: 0 });
  const bull = new Queue(queue, { connection: { url: redis.url } });
  try {
    const counts = await bull.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized');
    assert.is(Object.values(counts).reduce((s, n) => s + n, 0), 12);
    // The same options in another order are the same jobs; a touched input is a new one.
    const options = { padding: 'same', border: 'reflect', mode: 'convolution', stride: 1 };
    const shuffled = { stride: 1, mode: 'convolution', border: 'reflect', padding: 'same' };
    const batch = { redis: redis.url, queue, root: dir, outDir: join(dir, 'out') };
    const inputs = [join(dir, 'in')];
    assert.is((await enqueueFiles(inputs, kernels.sobelY, options, batch)).added, 0);
    assert.is((await enqueueFiles(inputs, kernels.sobelY, shuffled, batch)).added, 0);
    utimesSync(join(dir, 'in', 'p001.png'), new Date(2001, 0, 1), new Date(2001, 0, 1));
    const touched = await enqueueFiles(inputs, kernels.sobelY, shuffled, batch);
    assert.is(touched.added, 1);
    assert.is.not(touched.batch, a.batch);
    assert.is(await bull.count(), 13);
  } finally {
    await bull.close();
  }
});

jobsTest('a corrupt file fails at once: status --wait exits 1 naming it, attempted once', async () => {
  const queue = 'corrupt';
  writeCorrupt(join(dir, 'in', 'bad.png'));
  const enq = await cli(['enqueue', 'in', '--out-dir', 'out-c', '--json', '--redis', redis.url, '--queue', queue], { cwd: dir });
  assert.is(enq.status, 0, enq.stderr);
  const { batch, jobs: n } = JSON.parse(enq.stdout);
  assert.is(n, 13);
  const events = [];
  const worker = await startWorker({ redis: redis.url, queue, root: dir, jobs: 2, stallInterval: 1000, onEvent: (e) => events.push(e) });
  try {
    const status = await cli(['status', batch, '--wait', '--json', '--redis', redis.url, '--queue', queue], { cwd: dir });
    assert.is(status.status, 1, status.stderr);
    assert.match(status.stderr, /^in\/bad\.png: Unsupported image format \(the file starts with [0-9a-f ]+\); supported: PNG, JPEG$/m);
    const report = JSON.parse(status.stdout);
    assert.equal(report.totals.written, 12);
    assert.equal(report.totals.failed, 1);
    const bad = report.results.find((r) => r.input === 'in/bad.png');
    assert.equal({ output: bad.output, status: bad.status }, { output: 'out-c/bad.png', status: 'failed' });
    const bull = new Queue(queue, { connection: { url: redis.url } });
    try {
      const failed = await bull.getFailed();
      assert.is(failed.length, 1);
      assert.is(failed[0].data.input, 'in/bad.png');
      assert.is(failed[0].attemptsStarted, 1);
      assert.is(failed[0].attemptsMade, 1);
    } finally {
      await bull.close();
    }
    assert.not.ok(events.some((e) => e.kind === 'retry'), 'no retry for a corrupt file');
  } finally {
    await worker.close();
  }
});

jobsTest('a transient failure (the output cannot be written) is retried with backoff, then reported', async () => {
  const queue = 'transient';
  // A directory where the output file should go: the rename fails on every attempt.
  mkdirSync(join(dir, 'out-t', 'p002.png'), { recursive: true });
  const { batch } = await enqueueFiles([join(dir, 'in', 'p002.png'), join(dir, 'in', 'p004.png')], kernels.edge, {}, {
    redis: redis.url, queue, root: dir, outDir: join(dir, 'out-t'), attempts: 3, backoff: 50,
  });
  const retries = [];
  const worker = await startWorker({ redis: redis.url, queue, root: dir, jobs: 1, onEvent: (e) => e.kind === 'retry' && retries.push(e) });
  try {
    const status = await batchStatus(batch, { redis: redis.url, queue, wait: true, interval: 50 });
    assert.is(status.written, 1);
    assert.is(status.failed, 1);
    const failed = status.report.results.find((r) => r.status === 'failed');
    assert.is(failed.input, join(dir, 'in', 'p002.png'));
    assert.match(failed.error, /^cannot write /);
    assert.is(retries.length, 2, 'two retries before the third and last attempt');
    const bull = new Queue(queue, { connection: { url: redis.url } });
    try {
      assert.is((await bull.getFailed())[0].attemptsMade, 3);
    } finally {
      await bull.close();
    }
    // The other image of the batch went through.
    assert.ok(listFiles(join(dir, 'out-t')).includes('p004.png'));
    assert.ok(readFileSync(join(dir, 'out-t', 'p004.png')).length > 0);
  } finally {
    await worker.close();
  }
});

jobsTest('a job removed from the queue by hand is reported failed, so status --wait ends', async () => {
  const queue = 'removed';
  const { batch } = await enqueueFiles([join(dir, 'in', 'p007.png'), join(dir, 'in', 'p008.png')], kernels.edge, {}, {
    redis: redis.url, queue, root: dir, outDir: join(dir, 'out-r'),
  });
  const bull = new Queue(queue, { connection: { url: redis.url } });
  let worker;
  try {
    const waiting = await bull.getWaiting();
    assert.is(waiting.length, 2);
    await waiting[0].remove(); // before any worker runs
    worker = await startWorker({ redis: redis.url, queue, root: dir, jobs: 1 });
    const status = await batchStatus(batch, { redis: redis.url, queue, wait: true, interval: 100 });
    assert.equal({ finished: status.finished, written: status.written, failed: status.failed }, { finished: true, written: 1, failed: 1 });
    const failed = status.report.results.find((r) => r.status === 'failed');
    assert.is(failed.input, join(dir, 'in', waiting[0].data.input.split('/').pop()));
    assert.match(failed.error, /no longer in the queue/);
  } finally {
    await worker?.close();
    await bull.close();
  }
});

/** `promise`, or a failure after `ms` (a regression here would otherwise hang the run for an hour). */
function within(promise, ms, what) {
  let timer;
  const late = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms`)), ms); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

jobsTest('wait wakes on the queue\'s events: it ends with the batch even with an hour between looks, and an abort ends it', async () => {
  const queue = 'wake';
  const { batch } = await enqueueFiles([join(dir, 'in', 'p005.png'), join(dir, 'in', 'p010.png')], kernels.edge, {}, {
    redis: redis.url, queue, root: dir, outDir: join(dir, 'out-w'),
  });
  const looks = [];
  // Waiting starts before any worker exists: only the jobs' events can end it within the test's time.
  const waiting = batchStatus(batch, { redis: redis.url, queue, wait: true, interval: 3_600_000, onProgress: (s) => looks.push(s.finished) });
  const worker = await startWorker({ redis: redis.url, queue, root: dir, jobs: 1 });
  try {
    const status = await within(waiting, 60_000, 'status wait after the batch ended');
    assert.equal({ finished: status.finished, written: status.written, failed: status.failed }, { finished: true, written: 2, failed: 0 });
    assert.is(looks[0], false, 'the first look saw the batch unfinished');
    assert.ok(looks.length >= 2 && looks.length <= 20, `a look per event burst, not a busy loop (${looks.length})`);
  } finally {
    await worker.close();
  }
  // A batch no worker serves: the abort, not the hour, ends the wait.
  const { batch: idle } = await enqueueFiles([join(dir, 'in', 'p011.png')], kernels.edge, {}, {
    redis: redis.url, queue: 'wake-idle', root: dir, outDir: join(dir, 'out-w2'),
  });
  const controller = new AbortController();
  const aborted = batchStatus(idle, { redis: redis.url, queue: 'wake-idle', wait: true, interval: 3_600_000, signal: controller.signal });
  setTimeout(() => controller.abort(), 200);
  const status = await within(aborted, 60_000, 'status wait after the abort');
  assert.equal({ finished: status.finished, waiting: status.waiting }, { finished: false, waiting: 1 });
});

jobsTest('a batch the queue does not know is a RangeError naming batch', async () => {
  await rejects(batchStatus(`b${'1'.repeat(24)}`, { redis: redis.url, queue: 'twice' }), RangeError, /\bbatch\b/);
});

checks.run();
jobs.run();
