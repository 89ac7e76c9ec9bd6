/**
 * fitQuantized: trains a linear or logistic model's weights on the b-bit
 * integer grid directly from data, instead of rounding a float fit.
 *
 * With w = s (q - z) the least-squares loss ||y - b0 - X w||^2 (+ ridge |w|^2)
 * is a box-constrained integer least-squares problem in the Gram matrix of
 * the centred X (the intercept b0 stays float and is re-fitted exactly). The
 * search (fit-quantized-grid.ts, integer-ls.ts): GPTQ's own answer and the
 * nearest-plane point of each candidate grid (scale multipliers; zero points
 * for affine), each polished by coordinate descent on the grid; the best grid
 * then gets Schnorr-Euchner enumeration within the budget. With scale 'search'
 * the answer is never worse on the training loss than GPTQ (the same bits,
 * scheme and granularity); a fixed scale is the only grid searched.
 *
 * Logistic regression: the same inside an IRLS loop (integer least squares in
 * X^T W X for the working response, the grid chosen at the float optimum and
 * then held), finished by coordinate descent over the grid on the true
 * penalised log-likelihood; GPTQ's answer polished the same way competes.
 *
 * report.optimal is a proof for the chosen grid (scales and zero points): the
 * training loss of a linear model has no lower value on that grid. It is
 * always false for logistic models (the proof covers only an IRLS step's
 * quadratic: report.subproblemOptimal).
 */
import { SlimfitError } from '../errors.js';
import type { Engine } from '../engine/engine.js';
import { fitLinear } from '../fit/linear.js';
import { fitLogistic } from '../fit/logistic.js';
import { softplus } from '../fit/logistic-model.js';
import { centredGram } from '../ops/centred-gram.js';
import { checkBits, checkScheme } from '../ops/quant-params.js';
import { checkOptions, optionKeys, refuseUnknown } from '../options.js';
import type { Matrix, QuantScheme } from '../types.js';
import { assertOption, describeValue, toMatrix, toVector, type MatrixInput } from '../validate.js';
import { quantRange, unpackCodes } from '../codes.js';
import { fullMask } from '../mask.js';
import { calibrationHessian } from './calib-hessian.js';
import { CompressedLinearModel, type ModelTask } from './compressed-model.js';
import { checkBudget, type IntegerBudget } from './integer-ls.js';
import { solveGrid, type GridSolution, type GridStart } from './fit-quantized-grid.js';
import { compressModel, type LinearModelLike } from './model.js';

export interface FitQuantizedOptions {
  /** 2..8 (default 4). */
  bits?: number;
  /** 'symmetric' (default) or 'affine'. */
  scheme?: QuantScheme;
  /** 'row' (default; one scale: the model has one output), 'tensor' (the same), or { block: B } (B divides d). */
  granularity?: 'tensor' | 'row' | { block: number };
  /** 'linear' (least squares, default) or 'logistic' (y in {0, 1}). */
  task?: ModelTask;
  /** Fit a float intercept (default true). */
  intercept?: boolean;
  /** L2 penalty on the weights, as fitLinear / fitLogistic take it (default 0). */
  ridge?: number;
  /** Limits of the enumeration on the chosen grid (default { nodes: 1e7, ms: 1000 }); each > 0. */
  budget?: IntegerBudget;
  /** 'search' (default): try multipliers 0.3..1.3 of the max-abs (min-max) scale; or one scale > 0 for every group. */
  scale?: 'search' | number;
}

const FIT_QUANTIZED_OPTION_KEYS = /* @__PURE__ */ optionKeys<FitQuantizedOptions>()(['bits', 'scheme', 'granularity', 'task', 'intercept', 'ridge', 'budget', 'scale']);

export interface FitQuantizedReport {
  method: 'qat';
  task: ModelTask;
  bits: number;
  scheme: QuantScheme;
  /** A proof that no point of the chosen grid has a lower training loss (linear models only). */
  optimal: boolean;
  /** Logistic: whether the last IRLS step's integer least-squares problem was solved to proof. */
  subproblemOptimal?: boolean;
  /** Enumeration nodes, over all IRLS steps for logistic. */
  nodes: number;
  /** Milliseconds of the whole fit (float fit, baselines, search). */
  ms: number;
  /**
   * Training loss of the answer: mean squared error (+ ridge |w|^2 / n) for linear models, mean log-loss
   * (+ ridge/2 |w|^2 / n) for logistic ones.
   */
  objective: number;
  /** A lower bound on that loss over the chosen grid (linear models; equals objective when optimal). */
  lowerBound?: number;
  /** The same loss for GPTQ (compressModel method 'gptq' on the training data, same bits, scheme, granularity). */
  startObjective: number;
  /** The same loss for round-to-nearest (compressModel method 'rtn' with the training data's intercept correction). */
  rtnObjective: number;
  /** The float model's training loss. */
  floatObjective: number;
  scale: Float32Array;
  zeroPoint: Int32Array | undefined;
  /** The scale multiplier chosen (of the max-abs / min-max rule); 1 with a fixed scale or GPTQ's grid. */
  scaleMultiplier: number;
  /** Grids (scale, zero point, starts) compared before the enumeration. */
  candidates: number;
}

export interface FitQuantizedResult {
  /** Predicts like every compressed model and writes to .slim (report().method 'qat', report().quantize this report). */
  model: CompressedLinearModel;
  report: FitQuantizedReport;
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

function checkGranularity(g: unknown, d: number): number {
  if (g === 'tensor' || g === 'row') return d;
  if (typeof g === 'object' && g !== null && 'block' in g) {
    refuseUnknown('fitQuantized', g, ['block'], 'granularity');
    const b = (g as { block: unknown }).block;
    assertOption(b as number, 'granularity.block', 1, d, { integer: true });
    if (d % (b as number) !== 0) throw new SlimfitError('E_SHAPE', `granularity block ${String(b)} does not divide the ${d} weights; pick a divisor of ${d}`);
    return b as number;
  }
  throw new SlimfitError('E_RANGE', `granularity must be 'tensor', 'row' or { block: B }, got ${describeValue(g)}`);
}

interface Setup {
  M: Matrix;
  y: Float64Array;
  bits: number;
  scheme: QuantScheme;
  granularity: 'tensor' | 'row' | { block: number };
  groupSize: number;
  task: ModelTask;
  intercept: boolean;
  ridge: number;
  budget: IntegerBudget | undefined;
  scale: 'search' | number;
}

function setup(X: MatrixInput, yIn: ArrayLike<number>, options: FitQuantizedOptions | null | undefined): Setup {
  const o = checkOptions('fitQuantized', options, FIT_QUANTIZED_OPTION_KEYS);
  const bits = checkBits(o.bits ?? 4);
  const scheme = checkScheme(o.scheme ?? 'symmetric');
  const task = o.task ?? 'linear';
  if (task !== 'linear' && task !== 'logistic') throw new SlimfitError('E_RANGE', `task must be 'linear' or 'logistic', got ${describeValue(task)}`);
  const intercept = o.intercept ?? true;
  if (typeof intercept !== 'boolean') throw new SlimfitError('E_RANGE', `intercept must be true or false, got ${describeValue(intercept)}`);
  const ridge = o.ridge ?? 0;
  assertOption(ridge, 'ridge', 0, Infinity);
  if (o.budget !== undefined) checkBudget(o.budget, 'fitQuantized');
  const scale = o.scale ?? 'search';
  if (scale !== 'search' && !(typeof scale === 'number' && Number.isFinite(scale) && scale > 0 && Math.fround(scale) > 0)) {
    throw new SlimfitError('E_RANGE', `scale must be 'search' or a finite number > 0, got ${describeValue(scale)}`);
  }
  const M = toMatrix(X, 'X');
  const y = toVector(yIn, 'y', M.rows);
  const granularity = o.granularity ?? 'row';
  const groupSize = checkGranularity(granularity, M.cols);
  return { M, y, bits, scheme, granularity, groupSize, task, intercept, ridge, budget: o.budget, scale };
}

/** Training loss of a model's linear predictor t on (M, y), penalty on its weights w. */
function loss(task: ModelTask, t: Float64Array, y: Float64Array, w: ArrayLike<number>, ridge: number): number {
  const n = y.length;
  let s = 0;
  if (task === 'linear') for (let i = 0; i < n; i++) s += (y[i] - t[i]) ** 2;
  else for (let i = 0; i < n; i++) s += softplus(t[i]) - y[i] * t[i];
  let pen = 0;
  for (let j = 0; j < w.length; j++) pen += w[j] * w[j];
  return (s + (task === 'linear' ? ridge : ridge / 2) * pen) / n;
}

function linearPredictor(c: CompressedLinearModel, M: Matrix): Float64Array {
  return c.task === 'logistic' ? c.decisionFunction(M) : c.predict(M);
}

/** GPTQ's codes and grid as a start for the search (every weight kept). */
function startOf(c: CompressedLinearModel): GridStart {
  return { scale: c.scale!, zeroPoint: c.zeroPoint, codes: unpackCodes(c.values as Int8Array | Uint8Array, c.d, c.bits!, c.scheme!) };
}

/** GPTQ's answer competes on its own grid, unless the caller fixed the scale. */
function gptqStart(s: Setup, gptq: CompressedLinearModel): GridStart[] {
  return s.scale === 'search' ? [startOf(gptq)] : [];
}

/** Effective weights s_g (q_j - z_g) in float64, as CompressedLinearModel predicts with them. */
function weightsOf(codes: Int32Array, scale: Float32Array, zeroPoint: Int32Array | undefined, groupSize: number): Float64Array<ArrayBuffer> {
  return Float64Array.from(codes, (q, j) => {
    const g = (j / groupSize) | 0;
    return scale[g] * (q - (zeroPoint ? zeroPoint[g] : 0));
  });
}

/** Column means of M weighted by w. */
function means(M: Matrix, w: Float64Array): Float64Array {
  const { rows: n, cols: d, data } = M;
  const mu = new Float64Array(d);
  let sw = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    sw += wi;
    for (let j = 0; j < d; j++) mu[j] += wi * data[i * d + j];
  }
  for (let j = 0; j < d; j++) mu[j] /= sw;
  return mu;
}

/** r = (X - mu)^T (y - ym): the centred cross term, or X^T y without an intercept (mu and ym 0). */
function crossTerm(M: Matrix, mu: Float64Array, y: Float64Array, ym: number): Float64Array {
  const { rows: n, cols: d, data } = M;
  const r = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const e = y[i] - ym;
    for (let j = 0; j < d; j++) r[j] += (data[i * d + j] - mu[j]) * e;
  }
  return r;
}

function withRidge(H: Float64Array, d: number, ridge: number): Float64Array {
  const G = Float64Array.from(H);
  for (let j = 0; j < d; j++) G[j * d + j] += ridge;
  return G;
}

function buildModel(s: Setup, sol: { codes: Int32Array; scale: Float32Array; zeroPoint: Int32Array | undefined }, b0: number, float: LinearModelLike, report: FitQuantizedReport): CompressedLinearModel {
  const d = s.M.cols;
  const w = weightsOf(sol.codes, sol.scale, sol.zeroPoint, s.groupSize);
  let se = 0;
  for (let j = 0; j < d; j++) se += (w[j] - float.coef[j]) ** 2;
  const fb = typeof float.intercept === 'number' ? float.intercept : float.intercept[0];
  return new CompressedLinearModel({
    task: s.task,
    d,
    outputs: 1,
    intercept: Float64Array.of(b0),
    keep: fullMask(d),
    dense: new Float64Array(d),
    codes: sol.codes,
    bits: s.bits,
    scheme: s.scheme,
    scale: sol.scale,
    ...(sol.zeroPoint ? { zeroPoint: sol.zeroPoint } : {}),
    groupSize: s.groupSize,
    report: { method: 'qat', bits: s.bits, sparsity: 0, coefRmse: Math.sqrt(se / d), prune: undefined, quantize: report, interceptShift: Float64Array.of(b0 - fb), interceptCorrected: s.intercept },
  });
}

export function fitQuantized(engine: Engine, X: MatrixInput, y: ArrayLike<number>, options?: FitQuantizedOptions | null): FitQuantizedResult {
  const t0 = now();
  const s = setup(X, y, options);
  return s.task === 'linear' ? fitLinearQuantized(engine, s, t0) : fitLogisticQuantized(engine, s, t0);
}

function baselines(engine: Engine, s: Setup, float: LinearModelLike, hessian: { H: Float64Array; mean: Float64Array | undefined } | undefined) {
  const quantize = { bits: s.bits, scheme: s.scheme, granularity: s.granularity };
  const cal = hessian ? { hessian } : { X: s.M };
  const gptq = compressModel(engine, float, { method: 'gptq', quantize, ...cal });
  const rtn = compressModel(engine, float, { method: 'rtn', quantize, ...cal });
  const lossOf = (c: CompressedLinearModel) => loss(s.task, linearPredictor(c, s.M), s.y, c.coefficients(), s.ridge);
  return { gptq, startObjective: lossOf(gptq), rtnObjective: lossOf(rtn) };
}

function fitLinearQuantized(engine: Engine, s: Setup, t0: number): FitQuantizedResult {
  const { M, y } = s;
  const d = M.cols;
  const n = M.rows;
  const float = fitLinear(engine, M, y, { intercept: s.intercept, ridge: s.ridge });
  const hessian = calibrationHessian(engine, float, M, false);
  const mu = hessian.mean ?? new Float64Array(d);
  const G = withRidge(hessian.H, d, s.ridge);
  const ym = s.intercept ? y.reduce((a, v) => a + v, 0) / n : 0;
  const r = crossTerm(M, mu, y, ym);
  const base = baselines(engine, s, float, hessian);
  const sol = solveGrid({ G, r, bits: s.bits, scheme: s.scheme, groupSize: s.groupSize, w: float.coef, scale: s.scale, budget: s.budget, starts: gptqStart(s, base.gptq) });
  const w = weightsOf(sol.codes, sol.scale, sol.zeroPoint, s.groupSize);
  // the intercept refitted exactly for the grid weights (0 without one: mu and ym are 0)
  let b0 = ym;
  for (let j = 0; j < d; j++) b0 -= mu[j] * w[j];
  let yy = 0;
  for (let i = 0; i < n; i++) yy += (y[i] - ym) ** 2;
  const report = reportOf(s, sol, base, loss('linear', float.predict(M), y, float.coef, s.ridge), t0);
  const model = buildModel(s, sol, b0, float, report);
  report.objective = loss('linear', model.predict(M), y, w, s.ridge);
  if (sol.search.optimal) report.lowerBound = report.objective;
  else if (sol.search.lowerBound !== undefined) report.lowerBound = Math.min(report.objective, (sol.search.lowerBound + yy) / n);
  report.optimal = sol.search.optimal;
  report.ms = now() - t0;
  return { model, report };
}

function reportOf(s: Setup, sol: GridSolution, base: { startObjective: number; rtnObjective: number }, floatObjective: number, t0: number): FitQuantizedReport {
  return {
    method: 'qat',
    task: s.task,
    bits: s.bits,
    scheme: s.scheme,
    optimal: false,
    nodes: sol.search.nodes,
    ms: now() - t0,
    objective: NaN,
    startObjective: base.startObjective,
    rtnObjective: base.rtnObjective,
    floatObjective,
    scale: sol.scale,
    zeroPoint: sol.zeroPoint,
    scaleMultiplier: sol.multiplier,
    candidates: sol.candidates,
  };
}

/** IRLS steps at most (each an integer least-squares search on the held grid). */
const IRLS_STEPS = 4;

function fitLogisticQuantized(engine: Engine, s: Setup, t0: number): FitQuantizedResult {
  const { M, y } = s;
  const d = M.cols;
  const n = M.rows;
  const float = fitLogistic(engine, M, y, { intercept: s.intercept, ridge: s.ridge });
  const base = baselines(engine, s, float, undefined);
  let w: Float64Array = Float64Array.from(float.coef);
  let b0 = float.intercept;
  let sol: GridSolution | undefined;
  let nodes = 0;
  let candidates = 0;
  for (let step = 0; step < IRLS_STEPS; step++) {
    const eta = etaOf(M, w, b0);
    const W = new Float64Array(n);
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-eta[i]));
      W[i] = Math.max(p * (1 - p), 1e-10);
      z[i] = eta[i] + (y[i] - p) / W[i];
    }
    const mu = s.intercept ? means(M, W) : new Float64Array(d);
    // Z^T W Z and Z^T W z for Z = X - mu: with mu the W-weighted mean, Z^T W 1 = 0, so z needs no centring.
    const cg = centredGram(engine, M, mu, new Float64Array(d).fill(1), z, 1, W);
    const G = withRidge(cg.xtx, d, s.ridge);
    const r = cg.xty;
    const starts = sol ? [{ scale: sol.scale, zeroPoint: sol.zeroPoint, codes: sol.codes }] : gptqStart(s, base.gptq);
    const next = solveGrid({ G, r, bits: s.bits, scheme: s.scheme, groupSize: s.groupSize, w: float.coef, scale: s.scale, budget: s.budget, starts, fixed: sol !== undefined });
    nodes += next.search.nodes;
    candidates += next.candidates;
    const same = sol !== undefined && next.codes.every((v, j) => v === sol!.codes[j]);
    sol = next;
    w = weightsOf(sol.codes, sol.scale, sol.zeroPoint, s.groupSize);
    if (s.intercept) {
      let sw = 0;
      let mz = 0;
      for (let i = 0; i < n; i++) {
        sw += W[i];
        mz += W[i] * z[i];
      }
      b0 = mz / sw;
      for (let j = 0; j < d; j++) b0 -= mu[j] * w[j];
    }
    if (same) break;
  }
  const irls = sol!;
  const fromIrls = likelihoodDescent(s, { codes: Int32Array.from(irls.codes), scale: irls.scale, zeroPoint: irls.zeroPoint }, b0);
  const fromGptq = s.scale === 'search' ? likelihoodDescent(s, startOf(base.gptq), base.gptq.intercept[0]) : undefined;
  const best = fromGptq !== undefined && fromGptq.loss < fromIrls.loss ? fromGptq : fromIrls;
  const report = reportOf(s, irls, base, loss('logistic', float.decisionFunction(M), y, float.coef, s.ridge), t0);
  report.nodes = nodes;
  report.candidates = candidates;
  report.subproblemOptimal = irls.search.optimal;
  report.scale = best.sol.scale;
  report.zeroPoint = best.sol.zeroPoint;
  if (best === fromGptq) report.scaleMultiplier = 1;
  const model = buildModel(s, best.sol, best.b0, float, report);
  report.objective = loss('logistic', model.decisionFunction(M), y, weightsOf(best.sol.codes, best.sol.scale, best.sol.zeroPoint, s.groupSize), s.ridge);
  report.ms = now() - t0;
  return { model, report };
}

function etaOf(M: Matrix, w: Float64Array, b0: number): Float64Array {
  const { rows: n, cols: d, data } = M;
  const eta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = b0;
    for (let j = 0; j < d; j++) t += data[i * d + j] * w[j];
    eta[i] = t;
  }
  return eta;
}

/** Sweeps of likelihood coordinate descent at most. */
const LL_SWEEPS = 20;

/**
 * Coordinate descent over the grid on the true penalised log-likelihood: each
 * code moves by +-1 while that lowers the loss (the intercept held), then the
 * intercept takes Newton steps; until a sweep moves nothing. A move of code j
 * changes eta only where x_ij != 0, so each column's non-zero rows are listed
 * once (indicator columns of a scorecard are mostly zero).
 */
function likelihoodDescent(s: Setup, start: GridStart, b0In: number): { sol: GridStart; b0: number; loss: number } {
  const { M, y } = s;
  const { rows: n, cols: d, data } = M;
  const codes = Int32Array.from(start.codes);
  const { scale, zeroPoint } = start;
  const range = quantRange(s.bits, s.scheme);
  const w = weightsOf(codes, scale, zeroPoint, s.groupSize);
  let b0 = s.intercept ? b0In : 0;
  const eta = etaOf(M, w, b0);
  const half = s.ridge / 2;
  const { start: colStart, rows: colRows } = nonZeros(M);
  const sp = eta.map(softplus); // softplus(eta_i), kept in step with eta
  /** Change of the penalised loss when w_j moves by delta. */
  const change = (j: number, delta: number) => {
    let f = 0;
    for (let p = colStart[j]; p < colStart[j + 1]; p++) {
      const i = colRows[p];
      const dt = delta * data[i * d + j];
      f += softplus(eta[i] + dt) - sp[i] - y[i] * dt;
    }
    return f + half * ((w[j] + delta) ** 2 - w[j] ** 2);
  };
  const refitIntercept = () => {
    for (let it = 0; it < 3; it++) {
      let g = 0;
      let h = 0;
      for (let i = 0; i < n; i++) {
        const p = 1 / (1 + Math.exp(-eta[i]));
        g += p - y[i];
        h += p * (1 - p);
      }
      if (!(h > 0)) return;
      const step = g / h;
      b0 -= step;
      for (let i = 0; i < n; i++) eta[i] -= step;
    }
    for (let i = 0; i < n; i++) sp[i] = softplus(eta[i]);
  };
  if (s.intercept) refitIntercept();
  for (let sweep = 0; sweep < LL_SWEEPS; sweep++) {
    let moved = false;
    for (let j = 0; j < d; j++) {
      const g = (j / s.groupSize) | 0;
      const sg = scale[g]; // float32 already: w stays s_g (q - z) exactly
      for (const dir of [1, -1]) {
        let tried = false;
        while (codes[j] + dir >= range.qmin && codes[j] + dir <= range.qmax) {
          const delta = sg * dir;
          if (!(change(j, delta) < 0)) break;
          codes[j] += dir;
          for (let p = colStart[j]; p < colStart[j + 1]; p++) {
            const i = colRows[p];
            eta[i] += delta * data[i * d + j];
            sp[i] = softplus(eta[i]);
          }
          w[j] = sg * (codes[j] - (zeroPoint ? zeroPoint[g] : 0));
          moved = tried = true;
        }
        if (tried) break;
      }
    }
    if (s.intercept) refitIntercept();
    if (!moved) break;
  }
  return { sol: { scale, zeroPoint, codes }, b0, loss: loss('logistic', eta, y, w, s.ridge) };
}

/** The rows where each column is non-zero (compressed sparse columns: rows[start[j] .. start[j + 1])). */
function nonZeros(M: Matrix): { start: Uint32Array; rows: Uint32Array } {
  const { rows: n, cols: d, data } = M;
  const start = new Uint32Array(d + 1);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) if (data[i * d + j] !== 0) start[j + 1]++;
  for (let j = 0; j < d; j++) start[j + 1] += start[j];
  const rows = new Uint32Array(start[d]);
  const fill = start.slice(0, d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) if (data[i * d + j] !== 0) rows[fill[j]++] = i;
  return { start, rows };
}
