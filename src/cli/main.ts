#!/usr/bin/env node
/**
 * The `conv2d` command: parse the command line, run, exit 0 (all written), 1 (some inputs
 * failed) or 2 (usage error, nothing written). The work is in run.ts, the flags in args.ts.
 */
import { availableParallelism } from 'node:os';
import { parseCli } from './args.js';
import type { Command } from './args.js';
import { run } from './run.js';
import { HINT, UsageError, usage, version } from './usage.js';

/**
 * Runs the CLI on `argv` (without `node` and the script) and returns the exit status.
 * @example
 * process.exitCode = await main(['photo.png', '-k', 'sobelX']);
 */
async function main(argv: readonly string[]): Promise<number> {
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
  return run(command.options);
}

// Set the status instead of calling process.exit(), so stdout and stderr are flushed first.
main(process.argv.slice(2)).then(
  (status) => { process.exitCode = status; },
  (error: unknown) => {
    process.stderr.write(`conv2d: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
