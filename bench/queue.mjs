// Queue benchmark (npm run bench:queue): the same batch of 1.3 MP PNGs through the local CLI with
// --jobs N and through the queue with N worker processes (--jobs 1 each) for N = 1, 2, 4: images/s
// and the queue's overhead; Redis commands and Redis CPU time per image (INFO commandstats); and
// the ops/s of this machine's Redis (redis-benchmark), which bound how far the queue scales.
//
//   npm run bench:queue                96 images, 2 runs of each configuration (about 8 minutes)
//   npm run bench:queue -- --count 24  another batch size (the queue's fixed cost per batch, two
//                                      short-lived CLI processes, weighs more in a small batch)
//   npm run bench:queue -- --quick     8 images, 1 run (for CI, so the script never rots)
//
// The inputs are 1280×1024 crops of assets/astronaut.png mirrored out, flipped, so no two are
// alike; the kernel is the CLI's default (edge, 3×3). A queued run is timed from the enqueue to the
// end of `conv2d status --wait`, with the workers already started and idle (as on a farm); a local
// run from the start of `conv2d` to its exit. Runs go round-robin, so a busy moment on the machine
// hurts every configuration alike; the median is shown.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
// The tests' redis-server starter: 127.0.0.1, a free port, no persistence, stopped by its PID.
import { startRedis } from '../tests/queue-helpers.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');
const SAMPLE = join(ROOT, 'assets', 'astronaut.png');
const QUICK = process.argv.includes('--quick');
const countAt = process.argv.indexOf('--count');
const COUNT = QUICK ? 8 : countAt > 0 ? Number(process.argv[countAt + 1]) : 96;
const RUNS = QUICK ? 1 : 2;
if (!Number.isInteger(COUNT) || COUNT < 1) throw new RangeError('--count must be a positive integer');
const WIDTH = 1280;
const HEIGHT = 1024;
const WORKERS = [1, 2, 4];
const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function makeInputs(dir) {
  mkdirSync(dir, { recursive: true });
  const wide = await sharp(SAMPLE).extend({ right: WIDTH + 256, bottom: HEIGHT + 256, extendWith: 'mirror' }).raw().toBuffer({ resolveWithObject: true });
  await Promise.all(Array.from({ length: COUNT }, async (_, i) => {
    let image = sharp(wide.data, { raw: wide.info }).extract({ left: (i * 37) % 256, top: (i * 53) % 256, width: WIDTH, height: HEIGHT });
    if (i % 2) image = image.flip();
    if (i % 3 === 0) image = image.flop();
    await image.png().toFile(join(dir, `photo-${String(i).padStart(3, '0')}.png`));
  }));
}

function redisCli(port, ...args) {
  return execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' });
}

/** INFO commandstats as { command: { calls, usec } }. */
function commandStats(port) {
  const stats = {};
  for (const m of redisCli(port, 'INFO', 'commandstats').matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    stats[m[1]] = { calls: Number(m[2]), usec: Number(m[3]) };
  }
  return stats;
}

/** Bytes Redis holds (INFO memory used_memory). */
function redisMemory(port) {
  return Number(/used_memory:(\d+)/.exec(redisCli(port, 'INFO', 'memory'))[1]);
}

/** Runs the CLI through bash, whose `times` gives the child's CPU time: { stdout, cpu (s) }. */
function run(args, cwd) {
  const quoted = [process.execPath, MAIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const r = spawnSync('bash', ['-c', `${quoted} || exit $?; times >&2`], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`conv2d ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(r.stderr.trim());
  return { stdout: r.stdout, cpu: Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]) };
}

/** CPU seconds a running process (all its threads) has used, from /proc. */
function processCpu(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop().split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime
}

/** CPU seconds Redis has used. */
function redisCpu(port) {
  const info = redisCli(port, 'INFO', 'cpu');
  return Number(/used_cpu_sys:([\d.]+)/.exec(info)[1]) + Number(/used_cpu_user:([\d.]+)/.exec(info)[1]);
}

function local(work, jobs) {
  rmSync(join(work, 'out-local'), { recursive: true, force: true });
  const t = performance.now();
  const { cpu } = run(['in', '--out-dir', 'out-local', '--jobs', String(jobs), '-q'], work);
  return { seconds: (performance.now() - t) / 1000, cpu };
}

/** N workers (--jobs 1 each), started now; `queued` waits until they are connected. */
function startWorkers(work, redis, queue, n) {
  return Array.from({ length: n }, () => spawn(process.execPath, [MAIN, 'worker', '--redis', redis.url, '--queue', queue, '--jobs', '1', '-q'], {
    cwd: work, stdio: ['ignore', 'ignore', 'inherit'],
  }));
}

async function queued(work, redis, queue, n, round) {
  const out = `out-q${n}-${round}`;
  rmSync(join(work, out), { recursive: true, force: true });
  const workers = startWorkers(work, redis, queue, n);
  // Wait until every worker is connected (BullMQ names a worker's connection bull:<queue in base64>).
  const name = new RegExp(`name=bull:${Buffer.from(queue).toString('base64')}\\b`, 'g');
  for (let i = 0; i < 400 && (redisCli(redis.port, 'CLIENT', 'LIST').match(name)?.length ?? 0) < n; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  redisCli(redis.port, 'CONFIG', 'RESETSTAT');
  const memory0 = redisMemory(redis.port);
  const workerCpu0 = workers.reduce((sum, w) => sum + processCpu(w.pid), 0);
  const redisCpu0 = redisCpu(redis.port);
  const t = performance.now();
  const enqueued = run(['enqueue', 'in', '--out-dir', out, '--json', '--redis', redis.url, '--queue', queue], work);
  const { batch } = JSON.parse(enqueued.stdout);
  const status = run(['status', batch, '--wait', '-q', '--json', '--redis', redis.url, '--queue', queue], work);
  const report = JSON.parse(status.stdout);
  const seconds = (performance.now() - t) / 1000;
  const workerCpu = workers.reduce((sum, w) => sum + processCpu(w.pid), 0) - workerCpu0;
  const cpu = { workers: workerCpu, all: workerCpu + enqueued.cpu + status.cpu + redisCpu(redis.port) - redisCpu0 };
  // The workers' own span: first image taken to last image done (no enqueue, no polling delay).
  const busy = report.totals.seconds;
  const stats = commandStats(redis.port);
  const memory = redisMemory(redis.port) - memory0; // what the finished batch leaves in Redis
  await Promise.all(workers.map((w) => new Promise((resolve) => { w.once('exit', resolve); w.kill('SIGTERM'); })));
  return { seconds, busy, cpu, stats, memory };
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'conv2d-bench-queue-'));
  const redis = await startRedis({ dir: work });
  try {
    await makeInputs(join(work, 'in'));
    const mp = (WIDTH * HEIGHT) / 1e6;
    console.log(`${COUNT} inputs of ${WIDTH}×${HEIGHT} (${mp.toFixed(2)} MP), ${RUNS} run(s) each; ${cpus().length} cores (${cpus()[0].model}), ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
    const rows = new Map(WORKERS.map((n) => [n, { local: [], localCpu: [], queue: [], busy: [], workerCpu: [], allCpu: [] }]));
    const stats = [];
    const memory = [];
    for (let r = 0; r < RUNS; r++) {
      for (const n of WORKERS) {
        const row = rows.get(n);
        const l = local(work, n);
        const q = await queued(work, redis, `bench-${n}-${r}`, n, r);
        row.local.push(l.seconds);
        row.localCpu.push(l.cpu);
        row.queue.push(q.seconds);
        row.busy.push(q.busy);
        row.workerCpu.push(q.cpu.workers);
        row.allCpu.push(q.cpu.all);
        stats.push(q.stats);
        memory.push(q.memory);
        console.log(`  run ${r + 1}, ${n}: local ${l.seconds.toFixed(2)} s (CPU ${l.cpu.toFixed(2)} s), queue ${q.seconds.toFixed(2)} s ` +
          `(workers busy ${q.busy.toFixed(2)} s, CPU ${q.cpu.workers.toFixed(2)} s, with enqueue + status + Redis ${q.cpu.all.toFixed(2)} s; load ${loadavg()[0].toFixed(2)})`);
      }
    }
    console.log('\nWall clock (images/s; on a loaded machine these move by ±50% between runs):');
    console.log('| N | local CLI --jobs N | queue, N workers × --jobs 1, enqueue → status --wait | queue / local | queue, workers\' span | span / local |');
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const [n, row] of rows) {
      const l = COUNT / median(row.local), q = COUNT / median(row.queue), b = COUNT / median(row.busy);
      console.log(`| ${n} | ${l.toFixed(2)} | ${q.toFixed(2)} | ${(q / l).toFixed(2)} | ${b.toFixed(2)} | ${(b / l).toFixed(2)} |`);
    }
    console.log('\nCPU per image (ms; what load does not distort: the overhead is the difference):');
    console.log('| N | local CLI | queue workers | queue / local | workers + enqueue + status + Redis | all / local |');
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const [n, row] of rows) {
      const l = (1000 * median(row.localCpu)) / COUNT, w = (1000 * median(row.workerCpu)) / COUNT, a = (1000 * median(row.allCpu)) / COUNT;
      console.log(`| ${n} | ${l.toFixed(0)} | ${w.toFixed(0)} | ${(w / l).toFixed(2)} | ${a.toFixed(0)} | ${(a / l).toFixed(2)} |`);
    }
    // Redis per image, over every queued run (enqueue, workers, status --wait polling included).
    const total = {};
    for (const s of stats) for (const [cmd, v] of Object.entries(s)) {
      total[cmd] ??= { calls: 0, usec: 0 };
      total[cmd].calls += v.calls;
      total[cmd].usec += v.usec;
    }
    const images = COUNT * stats.length;
    const calls = Object.values(total).reduce((s, v) => s + v.calls, 0);
    const usec = Object.values(total).reduce((s, v) => s + v.usec, 0);
    const top = Object.entries(total).sort((a, b) => b[1].calls - a[1].calls).slice(0, 6)
      .map(([cmd, v]) => `${cmd} ${(v.calls / images).toFixed(1)}`).join(', ');
    const costly = Object.entries(total).sort((a, b) => b[1].usec - a[1].usec).slice(0, 4)
      .map(([cmd, v]) => `${cmd} ${(v.usec / images).toFixed(0)} µs`).join(', ');
    console.log(`\nRedis per image: ${(calls / images).toFixed(1)} commands, counting those run inside BullMQ's Lua scripts (${top}); ` +
      `${(usec / images).toFixed(0)} µs of Redis CPU in commands (${costly})` +
      ` → one Redis core saturates near ${Math.round(1e6 / (usec / images))} images/s`);
    console.log(`Redis memory a finished batch leaves behind (BullMQ's completed jobs, conv2d's records and entries): ` +
      `${(median(memory) / COUNT / 1024).toFixed(2)} KiB per image (median over the runs)`);
    const bench = execFileSync('redis-benchmark', ['-p', String(redis.port), '-q', '-n', QUICK ? '20000' : '100000', '-t', 'set,get,lpush,hset'], { encoding: 'utf8' });
    const evalBench = execFileSync('redis-benchmark', ['-p', String(redis.port), '-q', '-n', QUICK ? '20000' : '100000',
      'EVAL', "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]); return redis.call('INCR', KEYS[2])", '2', 'h', 'c', 'f', 'v'], { encoding: 'utf8' });
    const line = (text) => text.split('\r').pop().trim();
    console.log(`redis-benchmark (50 clients, no pipelining): ${bench.trim().split('\n').map(line).join('; ')}; ${line(evalBench.trim())}`);
    console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  } finally {
    await redis.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
