/**
 * The work of the CLI once the command line is known to be good: plan an output path for each
 * input (refusing to overwrite inputs), then read → grayscale or RGB → convolve (off-thread) →
 * 8 bits → write, up to `jobs` images at a time. One image's failure never stops the others.
 */
import { mkdirSync, statSync } from 'node:fs';
import { basename, dirname, join, parse, resolve } from 'node:path';
import { convolve2dAsync, readPng, toGrayscale, toUint8, writePng } from '../node/index.js';
import type { Image } from '../node/index.js';
import { fileReason } from './args.js';
import type { CliOptions } from './args.js';

/** Where the CLI's lines go; tests can pass their own. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

const processOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** One input and where its result goes, or why it cannot be done at all. */
interface Task {
  input: string;
  output: string;
  refused?: string;
}

/**
 * Processes every input and returns the exit status: 0 when every output was written, 1 when
 * some input failed (each named on stderr as `file: reason`).
 * @example
 * const status = await run(parseCli(['a.png', 'b.png']).options);
 */
export async function run(options: CliOptions, io: Output = processOutput): Promise<0 | 1> {
  const tasks = plan(options);
  let failed = 0;
  const fail = (input: string, reason: string) => {
    failed++;
    io.err(`${input}: ${reason}`);
  };

  let next = 0;
  const lane = async () => {
    while (next < tasks.length) {
      const task = tasks[next++];
      if (task.refused !== undefined) {
        fail(task.input, task.refused);
        continue;
      }
      try {
        const image = await convert(task.input, options);
        write(task.output, image);
        io.out(`wrote ${task.output} (${image.width}×${image.height})`);
      } catch (error) {
        fail(task.input, reasonFor(error, task.input));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.jobs, tasks.length) }, lane));
  return failed === 0 ? 0 : 1;
}

/** Output paths for every input; an output that is an input, or another input's output, is refused. */
function plan(options: CliOptions): Task[] {
  // Inputs by absolute path and by device:inode, so links and case-insensitive names match too.
  const inputsByKey = new Map<string, string>();
  for (const input of options.inputs) {
    inputsByKey.set(resolve(input), input);
    const id = fileId(input);
    if (id !== undefined) inputsByKey.set(id, input);
  }
  const claimed = new Map<string, string>();
  return options.inputs.map((input) => {
    const output = outputPath(input, options);
    const key = resolve(output);
    const id = fileId(output);
    const clash = inputsByKey.get(key) ?? (id === undefined ? undefined : inputsByKey.get(id));
    if (clash !== undefined) {
      return { input, output, refused: `the output ${output} would overwrite the input ${clash}; nothing written (choose another -o or --out-dir)` };
    }
    const first = claimed.get(key);
    if (first !== undefined) return { input, output, refused: `the output ${output} is already the output of ${first}; nothing written (choose another --out-dir)` };
    claimed.set(key, input);
    return { input, output };
  });
}

/** `-o FILE`, `DIR/<input name>`, or `<stem>-<kernel>.png` next to the input. */
function outputPath(input: string, options: CliOptions): string {
  if (options.output !== undefined) return options.output;
  if (options.outDir !== undefined) return join(options.outDir, basename(input));
  const { dir, name } = parse(input);
  return join(dir, `${name}-${options.kernelName}.png`);
}

/** `dev:ino` of an existing file (never a valid absolute path, so it shares the map safely). */
function fileId(path: string): string | undefined {
  try {
    const s = statSync(path);
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
}

async function convert(input: string, options: CliOptions): Promise<Image<Uint8Array>> {
  const decoded = readPng(input);
  const source = options.color ? withoutAlpha(decoded) : toGrayscale(decoded);
  const result = await convolve2dAsync(source, options.kernel, options.convolve);
  return toUint8(result, { map: options.map });
}

/** RGB of an RGBA image (alpha dropped, as cv2.imread does); other layouts pass through. */
function withoutAlpha(image: Image): Image {
  if (image.channels !== 4) return image;
  const n = image.width * image.height;
  const src = image.data;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    rgb[3 * i] = src[4 * i];
    rgb[3 * i + 1] = src[4 * i + 1];
    rgb[3 * i + 2] = src[4 * i + 2];
  }
  return { width: image.width, height: image.height, channels: 3, data: rgb };
}

/** An error whose message is already the whole reason. */
class WriteError extends Error {}

function write(output: string, image: Image<Uint8Array>): void {
  const dir = dirname(output);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new WriteError(`cannot create directory ${dir}: ${fileReason(error)}`, { cause: error });
  }
  try {
    writePng(output, image);
  } catch (error) {
    throw new WriteError(`cannot write ${output}: ${fileReason(error)}`, { cause: error });
  }
}

/** The reason part of `file: reason`, without the file name when the message already starts with it. */
function reasonFor(error: unknown, input: string): string {
  if (error instanceof WriteError) return error.message;
  const reason = fileReason(error);
  for (const prefix of [`${input}: `, `${resolve(input)}: `]) {
    if (reason.startsWith(prefix)) return reason.slice(prefix.length);
  }
  return reason;
}
