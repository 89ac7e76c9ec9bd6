/**
 * A batch worker (piscina, worker_threads): one engine per worker, created
 * once when the worker loads; each task compresses one input file into one
 * output file, written atomically. Errors come back as values (code, message)
 * so that one bad input is reported and the batch goes on.
 */
import { basename } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { init } from '../engine/init.js';
import type { Matrix } from '../types.js';
import { compressModelFile, type CompressSummary } from './compress.js';
import { readCsv } from './csv.js';
import { classify } from './errors.js';
import { decodeSlim } from '../io/slim.js';
import { kindOfPath, readInputSync, sha256Bytes, type ModelMeta } from './files.js';
import { modelColumns } from './inputs.js';
import type { Recipe } from './recipe.js';
import { compressWeightsFile, recordedWeightsDigest } from './weights.js';

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

/**
 * The input and recipe digests an output file records (batch resume);
 * undefined when the file is unreadable or corrupt (it is then redone).
 */
async function recordedDigest(path: string): Promise<{ inputDigest?: string; recipeDigest?: string } | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = readInputSync(path);
  } catch {
    return undefined;
  }
  if (kindOfPath(path) === 'safetensors') {
    return recordedWeightsDigest(bytes);
  }
  try {
    const d = await decodeSlim(bytes); // full validation: a torn or corrupt output is redone
    const p = d.header.provenance;
    const rd = p?.options?.recipeDigest;
    return { ...(p?.inputDigest ? { inputDigest: p.inputDigest } : {}), ...(typeof rd === 'string' ? { recipeDigest: rd } : {}) };
  } catch {
    return undefined;
  }
}

async function upToDate(output: string, task: BatchTask, digest: string): Promise<boolean> {
  if (task.force) return false;
  if (!existsSync(output)) return false;
  const rec = await recordedDigest(output);
  return rec !== undefined && rec.inputDigest === digest && rec.recipeDigest === task.recipeDigest;
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
    if (await upToDate(output, task, digest)) return { status: 'skipped', input, output };
    const eng = await engine;
    const common = { inputBytes: bytes, inputDigest: digest, fsync: task.fsync, sync: true, ...(task.calibDigest ? { calibDigest: task.calibDigest } : {}) };
    const summary =
      kindOfPath(input) === 'safetensors'
        ? await compressWeightsFile(eng, input, output, task.recipe, common)
        : await compressModelFile(eng, input, output, task.recipe, { ...common, calibLoader: (meta) => calibFor(task.recipe.calib!, meta) });
    return { status: 'written', input, output, summary };
  } catch (e) {
    const c = classify(e);
    const name = basename(input);
    const message = c.message.startsWith(`${name}:`) || c.message.startsWith(`${name} `) ? c.message : `${name}: ${c.message}`;
    return { status: 'failed', input, output, code: c.code, message, exitCode: c.exitCode };
  }
}
