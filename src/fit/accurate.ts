/**
 * The accurate path of fitLinear: double-double normal equations plus
 * refinement from the data.
 *
 *  1. A1 = [1, Z]^T W [1, Z] (+ ridge) in DD from the data (ddGram), z formed
 *     exactly; DD Cholesky and inverse (ddFactor).
 *  2. Iterative refinement from b = 0 with DD residuals of the original data
 *     (refine.ts), each correction solved with the DD factor: contraction
 *     ~ cond(A1) * 1e-32 per pass, so 2-4 passes reach float64 rounding for
 *     cond(A1) up to ~1e26 (cond(X) ~ 1e13); beyond that (without ridge) the
 *     design is declared singular (E_SINGULAR naming the columns).
 * Error: coefficients within a few ulps of the exact least-squares solution of
 * the data as given (data + lo), whatever cond below that limit.
 */
import { SlimfitError } from '../errors.js';
import type { DDMatrix } from './ddchol.js';
import { ddFactor } from './ddfactor.js';
import { ddGram } from './ddgram.js';
import { refine, type Coefs, type DataProblem } from './refine.js';
import { ridgeCovariance } from './stats.js';

export interface AccurateResult {
  coefs: Coefs;
  /** theta1-space covariance factor (hi, lo); lo omitted with ridge. */
  V: Float64Array;
  Vlo: Float64Array | undefined;
  edf: number;
  cond: number;
  iterations: number;
  rss: Float64Array;
}

export function accuratePath(P: DataProblem): AccurateResult {
  const { m, intercept, ridge, s } = P;
  const d = P.X.cols;
  const off = intercept ? 1 : 0;
  const p = d + off;
  const G = ddGram(P);
  const lam = new Float64Array(p);
  for (let j = 0; j < d; j++) {
    const l = ridge === 0 ? 0 : ridge / (s[j] * s[j]);
    lam[j + off] = l;
    G.hi[(j + off) * (p + 1)] = G.hi[(j + off) * (p + 1)] + l;
  }
  const F = ddFactor(G, p, off, ridge > 0);
  const M = (gh: Float64Array, gl: Float64Array): Float64Array => {
    const X = F.solve({ hi: gh, lo: gl } as DDMatrix, m);
    const out = new Float64Array(p * m);
    for (let t = 0; t < p * m; t++) out[t] = X.hi[t] + X.lo[t];
    return out;
  };
  const coefs: Coefs = { b: new Float64Array(d * m), b0: new Float64Array(m) };
  const r = refine(P, coefs, M, 10);
  if (!(r.lastCorrection <= 1e-8)) {
    throw new SlimfitError(
      'E_CONVERGENCE',
      `the accurate least-squares path did not converge (last relative correction ${r.lastCorrection.toExponential(1)}, condition ~${F.cond.toExponential(1)}); drop collinear columns or pass ridge > 0`,
      { condition: F.cond },
    );
  }
  if (ridge > 0) {
    const rc = ridgeCovariance(F.inv.hi, lam, p);
    return { coefs, V: rc.V, Vlo: undefined, edf: rc.edf, cond: F.cond, iterations: r.iterations, rss: r.rss };
  }
  return { coefs, V: F.inv.hi, Vlo: F.inv.lo, edf: p, cond: F.cond, iterations: r.iterations, rss: r.rss };
}
