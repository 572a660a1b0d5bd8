/**
 * What the CLI shows while a batch runs: a progress bar (cli-progress) when stderr is a terminal,
 * a plain line every few seconds when it is not (logs, CI), or nothing. Every other line the CLI
 * prints goes through the display too, so it appears above the bar instead of through it.
 */
import type { MultiBar } from 'cli-progress';
import type { BatchProgress, BatchReport } from '../node/index.js';

/** Where the CLI's lines go; tests can pass their own. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

/** The CLI's lines plus progress. */
export interface Display extends Output {
  update(progress: BatchProgress): void;
  /** Stops the bar or timer; prints the summary when progress was shown or the run was interrupted. */
  finish(report: BatchReport): void;
}

/** How progress is shown. */
export type ProgressMode = 'bar' | 'lines' | 'none';

/** Seconds between plain progress lines. */
export const LINE_INTERVAL = 5;

/**
 * A display in the given mode. `stdoutIsTerminal` says whether stdout shares the terminal the bar
 * is drawn on, in which case stdout lines are printed through the bar.
 * @example
 * const display = await createDisplay(process.stderr.isTTY ? 'bar' : 'lines', io, process.stdout.isTTY);
 */
export async function createDisplay(mode: ProgressMode, io: Output, stdoutIsTerminal = false): Promise<Display> {
  if (mode === 'bar') {
    // Loaded only for a terminal, so that other runs start faster.
    const { MultiBar: Bars } = (await import('cli-progress')).default;
    const shown = { progress: { done: 0, written: 0, skipped: 0, failed: 0, seconds: 0 } as BatchProgress };
    return barDisplay(shown, new Bars({
      stream: process.stderr,
      hideCursor: true,
      gracefulExit: false, // the CLI handles SIGINT itself
      clearOnComplete: true,
      fps: 10,
      format: () => barText(shown.progress, process.stderr.columns),
    }), io, stdoutIsTerminal);
  }
  if (mode === 'lines') return lineDisplay(io);
  return {
    ...io,
    update() {},
    finish(report) {
      if (report.interrupted) io.err(`conv2d: ${summaryText(report)}`);
    },
  };
}

function lineDisplay(io: Output): Display {
  let latest: BatchProgress | undefined;
  let shown = false;
  const started = Date.now();
  const timer = setInterval(() => {
    const p = latest ?? { done: 0, written: 0, skipped: 0, failed: 0, seconds: (Date.now() - started) / 1000 };
    io.err(`conv2d: ${progressText(p)}`);
    shown = true;
  }, LINE_INTERVAL * 1000);
  timer.unref();
  return {
    out: io.out,
    err: io.err,
    update(progress) {
      latest = progress;
    },
    finish(report) {
      clearInterval(timer);
      if (shown || report.interrupted) io.err(`conv2d: ${summaryText(report)}`);
    },
  };
}

/** A display on `bars`, which draws `shown.progress`. */
function barDisplay(shown: { progress: BatchProgress }, bars: MultiBar, io: Output, stdoutIsTerminal: boolean): Display {
  const bar = bars.create(1, 0);
  // Lines are queued and written above the bar at its next redraw.
  const log = (line: string) => bars.log(`${line}\n`);
  return {
    out: stdoutIsTerminal ? log : io.out,
    err: log,
    update(progress) {
      shown.progress = progress;
      bar.update(progress.done);
    },
    finish(report) {
      bars.update(); // flush queued lines
      bars.stop();
      io.err(`conv2d: ${summaryText(report)}`);
    },
  };
}

/** Columns assumed when the terminal reports none (a pseudo-terminal may say 0). */
export const FALLBACK_COLUMNS = 80;

/** `████░░░░ 1200/3000 | 85.3 images/s | ETA 21s | 2 failed`, fitted to `columns` (or 80 when it is 0 or unknown). */
export function barText(p: BatchProgress, reported: number | undefined): string {
  const columns = reported !== undefined && reported > 0 ? reported : FALLBACK_COLUMNS;
  const text = ` ${progressText(p)}`;
  const width = Math.max(10, Math.min(40, columns - text.length - 1));
  const filled = p.total ? Math.round((width * Math.min(p.done, p.total)) / p.total) : 0;
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  return `${bar}${text}`.slice(0, Math.max(0, columns - 1));
}

/**
 * The words of a progress line: done/total, rate, ETA and the counts that are not zero.
 * @example
 * progressText({ done: 50, total: 200, written: 49, skipped: 0, failed: 1, seconds: 10 })
 * // '50/200 images, 5.0 images/s, ETA 30s, 1 failed'
 */
export function progressText(p: BatchProgress): string {
  const rate = p.seconds > 0 ? p.done / p.seconds : 0;
  const parts = [`${p.done}/${p.total ?? '?'} images`, `${rate.toFixed(1)} images/s`];
  if (p.total !== undefined && rate > 0) parts.push(`ETA ${duration((p.total - p.done) / rate)}`);
  if (p.failed > 0) parts.push(`${p.failed} failed`);
  if (p.skipped > 0) parts.push(`${p.skipped} skipped`);
  return parts.join(', ');
}

/**
 * The closing line of a run.
 * @example
 * summaryText(report) // '2998 written, 2 failed in 35.2s (85.2 images/s)'
 */
export function summaryText(report: BatchReport): string {
  const t = report.totals;
  const counts = [`${t.written} written`];
  if (t.failed > 0) counts.push(`${t.failed} failed`);
  if (t.skipped > 0) counts.push(`${t.skipped} skipped`);
  if (report.interrupted) {
    if (t.interrupted > 0) counts.push(`${t.interrupted} abandoned`);
    return `interrupted: ${counts.join(', ')}; the rest not started (run again with --skip-existing to resume)`;
  }
  const done = t.written + t.failed + t.skipped;
  const rate = t.seconds > 0 ? done / t.seconds : 0;
  return `${counts.join(', ')} in ${duration(t.seconds)} (${rate.toFixed(1)} images/s)`;
}

/** `42s`, `1m05s`, `2h03m`; tenths below 10 s. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
