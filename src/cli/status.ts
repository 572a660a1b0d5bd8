/**
 * `conv2d status BATCH`: where a queued batch stands, from the library's `batchStatus`. Without
 * --wait, one line (or the report with --json) and exit 0. With --wait, progress as a local run
 * shows it until the batch is done, then what a local run ends with: `file: reason` for each
 * failure, the summary, the report with --json, and exit 0 (all written) or 1 (some failed).
 */
import { batchStatus, type QueueBatchStatus } from '../queue/index.js';
import type { BatchProgress } from '../node/index.js';
import { parseStatus } from './queue-args.js';
import { queueUsage } from './queue-usage.js';
import { createDisplay, duration, type Output } from './progress.js';

/**
 * Runs `conv2d status` on `argv` (after the word `status`); returns the exit status. Usage errors
 * are thrown as `UsageError`.
 * @example
 * process.exitCode = await statusCommand(['b5d0e…', '--wait', '--redis', 'redis://127.0.0.1:6379'], io);
 */
export async function statusCommand(argv: readonly string[], io: Output, env = process.env, signal?: AbortSignal): Promise<number> {
  const command = parseStatus(argv, env);
  if (command.kind === 'help') {
    io.out(queueUsage());
    return 0;
  }
  const { redis, queue } = command.queue;
  if (!command.wait) {
    const status = await batchStatus(command.batch, { redis, queue });
    io.out(command.json ? JSON.stringify(status.report, null, 2) : statusLine(status));
    return 0;
  }
  const mode = command.quiet ? 'none' : process.stderr.isTTY ? 'bar' : 'lines';
  const display = await createDisplay(mode, io, process.stdout.isTTY === true);
  const status = await batchStatus(command.batch, {
    redis, queue, wait: true, signal,
    onProgress: (s) => display.update(progressOf(s)),
  });
  for (const r of status.report.results) if (r.status === 'failed') display.err(`${r.input}: ${r.error}`);
  display.finish(status.report);
  if (command.json) io.out(JSON.stringify(status.report, null, 2));
  if (!status.finished) return 130;
  return status.failed === 0 ? 0 : 1;
}

/**
 * `b5d0e…: 120/150 done (118 written, 2 failed), 3 active, 27 waiting, 41.2 images/s, ETA 0.7s`.
 * @example
 * statusLine(await batchStatus(id, { redis }))
 */
export function statusLine(s: QueueBatchStatus): string {
  const done = s.written + s.skipped + s.failed;
  const counts = [`${s.written} written`];
  if (s.skipped > 0) counts.push(`${s.skipped} skipped`);
  if (s.failed > 0) counts.push(`${s.failed} failed`);
  const parts = [`${s.batch}: ${done}/${s.total} done (${counts.join(', ')})`, `${s.active} active`, `${s.waiting} waiting`];
  if (s.imagesPerSecond !== undefined) parts.push(`${s.imagesPerSecond.toFixed(1)} images/s`);
  if (s.etaSeconds !== undefined && !s.finished) parts.push(`ETA ${duration(s.etaSeconds)}`);
  return parts.join(', ');
}

function progressOf(s: QueueBatchStatus): BatchProgress {
  return { done: s.written + s.skipped + s.failed, total: s.total, written: s.written, skipped: s.skipped, failed: s.failed, seconds: s.report.totals.seconds };
}
