/**
 * Node-only file helpers (the rest of src/io runs in browsers too): atomic
 * writes (temp file in the same directory, fsync, rename), the sweep of
 * temp files a dead process left, and streaming SHA-256 of a file.
 *
 * A crash or Ctrl-C never leaves a partial output under the final name: the
 * output appears by rename(2), which is atomic on one filesystem. Temporary
 * files are named `.<basename>.<pid>.<random>.tmp` next to the target;
 * cleanupTempFiles() removes the ones still in flight (call it from a SIGINT
 * handler before exiting).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, fsyncSync, openSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { open, readdir, rename, rm, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createSha256 } from './checksum.js';

const inFlight = new Set<string>();

/** The temporary path writeFileAtomic uses for `path`: `.<name>.<pid>.<random hex>.tmp` in the same folder. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

const TEMP_NAME = /^\.(.+)\.(\d+)\.[a-z0-9]+\.tmp$/;

/**
 * The target's name and the writing process's id, when `name` (a file name,
 * no folder) is one tempPathFor makes; undefined for any other name. Cleanup
 * tools use the pid to tell a write in flight from one its process left behind.
 */
export function parseTempName(name: string): { target: string; pid: number } | undefined {
  const m = TEMP_NAME.exec(name);
  return m ? { target: m[1], pid: Number(m[2]) } : undefined;
}

export interface AtomicWriteOptions {
  /** fsync the data before the rename, so the new file also survives a power loss (default true). */
  fsync?: boolean;
  /**
   * Blocking system calls instead of libuv's thread pool. For worker threads
   * (a batch worker has nothing else to do meanwhile): a small file costs
   * ~0.3 ms instead of ~0.6-1.5 ms, and workers do not queue on the shared pool.
   */
  sync?: boolean;
  /** Checked just before the rename: an aborted write leaves no file. */
  signal?: AbortSignal;
}

/**
 * Writes `bytes` (a string: its UTF-8) to `path` atomically: into a temporary
 * file in the same directory, flushed to disk unless `fsync: false`, then
 * renamed over `path`. On any failure the temporary file is removed and the
 * error rethrown (the target is untouched).
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string, opts: AtomicWriteOptions = {}): Promise<void> {
  const fsync = opts.fsync !== false;
  if (opts.sync) return writeFileAtomicSync(path, bytes, fsync);
  const tmp = tempPathFor(path);
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  inFlight.add(tmp);
  try {
    fh = await open(tmp, 'wx', 0o644);
    await fh.writeFile(bytes);
    if (fsync) await fh.sync();
    await fh.close();
    fh = undefined;
    if (opts.signal?.aborted) throw opts.signal.reason;
    await rename(tmp, path);
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw e;
  } finally {
    inFlight.delete(tmp);
  }
}

function writeFileAtomicSync(path: string, bytes: Uint8Array | string, fsync: boolean): void {
  const tmp = tempPathFor(path);
  let fd: number | undefined;
  inFlight.add(tmp);
  try {
    fd = openSync(tmp, 'wx', 0o644);
    writeFileSync(fd, bytes);
    if (fsync) fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    inFlight.delete(tmp);
  }
}

/** An output written in pieces, appearing under its name only on commit(). */
export interface AtomicStream {
  write(text: string): Promise<void>;
  /** fsync (unless told not to), close, rename over the target. */
  commit(): Promise<void>;
  /** Close and remove the temporary file; the target is untouched. */
  abort(): Promise<void>;
}

/** writeFileAtomic for outputs too large to hold: the same temp file, cleanup and rename. */
export async function openAtomic(path: string, opts: Pick<AtomicWriteOptions, 'fsync'> = {}): Promise<AtomicStream> {
  const tmp = tempPathFor(path);
  inFlight.add(tmp);
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(tmp, 'wx', 0o644);
  } catch (e) {
    inFlight.delete(tmp);
    throw e;
  }
  const handle = fh;
  const abort = async () => {
    await handle.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    inFlight.delete(tmp);
  };
  return {
    async write(text) {
      await handle.write(text);
    },
    async commit() {
      try {
        if (opts.fsync !== false) await handle.sync();
        await handle.close();
        await rename(tmp, path);
        inFlight.delete(tmp);
      } catch (e) {
        await abort();
        throw e;
      }
    },
    abort,
  };
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

/**
 * Removes temp files from `dir`: this process's (after its writes were cut
 * short), and unless `onlyOurs`, those of processes that no longer run. A
 * live process's temp file is a write in flight and stays. Returns how many
 * went; a folder that cannot be read holds none.
 */
export async function sweepTempFiles(dir: string, onlyOurs: boolean): Promise<number> {
  let n = 0;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const pid = parseTempName(name)?.pid;
    if (pid === undefined) continue;
    const ours = pid === process.pid;
    let alive = ours;
    if (!ours && !onlyOurs) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (e) {
        // EPERM: it runs, under another user
        alive = (e as NodeJS.ErrnoException).code === 'EPERM';
      }
    }
    if (ours || (!onlyOurs && !alive)) {
      await rm(join(dir, name), { force: true });
      n++;
    }
  }
  return n;
}

/** Lowercase hex SHA-256 of a file, streamed (constant memory). */
export async function sha256File(path: string): Promise<string> {
  const h = await createSha256();
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.hex();
}
