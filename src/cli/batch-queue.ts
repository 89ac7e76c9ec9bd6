/**
 * `slimfit batch --queue redis://...`: the same batch, run by `slimfit worker`
 * processes on any number of machines. This process (the driver) checks the
 * run, skips the outputs that are up to date (the same input and recipe
 * digests as the local batch), sends each remaining input's bytes through
 * Redis as one job of a BullMQ flow, and writes each output itself, atomically,
 * as its bytes come back: outputs appear only on the driver's disk, whole,
 * once each. Workers run the local batch's compress step (queue-jobs.ts), so
 * the files are the ones the local pool writes.
 */
import { mkdir, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { sweepTempFiles } from '../io/files.js';
import { checkOptions, optionKeys } from '../options.js';
import { checkBlobSize } from '../queue/blobs.js';
import type { QueueAddress } from '../queue/connection.js';
import { runFlow, type FlowJob } from '../queue/flow.js';
import { MAX_BLOB_BYTES } from '../queue/protocol.js';
import { planOutputs } from './batch-inputs.js';
import type { BatchOptions, BatchProgress, BatchSummary } from './batch-pool.js';
import { upToDate } from './batch-resume.js';
import { batchTally } from './batch-tally.js';
import { failedResult, type BatchTaskResult } from './batch-worker.js';
import { EXIT, inputError } from './errors.js';
import { readInput, sha256Bytes, writeFileAtomic } from './files.js';
import type { CompressJobPayload } from './queue-jobs.js';
import { recipeDigest, recipeRecord } from './recipe.js';

export interface QueueBatchOptions extends Pick<BatchOptions, 'recipe' | 'force' | 'fsync' | 'signal'> {
  queue: QueueAddress;
  onProgress?: (p: BatchProgress) => void;
  /** Lines about the run (Redis lost it, ...). */
  onNote?: (line: string) => void;
  /** Tries per job (default 3) and the first backoff (ms, default 1000). */
  attempts?: number;
  backoffMs?: number;
  /** Poll period of the driver, ms (default 100). */
  tickMs?: number;
  /** Per-input byte limit (default 64 MiB). */
  maxBytes?: number;
}

export interface QueueBatchSummary extends BatchSummary {
  /** Times the jobs not done were enqueued again because Redis lost the run (a restart without persistence). */
  requeued: number;
}

const QUEUE_BATCH_KEYS = optionKeys<QueueBatchOptions>()(['recipe', 'force', 'fsync', 'signal', 'queue', 'onProgress', 'onNote', 'attempts', 'backoffMs', 'tickMs', 'maxBytes']);

/** The file's bytes again (when its job is sent), refused if they changed since the run was planned. */
async function readChecked(path: string, digest: string): Promise<Uint8Array> {
  const b = await readInput(path);
  if ((await sha256Bytes(b)) !== digest) throw inputError(`${basename(path)} changed while the batch was being sent; rerun the batch`);
  return b;
}

/** Compresses every input into outDir on the queue's workers. Never throws for a bad input: see summary.failures. */
export async function runQueueBatch(inputs: string[], outDir: string, opts: QueueBatchOptions): Promise<QueueBatchSummary> {
  checkOptions('runQueueBatch', opts, QUEUE_BATCH_KEYS);
  const t0 = performance.now();
  const plan = planOutputs(inputs, outDir);
  await mkdir(outDir, { recursive: true });
  await sweepTempFiles(outDir, false);
  const limit = opts.maxBytes ?? MAX_BLOB_BYTES;
  let calib: (() => Promise<Uint8Array>) | undefined;
  let calibDigest: string | undefined;
  if (opts.recipe.calib !== undefined) {
    const path = opts.recipe.calib;
    const bytes = await readInput(path);
    checkBlobSize(bytes.byteLength, basename(path), limit);
    calibDigest = await sha256Bytes(bytes);
    calib = () => readChecked(path, calibDigest!);
  }
  const digest = await recipeDigest(recipeRecord(opts.recipe, calibDigest));

  const total = inputs.length;
  const tally = batchTally(total, opts.onProgress);
  const record = tally.record;

  // What is up to date is skipped here, before anything is sent; bad or too large inputs fail alone.
  const jobs: FlowJob[] = [];
  const targets: { input: string; output: string }[] = [];
  for (const [input, output] of plan) {
    try {
      checkBlobSize((await stat(input)).size, basename(input), limit);
      const bytes = await readInput(input);
      const inputDigest = await sha256Bytes(bytes);
      if (!opts.force && (await upToDate(output, inputDigest, digest))) {
        record({ status: 'skipped', input, output });
        continue;
      }
      const payload: CompressJobPayload = { input, output, inputDigest, recipe: opts.recipe, ...(calibDigest ? { calibDigest } : {}) };
      jobs.push({ label: basename(input), kind: 'compress', payload, bytes: { input: () => readChecked(input, inputDigest), ...(calib ? { calib } : {}) } });
      targets.push({ input, output });
    } catch (e) {
      record(failedResult(input, output, e));
    }
  }

  const by = new Set<string>();
  let interrupted = opts.signal?.aborted === true;
  let requeued = 0;
  if (jobs.length > 0 && !interrupted) {
    const s = await runFlow(opts.queue, jobs, {
      ...(opts.attempts !== undefined ? { attempts: opts.attempts } : {}),
      ...(opts.backoffMs !== undefined ? { backoffMs: opts.backoffMs } : {}),
      ...(opts.tickMs !== undefined ? { tickMs: opts.tickMs } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onNote ? { onNote: opts.onNote } : {}),
      maxBytes: limit,
      onOutcome: async (o) => {
        const { input, output } = targets[o.index];
        if (!o.ok) {
          record({ status: 'failed', input, output, code: 'E_WORKER', message: `${basename(input)}: worker failed: ${o.reason}`, exitCode: EXIT.INTERNAL });
          return;
        }
        by.add(o.by);
        const r = o.value as BatchTaskResult;
        if (r.status !== 'written' || !o.out) {
          record(r.status === 'failed' ? { ...r, input, output } : failedResult(input, output, new Error('the worker sent no output')));
          return;
        }
        try {
          await writeFileAtomic(output, o.out, { fsync: Boolean(opts.fsync) });
          record({ ...r, input, output, summary: { ...r.summary, input, output } });
        } catch (e) {
          record(failedResult(input, output, e));
        }
      },
    });
    interrupted = s.interrupted;
    requeued = s.resubmits;
    if (interrupted) await sweepTempFiles(outDir, true);
  }
  return { ...tally.summary(inputs, t0, { interrupted, workers: by.size }), requeued };
}
