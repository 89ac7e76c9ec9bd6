/**
 * What a private fit reports and stores with its model (stats.privacy, and in
 * .slim): enough to state the guarantee, and nothing more about the rows.
 * n (stats.n) and clippedRows are exact counts: they are published with the
 * model and are not covered by the guarantee (docs/PRIVACY.md).
 */
export type PrivacyMechanism = 'adassp' | 'ssp' | 'objective-perturbation';

export const PRIVACY_MECHANISMS = ['adassp', 'ssp', 'objective-perturbation'] as const satisfies readonly PrivacyMechanism[];

export interface PrivacyReport {
  /** false when the bounds came from the data or the noise from a seed: then no guarantee holds. */
  private: boolean;
  mechanism: PrivacyMechanism;
  /** 'add-remove' (one row added or removed: the linear fits) or 'replace-one' (one row replaced, n public: objective perturbation). */
  neighbouring: 'add-remove' | 'replace-one';
  epsilon: number;
  /** 0 for objective perturbation (pure epsilon-DP). */
  delta: number;
  /** The zCDP budget the Gaussian mechanisms spent (NaN for objective perturbation). */
  rho: number;
  boundX: number;
  /** NaN for logistic regression (labels are 0/1). */
  boundY: number;
  boundsFromData: boolean;
  /** The noise came from privacy.seed (reproducible by anyone who knows it), not from crypto.getRandomValues. */
  seeded: boolean;
  /** Rows scaled down (or targets clipped) to the bounds. */
  clippedRows: number;
  /** The ridge the fit used, in the units of its noisy normal equations (AdaSSP's private choice; Lambda + Delta for objective perturbation). */
  ridge: number;
  /** Whether eigenvalues of the noisy normal matrix were raised to make it positive definite. */
  projected: boolean;
}
