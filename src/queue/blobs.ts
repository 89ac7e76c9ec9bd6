/** Content-addressed bytes in Redis (see protocol.ts for the limit and the expiry). */
import { createHash } from 'node:crypto';
import { SlimfitError } from '../errors.js';
import { BLOB_TTL_S, blobKey, MAX_BLOB_BYTES } from './protocol.js';
import type { Redis } from 'ioredis';

export function checkBlobSize(bytes: number, name: string, limit = MAX_BLOB_BYTES): void {
  if (bytes > limit) {
    throw new SlimfitError('E_RANGE', `${name} is ${(bytes / 2 ** 20).toFixed(1)} MiB; files sent through the queue are limited to ${(limit / 2 ** 20).toFixed(0)} MiB each (split it into shards, or run it on a machine that reads it locally)`);
  }
}

/** Stores bytes once under their sha256 (refreshing the expiry); returns the key. */
export async function putBlob(client: Redis, bytes: Uint8Array, name: string, limit = MAX_BLOB_BYTES): Promise<string> {
  checkBlobSize(bytes.byteLength, name, limit);
  const key = blobKey(createHash('sha256').update(bytes).digest('hex'));
  // SET NX: a blob already there has the same bytes; EXPIRE refreshes it either way.
  if ((await client.set(key, asBuffer(bytes), 'EX', BLOB_TTL_S, 'NX')) === null) await client.expire(key, BLOB_TTL_S);
  return key;
}

export async function putBytes(client: Redis, key: string, bytes: Uint8Array): Promise<void> {
  await client.set(key, asBuffer(bytes), 'EX', BLOB_TTL_S);
}

/** The bytes under key; E_FORMAT when they are gone (expired, or Redis lost its data). */
export async function getBlob(client: Redis, key: string): Promise<Uint8Array> {
  const b = await client.getBuffer(key);
  if (b === null) throw new SlimfitError('E_FORMAT', `${key} is not in Redis (expired, or Redis restarted without persistence)`);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** The same bytes as a Buffer, not copied (ioredis sends a Buffer as bytes; other values it turns into strings). */
function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}
