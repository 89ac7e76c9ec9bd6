/**
 * `slimfit fit data.csv --targets a,b,c --rank r|gcv|bic [--ridge r] [--features ... | --exclude ...] -o model.slim`:
 * reduced-rank regression of several target columns (src/fit/reduced-rank.ts),
 * written as the .slim "reduced-rank" kind with the targets' names. The rows
 * are read into memory once (the fit needs the centred moments after the
 * least-squares fit). The summary prints the chosen rank, the singular
 * values and the training error, GCV and BIC at every rank.
 */
import { basename } from 'node:path';
import { isSlimfitError } from '../errors.js';
import { reducedRank, type RankChoice } from '../fit/reduced-rank.js';
import { Ctx, textTable } from './context.js';
import { readCsv } from './csv.js';
import { inputError, usage } from './errors.js';
import { sha256File, writeModel, type ModelMeta } from './files.js';

export interface ReducedRankFlags {
  targets: string[];
  rank: string;
  ridge: number;
  features?: string[];
  exclude?: string[];
  intercept: boolean;
  output: string;
  delimiter?: string;
}

/** --rank: a positive integer, 'gcv' or 'bic' (the upper bound min(d, q) is checked once the columns are known). */
export function parseRank(v: string): RankChoice {
  const s = v.trim().toLowerCase();
  if (s === 'gcv' || s === 'bic') return s;
  const r = Number(s);
  if (!Number.isInteger(r) || r < 1 || s === '') throw usage(`--rank must be a positive integer, 'gcv' or 'bic', got '${v}'`);
  return r;
}

export async function runFitReducedRank(ctx: Ctx, file: string, f: ReducedRankFlags): Promise<void> {
  const rank = parseRank(f.rank);
  const dup = f.targets.find((t, i) => f.targets.indexOf(t) !== i);
  if (dup !== undefined) throw usage(`--targets names '${dup}' twice`);
  const clash = f.features?.find((c) => f.targets.includes(c));
  if (clash !== undefined) throw usage(`'${clash}' is a target; it cannot also be a feature`);
  const engine = await ctx.engine();
  const t0 = performance.now();
  // Read the targets as extra columns after the features, then split them off.
  const t = await readCsv(file, {
    ...(f.features ? { features: [...f.features, ...f.targets] } : {}),
    ...(f.exclude ? { exclude: f.exclude } : {}),
    ...(f.delimiter ? { delimiter: f.delimiter } : {}),
  });
  const missing = f.targets.filter((c) => !t.features.includes(c));
  if (missing.length > 0) throw inputError(`${basename(file)} has no column ${missing.map((c) => `'${c}'`).join(', ')} (columns: ${t.header.join(', ')})`, 'E_COLUMN');
  const names = t.features.filter((c) => !f.targets.includes(c));
  if (names.length === 0) throw inputError(`${basename(file)} has no feature columns besides the targets`, 'E_COLUMN');
  const n = t.rows;
  const w = t.features.length;
  const d = names.length;
  const q = f.targets.length;
  const fIdx = names.map((c) => t.features.indexOf(c));
  const yIdx = f.targets.map((c) => t.features.indexOf(c));
  const X = new Float64Array(n * d);
  const Y = new Float64Array(n * q);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) X[i * d + j] = t.X.data[i * w + fIdx[j]];
    for (let k = 0; k < q; k++) Y[i * q + k] = t.X.data[i * w + yIdx[k]];
  }
  if (typeof rank === 'number' && rank > Math.min(d, q)) throw usage(`--rank ${rank} is above min(features, targets) = min(${d}, ${q}) = ${Math.min(d, q)}`);
  let model;
  try {
    model = reducedRank(engine, { rows: n, cols: d, data: X }, { rows: n, cols: q, data: Y }, rank, { ridge: f.ridge, intercept: f.intercept });
  } catch (e) {
    if (isSlimfitError(e)) throw inputError(`${basename(file)}: ${e.reason}`, e.code);
    throw e;
  }
  const ms = performance.now() - t0;
  const meta: ModelMeta = {
    features: names,
    target: null,
    targets: f.targets,
    task: 'linear',
    recipe: { command: 'fit', targets: f.targets, rank: model.stats.rankBy === 'fixed' ? model.rank : model.stats.rankBy, ridge: f.ridge, intercept: f.intercept, rows: n },
    inputDigest: await sha256File(file),
    inputName: basename(file),
  };
  const bytes = await writeModel(f.output, { kind: 'reduced-rank', model, meta });
  const { sse, gcv, bic } = model.stats;
  const perRank = Array.from(sse, (s, k) => ({ rank: k + 1, coefficientBytes: 8 * ((k + 1) * (d + q) + q), sse: s, gcv: gcv[k], bic: bic[k] }));
  ctx.result({
    command: 'fit',
    output: f.output,
    bytes,
    task: 'linear',
    kind: 'reduced-rank',
    rows: n,
    features: names,
    targets: f.targets,
    delimiter: t.delimiter,
    rank: model.rank,
    rankBy: model.stats.rankBy,
    ridge: f.ridge,
    singularValues: Array.from(model.singularValues),
    intercept: Array.from(model.intercept),
    perRank,
    coefficientBytes: model.bytes,
    fullBytes: 8 * (d * q + q),
    ms,
  });
  const how = model.stats.rankBy === 'fixed' ? 'given' : `chosen by ${model.stats.rankBy.toUpperCase()}`;
  ctx.print(`fitted ${q} targets (${f.targets.join(', ')}) on ${d} features, ${n} rows: reduced rank ${model.rank} (${how}) of at most ${Math.min(d, q)}${f.ridge > 0 ? `, ridge ${f.ridge}` : ''}`);
  ctx.print(`singular values of the fitted values: ${Array.from(model.singularValues, (s) => s.toPrecision(4)).join(', ')}`);
  ctx.print(
    textTable(
      ['rank', 'coef bytes', 'training SSE', 'GCV', 'BIC', ''],
      perRank.map((r) => [String(r.rank), String(r.coefficientBytes), r.sse.toPrecision(6), r.gcv.toPrecision(6), r.bic.toPrecision(6), r.rank === model.rank ? '<- fitted' : '']),
    ),
  );
  ctx.print(`encoder ${d} x ${model.rank} + decoder ${model.rank} x ${q} + ${q} intercepts = ${model.bytes} bytes (full least squares: ${8 * (d * q + q)})`);
  ctx.print(`wrote ${f.output} (${bytes} bytes) in ${(ms / 1000).toFixed(2)} s`);
}
