/**
 * `conv2d enqueue`: adds a batch to the queue with the library's `enqueueFiles` and prints its id
 * (or, with --json, `{ "batch", "jobs", "added" }`). Inputs refused at once are named on stderr as
 * a local run names them; workers and `conv2d status` do the rest.
 */
import { enqueueFiles } from '../queue/index.js';
import { batchOf } from './run.js';
import { parseEnqueue } from './queue-args.js';
import { queueUsage } from './queue-usage.js';
import type { Output } from './progress.js';

/**
 * Runs `conv2d enqueue` on `argv` (after the word `enqueue`); returns the exit status (0, or 1 when
 * Redis cannot be reached). Usage errors are thrown as `UsageError`.
 * @example
 * process.exitCode = await enqueueCommand(['photos/', '--out-dir', 'edges', '--redis', 'redis://127.0.0.1:6379'], io);
 */
export async function enqueueCommand(argv: readonly string[], io: Output, env = process.env): Promise<number> {
  const command = parseEnqueue(argv, env);
  if (command.kind === 'help') {
    io.out(queueUsage());
    return 0;
  }
  const { local, queue } = command;
  const { inputs, ...files } = batchOf(local);
  const result = await enqueueFiles(inputs, local.kernel, local.convolve, {
    ...files,
    redis: queue.redis,
    queue: queue.queue,
    root: command.root,
    attempts: command.attempts,
  });
  if (local.json) io.out(JSON.stringify({ batch: result.batch, jobs: result.jobs, added: result.added }));
  else io.out(`${result.batch}: ${result.jobs} images (${result.added} new to the queue${result.refused > 0 ? `, ${result.refused} inputs refused: see conv2d status` : ''})`);
  return 0;
}
