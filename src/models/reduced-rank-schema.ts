/**
 * ReducedRankModel's serialised fields, their validation and their encoding:
 * the one definition behind ReducedRankModel.toJSON/fromJSON and the .slim
 * "reduced-rank" kind (docs/FORMAT.md §1.6.6). The float64 arrays travel
 * through ArraysOut/ArraysIn (inline in JSON, F64 tensors in .slim).
 */
import { decodeNum, formatError, getBool, getEnum, getInt, getObject, type JsonObject } from '../json.js';
import { bool, checkIntercept, f64, finite, posInt, rowCount, scalar, shapeError, stats, type ArraysIn, type ArraysOut } from './fields.js';

export const RANK_RULES = ['fixed', 'gcv', 'bic'] as const;
export type RankRule = (typeof RANK_RULES)[number];

export interface ReducedRankStats {
  /** Rows fitted on. */
  n: number;
  /** How the rank was chosen: given ('fixed'), or the minimum of gcv / bic. */
  rankBy: RankRule;
  /** Training residual sum of squares (all outputs) at rank 1 .. min(d, q). */
  sse: Float64Array;
  /** GCV = N sse / (N - df)^2 at each rank (N = n q, df = r (d + q - r) + q with an intercept); Infinity where df >= N. */
  gcv: Float64Array;
  /** BIC = N log(sse / N) + log(N) df at each rank. */
  bic: Float64Array;
}

/** A reduced-rank model's data (what ReducedRankModel's constructor takes). */
export interface ReducedRankFields {
  d: number;
  outputs: number;
  rank: number;
  /** d x rank row-major: encoder[j * rank + k]. */
  encoder: Float64Array;
  /** rank x outputs row-major: decoder[k * outputs + t]. */
  decoder: Float64Array;
  intercept: Float64Array;
  fitIntercept: boolean;
  ridge: number;
  /** The min(d, q) largest singular values of the (centred) fitted values, largest first. */
  singularValues: Float64Array;
  stats: ReducedRankStats;
}

export function writeReducedRank(model: ReducedRankFields, arrays: ArraysOut): JsonObject {
  const d = posInt(model.d, 'model.d');
  const q = posInt(model.outputs, 'model.outputs');
  const r = posInt(model.rank, 'model.rank');
  const k = Math.min(d, q);
  if (r > k) throw shapeError(`model.rank is ${r} but min(d, outputs) is ${k}`);
  const st = stats(model.stats);
  if (!RANK_RULES.includes(st.rankBy as RankRule)) throw shapeError(`model.stats.rankBy must be one of ${RANK_RULES.join(', ')}`);
  return {
    d,
    outputs: q,
    rank: r,
    fitIntercept: bool(model.fitIntercept, 'model.fitIntercept'),
    ridge: scalar(model.ridge, 'model.ridge'),
    ...arrays.put('encoder', 'encoder', [d, r], f64(model.encoder, d * r, 'model.encoder')),
    ...arrays.put('decoder', 'decoder', [r, q], f64(model.decoder, r * q, 'model.decoder')),
    ...arrays.put('intercept', 'intercept', [q], f64(model.intercept, q, 'model.intercept')),
    ...arrays.put('singularValues', 'singular_values', [k], f64(model.singularValues, k, 'model.singularValues')),
    stats: {
      n: scalar(st.n, 'model.stats.n'),
      rankBy: st.rankBy as RankRule,
      ...arrays.put('sse', 'sse', [k], f64(st.sse, k, 'model.stats.sse')),
      ...arrays.put('gcv', 'gcv', [k], f64(st.gcv, k, 'model.stats.gcv')),
      ...arrays.put('bic', 'bic', [k], f64(st.bic, k, 'model.stats.bic')),
    },
  };
}

/** Reads and validates a model's members (`at` as in readLinear); E_FORMAT on anything a fit cannot have produced. */
export function readReducedRank(j: JsonObject, arrays: ArraysIn, at: string): ReducedRankFields {
  const d = getInt(j.d, `${at}d`, 1);
  const q = getInt(j.outputs, `${at}outputs`, 1);
  const k = Math.min(d, q);
  const r = getInt(j.rank, `${at}rank`, 1, k);
  const fitIntercept = getBool(j.fitIntercept, `${at}fitIntercept`);
  const ridge = decodeNum(j.ridge, `${at}ridge`);
  if (!(ridge >= 0) || !Number.isFinite(ridge)) throw formatError(`${at}ridge must be a finite number >= 0, got ${String(j.ridge)}`);
  const encoder = finite(arrays.get(j, 'encoder', 'encoder', [d, r], `${at}encoder`), `${at}encoder`);
  const decoder = finite(arrays.get(j, 'decoder', 'decoder', [r, q], `${at}decoder`), `${at}decoder`);
  const intercept = finite(arrays.get(j, 'intercept', 'intercept', [q], `${at}intercept`), `${at}intercept`);
  checkIntercept(intercept, fitIntercept, at);
  const singularValues = arrays.get(j, 'singularValues', 'singular_values', [k], `${at}singularValues`);
  for (let i = 0; i < k; i++) {
    const s = singularValues[i];
    if (!(s >= 0) || !Number.isFinite(s) || (i > 0 && s > singularValues[i - 1])) {
      throw formatError(`${at}singularValues must be finite, >= 0 and largest first; [${i}] is ${s}`);
    }
  }
  const st = getObject(j.stats, `${at}stats`);
  const n = rowCount(st.n, `${at}stats.n`);
  const rankBy = getEnum(st.rankBy, `${at}stats.rankBy`, RANK_RULES);
  const sse = arrays.get(st, 'sse', 'sse', [k], `${at}stats.sse`);
  const gcv = arrays.get(st, 'gcv', 'gcv', [k], `${at}stats.gcv`);
  const bic = arrays.get(st, 'bic', 'bic', [k], `${at}stats.bic`);
  return { d, outputs: q, rank: r, encoder, decoder, intercept, fitIntercept, ridge, singularValues, stats: { n, rankBy, sse, gcv, bic } };
}
