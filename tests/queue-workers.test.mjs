// conv2d worker processes on a private redis-server: three workers over 150 PNGs with one killed
// (SIGKILL) after its first output, a Redis restart in the middle of a batch (AOF), and a worker
// stopped with SIGTERM. Every output must exist once, byte for byte what the local CLI writes,
// with no temp file left behind.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, cli, listFiles, makeImages, redisAvailable, startRedis, startWorkerProcess } from './queue-helpers.mjs';

const HAVE_REDIS = redisAvailable();
const KERNEL = ['-k', 'sobelX', '--map', 'abs'];

/** The local CLI's outputs for the same inputs and options, as { name: bytes }. */
async function localOutputs(dir, outDir) {
  const local = await cli(['in', '--out-dir', outDir, ...KERNEL, '-q'], { cwd: dir });
  assert.is(local.status, 0, local.stderr);
  return Object.fromEntries(listFiles(join(dir, outDir)).map((f) => [f, readFileSync(join(dir, outDir, f))]));
}

/** Every PNG in `out` once, equal to the local output; besides them only the job marks, no temp file. */
function assertSameAsLocal(dir, out, local) {
  const files = listFiles(join(dir, out));
  const pngs = files.filter((f) => f.endsWith('.png'));
  assert.equal(pngs, Object.keys(local), 'the same outputs as the local run');
  for (const f of pngs) assert.ok(readFileSync(join(dir, out, f)).equals(local[f]), `${f} differs from the local output`);
  const others = files.filter((f) => !f.endsWith('.png'));
  assert.equal(others.filter((f) => f.endsWith('.tmp')), [], 'no temp files');
  assert.ok(others.every((f) => /(^|\/)\.[^/]+\.png\.conv2d-job$/.test(f)), `only job marks beside the outputs: ${others.slice(0, 3)}`);
}

async function enqueue(dir, url, queue, out) {
  const enq = await cli(['enqueue', 'in', '--out-dir', out, ...KERNEL, '--json', '--redis', url, '--queue', queue], { cwd: dir });
  assert.is(enq.status, 0, enq.stderr);
  return JSON.parse(enq.stdout);
}

async function stopAll(workers) {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
  return Promise.all(workers.map((w) => w.exited));
}

const workers = suite('queue: worker processes');
const run = HAVE_REDIS ? workers : workers.skip;
let redis;
let dir;
let local;

workers.before(async () => {
  if (!HAVE_REDIS) return;
  redis = await startRedis({ aof: true });
  dir = makeImages(150);
  local = await localOutputs(dir, 'local');
});
workers.after(async () => {
  await redis?.stop();
  if (redis) cleanup(redis.dir);
  if (dir) cleanup(dir);
});

run('3 workers, 150 images, one killed with SIGKILL after its first output: all written once, as locally', async () => {
  const { batch, jobs } = await enqueue(dir, redis.url, 'kill', 'out-kill');
  assert.is(jobs, 150);
  const args = ['--redis', redis.url, '--queue', 'kill', '--jobs', '2', '--stall-interval', '1'];
  const procs = [0, 1, 2].map(() => startWorkerProcess(args, { cwd: dir }));
  await procs[0].line(/^wrote /);
  procs[0].child.kill('SIGKILL');
  const status = await cli(['status', batch, '--wait', '--json', '--redis', redis.url, '--queue', 'kill'], { cwd: dir });
  assert.is(status.status, 0, status.stderr);
  const report = JSON.parse(status.stdout);
  assert.equal({ ...report.totals, seconds: 0, pixels: 0 }, { inputs: 150, written: 150, skipped: 0, failed: 0, interrupted: 0, pixels: 0, seconds: 0 });
  assert.is(report.totals.pixels, 150 * 64 * 48);
  const exits = await stopAll(procs);
  assert.is(exits[0].signal, 'SIGKILL');

  assert.equal(exits.slice(1).map((e) => e.code), [0, 0], exits.map((e) => e.stderr).join('\n'));
  assertSameAsLocal(dir, 'out-kill', local);
});

run('Redis restarted in the middle of a batch (AOF): the workers reconnect and the batch completes', async () => {
  const { batch } = await enqueue(dir, redis.url, 'restart', 'out-restart');
  const args = ['--redis', redis.url, '--queue', 'restart', '--jobs', '1', '--stall-interval', '1'];
  const procs = [0, 1].map(() => startWorkerProcess(args, { cwd: dir }));
  // Both connected before Redis goes: a worker still starting then fails to connect and exits 1
  // (seen once under load), which is not what this test is about.
  await Promise.all(procs.map((p) => p.ready()));
  await procs[0].line(/^wrote /);
  await redis.stop();
  const writtenWhileDown = procs.reduce((n, p) => n + p.lines.length, 0);
  await new Promise((resolve) => setTimeout(resolve, 500));
  await redis.restart();
  const status = await cli(['status', batch, '--wait', '--json', '--redis', redis.url, '--queue', 'restart'], { cwd: dir });
  assert.is(status.status, 0, status.stderr);
  assert.is(JSON.parse(status.stdout).totals.written, 150);
  assert.ok(procs.reduce((n, p) => n + p.lines.length, 0) > writtenWhileDown, 'the workers went on after the restart');
  const exits = await stopAll(procs);
  assert.equal(exits.map((e) => e.code), [0, 0], exits.map((e) => e.stderr).join('\n'));
  assertSameAsLocal(dir, 'out-restart', local);
});

run('SIGTERM: the worker finishes the images in progress, takes no more, exits 0; the others do its share', async () => {
  const { batch } = await enqueue(dir, redis.url, 'term', 'out-term');
  const args = ['--redis', redis.url, '--queue', 'term', '--jobs', '1', '--stall-interval', '1'];
  const stopping = startWorkerProcess(args, { cwd: dir });
  await stopping.line(/^wrote /);
  const before = stopping.lines.length;
  stopping.child.kill('SIGTERM');
  const exit = await stopping.exited;
  assert.is(exit.code, 0, exit.stderr);
  // --jobs 1: at most the two images in progress (two at once on a thread) are finished after
  // the signal, plus at most one whose "wrote" line was still in the pipe when the signal was
  // sent (the count is read here, not in the worker).
  assert.ok(stopping.lines.length - before <= 3, `${stopping.lines.length - before} images written after SIGTERM`);
  assert.ok(stopping.lines.length < 150, 'it left work to the others');
  const others = [0, 1].map(() => startWorkerProcess(args, { cwd: dir }));
  const status = await cli(['status', batch, '--wait', '--json', '--redis', redis.url, '--queue', 'term'], { cwd: dir });
  assert.is(status.status, 0, status.stderr);
  assert.is(JSON.parse(status.stdout).totals.written, 150);
  assert.ok(others.some((w) => w.lines.length > 0), 'the other workers wrote the rest');
  await stopAll(others);
  assertSameAsLocal(dir, 'out-term', local);
});

workers.run();
