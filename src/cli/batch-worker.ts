/**
 * A batch worker (piscina, worker_threads): one engine per worker, created
 * once when the worker loads; each task compresses one input file into one
 * output file, written atomically. Errors come back as values (code, message)
 * so that one bad input is reported and the batch goes on.
 */
import { basename } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { init } from '../engine/init.js';
import type { Matrix } from '../types.js';
import { compressModelFile, type CompressSummary } from './compress.js';
import { readCsv } from './csv.js';
import { classify } from './errors.js';
import { upToDate } from './batch-resume.js';
import { kindOfPath, readInputSync, sha256Bytes, type ModelMeta } from './files.js';
import { modelColumns } from './inputs.js';
import type { Recipe } from './recipe.js';
import { compressWeightsFile } from './weights.js';

export interface BatchJob {
  input: string;
  output: string;
}

/** A few inputs at a time: one message each way per chunk, not per file (thread wake-ups are not free). */
export interface BatchTask {
  jobs: BatchJob[];
  recipe: Recipe;
  /** sha256 of the recorded recipe: an output made with other options is redone. */
  recipeDigest: string;
  calibDigest?: string;
  /** Redo even when the output is up to date. */
  force: boolean;
  /** fsync each output before its rename. */
  fsync: boolean;
  /**
   * Where each input's result is posted the moment it is done (transferred with
   * the task): an interrupted chunk still reports the files it finished, and
   * progress moves one file at a time. The returned array repeats them.
   */
  port?: MessagePort;
}

export type BatchTaskResult =
  | { status: 'written'; input: string; output: string; summary: CompressSummary }
  | { status: 'skipped'; input: string; output: string }
  | { status: 'failed'; input: string; output: string; code: string; message: string; exitCode: number };

const engine = init();

/** This thread's engine (one per worker thread, created when the module loads). */
export const threadEngine = () => engine;
const calibCache = new Map<string, Promise<Matrix>>();

function calibFor(path: string, meta: ModelMeta): Promise<Matrix> {
  const key = `${path}\0${meta.features.join('\0')}\0${meta.inputs ? JSON.stringify(meta.inputs) : ''}`;
  let p = calibCache.get(key);
  if (!p) {
    p = readCsv(path, modelColumns(meta)).then((t) => t.X);
    calibCache.set(key, p);
    p.catch(() => calibCache.delete(key));
  }
  return p;
}

export default async function run(task: BatchTask): Promise<BatchTaskResult[]> {
  const out: BatchTaskResult[] = [];
  for (const job of task.jobs) {
    const r = await runOne(job, task);
    task.port?.postMessage(r);
    out.push(r);
  }
  return out;
}

async function runOne({ input, output }: BatchJob, task: BatchTask): Promise<BatchTaskResult> {
  try {
    // Blocking file calls: this thread has nothing else to do meanwhile (see WriteOptions.sync).
    const bytes = readInputSync(input);
    const digest = await sha256Bytes(bytes);
    if (!task.force && (await upToDate(output, digest, task.recipeDigest))) return { status: 'skipped', input, output };
    const summary = await compressInput(input, output, bytes, digest, task);
    return { status: 'written', input, output, summary };
  } catch (e) {
    return failedResult(input, output, e);
  }
}

/**
 * The compress step of one input, from its bytes, into `output` (written
 * atomically): the local pool and the queue's workers both run this, so the
 * same input and recipe give the same file either way. `input` names the
 * source (recorded in the output); `task.recipe.calib` is a readable path.
 */
export async function compressInput(input: string, output: string, bytes: Uint8Array, digest: string, task: Pick<BatchTask, 'recipe' | 'calibDigest' | 'fsync'>): Promise<CompressSummary> {
  const eng = await engine;
  const common = { inputBytes: bytes, inputDigest: digest, fsync: task.fsync, sync: true, ...(task.calibDigest ? { calibDigest: task.calibDigest } : {}) };
  return kindOfPath(input) === 'safetensors'
    ? compressWeightsFile(eng, input, output, task.recipe, common)
    : compressModelFile(eng, input, output, task.recipe, { ...common, calibLoader: (meta) => calibFor(task.recipe.calib!, meta) });
}

/** A failure as the batch reports it: code, one line naming the input, exit code. */
export function failedResult(input: string, output: string, e: unknown): Extract<BatchTaskResult, { status: 'failed' }> {
  const c = classify(e);
  const name = basename(input);
  const message = c.message.startsWith(`${name}:`) || c.message.startsWith(`${name} `) ? c.message : `${name}: ${c.message}`;
  return { status: 'failed', input, output, code: c.code, message, exitCode: c.exitCode };
}
