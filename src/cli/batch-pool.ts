/**
 * The batch runner: a piscina worker_threads pool, one engine per worker
 * (batch-worker.ts). Every output is written atomically (temp file in the
 * output folder, rename); a rerun skips outputs whose recorded input digest
 * (sha256) and recipe match; one bad input is reported and the others go on;
 * an abort stops the pool and removes the temp files of writes in flight.
 *
 * runBatch() serves the command and code alike (benchmarks, scripts).
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { mkdir } from 'node:fs/promises';
import { basename } from 'node:path';
import { Piscina } from 'piscina';
import { sweepTempFiles } from '../io/files.js';
import { planOutputs } from './batch-inputs.js';
import { batchTally } from './batch-tally.js';
import type { BatchJob, BatchTask, BatchTaskResult } from './batch-worker.js';
import { EXIT, usage } from './errors.js';
import { sha256File } from './files.js';
import { recipeDigest, recipeRecord, type Recipe } from './recipe.js';

export interface BatchProgress {
  total: number;
  /** Finished so far: written + skipped + failed. */
  done: number;
  written: number;
  skipped: number;
  failed: number;
  /** The task that just finished. */
  last: BatchTaskResult;
}

export interface BatchOptions {
  recipe: Recipe;
  /** Worker threads (default: available cores). */
  workers?: number;
  /** Redo outputs that are up to date. */
  force?: boolean;
  /**
   * fsync every output before its rename (default false). Without it an
   * output is still never partial for other processes, Ctrl-C or a crash of
   * slimfit; with it, it also survives a power loss — at ~1-3 ms per file.
   */
  fsync?: boolean;
  onProgress?: (p: BatchProgress) => void;
  /** Abort: stops the pool, removes temp files, resolves with interrupted: true. */
  signal?: AbortSignal;
  /** Inputs per worker task (default: total / (8 x workers), 1..16). */
  chunk?: number;
  /** Worker module (default: batch-worker.js next to this file, or .ts when running from source). */
  workerFile?: string;
}

export interface BatchSummary {
  total: number;
  written: number;
  skipped: number;
  failed: number;
  interrupted: boolean;
  workers: number;
  seconds: number;
  /** Written per second of wall time. */
  throughput: number;
  results: BatchTaskResult[];
  failures: Extract<BatchTaskResult, { status: 'failed' }>[];
}

const WORKER_EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

function defaultWorkerFile(): string {
  return new URL(`./batch-worker${WORKER_EXT}`, import.meta.url).href;
}

/** A worker count is an integer from 1 to 256; `shown` is how the message quotes what was given. */
export function checkWorkers(workers: number, shown = String(workers)): void {
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) throw usage(`--workers must be an integer from 1 to 256, got ${shown}`);
}

/** Compresses every input into outDir with a worker pool. Never throws for a bad input: see summary.failures. */
export async function runBatch(inputs: string[], outDir: string, opts: BatchOptions): Promise<BatchSummary> {
  const t0 = performance.now();
  const workers = opts.workers ?? availableParallelism();
  checkWorkers(workers);
  const plan = planOutputs(inputs, outDir);
  await mkdir(outDir, { recursive: true });
  await sweepTempFiles(outDir, false);
  const calibDigest = opts.recipe.calib !== undefined ? await sha256File(opts.recipe.calib) : undefined;
  const digest = await recipeDigest(recipeRecord(opts.recipe, calibDigest));

  const pool = new Piscina<BatchTask, BatchTaskResult[]>({
    filename: opts.workerFile ?? defaultWorkerFile(),
    minThreads: Math.min(workers, inputs.length || 1),
    maxThreads: workers,
    idleTimeout: 1000,
  });
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (opts.signal?.aborted) stop.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const total = inputs.length;
  const tally = batchTally(total, opts.onProgress);
  const record = tally.record;
  // Feed the pool chunks of a few inputs through a bounded window: one
  // message each way per chunk (thread wake-ups cost ~0.2-0.4 ms here), and
  // memory and abort listeners stay O(workers) however many inputs there are.
  const chunk = opts.chunk ?? Math.max(1, Math.min(16, Math.ceil(total / (workers * 8))));
  const jobs = [...plan].map(([input, output]) => ({ input, output }));
  const queue: BatchJob[][] = [];
  for (let i = 0; i < jobs.length; i += chunk) queue.push(jobs.slice(i, i + chunk));
  const window = workers * 2;
  setMaxListeners(window + 16, stop.signal);
  // Each input's result comes back on a per-chunk port as soon as that input
  // is done (the task's return value repeats them; `seen` drops the repeats),
  // so progress moves per file and an interrupt counts exactly what finished.
  const seen = new Set<string>();
  const recordOnce = (r: BatchTaskResult) => {
    if (seen.has(r.input)) return;
    seen.add(r.input);
    record(r);
  };
  const interruptedPorts: MessagePort[] = [];
  const lane = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined && !stop.signal.aborted; next = queue.shift()) {
      const { port1, port2 } = new MessageChannel();
      port1.on('message', recordOnce);
      const task: BatchTask = { jobs: next, recipe: opts.recipe, recipeDigest: digest, ...(calibDigest ? { calibDigest } : {}), force: Boolean(opts.force), fsync: Boolean(opts.fsync), port: port2 };
      try {
        for (const r of await pool.run(task, { signal: stop.signal, transferList: [port2] })) recordOnce(r);
        port1.close();
      } catch (e) {
        if (stop.signal.aborted) {
          // interrupted: not a failure of these inputs; what the worker finished is drained after the pool stops
          interruptedPorts.push(port1);
          return;
        }
        port1.close();
        for (const { input, output } of next) {
          if (!seen.has(input)) recordOnce({ status: 'failed', input, output, code: 'E_WORKER', message: `${basename(input)}: worker failed: ${(e as Error)?.message ?? String(e)}`, exitCode: EXIT.INTERNAL });
        }
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(window, queue.length) }, lane));
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await pool.destroy();
    // The workers are gone: every result they posted is queued on its port. Take them all, then close.
    for (const port of interruptedPorts) {
      for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) recordOnce(m.message as BatchTaskResult);
      port.close();
    }
    // Aborted tasks' workers were terminated, possibly mid-write: their temp files go.
    await sweepTempFiles(outDir, true);
  }
  return tally.summary(inputs, t0, { interrupted: stop.signal.aborted, workers });
}
