/**
 * Node-only file helpers (the rest of src/io runs in browsers too): atomic
 * writes (temp file in the same directory, fsync, rename), whole-file reads,
 * streaming SHA-256, and .slim / safetensors convenience wrappers.
 *
 * A crash or Ctrl-C never leaves a partial output under the final name: the
 * output appears by rename(2), which is atomic on one filesystem. Temporary
 * files are named `.<basename>.<pid>.<random>.tmp` next to the target;
 * cleanupTempFiles() removes the ones still in flight (call it from a SIGINT
 * handler before exiting).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, unlinkSync } from 'node:fs';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SlimfitError } from '../errors.js';
import { createSha256 } from './checksum.js';
import { decodeSafetensors, encodeSafetensors, type DecodeSafetensorsOptions, type SafetensorsFile, type SafetensorsTensorInput } from './safetensors.js';
import { decodeSlim, encodeSlim, type DecodedSlim, type EncodeSlimOptions, type SlimContent } from './slim.js';
import type { NumericArray } from './binary.js';

const inFlight = new Set<string>();

/** The temporary path writeFileAtomic uses for `path` (exported for tests and cleanup tools). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Writes `bytes` to `path` atomically: into a temporary file in the same
 * directory, flushed to disk, then renamed over `path`. On any failure the
 * temporary file is removed and the error rethrown (the target is untouched).
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = tempPathFor(path);
  inFlight.add(tmp);
  try {
    const fh = await open(tmp, 'wx', 0o644);
    try {
      let off = 0;
      while (off < bytes.length) {
        const { bytesWritten } = await fh.write(bytes, off, bytes.length - off);
        off += bytesWritten;
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  } finally {
    inFlight.delete(tmp);
  }
}

/** Synchronously removes temporary files of writes still in progress (for a SIGINT/SIGTERM handler). */
export function cleanupTempFiles(): void {
  for (const tmp of inFlight) {
    try {
      unlinkSync(tmp);
    } catch {
      // already renamed or never created
    }
  }
  inFlight.clear();
}

/** Reads a whole file as a Uint8Array. */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  const b = await readFile(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Lowercase hex SHA-256 of a file, streamed (constant memory). */
export async function sha256File(path: string): Promise<string> {
  const h = await createSha256();
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.hex();
}

/** encodeSlim + writeFileAtomic. */
export async function writeSlimFile(path: string, content: SlimContent, opts?: EncodeSlimOptions): Promise<void> {
  await writeFileAtomic(path, await encodeSlim(content, opts));
}

/** readFileBytes + decodeSlim; E_FORMAT messages name the file. */
export async function readSlimFile(path: string): Promise<DecodedSlim> {
  const bytes = await readFileBytes(path);
  try {
    return await decodeSlim(bytes);
  } catch (e) {
    throw withPath(e, path);
  }
}

/** readFileBytes + decodeSafetensors; E_FORMAT messages name the file. */
export async function readSafetensorsFile(path: string, opts?: DecodeSafetensorsOptions): Promise<SafetensorsFile> {
  const bytes = await readFileBytes(path);
  try {
    return decodeSafetensors(bytes, opts);
  } catch (e) {
    throw withPath(e, path);
  }
}

/** encodeSafetensors + writeFileAtomic. */
export async function writeSafetensorsFile(path: string, tensors: Record<string, SafetensorsTensorInput | NumericArray>, metadata?: Record<string, string>): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

function withPath(e: unknown, path: string): unknown {
  if (e instanceof SlimfitError && e.code === 'E_FORMAT') {
    return new SlimfitError('E_FORMAT', `${path}: ${e.message.replace(/^E_FORMAT: /, '')}`, { ...(e.details ?? {}), path });
  }
  return e;
}
