/**
 * Privacy accounting for the Gaussian mechanisms, in zero-concentrated DP
 * (Bun & Steinke 2016). Adding N(0, sigma^2) to each coordinate of a
 * statistic whose L2 sensitivity is S is rho-zCDP with rho = S^2 / (2 sigma^2)
 * (their Prop. 1.6); zCDP composes by adding the rho's (Lemma 2.3); and
 * rho-zCDP implies (rho + 2 sqrt(rho ln(1/delta)), delta)-DP (Prop. 1.3).
 * So the (epsilon, delta) a user asks for becomes one rho budget, split among
 * the releases. This holds for every epsilon > 0, unlike the classical
 * sigma = S sqrt(2 ln(1.25/delta)) / epsilon calibration (valid for epsilon < 1).
 */

/** The largest rho with rho + 2 sqrt(rho ln(1/delta)) <= epsilon. */
export function zcdpBudget(epsilon: number, delta: number): number {
  const L = Math.log(1 / delta);
  // sqrt(rho) = sqrt(L + eps) - sqrt(L), written without cancellation
  const r = epsilon / (Math.sqrt(L + epsilon) + Math.sqrt(L));
  return r * r;
}

/** The epsilon that rho-zCDP gives at this delta (the inverse of zcdpBudget). */
export function zcdpEpsilon(rho: number, delta: number): number {
  return rho + 2 * Math.sqrt(rho * Math.log(1 / delta));
}

/** Gaussian noise scale for sensitivity S at a share rho of the budget. */
export function gaussianSigma(sensitivity: number, rho: number): number {
  return sensitivity / Math.sqrt(2 * rho);
}
