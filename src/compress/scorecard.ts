/**
 * toScorecard: a logistic model on grouped bin indicators (scorecard-groups.ts)
 * as integer points per bin, the form credit scoring deploys.
 *
 * Convention (the usual one): the score is linear in the log of the good:bad
 * odds, score = offset + factor * ln(odds), odds = (1 - p) / p with p the
 * model's P(y = 1) (y = 1 the bad outcome, e.g. default), factor = pdo / ln 2
 * (the odds double every pdo points) and offset = baseScore - factor *
 * ln(baseOdds) (odds of baseOdds:1 score baseScore). With the logit
 * t = b0 + w . x, ln(odds) = -t, so
 *   score = (offset - factor * b0) + sum over features of -factor * (sum of w over the bin's columns).
 * The first term is kept as base points (not spread over the features); each
 * feature's bin gets the rest. Integer points: 'nearest' rounds each bin's
 * float points (and the base points) half to even; 'optimal' keeps the base
 * points and chooses the bins' integer points that make the integer score
 * closest (least squares) to the float score on calibration rows, by
 * box-constrained integer least squares (integer-ls.ts) started from
 * 'nearest', so never further from the float score on those rows.
 * report.optimal.proved says whether the search finished: the points are then
 * the closest integer points (given the base points and the box searched).
 */
import { SlimfitError } from '../errors.js';
import { checkOptions, optionKeys } from '../options.js';
import { describeValue, toMatrix, toVector, type MatrixInput } from '../validate.js';
import type { Matrix } from '../types.js';
import { CompressedLinearModel } from './compressed-model.js';
import { checkBudget, integerLeastSquares, type IntegerBudget } from './integer-ls.js';
import { checkModelLike } from './model-like.js';
import { auc } from './auc.js';
import { assignAttributes, scorecardGroups, type ScorecardGroup } from './scorecard-groups.js';

export interface ToScorecardOptions {
  /** The model's design column names, e.g. a .slim file's features ('income_k>=34.47', 'home=rent', 'age:missing'). */
  columns: readonly string[];
  /** Points to double the odds, > 0 (default 20). */
  pdo?: number;
  /** The score at odds baseOdds:1 (default 600). */
  baseScore?: number;
  /** Good:bad odds that score baseScore, > 0 (default 50). */
  baseOdds?: number;
  /** 'nearest' (default without calib) or 'optimal' (default with calib; needs calib). */
  rounding?: 'nearest' | 'optimal';
  /** Calibration rows (the design columns): what 'optimal' fits the float score on, and what the report measures. */
  calib?: MatrixInput;
  /** The calibration rows' outcomes (1 = bad), for the report's AUC. */
  y?: ArrayLike<number>;
  /** Accept at score >= cutoff (default: the median float score on calib). */
  cutoff?: number;
  /** 'optimal': the integer search's budget (default { nodes: 1e7, ms: 1000 }). */
  budget?: IntegerBudget;
}

const TO_SCORECARD_KEYS = /* @__PURE__ */ optionKeys<ToScorecardOptions>()(['columns', 'pdo', 'baseScore', 'baseOdds', 'rounding', 'calib', 'y', 'cutoff', 'budget']);

export interface ScorecardBin {
  label: string;
  /** Design columns set for this bin. */
  columns: number[];
  points: number;
  floatPoints: number;
}

export interface ScorecardFeature {
  name: string;
  coding: 'cumulative' | 'levels';
  bins: ScorecardBin[];
}

/** How an integer score compares with the float one on the calibration rows. */
export interface ScorecardFidelity {
  /** AUC of the score for the good outcome (y = 0 above y = 1); undefined without y. */
  auc: number | undefined;
  /** max |integer score - float score| over the rows. */
  maxDeviation: number;
  rmsDeviation: number;
  /** Fraction of rows whose accept (score >= cutoff) / decline decision differs from the float score's. */
  decisionChanges: number;
}

export interface ScorecardReport {
  rows: number;
  cutoff: number;
  /** The float score's AUC (undefined without y). */
  floatAuc: number | undefined;
  nearest: ScorecardFidelity;
  /** When rounding 'optimal' ran. */
  optimal?: ScorecardFidelity & { proved: boolean; nodes: number; ms: number };
}

export class Scorecard {
  readonly pdo: number;
  readonly baseScore: number;
  readonly baseOdds: number;
  /** pdo / ln 2. */
  readonly factor: number;
  /** baseScore - factor * ln(baseOdds). */
  readonly offset: number;
  readonly rounding: 'nearest' | 'optimal';
  /** Integer base points (offset - factor * intercept, rounded) and their float value. */
  readonly basePoints: number;
  readonly floatBasePoints: number;
  readonly features: ScorecardFeature[];
  /** The design width the card reads. */
  readonly d: number;
  /** With calib: fidelity of both roundings (optimal when it ran). */
  readonly report: ScorecardReport | undefined;
  private readonly groups: ScorecardGroup[];

  /** @internal use toScorecard */
  constructor(init: Omit<Scorecard, 'score' | 'floatScore' | 'groups'> & { groups: ScorecardGroup[] }) {
    this.pdo = init.pdo;
    this.baseScore = init.baseScore;
    this.baseOdds = init.baseOdds;
    this.factor = init.factor;
    this.offset = init.offset;
    this.rounding = init.rounding;
    this.basePoints = init.basePoints;
    this.floatBasePoints = init.floatBasePoints;
    this.features = init.features;
    this.d = init.d;
    this.report = init.report;
    this.groups = init.groups;
  }

  /** The integer score of each row (base points + one bin's points per feature). E_RANGE for a row that sets no bin of a feature. */
  score(X: MatrixInput): Float64Array {
    return this.sum(X, true);
  }

  /** The float score offset + factor * ln(odds) of each row (equal to the model's). */
  floatScore(X: MatrixInput): Float64Array {
    return this.sum(X, false);
  }

  private sum(X: MatrixInput, integer: boolean): Float64Array {
    const M = toMatrix(X, 'X', { allowEmpty: true });
    if (M.cols !== this.d && M.rows > 0) throw new SlimfitError('E_SHAPE', `X has ${M.cols} columns but the scorecard reads ${this.d}`);
    const G = this.features.length;
    const at = assignAttributes(this.groups, M.data, M.rows, M.cols);
    const out = new Float64Array(M.rows);
    for (let i = 0; i < M.rows; i++) {
      let s = integer ? this.basePoints : this.floatBasePoints;
      for (let g = 0; g < G; g++) {
        const bin = this.features[g].bins[at[i * G + g]];
        s += integer ? bin.points : bin.floatPoints;
      }
      out[i] = s;
    }
    return out;
  }
}

/** Round half to even (ONNX's rule, as quantization here). */
function roundEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function positive(v: unknown, what: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new SlimfitError('E_RANGE', `${what} must be a number > 0, got ${describeValue(v)}`);
  return v;
}

/** The logistic model's weights and intercept; E_RANGE for a linear model. */
function logisticWeights(model: unknown): { w: Float64Array; b0: number } {
  if (model instanceof CompressedLinearModel) {
    if (model.task !== 'logistic') throw new SlimfitError('E_RANGE', 'toScorecard needs a logistic model; this compressed model is linear');
    return { w: model.coefficients(), b0: model.intercept[0] };
  }
  checkModelLike(model);
  if (!('predictProba' in (model as object))) throw new SlimfitError('E_RANGE', 'toScorecard needs a logistic model (a LogisticModel, or a compressed one); a least-squares model has no odds to score');
  const b0 = typeof model.intercept === 'number' ? model.intercept : model.intercept[0];
  return { w: model.coef, b0 };
}

function fidelity(intScore: Float64Array, floatScore: Float64Array, cutoff: number, y: Float64Array | undefined): ScorecardFidelity {
  let max = 0;
  let se = 0;
  let flips = 0;
  for (let i = 0; i < intScore.length; i++) {
    const e = intScore[i] - floatScore[i];
    max = Math.max(max, Math.abs(e));
    se += e * e;
    if (intScore[i] >= cutoff !== floatScore[i] >= cutoff) flips++;
  }
  const n = Math.max(1, intScore.length);
  return { auc: y ? auc(intScore.map((s) => -s), y) : undefined, maxDeviation: max, rmsDeviation: Math.sqrt(se / n), decisionChanges: flips / n };
}

function sumSq(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
}

function median(v: Float64Array): number {
  const s = Float64Array.from(v).sort();
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Points of every bin, flat over features (feature-major), as integers. */
function flatPoints(features: ScorecardFeature[], key: 'points' | 'floatPoints'): number[] {
  return features.flatMap((f) => f.bins.map((b) => b[key]));
}

/**
 * 'optimal': integer bin points q minimising ||Z q - (S_float - base)||^2 on the calibration rows (Z: one
 * indicator per feature per row). Adding an integer c to every bin of one feature and -c to another's
 * changes no score, so each feature but the last keeps its first bin (the reference, 0 points for bins) at
 * its nearest value, and that null space is gone; bins no calibration row falls in keep theirs too. The
 * rest search a box of 2 points either side of nearest. Returns the points, feature-major.
 */
function optimalPoints(features: ScorecardFeature[], at: Int32Array, n: number, target: Float64Array, budget: Required<IntegerBudget>) {
  const G = features.length;
  const startOf: number[] = [];
  let m = 0;
  for (const f of features) {
    startOf.push(m);
    m += f.bins.length;
  }
  const nearest = Int32Array.from(flatPoints(features, 'points'));
  const count = new Float64Array(m);
  for (let i = 0; i < n; i++) for (let g = 0; g < G; g++) count[startOf[g] + at[i * G + g]]++;
  // variable index of each bin, -1 when held at nearest
  const vi = new Int32Array(m).fill(-1);
  let k = 0;
  for (let g = 0; g < G; g++) {
    for (let a = 0; a < features[g].bins.length; a++) {
      const idx = startOf[g] + a;
      if ((a === 0 && g < G - 1) || count[idx] === 0) continue;
      vi[idx] = k++;
    }
  }
  const q = Int32Array.from(nearest);
  if (k === 0) return { q, optimal: true, nodes: 0, ms: 0 };
  const A = new Float64Array(k * k);
  const b = new Float64Array(k);
  const free: number[] = [];
  for (let i = 0; i < n; i++) {
    // the target less the held bins' points
    let t = target[i];
    free.length = 0;
    for (let g = 0; g < G; g++) {
      const idx = startOf[g] + at[i * G + g];
      if (vi[idx] < 0) t -= nearest[idx];
      else free.push(vi[idx]);
    }
    for (const u of free) {
      b[u] += t;
      for (const v of free) A[u * k + v] += 1;
    }
  }
  const start = new Int32Array(k);
  for (let idx = 0; idx < m; idx++) if (vi[idx] >= 0) start[vi[idx]] = nearest[idx];
  const r = integerLeastSquares({ A, b, lo: Int32Array.from(start, (v) => v - 2), hi: Int32Array.from(start, (v) => v + 2), start, budget });
  for (let idx = 0; idx < m; idx++) if (vi[idx] >= 0) q[idx] = r.q[vi[idx]];
  return { q, optimal: r.optimal, nodes: r.nodes, ms: r.ms };
}

export function toScorecard(model: unknown, options: ToScorecardOptions): Scorecard {
  const opts = checkOptions('toScorecard', options, TO_SCORECARD_KEYS);
  const { w, b0 } = logisticWeights(model);
  const d = w.length;
  if (!Array.isArray(opts.columns) || opts.columns.some((c) => typeof c !== 'string')) throw new SlimfitError('E_RANGE', `columns must be the model's ${d} design column names, got ${describeValue(opts.columns)}`);
  if (opts.columns.length !== d) throw new SlimfitError('E_SHAPE', `columns has ${opts.columns.length} names but the model has ${d} columns`);
  const pdo = positive(opts.pdo, 'pdo', 20);
  const baseOdds = positive(opts.baseOdds, 'baseOdds', 50);
  const baseScore = opts.baseScore ?? 600;
  if (typeof baseScore !== 'number' || !Number.isFinite(baseScore)) throw new SlimfitError('E_RANGE', `baseScore must be a finite number, got ${describeValue(baseScore)}`);
  const rounding = opts.rounding ?? (opts.calib !== undefined ? 'optimal' : 'nearest');
  if (rounding !== 'nearest' && rounding !== 'optimal') throw new SlimfitError('E_RANGE', `rounding must be 'nearest' or 'optimal', got ${describeValue(rounding)}`);
  if (rounding === 'optimal' && opts.calib === undefined) throw new SlimfitError('E_RANGE', "rounding 'optimal' fits the float score on calibration rows: pass calib");
  if (opts.y !== undefined && opts.calib === undefined) throw new SlimfitError('E_RANGE', 'y are the outcomes of the calib rows: pass calib too');
  if (opts.cutoff !== undefined && (typeof opts.cutoff !== 'number' || !Number.isFinite(opts.cutoff))) throw new SlimfitError('E_RANGE', `cutoff must be a finite number, got ${describeValue(opts.cutoff)}`);
  const budget = checkBudget(opts.budget, 'toScorecard');

  const groups = scorecardGroups(opts.columns);
  const factor = pdo / Math.LN2;
  const offset = baseScore - factor * Math.log(baseOdds);
  const floatBasePoints = offset - factor * b0;
  const features: ScorecardFeature[] = groups.map((g) => ({
    name: g.name,
    coding: g.coding,
    bins: g.attributes.map((a) => {
      let s = 0;
      for (const c of a.columns) s += w[c];
      const floatPoints = -factor * s;
      return { label: a.label, columns: a.columns, floatPoints, points: roundEven(floatPoints) };
    }),
  }));
  const basePoints = roundEven(floatBasePoints);
  const base = { pdo, baseScore, baseOdds, factor, offset, rounding, basePoints, floatBasePoints, d, groups };
  if (opts.calib === undefined) return new Scorecard({ ...base, features, report: undefined });

  const X: Matrix = toMatrix(opts.calib, 'calib');
  if (X.cols !== d) throw new SlimfitError('E_SHAPE', `calib has ${X.cols} columns but the model has ${d}`);
  const y = opts.y !== undefined ? toVector(opts.y, 'y', X.rows) : undefined;
  const nearestCard = new Scorecard({ ...base, rounding: 'nearest', features, report: undefined });
  const floatScore = nearestCard.floatScore(X);
  const nearestScore = nearestCard.score(X);
  const cutoff = opts.cutoff ?? median(floatScore);
  const report: ScorecardReport = {
    rows: X.rows,
    cutoff,
    floatAuc: y ? auc(floatScore.map((s) => -s), y) : undefined,
    nearest: fidelity(nearestScore, floatScore, cutoff, y),
  };
  let chosen = features;
  if (rounding === 'optimal') {
    const at = assignAttributes(groups, X.data, X.rows, d);
    const target = floatScore.map((s) => s - basePoints);
    const r = optimalPoints(features, at, X.rows, target, budget);
    let k = 0;
    chosen = features.map((f) => ({ ...f, bins: f.bins.map((bin) => ({ ...bin, points: r.q[k++] })) }));
    let optScore = new Scorecard({ ...base, features: chosen, report: undefined }).score(X);
    // a safeguard: the search starts from nearest and only improves, so this holds unless rounding noise in the distances ties
    if (sumSq(optScore, floatScore) > sumSq(nearestScore, floatScore)) {
      chosen = features;
      optScore = nearestScore;
    }
    report.optimal = { ...fidelity(optScore, floatScore, cutoff, y), proved: r.optimal, nodes: r.nodes, ms: r.ms };
  }
  return new Scorecard({ ...base, features: chosen, report });
}
