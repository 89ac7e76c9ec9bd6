/**
 * `slimfit fit shard-*.csv --target y --queue redis://...`: sharded least
 * squares. Each shard (a CSV with the same header) goes to a `slimfit worker`
 * as one job of a BullMQ flow; the worker streams it into a
 * linearAccumulator and sends back its toJSON (row count, means, centred
 * co-moments); this process merges them in the order the files were given
 * (not the order they arrived) and fits, as Spark MLlib's
 * WeightedLeastSquares does across partitions.
 *
 * What the merged fit promises (the accumulator's contract, fit/accumulator.ts):
 * with --accurate (double-double moments) the coefficients equal a one-machine
 * fit of the concatenated rows to ~1e-12 relative, whatever the number and
 * order of the shards; without it (float64 moments) to ~cond x 1e-16
 * relative (about 1e-12 for well-conditioned designs).
 *
 * Logistic regression is not sharded: IRLS needs one round trip through the
 * queue per iteration (5-25), each re-reading every shard, with the current
 * coefficients sent out and weighted moments sent back. The accumulator
 * could carry each step (add(X, z, w)), but a step's cost here would be
 * dominated by the queue latency and the CSV re-parse; `fit --logistic
 * --queue` is refused with that reason and a pointer to the one-machine fit.
 */
import { basename, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import type { Engine } from '../engine/engine.js';
import { linearAccumulatorFromJSON, type LinearAccumulator } from '../fit/accumulator.js';
import type { LinearModel } from '../fit/model.js';
import { checkOptions, optionKeys } from '../options.js';
import { checkBlobSize } from '../queue/blobs.js';
import type { QueueAddress } from '../queue/connection.js';
import { runFlow, type FlowJob } from '../queue/flow.js';
import { MAX_BLOB_BYTES } from '../queue/protocol.js';
import { queueAddress, queueError } from './batch-queue-command.js';
import { Ctx } from './context.js';
import { parseDelimiter } from './csv.js';
import { CliError, EXIT, inputError, usage, type ExitCode } from './errors.js';
import { checkOutputPath, readInput, writeModel, type ModelMeta } from './files.js';
import { coefficientRows, coefficientTable } from './fit-summary.js';
import type { FitFlags } from './fit.js';
import type { AccumulateJobFailure, AccumulateJobPayload, AccumulateJobValue } from './queue-jobs.js';

export interface ShardFitOptions {
  target: string;
  features?: string[];
  exclude?: string[];
  delimiter?: string;
  intercept?: boolean;
  /** 'accurate': double-double moments (the 1e-12 promise); default 'fast'. */
  accuracy?: 'fast' | 'accurate';
  ridge?: number;
  attempts?: number;
  signal?: AbortSignal;
  onNote?: (line: string) => void;
  onShard?: (done: number, total: number, shard: string) => void;
  maxBytes?: number;
}

export interface ShardFit {
  model: LinearModel;
  rows: number;
  features: string[];
  shards: { shard: string; rows: number; by: string; ms: number }[];
  workers: number;
}

const SHARD_FIT_KEYS = optionKeys<ShardFitOptions>()(['target', 'features', 'exclude', 'delimiter', 'intercept', 'accuracy', 'ridge', 'attempts', 'signal', 'onNote', 'onShard', 'maxBytes']);

/** Fits least squares on CSV shards through the queue's workers (the programmatic form of `fit --queue`). */
export async function fitShardsOnQueue(engine: Engine, addr: QueueAddress, files: string[], opts: ShardFitOptions): Promise<ShardFit> {
  checkOptions('fitShardsOnQueue', opts, SHARD_FIT_KEYS);
  if (files.length === 0) throw usage('no shards given');
  const limit = opts.maxBytes ?? MAX_BLOB_BYTES;
  const jobs: FlowJob[] = [];
  for (const f of files) {
    checkBlobSize((await stat(f)).size, basename(f), limit);
    const payload: AccumulateJobPayload = {
      shard: basename(f),
      target: opts.target,
      intercept: opts.intercept ?? true,
      accuracy: opts.accuracy ?? 'fast',
      ...(opts.features ? { features: opts.features } : {}),
      ...(opts.exclude ? { exclude: opts.exclude } : {}),
      ...(opts.delimiter ? { delimiter: opts.delimiter } : {}),
    };
    jobs.push({ label: basename(f), kind: 'accumulate', payload, bytes: { csv: () => readInput(f) } });
  }
  const got = new Array<{ value: AccumulateJobValue; by: string; ms: number } | undefined>(files.length);
  const failures: string[] = [];
  let bad: AccumulateJobFailure | undefined;
  let done = 0;
  const s = await runFlow(addr, jobs, {
    ...(opts.attempts !== undefined ? { attempts: opts.attempts } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onNote ? { onNote: opts.onNote } : {}),
    maxBytes: limit,
    onOutcome: (o) => {
      done++;
      opts.onShard?.(done, files.length, basename(files[o.index]));
      if (!o.ok) failures.push(`${basename(files[o.index])}: ${o.reason}`);
      else if ((o.value as AccumulateJobFailure).failed) bad ??= o.value as AccumulateJobFailure;
      else got[o.index] = { value: o.value as AccumulateJobValue, by: o.by, ms: o.ms };
    },
  });
  if (s.interrupted) throw new CliError('E_INTERRUPTED', 'interrupted before every shard was fitted', EXIT.INTERRUPTED);
  // A bad shard (its CSV, its columns) is reported as the one-machine fit reports that file.
  if (bad) throw new CliError(bad.code, bad.message.startsWith(bad.shard) ? bad.message : `${bad.shard}: ${bad.message}`, bad.exitCode as ExitCode);
  if (failures.length > 0) throw inputError(`${failures.length} of ${files.length} shards failed (a fit needs every row): ${failures.join('; ')}`);
  const first = got[0]!.value;
  let acc: LinearAccumulator | undefined;
  for (let i = 0; i < files.length; i++) {
    const v = got[i]!.value;
    if (v.features.join('\0') !== first.features.join('\0')) {
      throw inputError(`${v.shard} has the features ${v.features.join(', ')} but ${first.shard} has ${first.features.join(', ')}: every shard needs the same columns`);
    }
    const a = linearAccumulatorFromJSON(engine, v.accumulator);
    acc = acc ? acc.merge(a) : a;
  }
  const model = acc!.fit({ ridge: opts.ridge ?? 0 });
  const shards = got.map((g) => ({ shard: g!.value.shard, rows: g!.value.rows, by: g!.by, ms: g!.ms }));
  return { model, rows: shards.reduce((n, x) => n + x.rows, 0), features: first.features, shards, workers: new Set(shards.map((x) => x.by)).size };
}

/** `slimfit fit`'s flags with the queue's address (the flags a sharded fit cannot honour are refused). */
export type FitQueueFlags = FitFlags & { queue: string };

const NOT_SHARDED = ['targets', 'rank', 'categorical', 'bins', 'missing', 'unseen', 'epsilon', 'boundX', 'boundY', 'privacyMethod', 'noiseSeed'] as const;
const FLAG = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export async function runFitQueue(ctx: Ctx, files: string[], f: FitQueueFlags): Promise<void> {
  const addr = queueAddress(f.queue);
  if (f.logistic) throw usage('--logistic does not run on --queue: IRLS would need one fan-out of every shard per iteration; fit the rows on one machine (without --queue)');
  for (const k of NOT_SHARDED) if (f[k] !== undefined && !(k === 'missing' && f[k] === 'error')) throw usage(`${FLAG(k)} does not combine with --queue (sharded fits are plain or ridge least squares)`);
  if (f.target === undefined) throw usage("required option '-t, --target <column>' not specified");
  const ridge = Number(f.ridge ?? 0);
  if (!Number.isFinite(ridge) || ridge < 0 || (f.ridge ?? '').trim() === '') throw usage(`--ridge must be a number >= 0, got '${f.ridge}'`);
  if (!f.output.toLowerCase().endsWith('.slim')) throw usage(`-o must name a .slim file, got '${f.output}'`);
  if (files.some((x) => resolve(x) === resolve(f.output))) throw usage('-o would overwrite an input file');
  checkOutputPath(f.output);
  const list = (s?: string) => s?.split(',').map((x) => x.trim()).filter((x) => x !== '');
  const features = list(f.features);
  const exclude = list(f.exclude);
  const delimiter = f.delimiter !== undefined ? parseDelimiter(f.delimiter) : undefined;
  const engine = await ctx.engine();
  const t0 = performance.now();
  let r: ShardFit;
  try {
    r = await fitShardsOnQueue(engine, addr, files, {
      target: f.target,
      intercept: f.intercept,
      accuracy: f.accurate ? 'accurate' : 'fast',
      ridge,
      ...(features ? { features } : {}),
      ...(exclude ? { exclude } : {}),
      ...(delimiter ? { delimiter } : {}),
      onNote: (line) => ctx.note(line),
    });
  } catch (e) {
    throw queueError(e);
  }
  const ms = performance.now() - t0;
  const meta: ModelMeta = {
    features: r.features,
    target: f.target,
    task: 'linear',
    recipe: { command: 'fit', ridge, intercept: f.intercept, rows: r.rows, shards: r.shards.map((s) => s.shard) },
    inputName: basename(files[0]),
  };
  const bytes = await writeModel(f.output, { kind: 'float', model: r.model, meta });
  const table = coefficientRows(r.model, r.features, false);
  ctx.result({
    command: 'fit',
    output: f.output,
    bytes,
    task: 'linear',
    rows: r.rows,
    shards: r.shards,
    workers: r.workers,
    features: r.features,
    intercept: r.model.intercept,
    coefficients: table.rows.map((x) => ({ feature: x.feature, coef: x.coef, stdError: x.stdError, tValue: x.statistic, pValue: x.pValue })),
    stats: { rSquared: r.model.stats.rSquared, residualSd: r.model.stats.residualSd, dof: r.model.stats.dof, method: r.model.stats.method },
    ms,
  });
  ctx.print(`fitted ${f.target} on ${r.features.length} features, ${r.rows} rows in ${r.shards.length} shards on ${r.workers} worker${r.workers === 1 ? '' : 's'}: least squares (${r.model.stats.method}), R² ${Number(r.model.stats.rSquared).toFixed(4)}${ridge > 0 ? `, ridge ${ridge}` : ''}`);
  ctx.print(coefficientTable(table, false, Boolean(f.all)));
  ctx.print(`wrote ${f.output} (${bytes} bytes) in ${(ms / 1000).toFixed(2)} s`);
}
