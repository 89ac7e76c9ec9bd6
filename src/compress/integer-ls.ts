/**
 * Box-constrained integer least squares: the exact core of training on an
 * integer grid.
 *
 *   minimise  f(q) = q^T A q - 2 b^T q   over integer q with lo_i <= q_i <= hi_i
 *
 * A is d x d symmetric positive definite (row-major Float64Array), b has length
 * d. For a least-squares model with weights w = D q (D the diagonal of per-weight
 * scales) on centred data X, y: A = D X^T X D, b = D X^T y and
 * ||y - X w||^2 = f(q) + y^T y. Equivalently f(q) = (q - c)^T A (q - c) - c^T A c
 * with c = A^-1 b, the real-valued optimum.
 *
 * Method: the start (default: nearest-plane / Babai on the columns in their
 * given order, which is GPTQ without damping) is polished by coordinate descent
 * (each step the exact 1-D integer minimiser clamp(round(t)) of the convex
 * quadratic in one coordinate), then Schnorr-Euchner enumeration (depth first,
 * candidates at each level in order of distance from the level's centre, box
 * limits respected) runs on a Cholesky factor of A with sorted (minimum-pivot)
 * column order, so the last-enumerated levels have the small diagonals, with
 * the polished start's distance as the initial radius.
 *
 * Contract:
 *  - the answer is never worse than the start (enumeration only replaces the
 *    incumbent by a strictly better point);
 *  - optimal = true only when the enumeration visited every branch it could
 *    not rule out: q is then a minimiser of f over the box (up to floating-point
 *    rounding in the distances, relative ~1e-12); ties keep the first found;
 *  - when a budget stops the search, lowerBound is still a valid bound: the
 *    smallest partial distance of any branch left open (every pruned branch
 *    already exceeded the incumbent);
 *  - when A is not numerically positive definite (a pivot below 1e-12 of the
 *    largest diagonal) no enumeration runs: the polished start comes back with
 *    optimal = false and no lowerBound.
 * Pure TS, no engine: the scorecard rounding and fitQuantized share it.
 */
import { SlimfitError } from '../errors.js';
import { optionKeys, refuseUnknown } from '../options.js';

export interface IntegerBudget {
  /** Enumeration nodes (candidate values tried at some level), > 0. Default 1e7. */
  nodes?: number;
  /** Wall-clock milliseconds for the enumeration, > 0. Default 1000 (applies also when only nodes is given; the answer then depends on the machine). */
  ms?: number;
}

export interface IntegerLSProblem {
  /** d x d symmetric positive definite, row-major. */
  A: Float64Array;
  /** Linear term, length d. */
  b: Float64Array;
  /** Box limits, one integer for all coordinates or one per coordinate. */
  lo: number | Int32Array;
  hi: number | Int32Array;
  /** Starting point inside the box (clamped into it); default nearest-plane in the given order. */
  start?: Int32Array;
  budget?: IntegerBudget;
}

export interface IntegerLSResult {
  q: Int32Array;
  /** f(q) = q^T A q - 2 b^T q. */
  objective: number;
  /** f at the start as given (before coordinate descent). */
  startObjective: number;
  /** f after coordinate descent, before enumeration. */
  polishedObjective: number;
  /** A proof: the enumeration finished, so q minimises f over the box. */
  optimal: boolean;
  /** A lower bound on f over the box (equals objective when optimal). */
  lowerBound: number | undefined;
  nodes: number;
  ms: number;
}

const BUDGET_KEYS = /* @__PURE__ */ optionKeys<IntegerBudget>()(['nodes', 'ms']);

export const DEFAULT_INTEGER_BUDGET: Readonly<Required<IntegerBudget>> = { nodes: 1e7, ms: 1000 };

/** Validates a budget: each given limit a number > 0 (E_RANGE). */
export function checkBudget(budget: IntegerBudget | undefined, fn = 'integerLeastSquares'): Required<IntegerBudget> {
  if (budget === undefined) return { ...DEFAULT_INTEGER_BUDGET };
  if (typeof budget !== 'object' || budget === null) throw new SlimfitError('E_RANGE', `budget must be { nodes?, ms? }, got ${String(budget)}`);
  refuseUnknown(fn, budget, BUDGET_KEYS, 'budget');
  const out = { ...DEFAULT_INTEGER_BUDGET };
  for (const k of ['nodes', 'ms'] as const) {
    const v = budget[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v > 0)) throw new SlimfitError('E_RANGE', `budget.${k} must be a number > 0, got ${String(v)}`);
    out[k] = v;
  }
  return out;
}

function boxOf(v: number | Int32Array, d: number, what: string): Int32Array {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new SlimfitError('E_RANGE', `${what} must be an integer, got ${v}`);
    return new Int32Array(d).fill(v);
  }
  if (!(v instanceof Int32Array) || v.length !== d) throw new SlimfitError('E_SHAPE', `${what} must be an integer or an Int32Array of length ${d}`);
  return v;
}

/** f(q) = q^T A q - 2 b^T q. */
export function quadObjective(A: Float64Array, b: Float64Array, q: ArrayLike<number>): number {
  const d = b.length;
  let f = 0;
  for (let i = 0; i < d; i++) {
    const qi = q[i];
    if (qi === 0) continue;
    let s = 0;
    for (let j = 0; j < d; j++) s += A[i * d + j] * q[j];
    f += qi * (s - 2 * b[i]);
  }
  return f;
}

const clampInt = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * Coordinate descent on the grid, in place: each coordinate moves to its exact
 * 1-D integer minimiser with the others held, until a sweep changes nothing
 * (or `maxSweeps`). f never increases. Zero diagonals are left alone.
 */
export function gridCoordinateDescent(A: Float64Array, b: Float64Array, q: Int32Array, lo: Int32Array, hi: Int32Array, maxSweeps = 200): void {
  const d = b.length;
  const g = new Float64Array(d); // A q
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += A[i * d + j] * q[j];
    g[i] = s;
  }
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let changed = false;
    for (let i = 0; i < d; i++) {
      const aii = A[i * d + i];
      if (!(aii > 0)) continue;
      // f along coordinate i: aii t^2 - 2 t (b_i - (g_i - aii q_i)) + const
      const t = (b[i] - (g[i] - aii * q[i])) / aii;
      let r = clampInt(Math.round(t), lo[i], hi[i]);
      // Math.round rounds ties up; either neighbour is a minimiser then, keep the current one.
      if (r !== q[i] && Math.abs(r - t) === Math.abs(q[i] - t)) r = q[i];
      if (r === q[i]) continue;
      const delta = r - q[i];
      q[i] = r;
      for (let j = 0; j < d; j++) g[j] += A[j * d + i] * delta;
      changed = true;
    }
    if (!changed) break;
  }
}

/**
 * Nearest-plane (Babai) rounding with box clamping, coordinates fixed in the
 * order 0..d-1, each at clamp(round(centre)) where the centre is its value in
 * the continuous minimiser given the ones already fixed: GPTQ's column loop,
 * exactly, without damping. The polished start when none is given; null when
 * A is not numerically positive definite.
 */
export function nearestPlane(A: Float64Array, b: Float64Array, lo: Int32Array, hi: Int32Array): Int32Array | null {
  const d = b.length;
  const order = new Int32Array(d);
  for (let i = 0; i < d; i++) order[i] = d - 1 - i; // search level d-1 (fixed first) is coordinate 0
  const fac = cholesky(A, d, order, false);
  if (fac === null) return null;
  const s = searchSpace(fac, b, lo, hi);
  const cur = new Int32Array(d);
  for (let k = d - 1; k >= 0; k--) cur[k] = clampInt(Math.round(s.centre(cur, k)), s.lo[k], s.hi[k]);
  const q = new Int32Array(d);
  for (let k = 0; k < d; k++) q[order[k]] = cur[k];
  return q;
}

interface Factor {
  /** P^T A P = R^T R, R upper triangular d x d. */
  R: Float64Array;
  /** Search coordinate k is coordinate perm[k] of q. */
  perm: Int32Array;
}

/**
 * Cholesky P^T A P = R^T R (R upper triangular) in the order `perm`, or, when
 * `sorted`, choosing at each step the remaining column with the smallest
 * Schur-complement diagonal (sorted QR's rule), so that the diagonal of R grows
 * towards the end, where enumeration starts. null when a pivot falls below
 * 1e-12 of the largest diagonal of A.
 */
function cholesky(A: Float64Array, d: number, perm: Int32Array, sorted: boolean): Factor | null {
  const S = Float64Array.from(A);
  let maxDiag = 0;
  for (let i = 0; i < d; i++) maxDiag = Math.max(maxDiag, A[i * d + i]);
  if (d > 0 && !(maxDiag > 0)) return null;
  const R = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    if (sorted) {
      let best = k;
      for (let i = k + 1; i < d; i++) if (S[perm[i] * d + perm[i]] < S[perm[best] * d + perm[best]]) best = i;
      const t = perm[k];
      perm[k] = perm[best];
      perm[best] = t;
      for (let r = 0; r < k; r++) {
        const u = R[r * d + k];
        R[r * d + k] = R[r * d + best];
        R[r * d + best] = u;
      }
    }
    const p = perm[k];
    const piv = S[p * d + p];
    if (!(piv > 1e-12 * maxDiag)) return null;
    const rkk = Math.sqrt(piv);
    R[k * d + k] = rkk;
    for (let j = k + 1; j < d; j++) R[k * d + j] = S[p * d + perm[j]] / rkk;
    for (let i = k + 1; i < d; i++) {
      const pi = perm[i];
      const ri = R[k * d + i];
      if (ri === 0) continue;
      for (let j = k + 1; j < d; j++) S[pi * d + perm[j]] -= ri * R[k * d + j];
    }
  }
  return { R, perm };
}

/** The problem in search order: f(q) = sum_k rr_k (q_k - centre_k)^2 - cAc, centre_k depending on q_j, j > k. */
interface SearchSpace {
  rr: Float64Array;
  L: Float64Array;
  c: Float64Array;
  cAc: number;
  lo: Int32Array;
  hi: Int32Array;
  centre(cur: Int32Array, k: number): number;
}

function searchSpace(fac: Factor, b: Float64Array, lo: Int32Array, hi: Int32Array): SearchSpace {
  const { R, perm } = fac;
  const d = b.length;
  const rr = new Float64Array(d); // R_kk^2
  const L = new Float64Array(d * d); // R_kj / R_kk, j > k
  for (let k = 0; k < d; k++) {
    const rkk = R[k * d + k];
    rr[k] = rkk * rkk;
    for (let j = k + 1; j < d; j++) L[k * d + j] = R[k * d + j] / rkk;
  }
  // c = A^-1 b in search order: R^T R c = P^T b
  const c = new Float64Array(d);
  for (let k = 0; k < d; k++) {
    let s = b[perm[k]];
    for (let j = 0; j < k; j++) s -= R[j * d + k] * c[j];
    c[k] = s / R[k * d + k];
  }
  for (let k = d - 1; k >= 0; k--) {
    let s = c[k];
    for (let j = k + 1; j < d; j++) s -= R[k * d + j] * c[j];
    c[k] = s / R[k * d + k];
  }
  let cAc = 0;
  for (let k = 0; k < d; k++) cAc += b[perm[k]] * c[k];
  const lop = new Int32Array(d);
  const hip = new Int32Array(d);
  for (let k = 0; k < d; k++) {
    lop[k] = lo[perm[k]];
    hip[k] = hi[perm[k]];
  }
  return {
    rr,
    L,
    c,
    cAc,
    lo: lop,
    hi: hip,
    centre(cur, k) {
      let s = c[k];
      for (let j = k + 1; j < d; j++) s -= L[k * d + j] * (cur[j] - c[j]);
      return s;
    },
  };
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Solves the box-constrained integer least-squares problem (see the file comment). */
export function integerLeastSquares(problem: IntegerLSProblem): IntegerLSResult {
  const { A, b } = problem;
  const d = b.length;
  if (!(A instanceof Float64Array) || A.length !== d * d) throw new SlimfitError('E_SHAPE', `A must be a Float64Array of ${d} x ${d}`);
  const lo = boxOf(problem.lo, d, 'lo');
  const hi = boxOf(problem.hi, d, 'hi');
  for (let i = 0; i < d; i++) if (lo[i] > hi[i]) throw new SlimfitError('E_RANGE', `box limit lo[${i}] = ${lo[i]} exceeds hi[${i}] = ${hi[i]}`);
  const budget = checkBudget(problem.budget);
  const t0 = now();

  let q: Int32Array;
  if (problem.start !== undefined) {
    if (!(problem.start instanceof Int32Array) || problem.start.length !== d) throw new SlimfitError('E_SHAPE', `start must be an Int32Array of length ${d}`);
    q = Int32Array.from(problem.start, (v, i) => clampInt(v, lo[i], hi[i]));
  } else {
    q = nearestPlane(A, b, lo, hi) ?? new Int32Array(d).map((_, i) => clampInt(0, lo[i], hi[i]));
  }
  const startObjective = quadObjective(A, b, q);
  gridCoordinateDescent(A, b, q, lo, hi);
  const polishedObjective = quadObjective(A, b, q);

  const identity = new Int32Array(d);
  for (let i = 0; i < d; i++) identity[i] = i;
  const fac = cholesky(A, d, identity, true);
  if (fac === null) {
    return { q, objective: polishedObjective, startObjective, polishedObjective, optimal: false, lowerBound: undefined, nodes: 0, ms: now() - t0 };
  }
  const { R, perm } = fac;
  const sp = searchSpace(fac, b, lo, hi);
  const { rr, c, cAc, lo: lop, hi: hip } = sp;
  // Incumbent distance ||R (q - c)||^2 in search order.
  const qs = new Int32Array(d);
  for (let k = 0; k < d; k++) qs[k] = q[perm[k]];
  let bestDist = 0;
  for (let k = 0; k < d; k++) {
    let s = 0;
    for (let j = k; j < d; j++) s += R[k * d + j] * (qs[j] - c[j]);
    bestDist += s * s;
  }
  const bestQ = Int32Array.from(qs);
  let improved = false;

  const cur = new Int32Array(d);
  const z = new Float64Array(d);
  const dist = new Float64Array(d + 1); // dist[k]: partial distance of levels k..d-1
  const up = new Int32Array(d);
  const down = new Int32Array(d);
  // Centres by partial sums (Ghasemmehdi & Agrell's faster recursion): row k of sig holds
  // sig[k][j] = c_k - sum_{i >= j} L_ki (cur_i - c_i); stale[k] is the highest level whose value changed
  // since row k was last brought up to date (k: none), pushed one row down each time a row is entered.
  const w = d + 1;
  const sig = new Float64Array(d * w);
  const stale = new Int32Array(d).fill(d - 1);
  for (let k = 0; k < d; k++) sig[k * w + d] = c[k];
  const { L } = sp;
  const changed = (k: number) => {
    if (k > 0 && stale[k - 1] < k) stale[k - 1] = k;
  };
  const enter = (k: number) => {
    if (k > 0 && stale[k - 1] < stale[k]) stale[k - 1] = stale[k];
    const row = k * w;
    for (let j = stale[k]; j > k; j--) sig[row + j] = sig[row + j + 1] - L[k * d + j] * (cur[j] - c[j]);
    stale[k] = k;
    const zk = sig[row + k + 1];
    z[k] = zk;
    const r = clampInt(Math.round(zk), lop[k], hip[k]);
    cur[k] = r;
    changed(k);
    up[k] = r + 1;
    down[k] = r - 1;
  };
  // Next candidate at level k in order of |value - z_k|, within the box; false when none is left.
  const peek = (k: number): number | null => {
    const u = up[k];
    const dn = down[k];
    const uok = u <= hip[k];
    const dok = dn >= lop[k];
    if (!uok && !dok) return null;
    return uok && (!dok || u - z[k] <= z[k] - dn) ? u : dn;
  };
  const advance = (k: number): boolean => {
    const v = peek(k);
    if (v === null) return false;
    cur[k] = v;
    changed(k);
    if (v === up[k]) up[k] = v + 1;
    else down[k] = v - 1;
    return true;
  };

  let nodes = 0;
  let finished = d === 0;
  let stoppedAt = -1;
  const maxNodes = budget.nodes;
  const deadline = t0 + budget.ms;
  if (d > 0) {
    let k = d - 1;
    dist[d] = 0;
    enter(k);
    for (;;) {
      if (nodes >= maxNodes || ((nodes & 4095) === 0 && nodes > 0 && now() > deadline)) {
        stoppedAt = k;
        break;
      }
      nodes++;
      const e = cur[k] - z[k];
      const dk = dist[k + 1] + rr[k] * e * e;
      if (dk < bestDist) {
        if (k === 0) {
          bestDist = dk;
          bestQ.set(cur);
          improved = true;
          // later candidates at level 0 are farther: go up
        } else {
          dist[k] = dk;
          k--;
          enter(k);
          continue;
        }
      }
      // level k exhausted (candidates only get farther): climb to the first level with a candidate left
      let moved = false;
      while (++k < d) {
        if (advance(k)) {
          moved = true;
          break;
        }
      }
      if (!moved) {
        finished = true;
        break;
      }
    }
  }

  let lowerBound: number | undefined;
  if (finished) {
    lowerBound = undefined; // set below from the objective
  } else {
    // Open branches: the unvisited current candidate at stoppedAt, and the next candidate at every level above.
    let lb = bestDist;
    const k = stoppedAt;
    const e = cur[k] - z[k];
    lb = Math.min(lb, dist[k + 1] + rr[k] * e * e);
    for (let j = k + 1; j < d; j++) {
      const v = peek(j);
      if (v === null) continue;
      const ej = v - z[j];
      lb = Math.min(lb, dist[j + 1] + rr[j] * ej * ej);
    }
    lowerBound = lb - cAc;
  }
  if (improved) for (let k = 0; k < d; k++) q[perm[k]] = bestQ[k];
  const objective = improved ? quadObjective(A, b, q) : polishedObjective;
  if (finished) lowerBound = objective;
  else if (lowerBound !== undefined && lowerBound > objective) lowerBound = objective;
  return { q, objective, startObjective, polishedObjective, optimal: finished, lowerBound, nodes, ms: now() - t0 };
}
