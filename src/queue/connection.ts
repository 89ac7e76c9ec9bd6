/**
 * Where the queue lives: a redis://host:port[/db] address, checked, and the
 * Redis client BullMQ uses (resp-client.ts, installed as BullMQ's client
 * factory once per process).
 */
import { RedisConnection } from 'bullmq';
import { SlimfitError } from '../errors.js';
import { RespClient, type RespOptions } from './resp-client.js';

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

let installed = false;

/** BullMQ builds every connection it needs (blocking ones included) through this factory. */
export function installRedisClient(): void {
  if (installed) return;
  installed = true;
  RedisConnection.clientFactory = ((opts: RespOptions) => new RespClient(opts)) as unknown as typeof RedisConnection.clientFactory;
}

/** BullMQ connection options for an address. */
export function connectionOptions(a: QueueAddress): { host: string; port: number; db: number } {
  installRedisClient();
  return { host: a.host, port: a.port, db: a.db };
}

/** A plain client (blobs, checks): reconnects like BullMQ's, within retry delays of 50 ms to 2 s. */
export function plainClient(a: QueueAddress): RespClient {
  return new RespClient({ host: a.host, port: a.port, db: a.db, retryStrategy: (n) => Math.min(50 * 2 ** Math.min(n, 6), 2000) });
}

/**
 * Connects and pings within timeoutMs; E_QUEUE-style message when Redis is not
 * there (the client is closed on failure).
 */
export async function checkReachable(a: QueueAddress, client: RespClient, timeoutMs = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onError: ((e: NodeJS.ErrnoException) => void) | undefined;
  try {
    await Promise.race([
      client.send(['PING']),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
        // Nothing listening or no such host: no point in waiting out the timeout.
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
