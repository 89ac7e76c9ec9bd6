/**
 * The credit applicants of credit.ts with a default outcome that is not
 * linear in the bureau features: on top of the known logistic model, high
 * revolving utilisation hurts far more once there are delinquencies (the
 * interaction term below), and a high debt-to-income ratio hurts more at
 * high utilisation. A wide scorecard with interaction bins can learn this; a
 * small linear model cannot, which is where distillation is tested. The
 * features are creditDataset's own (same seed, same values); only the
 * outcome is drawn again, from its own random stream, so the demo's main
 * dataset and its figures are untouched.
 */
import { rng } from '../random.js';
import { creditDataset, type CreditData } from './credit.js';

export interface InteractionCreditData extends CreditData {
  /** The true log-odds of default per applicant (linear part + interactions). */
  trueLogit: Float64Array;
}

/** Column order of CREDIT_FEATURES. */
const DTI = 1;
const UTIL = 2;
const DELINQ = 3;

/** The non-linear part of the log-odds: utilisation x delinquencies, and debt-to-income x utilisation. */
export function interactionLogit(util: number, delinq: number, dti: number): number {
  return 3 * Math.max(0, util - 0.35) * Math.min(delinq, 3) + 3 * Math.max(0, dti - 0.35) * Math.max(0, util - 0.5) - 0.35;
}

export function creditInteractionDataset(n = 100_000, seed = 2024): InteractionCreditData {
  const base = creditDataset(n, seed);
  const { rows, cols, data } = base.X;
  const u = rng((seed ^ 0x5f3759df) >>> 0);
  const { intercept, coef } = base.trueDefaultModel;
  const defaulted = new Float64Array(rows);
  const trueLogit = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let eta = intercept;
    for (let j = 0; j < cols; j++) eta += coef[j] * data[i * cols + j];
    eta += interactionLogit(data[i * cols + UTIL], data[i * cols + DELINQ], data[i * cols + DTI]);
    trueLogit[i] = eta;
    defaulted[i] = u() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { ...base, defaulted, trueLogit };
}
