/**
 * The jobs a `slimfit worker` thread runs (loaded by src/queue/thread-host.ts):
 *  - compress: the local batch's compress step (batch-worker.ts compressInput)
 *    on the input's bytes, into a private temp folder; the output's bytes go
 *    back to the driver, which writes them. A bad input is a result
 *    (status 'failed', code, message), as in the local batch: it is not retried.
 *  - accumulate: one CSV shard streamed into a linearAccumulator; its toJSON
 *    goes back (the driver merges the shards and fits).
 * Anything thrown fails the job (and BullMQ retries it).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { linearAccumulator, type LinearAccumulator, type LinearAccumulatorJSON } from '../fit/accumulator.js';
import { compressInput, failedResult, threadEngine, type BatchTaskResult } from './batch-worker.js';
import { streamCsv } from './csv.js';
import { classify, inputError } from './errors.js';
import type { Recipe } from './recipe.js';

export interface CompressJobPayload {
  /** The input's path on the driver (its name is recorded in the output). */
  input: string;
  /** The output's path on the driver (its extension picks the format). */
  output: string;
  inputDigest: string;
  recipe: Recipe;
  calibDigest?: string;
}

export interface AccumulateJobPayload {
  shard: string;
  target: string;
  features?: string[];
  exclude?: string[];
  delimiter?: string;
  intercept: boolean;
  accuracy: 'fast' | 'accurate';
}

export interface AccumulateJobValue {
  shard: string;
  rows: number;
  features: string[];
  delimiter: string;
  accumulator: LinearAccumulatorJSON;
}

export interface AccumulateJobFailure {
  shard: string;
  failed: true;
  code: string;
  message: string;
  exitCode: number;
}

interface ThreadJob {
  kind: string;
  label: string;
  payload: unknown;
  bytes: Record<string, Uint8Array>;
}

const scratch = mkdtempSync(join(tmpdir(), 'slimfit-worker-'));
const calibFiles = new Map<string, string>();
let count = 0;

/** Calibration rows arrive as bytes; the compress step reads a path: one file per digest, kept for the thread's life. */
function calibPath(digest: string, bytes: Uint8Array): string {
  let p = calibFiles.get(digest);
  if (!p) {
    p = join(scratch, `calib-${digest.slice(0, 16)}.csv`);
    writeFileSync(p, bytes);
    calibFiles.set(digest, p);
  }
  return p;
}

async function compressJob(job: ThreadJob): Promise<{ value: BatchTaskResult; out?: Uint8Array }> {
  const p = job.payload as CompressJobPayload;
  const dir = join(scratch, `job-${++count}`);
  const output = join(dir, basename(p.output));
  try {
    const calib = job.bytes.calib;
    const recipe: Recipe = calib && p.calibDigest ? { ...p.recipe, calib: calibPath(p.calibDigest, calib) } : p.recipe;
    mkdirSync(dir);
    const summary = await compressInput(p.input, output, job.bytes.input, p.inputDigest, { recipe, ...(p.calibDigest ? { calibDigest: p.calibDigest } : {}), fsync: false });
    const out = new Uint8Array(readFileSync(output));
    return { value: { status: 'written', input: p.input, output: p.output, summary: { ...summary, output: p.output } }, out };
  } catch (e) {
    return { value: failedResult(p.input, p.output, e) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function accumulateJob(job: ThreadJob): Promise<{ value: AccumulateJobValue | AccumulateJobFailure }> {
  const p = job.payload as AccumulateJobPayload;
  const eng = await threadEngine();
  // the shard under its own name, so that messages about it name it
  const dir = join(scratch, `job-${++count}`);
  const file = join(dir, basename(p.shard));
  mkdirSync(dir);
  try {
    writeFileSync(file, job.bytes.csv);
    let acc: LinearAccumulator | undefined;
    const info = await streamCsv(file, { target: p.target, ...(p.features ? { features: p.features } : {}), ...(p.exclude ? { exclude: p.exclude } : {}), ...(p.delimiter ? { delimiter: p.delimiter } : {}) }, (c) => {
      acc ??= linearAccumulator(eng, c.X.cols, { intercept: p.intercept, accuracy: p.accuracy });
      acc.add(c.X, c.y!);
    });
    if (!acc) throw inputError(`${p.shard} has no data rows`);
    return { value: { shard: p.shard, rows: info.rows, features: info.features, delimiter: info.delimiter, accumulator: acc.toJSON() } };
  } catch (e) {
    // A bad shard is a result, not a crash: retrying cannot change it.
    const c = classify(e);
    return { value: { shard: p.shard, failed: true, code: c.code, message: c.message, exitCode: c.exitCode } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function runJob(job: ThreadJob): Promise<{ value: unknown; out?: Uint8Array }> {
  if (job.kind === 'compress') return compressJob(job);
  if (job.kind === 'accumulate') return accumulateJob(job);
  throw new Error(`unknown job kind '${job.kind}'`);
}
