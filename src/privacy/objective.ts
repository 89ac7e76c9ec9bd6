/**
 * Objective perturbation for L2-regularised logistic regression (Chaudhuri,
 * Monteleoni & Sarwate 2011, Algorithm 2, with the ridge correction as in
 * Kifer, Smith & Thakurta 2012). Conditions: rows z with ||z||_2 <= 1; a
 * convex, twice differentiable loss with |l'| <= 1 and |l''| <= c (log-loss:
 * c = 1/4); the regulariser (Lambda/2)||f||^2, Lambda > 0, over every
 * coefficient (intercept included); the exact minimiser of
 *   J(f) = (1/n) sum l(y_i, f.z_i) + ((Lambda + Delta)/2) ||f||^2 + (1/n) b.f.
 * With eps' = epsilon - ln(1 + 2c/(n Lambda) + c^2/(n Lambda)^2): if eps' > 0,
 * Delta = 0; else Delta = max(0, c / (n (e^(epsilon/4) - 1)) - Lambda) and
 * eps' = epsilon / 2. b has density proportional to exp(-eps' ||b|| / 2):
 * ||b|| ~ Gamma(p, 2/eps'), direction uniform. The result is epsilon-DP
 * (delta = 0) for data sets that differ in one row replaced (n public).
 */
import { radialLaplace, type NoiseStream } from './noise.js';

/** Bound on the log-loss's second derivative. */
export const LOGISTIC_CURVATURE = 0.25;

export function objectivePerturbation(n: number, p: number, epsilon: number, lambda: number, noise: NoiseStream): { b: Float64Array; extraRidge: number; epsilonPrime: number } {
  const c = LOGISTIC_CURVATURE;
  const q = c / (n * lambda);
  let epsilonPrime = epsilon - Math.log(1 + 2 * q + q * q);
  let extraRidge = 0;
  if (!(epsilonPrime > 0)) {
    extraRidge = Math.max(0, c / (n * Math.expm1(epsilon / 4)) - lambda);
    epsilonPrime = epsilon / 2;
  }
  return { b: radialLaplace(noise, p, 2 / epsilonPrime), extraRidge, epsilonPrime };
}
