/**
 * Where a queue lives: the Redis URL and the queue name (both checked), a Redis client for
 * conv2d's own keys, and the names of those keys. BullMQ keeps its jobs under `bull:<queue>:…`;
 * beside them conv2d keeps, under `conv2d:<queue>:…`, each batch (its entries in input order) and
 * one result per job id, which is what `batchStatus` reads.
 */
import { Redis } from 'ioredis';
import { rangeError, typeError } from '../core/errors.js';

/** The queue used when none is named. */
export const DEFAULT_QUEUE = 'conv2d';

/** A `redis://` or `rediss://` URL, checked; `name` is the argument's path for the error. */
export function redisUrl(value: unknown, name: string): string {
  if (typeof value !== 'string') throw typeError(name, 'a redis:// or rediss:// URL string', value);
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    throw rangeError(name, 'a redis:// or rediss:// URL with a host, as in redis://127.0.0.1:6379', value);
  }
  return value;
}

/** A queue name: BullMQ forbids `:` in it, and a short plain name keeps the Redis keys readable. */
export function queueName(value: unknown, name: string): string {
  if (value === undefined) return DEFAULT_QUEUE;
  if (typeof value !== 'string') throw typeError(name, 'a string', value);
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(value)) throw rangeError(name, 'a name of 1 to 100 letters, digits, _, . or -', value);
  return value;
}

/** The keys conv2d keeps beside BullMQ's for one queue. */
export interface QueueKeys {
  /** Hash: a batch's facts (`created`, `entries`, `options`). */
  batch(id: string): string;
  /** List: a batch's entries in input order, each a JSON `Entry`. */
  entries(id: string): string;
  /** Hash: job id → JSON `JobRecord` (the last word on each job, whichever batch added it). */
  results: string;
}

/**
 * The key names for `queue`.
 * @example
 * queueKeys('conv2d').entries('b3f…') // 'conv2d:conv2d:batch:b3f…:entries'
 */
export function queueKeys(queue: string): QueueKeys {
  const base = `conv2d:${queue}`;
  return {
    batch: (id) => `${base}:batch:${id}`,
    entries: (id) => `${base}:batch:${id}:entries`,
    results: `${base}:results`,
  };
}

/**
 * BullMQ's connection options for `url`. `maxRetriesPerRequest: null` is what BullMQ requires of
 * a worker's connection: commands wait for Redis to come back instead of failing, so a restarted
 * Redis costs a pause, not a crashed worker.
 */
export function bullConnection(url: string): { url: string; maxRetriesPerRequest: null } {
  return { url, maxRetriesPerRequest: null };
}

/**
 * A client for conv2d's own keys, ready to use: rejects with `cannot reach Redis at URL` when no
 * connection is made within `timeoutMs`. After that, commands wait through a Redis restart (they
 * are queued and sent on reconnection).
 * @example
 * const redis = await connectRedis('redis://127.0.0.1:6379');
 * await redis.hlen(queueKeys('conv2d').results);
 * redis.disconnect();
 */
export async function connectRedis(url: string, timeoutMs = 10_000): Promise<Redis> {
  const client = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true });
  let lastError: unknown;
  // Without a listener ioredis prints every failed reconnection; the reasons surface where they matter.
  client.on('error', (error) => { lastError = error; });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`cannot reach Redis at ${url}${lastError ? ` (${(lastError as Error).message})` : ''}`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    client.disconnect();
    throw error instanceof Error && error.message.startsWith('cannot reach') ? error : new Error(`cannot reach Redis at ${url} (${(error as Error).message})`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
  return client;
}
