/**
 * The grid search inside fitQuantized: for a quadratic training loss in the
 * weights, w^T G w - 2 r^T w (+ const), and weights on a b-bit grid,
 * w_j = s_g (p_j) with p_j = q_j - z_g integer in [qmin - z_g, qmax - z_g],
 * choose the scales (a common multiplier of base per-group scales, searched
 * on a grid, or one fixed scale), the zero point (affine, one group: a few
 * around the range rule's) and the codes.
 *
 * Every candidate grid gets the nearest-plane (GPTQ) point polished by grid
 * coordinate descent; extra starts (e.g. GPTQ's own codes and scales) compete
 * too. The best candidate's grid then gets the full search
 * (integerLeastSquares: enumeration within the budget), so the answer is never
 * worse than any start, and `optimal` is a proof for that grid only.
 */
import { SlimfitError } from '../errors.js';
import { quantRange } from '../codes.js';
import { MIN_SCALE } from '../ops/quant-params.js';
import type { QuantScheme } from '../types.js';
import { gridCoordinateDescent, integerLeastSquares, nearestPlane, quadObjective, type IntegerBudget, type IntegerLSResult } from './integer-ls.js';

export interface GridStart {
  scale: Float32Array;
  zeroPoint: Int32Array | undefined;
  /** Stored codes q (affine: unsigned, with the zero point). */
  codes: Int32Array;
}

export interface GridProblem {
  /** d x d, symmetric positive definite (ridge included). */
  G: Float64Array;
  r: Float64Array;
  bits: number;
  scheme: QuantScheme;
  /** Consecutive weights sharing one scale; divides d. */
  groupSize: number;
  /** The float weights (the scale and zero-point rules read their ranges). */
  w: Float64Array;
  /** 'search' (multipliers of the max-abs / min-max scales) or one scale for every group. */
  scale: 'search' | number;
  budget: IntegerBudget | undefined;
  starts: GridStart[];
  /** Only the starts' own grids compete (no scale or zero-point search). */
  fixed?: boolean;
}

export interface GridSolution {
  scale: Float32Array;
  zeroPoint: Int32Array | undefined;
  codes: Int32Array;
  /** w^T G w - 2 r^T w at the answer. */
  objective: number;
  search: IntegerLSResult;
  /** The scale multiplier chosen ('search'), 1 for a fixed scale or when a start's grid won. */
  multiplier: number;
  candidates: number;
}

/** Multipliers of the base scale tried by 'search': the best grid is rarely the max-abs one at low bits. */
const MULTIPLIERS = /* @__PURE__ */ Array.from({ length: 21 }, (_, i) => 0.3 + 0.05 * i);

interface Grid {
  scale: Float32Array;
  zeroPoint: Int32Array | undefined;
  multiplier: number;
}

/** Per-group scales by the calibrate() 'minmax' rule (max-abs / (2^(b-1) - 1); affine (max - min) / (2^b - 1)). */
function baseScales(w: Float64Array, groupSize: number, bits: number, scheme: QuantScheme): Float64Array {
  const groups = w.length / groupSize;
  const out = new Float64Array(groups);
  const r = quantRange(bits, scheme);
  for (let g = 0; g < groups; g++) {
    let lo = 0;
    let hi = 0;
    for (let j = g * groupSize; j < (g + 1) * groupSize; j++) {
      lo = Math.min(lo, w[j]);
      hi = Math.max(hi, w[j]);
    }
    out[g] = scheme === 'symmetric' ? Math.max(-lo, hi) / r.qmax : (hi - lo) / (r.qmax - r.qmin);
  }
  return out;
}

/** Zero point from the group's minimum: z = clamp(round(qmin - min / s)), with min <= 0 so zero stays exact. */
function rangeZero(w: Float64Array, g: number, groupSize: number, s: number, bits: number): number {
  let lo = 0;
  for (let j = g * groupSize; j < (g + 1) * groupSize; j++) lo = Math.min(lo, w[j]);
  const r = quantRange(bits, 'affine');
  return Math.min(r.qmax, Math.max(r.qmin, Math.round(r.qmin - lo / s)));
}

function grids(p: GridProblem): Grid[] {
  const groups = p.w.length / p.groupSize;
  const base = baseScales(p.w, p.groupSize, p.bits, p.scheme);
  const mults = p.scale === 'search' ? MULTIPLIERS : [1];
  const out: Grid[] = [];
  for (const m of mults) {
    const scale = new Float32Array(groups);
    for (let g = 0; g < groups; g++) scale[g] = Math.max(MIN_SCALE, Math.fround(p.scale === 'search' ? m * base[g] : p.scale));
    if (p.scheme === 'symmetric') {
      out.push({ scale, zeroPoint: undefined, multiplier: m });
      continue;
    }
    const z0 = Int32Array.from({ length: groups }, (_, g) => rangeZero(p.w, g, p.groupSize, scale[g], p.bits));
    if (groups > 1) {
      out.push({ scale, zeroPoint: z0, multiplier: m });
      continue;
    }
    const r = quantRange(p.bits, 'affine');
    for (let dz = -2; dz <= 2; dz++) {
      const z = z0[0] + dz;
      if (z >= r.qmin && z <= r.qmax) out.push({ scale, zeroPoint: Int32Array.of(z), multiplier: m });
    }
  }
  return out;
}

interface Quadratic {
  A: Float64Array;
  b: Float64Array;
  lo: Int32Array;
  hi: Int32Array;
}

/** The problem in the integer offsets p = q - z: A = D G D, b = D r, D = diag(scale of each weight). */
function quadraticOn(p: GridProblem, grid: Grid): Quadratic {
  const d = p.r.length;
  const D = new Float64Array(d);
  const lo = new Int32Array(d);
  const hi = new Int32Array(d);
  const range = quantRange(p.bits, p.scheme);
  for (let j = 0; j < d; j++) {
    const g = (j / p.groupSize) | 0;
    D[j] = grid.scale[g];
    const z = grid.zeroPoint ? grid.zeroPoint[g] : 0;
    lo[j] = range.qmin - z;
    hi[j] = range.qmax - z;
  }
  const A = new Float64Array(d * d);
  const b = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    b[i] = D[i] * p.r[i];
    for (let j = 0; j < d; j++) A[i * d + j] = D[i] * p.G[i * d + j] * D[j];
  }
  return { A, b, lo, hi };
}

function offsets(codes: Int32Array, zeroPoint: Int32Array | undefined, groupSize: number): Int32Array {
  return Int32Array.from(codes, (q, j) => q - (zeroPoint ? zeroPoint[(j / groupSize) | 0] : 0));
}

export function solveGrid(p: GridProblem): GridSolution {
  let best = undefined as { grid: Grid; quad: Quadratic; q: Int32Array; f: number } | undefined;
  let candidates = 0;
  const consider = (grid: Grid, start: Int32Array | null) => {
    const quad = quadraticOn(p, grid);
    const q = start ?? nearestPlane(quad.A, quad.b, quad.lo, quad.hi);
    if (q === null) return;
    gridCoordinateDescent(quad.A, quad.b, q, quad.lo, quad.hi);
    const f = quadObjective(quad.A, quad.b, q);
    candidates++;
    if (best === undefined || f < best.f) best = { grid, quad, q, f };
  };
  for (const s of p.starts) consider({ scale: s.scale, zeroPoint: s.zeroPoint, multiplier: 1 }, offsets(s.codes, s.zeroPoint, p.groupSize));
  if (!p.fixed) for (const grid of grids(p)) consider(grid, null);
  if (best === undefined) throw new SlimfitError('E_SINGULAR', 'the Gram matrix of the data is not positive definite on any grid: the features are (nearly) collinear; drop a column or pass ridge > 0');
  const b = best;
  const search = integerLeastSquares({ A: b.quad.A, b: b.quad.b, lo: b.quad.lo, hi: b.quad.hi, start: b.q, ...(p.budget ? { budget: p.budget } : {}) });
  const z = b.grid.zeroPoint;
  const codes = Int32Array.from(search.q, (v, j) => v + (z ? z[(j / p.groupSize) | 0] : 0));
  return { scale: b.grid.scale, zeroPoint: z, codes, objective: search.objective, search, multiplier: b.grid.multiplier, candidates };
}
