/**
 * Least squares from accumulated moments (no data left to refine against):
 *  - 'cholesky'    the float64 centred system through la.solveSPD; RSS from
 *                  the DD moments (yy - 2 b.c + b.A.b), so it keeps its digits
 *                  as R^2 -> 1 when the moments are accurate;
 *  - 'dd-cholesky' the DD moments in a DD Cholesky: error ~cond * 1e-32 on top
 *                  of the moments' own error.
 *
 * Which path runs depends first on how the moments were formed:
 *  - 'fast' moments (float64 chunk moments, relative error ~1e-16 per entry):
 *    a DD solve cannot recover digits the moments never had (the solution's
 *    error is ~cond * 1e-16 either way), so every requested accuracy runs
 *    'cholesky' and reports it. Without ridge, cond > FAST_MOMENTS_MAX_COND
 *    (1e10: fewer than ~6 correct digits left) is refused with E_SINGULAR
 *    naming the columns, pointing at { accuracy: 'accurate' } moments or
 *    ridge > 0; with ridge > 0 it fits normally.
 *    Statistics (RSS = yy - 2 b.c + b.A.b, hence residualSd, stdErrors, R^2)
 *    carry the moments' ~1e-16 * yy error: relative error ~1e-16 / (1 - R^2).
 *  - 'accurate' moments (DD, ~1e-30): 'auto' runs 'cholesky' while cond <= 1e6,
 *    else 'dd-cholesky'; 'fast' runs 'cholesky' (refused beyond cond 1e14),
 *    'accurate' runs 'dd-cholesky'.
 */
import { SlimfitError, isSlimfitError } from '../errors.js';
import type { LinAlg } from '../ops/linalg.js';
import { ddAdd, ddMul, lo } from './dd.js';
import type { DDMatrix } from './ddchol.js';
import { ddFactor } from './ddfactor.js';
import { AUTO_FAST_MAX_COND, FAST_SINGULAR_COND, blockCovariance, fastCoefs, type Accuracy } from './linear.js';
import { LinearModel } from './model.js';
import type { Moments } from './moments.js';
import { equilibrate, ridgeDiag, solveFast, type FastSolution, type NormalSystem } from './normal.js';
import { dependentFromInverse, dependentFromPivot, throwCollinear, throwConstantColumns, throwTooFewRows } from './singular.js';
import { computeStats, ridgeCovariance, type LinearMethod, type LinearStats } from './stats.js';

/**
 * 'fast' (float64) moments: refuse (without ridge) beyond this condition
 * number of the equilibrated centred normal matrix. The moments' relative
 * error ~1e-16 becomes a coefficient error ~cond * 1e-16 (measured 2e-10 at
 * cond 6e6, 4e-6 at 6e10, 6e-3 at 6e14), so beyond 1e10 fewer than ~6 digits
 * are left.
 */
export const FAST_MOMENTS_MAX_COND = 1e10;

const FAST_MOMENTS_REMEDY =
  "create the accumulator with { accuracy: 'accurate' } (double-double moments), drop one of these columns, or pass ridge > 0";

export class MomentsFit {
  constructor(
    private readonly la: LinAlg,
    private readonly mo: Moments,
    private readonly d: number,
    private readonly outputs: number,
    /** How the moments were formed (LinearAccumulatorOptions.accuracy). */
    private readonly moments: 'fast' | 'accurate',
  ) {}

  fit(intercept: boolean, ridge: number, accuracy: Accuracy): LinearModel {
    const d = this.d;
    const m = this.outputs;
    const mo = this.mo;
    const off = intercept ? 1 : 0;
    if (ridge === 0 && mo.n < d + off) throwTooFewRows(mo.n, d, intercept);
    if (ridge === 0) {
      const zero: number[] = [];
      for (let j = 0; j < d; j++) {
        const cjj = mo.C.hi[j * (d + m) + j] + (intercept ? 0 : mo.wh * mo.mean.hi[j] ** 2);
        if (!(cjj > 0)) zero.push(j);
      }
      if (zero.length > 0) throwConstantColumns(zero, new Map(zero.map((j) => [j, mo.mean.hi[j]])), intercept);
    }
    if (this.moments === 'fast') return this.fitFastMoments(intercept, ridge);
    if (accuracy !== 'accurate') {
      const sys = this.normalSystem(intercept);
      let fast: FastSolution | undefined;
      try {
        fast = solveFast(this.la, sys, ridge);
      } catch (e) {
        if (!isSlimfitError(e, 'E_SINGULAR')) throw e;
        if (accuracy === 'fast') {
          const Ar = Float64Array.from(sys.A);
          for (let j = 0; j < d; j++) Ar[j * d + j] += ridge;
          const pivot = typeof e.details?.pivot === 'number' ? (e.details.pivot as number) : d - 1;
          throwCollinear(dependentFromPivot(equilibrate(Ar, d).As, d, pivot, (A, b) => this.la.solveSPD(A, b)), 0, 'Cholesky breakdown in float64', intercept);
        }
      }
      if (fast) {
        if (accuracy === 'fast' && ridge === 0 && !(fast.cond <= FAST_SINGULAR_COND)) {
          throwCollinear(dependentFromInverse(fast.AinvS, d), 0, `condition number ~${fast.cond.toExponential(1)} leaves < 2 digits in float64`, intercept);
        }
        if (accuracy === 'fast' || fast.cond <= AUTO_FAST_MAX_COND) return this.finishFast(sys, fast, intercept, ridge);
      }
    }
    return this.fitDD(intercept, ridge);
  }

  /** 'fast' moments: the float64 solve whatever accuracy was asked for (see the module comment). */
  private fitFastMoments(intercept: boolean, ridge: number): LinearModel {
    const d = this.d;
    const sys = this.normalSystem(intercept);
    let fast: FastSolution;
    try {
      fast = solveFast(this.la, sys, ridge);
    } catch (e) {
      if (!isSlimfitError(e, 'E_SINGULAR')) throw e;
      const Ar = Float64Array.from(sys.A);
      for (let j = 0; j < d; j++) Ar[j * d + j] += ridge;
      const pivot = typeof e.details?.pivot === 'number' ? (e.details.pivot as number) : d - 1;
      const cols = dependentFromPivot(equilibrate(Ar, d).As, d, pivot, (A, b) => this.la.solveSPD(A, b));
      if (ridge > 0) throwCollinear(cols, 0, `even with ridge = ${ridge}`, intercept);
      throwCollinear(cols, 0, 'Cholesky breakdown on the float64 moments', intercept, {
        lead: 'the design is rank deficient, or too ill-conditioned for float64 moments to resolve',
        remedy: FAST_MOMENTS_REMEDY,
      });
    }
    if (ridge === 0 && !(fast.cond <= FAST_MOMENTS_MAX_COND)) {
      throwCollinear(
        dependentFromInverse(fast.AinvS, d),
        0,
        `condition number ~${fast.cond.toExponential(1)} > ${FAST_MOMENTS_MAX_COND.toExponential(0)}: fewer than ~6 correct digits survive float64 moments`,
        intercept,
        { lead: 'float64 moments cannot resolve this design', remedy: FAST_MOMENTS_REMEDY, details: { condition: fast.cond } },
      );
    }
    return this.finishFast(sys, fast, intercept, ridge);
  }

  /** float64 centred (or raw, without intercept) normal system from the moments; s = 1. */
  private normalSystem(intercept: boolean): NormalSystem {
    const d = this.d;
    const m = this.outputs;
    const q = d + m;
    const mo = this.mo;
    const W = mo.wh;
    const mean = mo.mean.hi;
    const A = new Float64Array(d * d);
    const c = new Float64Array(d * m);
    const yy = new Float64Array(m);
    const add = intercept ? 0 : W;
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < d; k++) A[j * d + k] = mo.C.hi[j * q + k] + add * mean[j] * mean[k];
      for (let t = 0; t < m; t++) c[j * m + t] = mo.C.hi[j * q + d + t] + add * mean[j] * mean[d + t];
    }
    for (let t = 0; t < m; t++) yy[t] = mo.C.hi[(d + t) * q + d + t] + add * mean[d + t] ** 2;
    return {
      d,
      m,
      mu: intercept ? mean.slice(0, d) : new Float64Array(d),
      s: new Float64Array(d).fill(1),
      muY: intercept ? mean.slice(d, q) : new Float64Array(m),
      A,
      c,
      yy,
      sumW: W,
    };
  }

  private tss(intercept: boolean): Float64Array {
    const d = this.d;
    const m = this.outputs;
    const q = d + m;
    const mo = this.mo;
    const out = new Float64Array(m);
    for (let t = 0; t < m; t++) {
      const cyy = mo.C.hi[(d + t) * q + d + t];
      out[t] = intercept ? cyy : cyy + mo.wh * mo.mean.hi[d + t] ** 2;
    }
    return out;
  }

  private model(intercept: boolean, b: Float64Array, b0: Float64Array, st: { rss: Float64Array; V: Float64Array; Vlo?: Float64Array | undefined; edf: number; cond: number; method: LinearMethod; mu: Float64Array }): LinearModel {
    const d = this.d;
    const m = this.outputs;
    const vector = m === 1;
    const stats = computeStats({
      n: this.mo.n,
      d,
      m,
      intercept,
      vector,
      mu: st.mu,
      s: new Float64Array(d).fill(1),
      b,
      b0,
      rss: st.rss,
      tss: this.tss(intercept),
      V: st.V,
      Vlo: st.Vlo,
      edf: st.edf,
      condition: st.cond,
      method: st.method,
      refinementSteps: 0,
    });
    return new LinearModel({ d, outputs: m, coef: b, intercept: vector ? b0[0] : b0, fitIntercept: intercept, stats: stats as LinearStats });
  }

  private finishFast(sys: NormalSystem, fast: FastSolution, intercept: boolean, ridge: number): LinearModel {
    const { d, m } = sys;
    const coefs = fastCoefs(sys, fast, intercept);
    // RSS from the DD moments (theta_0 about the centre taken as 0): exact up
    // to the moments' own error, instead of losing digits as R^2 -> 1
    const S = this.ddSystem(intercept);
    const off = S.off;
    const th: DDMatrix = { hi: new Float64Array(S.p * m), lo: new Float64Array(S.p * m) };
    th.hi.set(fast.theta, off * m);
    const rss = ddRss(S, th, m);
    const cov = blockCovariance(fast.Ainv, ridgeDiag(ridge, sys.s), d, intercept, sys.sumW);
    return this.model(intercept, coefs.b, coefs.b0, { rss, V: cov.V, edf: cov.edf, cond: fast.cond, method: 'cholesky', mu: sys.mu });
  }

  /**
   * The normal system in DD about the centre c = mean.hi (exact float64), in
   * theta1 space with the intercept first: A1 = [[W, W dl^T], [W dl, C + W dl
   * dl^T]] with dl = mean.lo (the moments are about the exact DD mean);
   * without intercept the raw second moments C + W mean mean^T (centre 0).
   */
  private ddSystem(intercept: boolean): DDSystem {
    const d = this.d;
    const m = this.outputs;
    const q = d + m;
    const mo = this.mo;
    const off = intercept ? 1 : 0;
    const p = d + off;
    const sh = new Float64Array(q);
    const sl = new Float64Array(q);
    for (let j = 0; j < q; j++) {
      sh[j] = intercept ? mo.mean.lo[j] : mo.mean.hi[j];
      sl[j] = intercept ? 0 : mo.mean.lo[j];
    }
    // E = C + W s s^T over all q columns, DD
    const E: DDMatrix = { hi: new Float64Array(q * q), lo: new Float64Array(q * q) };
    for (let j = 0; j < q; j++) {
      const wsh = ddMul(mo.wh, mo.wl, sh[j], sl[j]);
      const wsl = lo();
      for (let k = 0; k < q; k++) {
        const ph = ddMul(wsh, wsl, sh[k], sl[k]);
        const pl = lo();
        E.hi[j * q + k] = ddAdd(mo.C.hi[j * q + k], mo.C.lo[j * q + k], ph, pl);
        E.lo[j * q + k] = lo();
      }
    }
    const A1: DDMatrix = { hi: new Float64Array(p * p), lo: new Float64Array(p * p) };
    const c1: DDMatrix = { hi: new Float64Array(p * m), lo: new Float64Array(p * m) };
    if (intercept) {
      A1.hi[0] = mo.wh;
      A1.lo[0] = mo.wl;
      for (let j = 0; j < d; j++) {
        const h = ddMul(mo.wh, mo.wl, sh[j], sl[j]);
        const l = lo();
        A1.hi[j + 1] = h;
        A1.lo[j + 1] = l;
        A1.hi[(j + 1) * p] = h;
        A1.lo[(j + 1) * p] = l;
      }
      for (let t = 0; t < m; t++) {
        c1.hi[t] = ddMul(mo.wh, mo.wl, sh[d + t], sl[d + t]);
        c1.lo[t] = lo();
      }
    }
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < d; k++) {
        A1.hi[(j + off) * p + k + off] = E.hi[j * q + k];
        A1.lo[(j + off) * p + k + off] = E.lo[j * q + k];
      }
      for (let t = 0; t < m; t++) {
        c1.hi[(j + off) * m + t] = E.hi[j * q + d + t];
        c1.lo[(j + off) * m + t] = E.lo[j * q + d + t];
      }
    }
    const yy: DDMatrix = { hi: new Float64Array(m), lo: new Float64Array(m) };
    for (let t = 0; t < m; t++) {
      yy.hi[t] = E.hi[(d + t) * q + d + t];
      yy.lo[t] = E.lo[(d + t) * q + d + t];
    }
    return { p, off, A1, c1, yy, centre: intercept ? mo.mean.hi.slice() : new Float64Array(q) };
  }

  private fitDD(intercept: boolean, ridge: number): LinearModel {
    const d = this.d;
    const m = this.outputs;
    const S = this.ddSystem(intercept);
    const { p, off, A1, c1, centre } = S;
    const lam = new Float64Array(p);
    const Ar: DDMatrix = { hi: Float64Array.from(A1.hi), lo: Float64Array.from(A1.lo) };
    for (let j = off; j < p; j++) {
      lam[j] = ridge;
      Ar.hi[j * p + j] = ddAdd(Ar.hi[j * p + j], Ar.lo[j * p + j], ridge, 0);
      Ar.lo[j * p + j] = lo();
    }
    const F = ddFactor(Ar, p, off, ridge > 0);
    const th = F.solve(c1, m);
    const b = new Float64Array(d * m);
    const b0 = new Float64Array(m);
    for (let t = 0; t < m; t++) {
      // b0 = cY + theta0 - sum c_j b_j  (DD)
      let h = intercept ? ddAdd(centre[d + t], 0, th.hi[t], th.lo[t]) : 0;
      let l = intercept ? lo() : 0;
      for (let j = 0; j < d; j++) {
        const bh = th.hi[(j + off) * m + t];
        const bl = th.lo[(j + off) * m + t];
        b[j * m + t] = bh + bl;
        if (intercept) {
          const ph = ddMul(centre[j], 0, bh, bl);
          h = ddAdd(h, l, -ph, -lo());
          l = lo();
        }
      }
      b0[t] = h + l;
    }
    const rss = ddRss(S, th, m);
    let V = F.inv.hi;
    let Vlo: Float64Array | undefined = F.inv.lo;
    let edf = p;
    if (ridge > 0) {
      const rc = ridgeCovariance(F.inv.hi, lam, p);
      V = rc.V;
      Vlo = undefined;
      edf = rc.edf;
    }
    return this.model(intercept, b, b0, { rss, V, Vlo, edf, cond: F.cond, method: 'dd-cholesky', mu: centre.slice(0, d) });
  }
}

interface DDSystem {
  p: number;
  off: number;
  A1: DDMatrix;
  c1: DDMatrix;
  yy: DDMatrix;
  centre: Float64Array;
}

/** RSS_t = yy - 2 theta.c + theta.A.theta (A without ridge) in DD, per output. */
function ddRss(S: DDSystem, th: DDMatrix, m: number): Float64Array {
  const { p, A1, c1, yy } = S;
  const rss = new Float64Array(m);
  for (let t = 0; t < m; t++) {
    let rh = yy.hi[t];
    let rl = yy.lo[t];
    for (let i = 0; i < p; i++) {
      let ah = ddMul(-2, 0, c1.hi[i * m + t], c1.lo[i * m + t]);
      let al = lo();
      for (let k = 0; k < p; k++) {
        const ph = ddMul(A1.hi[i * p + k], A1.lo[i * p + k], th.hi[k * m + t], th.lo[k * m + t]);
        ah = ddAdd(ah, al, ph, lo());
        al = lo();
      }
      const ph = ddMul(th.hi[i * m + t], th.lo[i * m + t], ah, al);
      rh = ddAdd(rh, rl, ph, lo());
      rl = lo();
    }
    rss[t] = rh + rl;
  }
  return rss;
}
