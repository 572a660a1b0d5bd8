#!/usr/bin/env node
/**
 * The `conv2d` command: parse the command line, run, exit 0 (all written), 1 (some inputs
 * failed), 2 (usage error, nothing written) or 130 (stopped by SIGINT, 143 by SIGTERM: images in
 * progress are abandoned, their temp files removed, the partial report printed; a second signal
 * exits at once).
 * The work is in run.ts, the flags in args.ts; `conv2d enqueue | worker | status` (a batch over
 * many machines) in enqueue.ts, worker.ts and status.ts.
 */
import { availableParallelism } from 'node:os';
import { parseCli } from './args.js';
import type { Command } from './args.js';
import { INTERRUPTED, run } from './run.js';
import { HINT, UsageError, usage, version } from './usage.js';

/**
 * Runs the CLI on `argv` (without `node` and the script) and returns the exit status.
 * @example
 * process.exitCode = await main(['photo.png', '-k', 'sobelX']);
 */
async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'enqueue' || argv[0] === 'worker' || argv[0] === 'status') return queueCommand(argv[0], argv.slice(1));
  let command: Command;
  try {
    command = parseCli(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`conv2d: ${error.message}\n${HINT}\n`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(usage(availableParallelism()));
    return 0;
  }
  if (command.kind === 'version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const interrupt = interruptSignal();
  try {
    const status = await run(command.options, undefined, interrupt.signal);
    return status === INTERRUPTED ? interrupt.status() : status;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`conv2d: ${error.message}\n${HINT}\n`);
    return 2;
  }
}

/**
^ * `conv2d enqueue | worker | status` (enqueue.ts, worker.ts, status.ts), loaded only when asked
 * for, so that a local run never loads BullMQ. A TypeError or RangeError from the library comes
 * from its argument checks, made before Redis is touched: a usage error like the others.
 */
async function queueCommand(name: 'enqueue' | 'worker' | 'status', argv: readonly string[]): Promise<number> {
  const io = { out: (line: string) => process.stdout.write(`${line}\n`), err: (line: string) => process.stderr.write(`${line}\n`) };
  try {
    if (name === 'enqueue') return await (await import('./enqueue.js')).enqueueCommand(argv, io);
    if (name === 'worker') return await (await import('./worker.js')).workerCommand(argv, io);
    const interrupt = interruptSignal();
    const status = await (await import('./status.js')).statusCommand(argv, io, process.env, interrupt.signal);
    return status === INTERRUPTED ? interrupt.status() : status;
  } catch (error) {
    if (error instanceof UsageError || error instanceof TypeError || error instanceof RangeError) {
      process.stderr.write(`conv2d ${name}: ${error.message}\n${HINT.replace("conv2d --help", `conv2d ${name} --help`)}\n`);
      return 2;
    }
    process.stderr.write(`conv2d ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/**
 * Aborted by the first SIGINT or SIGTERM; a second one ends the process at once. `status` is the
 * exit status the shell expects for the signal that came: 130 (SIGINT) or 143 (SIGTERM).
 */
function interruptSignal(): { signal: AbortSignal; status(): number } {
  const controller = new AbortController();
  let status = INTERRUPTED;
  const onSignal = (name: NodeJS.Signals) => {
    const code = name === 'SIGTERM' ? 143 : INTERRUPTED;
    if (controller.signal.aborted) process.exit(code);
    status = code;
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { signal: controller.signal, status: () => status };
}

// Set the status instead of calling process.exit(), so stdout and stderr are flushed first.
main(process.argv.slice(2)).then(
  (status) => { process.exitCode = status; },
  (error: unknown) => {
    process.stderr.write(`conv2d: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
