/**
 * Sufficient-statistics perturbation for least squares (Wang 2018,
 * "Revisiting differentially private linear regression", Algorithm 2
 * AdaSSP, and its SSP baseline), on the normal equations G theta = c of rows
 * z with ||z|| <= B_Z and |y| <= B_Y already clipped. One row added or
 * removed changes G by z z^T (Frobenius norm ||z||^2 <= B_Z^2; so does its
 * upper triangle, the part that is released), c by z y (norm <= B_Z B_Y) and
 * lambda_min(G) by at most B_Z^2 (Weyl). The budget rho (accounting.ts) is
 * split equally: AdaSSP in three (lambda_min, G, c), SSP in two (G, c).
 *
 *  AdaSSP: lambda~ = max(0, lambda_min(G) + s_l N - s_l sqrt(ln(6/delta))),
 *          ridge  = max(0, s_G sqrt(p ln(2 p^2 / 0.05)) - lambda~),
 *  both:   G^ = G + s_G E (E symmetric, iid N(0,1) on and above the diagonal),
 *          c^ = c + s_c e,  theta = (G^ + ridge I)^-1 c^,
 * with s_l = s_G = B_Z^2 / sqrt(2 rho_part), s_c = B_Z B_Y / sqrt(2 rho_part).
 * s_G sqrt(p ln(2p^2/0.05)) bounds ||s_G E||_2 with probability 0.95, so the
 * ridge makes G^ + ridge I positive definite with that probability and
 * shrinks no more than the noise requires (lambda~ is a private lower
 * estimate of lambda_min). Whatever is left (SSP always can be) is projected:
 * eigenvalues below s_G, the noise scale, are raised to s_G. Everything after
 * the noise is post-processing and costs no privacy.
 */
import { gaussianSigma, zcdpBudget } from './accounting.js';
import { symmetricEigen } from '../sym-eigen.js';
import type { NoiseStream } from './noise.js';
import type { LinearPrivacyMethod } from './options.js';

/** Failure probability of AdaSSP's noise-norm bound (Wang 2018 uses 0.05). */
const RIDGE_FAILURE = 0.05;

export interface PrivateNormalInput {
  /** p x p Gram of the clipped rows (the intercept column first when there is one). */
  G: Float64Array;
  /** p cross products with the clipped target. */
  c: Float64Array;
  p: number;
  /** Bound on ||z|| for the rows of G (with an intercept column: sqrt(boundX^2 + 1)). */
  boundZ: number;
  boundY: number;
  epsilon: number;
  delta: number;
  method: LinearPrivacyMethod;
  noise: NoiseStream;
}

export interface PrivateNormalSolution {
  theta: Float64Array;
  ridge: number;
  projected: boolean;
  /** lambda_max / lambda_min of the (projected) noisy matrix the solve used. */
  condition: number;
  rho: number;
  sigmaGram: number;
  sigmaCross: number;
}

/** The noise scales for one budget (exported for the tests of the noise's variance). */
export function sspScales(boundZ: number, boundY: number, epsilon: number, delta: number, method: LinearPrivacyMethod): { rho: number; sigmaGram: number; sigmaCross: number } {
  const rho = zcdpBudget(epsilon, delta);
  const part = rho / (method === 'adassp' ? 3 : 2);
  return { rho, sigmaGram: gaussianSigma(boundZ * boundZ, part), sigmaCross: gaussianSigma(boundZ * boundY, part) };
}

/** The noisy release: G^ (symmetric, without the ridge), c^, and AdaSSP's ridge; draws in this order: lambda_min's noise, G's upper triangle row by row, c. */
export function perturbNormal(I: PrivateNormalInput): { A: Float64Array; b: Float64Array; ridge: number; rho: number; sigmaGram: number; sigmaCross: number } {
  const { G, c, p, noise } = I;
  const { rho, sigmaGram: sG, sigmaCross: sC } = sspScales(I.boundZ, I.boundY, I.epsilon, I.delta, I.method);
  let ridge = 0;
  if (I.method === 'adassp') {
    const lmin = symmetricEigen(G, p).values[p - 1]; // values are largest first
    const lt = Math.max(0, lmin + sG * noise.gaussian() - sG * Math.sqrt(Math.log(6 / I.delta)));
    ridge = Math.max(0, sG * Math.sqrt(p * Math.log((2 * p * p) / RIDGE_FAILURE)) - lt);
  }
  const A = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      const v = G[i * p + j] + sG * noise.gaussian();
      A[i * p + j] = v;
      A[j * p + i] = v;
    }
  }
  const b = new Float64Array(p);
  for (let i = 0; i < p; i++) b[i] = c[i] + sC * noise.gaussian();
  return { A, b, ridge, rho, sigmaGram: sG, sigmaCross: sC };
}

export function privateNormalSolve(I: PrivateNormalInput): PrivateNormalSolution {
  const p = I.p;
  const { A, b, ridge, rho, sigmaGram: sG, sigmaCross: sC } = perturbNormal(I);
  for (let i = 0; i < p; i++) A[i * p + i] += ridge;
  const { values, vectors: V } = symmetricEigen(A, p);
  let projected = false;
  for (let k = 0; k < p; k++) {
    if (!(values[k] >= sG)) {
      values[k] = sG;
      projected = true;
    }
  }
  // theta = V diag(1/values) V^T b
  const t = new Float64Array(p);
  for (let k = 0; k < p; k++) {
    let s = 0;
    for (let i = 0; i < p; i++) s += V[i * p + k] * b[i];
    t[k] = s / values[k];
  }
  const theta = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = 0;
    for (let k = 0; k < p; k++) s += V[i * p + k] * t[k];
    theta[i] = s;
  }
  return { theta, ridge, projected, condition: values[p - 1] / values[0], rho, sigmaGram: sG, sigmaCross: sC };
}
