/**
 * `conv2d worker`: runs the library's `startWorker` until SIGTERM or SIGINT. The first signal
 * stops taking jobs and lets the images in progress finish; a second hands them back to the queue
 * at once (another worker takes them after the stall interval). Either way the exit status is 0.
 */
import { startWorker, type WorkerEvent } from '../queue/index.js';
import { parseWorker } from './queue-args.js';
import { queueUsage } from './queue-usage.js';
import type { Output } from './progress.js';

/**
 * Runs `conv2d worker` on `argv` (after the word `worker`) and resolves with the exit status once
 * the worker has stopped. Usage errors are thrown as `UsageError`.
 * @example
 * process.exitCode = await workerCommand(['--redis', 'redis://127.0.0.1:6379', '--jobs', '2'], io);
 */
export async function workerCommand(argv: readonly string[], io: Output, env = process.env): Promise<number> {
  const command = parseWorker(argv, env);
  if (command.kind === 'help') {
    io.out(queueUsage());
    return 0;
  }
  const onEvent = (event: WorkerEvent) => {
    if (event.kind === 'error') io.err(`conv2d worker: ${event.error}`);
    else if (event.kind === 'retry') io.err(`${event.input}: ${event.error} (will retry)`);
    else if (event.record.status === 'failed') io.err(`${event.input}: ${event.record.error}`);
    else if (!command.quiet) {
      const r = event.record;
      io.out(r.status === 'written' ? `wrote ${event.output} (${r.width}×${r.height})` : `skipped ${event.output} (exists)`);
    }
  };
  const worker = await startWorker({
    redis: command.queue.redis, queue: command.queue.queue, root: command.root,
    jobs: command.jobs, stallInterval: command.stallInterval, onEvent,
  });
  if (!command.quiet) io.err(`conv2d worker: taking jobs from ${command.queue.queue ?? 'conv2d'} (pid ${process.pid})`);
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = () => {
      signals++;
      if (signals === 1) {
        io.err('conv2d worker: stopping; finishing the images in progress (signal again to hand them back)');
        void worker.close().then(resolve);
      } else {
        void worker.close(true).then(resolve);
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  return 0;
}
