/**
 * The long-running side of the queue: a BullMQ Worker on the slimfit queue
 * whose processor fetches a job's bytes from Redis, runs the job in one of
 * its threads (threads.ts: one engine per thread, a deadline per job) and
 * stores the output bytes back in Redis for the driver to write.
 *
 * Stall recovery is BullMQ's: a worker holds a lock on each active job and
 * renews it every lockDuration / 2; when a worker dies (SIGKILL, a machine
 * lost) its lock expires and another worker's stalled-job check (every
 * stalledInterval) moves the job back to waiting, up to maxStalledCount
 * times before it fails. close() stops taking jobs and waits for the active
 * ones; close(true) hands them back at once (they stall and are picked up
 * elsewhere after lockDuration).
 */
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { getBlob, putBytes } from './blobs.js';
import { checkReachable, openClient, type QueueAddress } from './connection.js';
import { outKey, QUEUE_NAME, versionMismatch, type JobEnvelope, type JobResultEnvelope } from './protocol.js';
import { ThreadSlots } from './threads.js';

export interface QueueWorkerOptions {
  /** The job module (URL) each thread loads: its default export runs one job. */
  jobModule: string;
  /** Jobs at once, one thread each (default 1). */
  concurrency?: number;
  /** Deadline of one job in its thread, ms (default 10 min). */
  jobTimeoutMs?: number;
  /** BullMQ lock on an active job, ms (default 30 s): how long a dead worker's job waits before it is recovered. */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs, ms (default 30 s). */
  stalledIntervalMs?: number;
  /** Times a job may stall (its worker died) before it fails (default 1). */
  maxStalledCount?: number;
  /** One line per job and event. */
  log?: (line: string) => void;
  /** Fault injection for tests: see `slimfit worker` (SLIMFIT_WORKER_FAULTS). */
  faults?: WorkerFaults;
}

export interface WorkerFaults {
  /** Labels whose jobs always throw. */
  fail?: string[];
  /** Labels whose thread exits mid-job / spins forever. */
  crash?: string[];
  hang?: string[];
  /** ms every job waits (in the main thread) before it runs: makes "mid-job" last long enough to kill. */
  delayMs?: number;
}

export interface QueueWorkerStats {
  completed: number;
  failed: number;
  refused: number;
  threadsReplaced: number;
}

export interface QueueWorker {
  readonly stats: QueueWorkerStats;
  /** Resolves when the worker is connected and taking jobs. */
  ready: Promise<void>;
  /** Stops taking jobs; waits for the active ones (force: hands them back at once). */
  close(force?: boolean): Promise<void>;
}

/** Bytes of blobs a worker keeps between jobs. */
const CACHE_BYTES = 64 * 2 ** 20;

export function startQueueWorker(addr: QueueAddress, opts: QueueWorkerOptions): QueueWorker {
  const concurrency = opts.concurrency ?? 1;
  const log = opts.log ?? (() => undefined);
  const faults = opts.faults ?? {};
  const me = `${hostname()}:${process.pid}`;
  // One client for the bytes, also BullMQ's connection (it duplicates it for the blocking job fetch).
  const blobs = openClient(addr);
  const slots = new ThreadSlots(opts.jobModule, concurrency);
  const stats: QueueWorkerStats = { completed: 0, failed: 0, refused: 0, threadsReplaced: 0 };
  // Blobs are named by their content, so a copy never goes stale: the calibration rows every job of
  // a batch reads are fetched once, not once per job. Least recently used out past CACHE_BYTES.
  const cache = new Map<string, Uint8Array>();
  let cached = 0;
  const fetchBlob = async (key: string): Promise<Uint8Array> => {
    const hit = cache.get(key);
    if (hit) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const b = await getBlob(blobs, key);
    if (b.byteLength <= CACHE_BYTES / 4) {
      cache.set(key, b);
      cached += b.byteLength;
      for (const [k, v] of cache) {
        if (cached <= CACHE_BYTES) break;
        cache.delete(k);
        cached -= v.byteLength;
      }
    }
    return b;
  };

  const processor = async (job: Job<JobEnvelope>): Promise<JobResultEnvelope> => {
    const d = job.data;
    const refusal = versionMismatch(d?.v);
    if (refusal !== undefined) {
      stats.refused++;
      log(`refused ${d?.label ?? job.id}: ${refusal}`);
      throw new UnrecoverableError(refusal);
    }
    log(`start ${d.label} (job ${job.id}, attempt ${job.attemptsMade + 1})`);
    if (faults.delayMs) await new Promise((r) => setTimeout(r, faults.delayMs));
    if (faults.fail?.includes(d.label)) throw new Error(`injected failure for ${d.label} (SLIMFIT_WORKER_FAULTS)`);
    const bytes: Record<string, Uint8Array> = {};
    for (const [name, key] of Object.entries(d.blobs)) {
      try {
        bytes[name] = await fetchBlob(key);
      } catch (e) {
        // The bytes are gone for good: retrying cannot help.
        throw new UnrecoverableError(`${d.label}: ${(e as Error).message}`);
      }
    }
    const fault = faults.crash?.includes(d.label) ? 'crash' : faults.hang?.includes(d.label) ? 'hang' : undefined;
    const t0 = performance.now();
    const r = await slots.run({ kind: d.kind, label: d.label, payload: d.payload, bytes }, opts.jobTimeoutMs ?? 600_000, fault);
    const ms = performance.now() - t0;
    let out: string | undefined;
    if (r.out) {
      out = outKey(String(job.id));
      await putBytes(blobs, out, r.out);
    }
    return { value: r.value, ...(out ? { out } : {}), by: me, ms };
  };

  let worker: Worker<JobEnvelope, JobResultEnvelope> | undefined;
  const start = (): Worker<JobEnvelope, JobResultEnvelope> => {
    const w = new Worker<JobEnvelope, JobResultEnvelope>(QUEUE_NAME, processor, {
      connection: blobs,
      concurrency,
      lockDuration: opts.lockDurationMs ?? 30_000,
      stalledInterval: opts.stalledIntervalMs ?? 30_000,
      maxStalledCount: opts.maxStalledCount ?? 1,
      autorun: true,
    });
    w.on('completed', (job) => {
      stats.completed++;
      log(`done ${job.data.label} in ${(job.returnvalue?.ms ?? 0).toFixed(0)} ms`);
    });
    w.on('failed', (job, err) => {
      stats.failed++;
      stats.threadsReplaced = slots.replaced;
      log(`failed ${job?.data?.label ?? job?.id}: ${err.message}${job && job.attemptsMade < (job.opts.attempts ?? 1) && !(err instanceof UnrecoverableError) ? ' (will retry)' : ''}`);
    });
    // Lost connections are among these: BullMQ and ioredis reconnect on their own.
    w.on('error', (err) => log(`error: ${err.message}`));
    return w;
  };
  let closing = false;
  // The Worker is made once Redis answered: an unreachable Redis is reported by ready at once, not retried in the background.
  const ready = (async () => {
    await checkReachable(addr, blobs);
    if (closing) return;
    worker = start();
    await worker.waitUntilReady();
  })();
  return {
    stats,
    ready,
    async close(force = false) {
      closing = true;
      try {
        await worker?.close(force);
      } finally {
        stats.threadsReplaced = slots.replaced;
        await slots.close();
        blobs.disconnect();
      }
    },
  };
}
