/** The `--help` text of `conv2d enqueue`, `conv2d worker` and `conv2d status`. */

/**
 * The help of the queue commands (one text for the three: they are used together).
 * @example
 * process.stdout.write(queueUsage());
 */
export function queueUsage(): string {
  return `Usage: conv2d enqueue IN... [options of conv2d] --redis URL [--queue NAME] [--root DIR]
       conv2d worker --redis URL [--queue NAME] [--root DIR] [--jobs N] [--stall-interval S]
       conv2d status BATCH --redis URL [--queue NAME] [--wait] [--json]

A batch spread over many machines that share a folder (ROOT), on BullMQ and one Redis server.
enqueue finds the inputs and names the outputs as conv2d does, adds one job per image (enqueueing
the same batch again adds nothing) and prints the batch id. worker, on each machine, writes the
outputs until SIGTERM or SIGINT, then finishes the images in progress and exits 0. status shows
where a batch stands; with --wait it ends as conv2d does (0: all written, 1: some failed).

  --redis URL          redis://HOST:PORT (default: the CONV2D_REDIS environment variable)
  --queue NAME         the queue (default conv2d)
  --root DIR           the shared folder job paths are relative to (default: .)
  --attempts N         enqueue: tries per image for I/O errors (default 5; corrupt inputs get 1)
  -j, --jobs N         worker: threads, two images at once on each (default: the number of cores)
  --stall-interval S   worker: seconds before a dead worker's image goes to another (default 30)
  --wait               status: wait until the batch is done
  --json               enqueue: { batch, jobs, added }; status: the report of conv2d --json
  -q, --quiet          no line per image, no progress
`;
}
