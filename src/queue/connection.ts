/**
 * Where the queue lives: a redis://host:port[/db] address, checked, and the
 * ioredis client each process opens on it. One client per process serves
 * slimfit's own commands (the bytes, blobs.ts) and is handed to BullMQ as its
 * connection; BullMQ duplicates it for what blocks (a Worker's job fetch,
 * QueueEvents' stream reads), so those never stall the rest.
 */
import { Redis } from 'ioredis';
import { SlimfitError } from '../errors.js';

export interface QueueAddress {
  host: string;
  port: number;
  db: number;
  /** The address as given, for messages. */
  url: string;
}

/** Parses redis://host[:port][/db] (port 6379, db 0 by default); E_RANGE for anything else. */
export function parseQueueUrl(url: string): QueueAddress {
  const bad = (why: string) => new SlimfitError('E_RANGE', `--queue ${JSON.stringify(url)}: ${why}; expected redis://host:port[/db], e.g. redis://127.0.0.1:6379/0`);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad('not a URL');
  }
  if (u.protocol !== 'redis:') throw bad(`the scheme is ${u.protocol.replace(/:$/, '')}, not redis (TLS and sockets are not supported)`);
  if (u.hostname === '') throw bad('no host');
  if (u.username !== '' || u.password !== '') throw bad('credentials in the URL are not supported');
  if (u.search !== '' || u.hash !== '') throw bad('query strings and fragments are not supported');
  const port = u.port === '' ? 6379 : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(`port ${u.port} is out of range`);
  const path = u.pathname.replace(/^\//, '');
  const db = path === '' ? 0 : Number(path);
  if (!/^\d{1,2}$/.test(path === '' ? '0' : path) || db > 15) throw bad(`database '${path}' is not an integer from 0 to 15`);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port, db, url };
}

/** Reconnect delay before attempt n: 50 ms doubling to 2 s, forever (a restarted Redis is found within 2 s). */
export function retryDelayMs(times: number): number {
  return Math.min(50 * 2 ** Math.min(times - 1, 6), 2000);
}

/**
 * The process's client. lazyConnect: nothing happens until the first command
 * (checkReachable's PING), so an unreachable Redis is reported, not waited
 * on. maxRetriesPerRequest null, as BullMQ requires of a Worker's connection:
 * a command sent while Redis is away waits for the reconnect instead of
 * failing after a count of retries; the driver bounds every wait itself
 * (flow.ts, unreachableMs) and a worker is meant to outlive a Redis restart.
 * Errors are reported to onError (ioredis prints unhandled ones); the client
 * keeps reconnecting after each.
 */
export function openClient(a: QueueAddress, onError: (e: Error) => void = () => undefined): Redis {
  const client = new Redis({
    host: a.host,
    port: a.port,
    db: a.db,
    lazyConnect: true,
    maxRetriesPerRequest: null,
    retryStrategy: retryDelayMs,
  });
  client.on('error', onError);
  return client;
}

/**
 * Connects and pings within timeoutMs. Redis not there (nothing listening, no
 * such host) fails at the first refused connection instead of waiting out the
 * timeout: E_BACKEND naming the address, and the client is closed.
 */
export async function checkReachable(a: QueueAddress, client: Redis, timeoutMs = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onError: ((e: NodeJS.ErrnoException) => void) | undefined;
  try {
    await Promise.race([
      client.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
        onError = (e) => {
          if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') reject(e);
        };
        client.on('error', onError);
      }),
    ]);
  } catch (e) {
    client.disconnect();
    throw new SlimfitError('E_BACKEND', `cannot reach Redis at ${a.url} (${(e as Error).message}): start it (redis-server --port ${a.port}) or fix --queue`);
  } finally {
    clearTimeout(timer);
    if (onError) client.off('error', onError);
  }
}
