/**
 * The command lines of `conv2d enqueue`, `conv2d worker` and `conv2d status`, checked completely
 * before Redis is touched (a usage error exits 2 with nothing enqueued). `enqueue` takes every
 * option of a local run, parsed by the local parser (args.ts), plus where the queue is.
 */
import { parseArgs } from 'node:util';
import { parseCli, positiveInteger, type CliOptions } from './args.js';
import { queueName, redisUrl } from '../queue/connection.js';
import { UsageError } from './usage.js';

/** Where the queue is: `--redis URL` (or `CONV2D_REDIS`), `--queue NAME`. */
export interface QueueFlags {
  redis: string;
  queue?: string;
}

export type EnqueueCommand = { kind: 'help' } | { kind: 'enqueue'; local: CliOptions; queue: QueueFlags; root?: string; attempts?: number };
export type WorkerCommand = { kind: 'help' } | { kind: 'worker'; queue: QueueFlags; root?: string; jobs?: number; stallInterval?: number; quiet: boolean };
export type StatusCommand = { kind: 'help' } | { kind: 'status'; batch: string; queue: QueueFlags; wait: boolean; json: boolean; quiet: boolean };

/** The flags `enqueue` takes besides the local ones, each with a value. */
const ENQUEUE_FLAGS = new Set(['--redis', '--queue', '--root', '--attempts']);

/**
 * `conv2d enqueue IN... [local options] --redis URL [--queue NAME] [--root DIR] [--attempts N]`.
 * @example
 * parseEnqueue(['photos/', '--out-dir', 'edges', '--redis', 'redis://127.0.0.1:6379'], {})
 * // { kind: 'enqueue', local: { inputs: ['photos/'], outDir: 'edges', … }, queue: { redis: 'redis://…' } }
 */
export function parseEnqueue(argv: readonly string[], env: NodeJS.ProcessEnv): EnqueueCommand {
  const own = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '-j' || flag === '--jobs' || /^-[^-]*j/.test(flag)) throw new UsageError('--jobs is an option of conv2d worker (each worker sets its own)');
    if (!ENQUEUE_FLAGS.has(flag)) {
      rest.push(arg);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('-'))) throw new UsageError(`option '${flag}' needs a value`);
    own.set(flag, value);
  }
  const parsed = parseCli(rest);
  if (parsed.kind !== 'run') return { kind: 'help' };
  refuseLocalOnly(parsed.options);
  const attempts = own.has('--attempts') ? positiveInteger('--attempts', own.get('--attempts')!) : undefined;
  return { kind: 'enqueue', local: parsed.options, queue: queueFlags(own.get('--redis'), own.get('--queue'), env), root: own.get('--root'), attempts };
}

/**
 * Refuses the flags a queued job does not carry (its spec holds the kernel, the convolution,
 * naming, --color, --map and the pixel limit), rather than dropping them without a word.
 */
function refuseLocalOnly(options: CliOptions): void {
  const given = [
    options.weights !== undefined && '--weights',
    options.quality !== undefined && '--quality',
    options.depth !== 8 && '--depth',
    options.edges !== undefined && ('canny' in options.edges ? '--canny' : '--gradient'),
    (options.inputs.includes('-') || options.output === '-') && '- (standard input or output)',
  ].filter((flag): flag is string => typeof flag === 'string');
  if (given.length > 0) throw new UsageError(`conv2d enqueue does not take ${given.join(', ')} (run conv2d locally for that)`);
}

/**
 * `conv2d worker --redis URL [--queue NAME] [--root DIR] [--jobs N] [--stall-interval SECONDS] [--quiet]`.
 * @example
 * parseWorker(['--jobs', '2', '--redis', 'redis://127.0.0.1:6379'], {}) // { kind: 'worker', jobs: 2, … }
 */
export function parseWorker(argv: readonly string[], env: NodeJS.ProcessEnv): WorkerCommand {
  const { values, positionals } = parse(argv, {
    redis: { type: 'string' }, queue: { type: 'string' }, root: { type: 'string' }, jobs: { type: 'string', short: 'j' },
    'stall-interval': { type: 'string' }, quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return { kind: 'help' };
  if (positionals.length > 0) throw new UsageError(`conv2d worker takes no inputs (they come from the queue), but got '${positionals[0]}'`);
  const stall = values['stall-interval'];
  let stallInterval: number | undefined;
  if (stall !== undefined) {
    const seconds = Number(stall);
    if (!/^(\d+\.?\d*|\.\d+)$/.test(stall) || !(seconds >= 0.1) || seconds > 86_400) {
      throw new UsageError(`--stall-interval must be a number of seconds from 0.1 to 86400, not '${stall}'`);
    }
    stallInterval = Math.round(seconds * 1000);
  }
  return {
    kind: 'worker',
    queue: queueFlags(values.redis, values.queue, env),
    root: values.root,
    jobs: values.jobs === undefined ? undefined : positiveInteger('--jobs', values.jobs),
    stallInterval,
    quiet: values.quiet ?? false,
  };
}

/**
 * `conv2d status BATCH --redis URL [--queue NAME] [--wait] [--json] [--quiet]`.
 * @example
 * parseStatus(['b5d0e…', '--wait', '--redis', 'redis://127.0.0.1:6379'], {}) // { kind: 'status', wait: true, … }
 */
export function parseStatus(argv: readonly string[], env: NodeJS.ProcessEnv): StatusCommand {
  const { values, positionals } = parse(argv, {
    redis: { type: 'string' }, queue: { type: 'string' }, wait: { type: 'boolean' }, json: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return { kind: 'help' };
  if (positionals.length !== 1) throw new UsageError(`conv2d status takes one batch id (as conv2d enqueue prints it), but got ${positionals.length}`);
  const batch = positionals[0];
  if (!/^b[0-9a-f]{24}$/.test(batch)) throw new UsageError(`'${batch}' is not a batch id (b and 24 hex digits, as conv2d enqueue prints it)`);
  return {
    kind: 'status', batch, queue: queueFlags(values.redis, values.queue, env),
    wait: values.wait ?? false, json: values.json ?? false, quiet: values.quiet ?? false,
  };
}

type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

function parse(argv: readonly string[], options: FlagSpec): { values: Record<string, string | boolean | undefined> & Record<string, never>; positionals: string[] } {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true }) as never;
  } catch (error) {
    const message = String((error as Error).message ?? error).split('\n')[0];
    throw new UsageError(message);
  }
}

/** `--redis`, else `CONV2D_REDIS`; either must be a redis:// or rediss:// URL. */
function queueFlags(redis: string | undefined, queue: string | undefined, env: NodeJS.ProcessEnv): QueueFlags {
  const url = redis ?? env.CONV2D_REDIS;
  if (url === undefined || url === '') throw new UsageError('no Redis given: use --redis redis://HOST:PORT or set CONV2D_REDIS');
  const flag = redis === undefined ? 'CONV2D_REDIS' : '--redis';
  try {
    return { redis: redisUrl(url, flag), queue: queue === undefined ? undefined : queueName(queue, '--queue') };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
