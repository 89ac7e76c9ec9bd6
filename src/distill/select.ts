/**
 * Which inputs the student keeps: greedy forward selection of k candidates
 * (single columns, or groups of columns such as the bins of one raw feature)
 * on the teacher's logits (or values), by least squares.
 *
 * Why this rule: least squares on the teacher's logits is the distillation
 * loss at large temperature (and the regression student's loss exactly), so
 * the criterion is the objective itself, not a proxy such as a univariate
 * correlation; each step is an exact refit, so a candidate that duplicates
 * what is already in (a second bin of a correlated feature) gains nothing;
 * and it is how scorecards are built (stepwise entry). Cost: one centred
 * Gram pass over the transfer set, (d + 1)^2 n / 2 multiply-adds, through
 * the engine's kernel; then per step and candidate group a Cholesky of the
 * selected block, O(c^3) for c selected columns, plain JS on numbers that
 * no longer depend on n. Greedy is not guaranteed optimal over all subsets
 * of size k; each step is the best single addition, exactly.
 */
import { SlimfitError } from '../errors.js';
import type { LinAlg } from '../ops/linalg.js';
import type { Matrix } from '../types.js';

export interface SelectionStep {
  /** The candidate group added at this step (its index into the groups). */
  group: number;
  /** Its columns. */
  columns: number[];
  /** R^2 of the teacher's target on every column selected so far (ridge-penalised least squares). */
  rSquared: number;
}

export interface Selection {
  /** Selected columns, ascending. */
  columns: number[];
  steps: SelectionStep[];
}

/** Relative pivot below which a candidate is taken as collinear with the columns already selected. */
const PIVOT_TOL = 1e-10;

/**
 * The penalised residual sum of squares C_tt - c' (C + ridge I)^-1 c of the target on the columns
 * `cols`, from the centred cross-products; Infinity when they are (numerically) collinear.
 */
export function subsetRss(C: Float64Array, c: Float64Array, ctt: number, d: number, cols: readonly number[], ridge: number): number {
  const k = cols.length;
  const L = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) L[i * k + j] = C[cols[i] * d + cols[j]] + (i === j ? ridge : 0);
  // Cholesky in place (lower), then forward substitution: RSS = ctt - |L^-1 c_S|^2
  for (let j = 0; j < k; j++) {
    let v = L[j * k + j];
    for (let m = 0; m < j; m++) v -= L[j * k + m] * L[j * k + m];
    const diag = C[cols[j] * d + cols[j]] + ridge;
    if (!(v > PIVOT_TOL * diag)) return Infinity;
    const r = Math.sqrt(v);
    L[j * k + j] = r;
    for (let i = j + 1; i < k; i++) {
      let u = L[i * k + j];
      for (let m = 0; m < j; m++) u -= L[i * k + m] * L[j * k + m];
      L[i * k + j] = u / r;
    }
  }
  let fit = 0;
  const z = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let u = c[cols[i]];
    for (let m = 0; m < i; m++) u -= L[i * k + m] * z[m];
    z[i] = u / L[i * k + i];
    fit += z[i] * z[i];
  }
  return ctt - fit;
}

/** Centred cross-products of X's columns and with the target: C (d x d), c (d), ctt. */
export function centredCrossProducts(la: LinAlg, X: Matrix, target: Float64Array): { C: Float64Array; c: Float64Array; ctt: number } {
  const { rows: n, cols: d, data } = X;
  const mu = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += data[i * d + j];
  for (let j = 0; j < d; j++) mu[j] /= n;
  let tm = 0;
  for (let i = 0; i < n; i++) tm += target[i];
  tm /= n;
  const tc = target.map((v) => v - tm);
  let ctt = 0;
  for (let i = 0; i < n; i++) ctt += tc[i] * tc[i];
  const { xtx, xty } = la.centredGram(X, mu, new Float64Array(d).fill(1), tc, 1);
  return { C: xtx, c: xty, ctt };
}

/** Greedy forward selection of k groups (see the module comment). */
export function selectForward(la: LinAlg, X: Matrix, target: Float64Array, groups: readonly (readonly number[])[], k: number, ridge: number): Selection {
  const d = X.cols;
  const { C, c, ctt } = centredCrossProducts(la, X, target);
  if (!(ctt > 0)) throw new SlimfitError('E_RANGE', "the teacher's outputs are constant on the transfer set: there is nothing for feature selection to reproduce");
  const chosen: number[] = [];
  const used = new Set<number>();
  const steps: SelectionStep[] = [];
  for (let step = 0; step < k; step++) {
    let best = -1;
    let bestRss = Infinity;
    for (let g = 0; g < groups.length; g++) {
      if (used.has(g)) continue;
      const rss = subsetRss(C, c, ctt, d, [...chosen, ...groups[g]], ridge);
      if (rss < bestRss) {
        bestRss = rss;
        best = g;
      }
    }
    if (best < 0) {
      throw new SlimfitError('E_SINGULAR', `after ${step} selected input(s) every remaining candidate is collinear with them: at most ${step} inputs can be told apart on this transfer set; ask for fewer`, { selected: step });
    }
    used.add(best);
    chosen.push(...groups[best]);
    steps.push({ group: best, columns: [...groups[best]], rSquared: 1 - bestRss / ctt });
  }
  return { columns: [...chosen].sort((a, b) => a - b), steps };
}
