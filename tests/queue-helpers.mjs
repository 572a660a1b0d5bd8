// Helpers of the queue tests: a private redis-server per test file (127.0.0.1, a free port, no
// persistence unless asked, stopped by its PID), the CLI as a child process, and small PNGs.
import { spawn, spawnSync, execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePng } from '../dist/node/index.js';
import { rng } from './helpers.mjs';

export const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

/**
 * Whether redis-server is installed. Without it the queue tests are skipped with a message, except
 * under CI=true, where .ci/run installs it and a missing one is a failure.
 */
export function redisAvailable() {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
  if (!found && process.env.CI === 'true') throw new Error('redis-server is missing (CI installs it in .ci/run); the queue tests cannot run');
  if (!found) console.log('queue tests skipped: no redis-server on this machine (apt-get install redis-server)');
  return found;
}

/** A TCP port nobody listens on now. */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts redis-server on 127.0.0.1 and a free port, in `dir` (AOF there when `aof`). Returns
 * { url, port, stop(), restart() }; stop() sends SIGTERM to its PID (Redis then writes its AOF)
 * and waits for the exit.
 */
export async function startRedis({ aof = false, dir = mkdtempSync(join(tmpdir(), 'conv2d-redis-')) } = {}) {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--daemonize', 'no'];
  if (aof) args.push('--appendonly', 'yes', '--appendfsync', 'always');
  let child;
  const start = async () => {
    child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${log}`)), 10_000);
      child.stdout.on('data', (d) => {
        log += d;
        if (/Ready to accept connections/.test(log)) { clearTimeout(timer); resolve(); }
      });
      child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`redis-server exited with ${code}:\n${log}`)); });
    });
    child.stdout.resume();
  };
  const stop = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(child.pid, 'SIGTERM');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, dir, stop, restart: start, pid: () => child.pid };
}

/** Runs the CLI to the end: { status, stdout, stderr }. */
export function cli(args, options = {}) {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 120_000, ...options }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/**
 * Starts `conv2d worker` in the background: { child, lines (its stdout so far), exited (resolves
 * with { code, signal }) }.
 */
export function startWorkerProcess(args, options = {}) {
  const child = spawn(process.execPath, [MAIN, 'worker', ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const lines = [];
  let err = '';
  let buffered = '';
  const listeners = new Set();
  child.stdout.setEncoding('utf8').on('data', (d) => {
    buffered += d;
    const parts = buffered.split('\n');
    buffered = parts.pop();
    for (const line of parts) {
      lines.push(line);
      for (const l of listeners) l(line);
    }
  });
  let onReady;
  /** Resolves once the worker says it is taking jobs (connected to Redis, its queue open). */
  const ready = new Promise((resolve) => { onReady = resolve; });
  child.stderr.setEncoding('utf8').on('data', (d) => {
    err += d;
    if (/taking jobs from/.test(err)) onReady();
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr: err })));
  /** Resolves with the first stdout line matching `re` (already printed or to come). */
  const line = (re) => new Promise((resolve) => {
    const hit = lines.find((l) => re.test(l));
    if (hit) return resolve(hit);
    const l = (x) => { if (re.test(x)) { listeners.delete(l); resolve(x); } };
    listeners.add(l);
  });
  return { child, lines, exited, line, ready: () => ready, stderr: () => err };
}

/** A fresh folder with `count` small RGB PNGs (seeded noise, never flat) under in/ and in/sub/. */
export function makeImages(count, { width = 64, height = 48, seed = 1 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'conv2d-queue-'));
  mkdirSync(join(dir, 'in', 'sub'), { recursive: true });
  const r = rng(seed);
  for (let i = 0; i < count; i++) {
    const data = new Uint8Array(width * height * 3);
    for (let k = 0; k < data.length; k++) data[k] = r.int(0, 255);
    writePng(join(dir, 'in', i % 3 === 0 ? 'sub' : '', `p${String(i).padStart(3, '0')}.png`), { width, height, channels: 3, data });
  }
  return dir;
}

/** Writes a file that is not a PNG. */
export function writeCorrupt(path) {
  writeFileSync(path, 'this is not a PNG file at all');
}

/** Every file below `dir`, relative, sorted. */
export function listFiles(dir, prefix = '') {
  const out = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out.sort();
}

/** Removes a test folder. */
export function cleanup(dir) {
  rmSync(dir, { recursive: true, force: true });
}
