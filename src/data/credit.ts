/**
 * A built-in, seeded credit-risk dataset: applicants with income, debt-to-
 * income, revolving utilisation, delinquencies, inquiries, length of credit
 * history, age and loan amount, correlated the way bureau data is (income
 * drives loan size and lowers DTI; high utilisation goes with delinquencies
 * and inquiries; history grows with age). Default is drawn from a known
 * logistic model and the loss amount from a known linear one, so every
 * fitted or compressed model can be compared with the truth.
 */
import type { Matrix } from '../types.js';
import { normal, poisson, rng } from '../random.js';

export const CREDIT_FEATURES = [
  'income_k',
  'debt_to_income',
  'utilisation',
  'delinquencies_2y',
  'inquiries_6m',
  'history_years',
  'age',
  'loan_k',
] as const;

export interface CreditData {
  features: readonly string[];
  /** n x 8, row-major, in CREDIT_FEATURES order (raw units). */
  X: Matrix;
  /** 1 = defaulted within 12 months. */
  defaulted: Float64Array;
  /** Loss amount in k$ (a continuous target for linear models). */
  loss: Float64Array;
  /** The logistic model default was drawn from: intercept then one coefficient per feature (raw units). */
  trueDefaultModel: { intercept: number; coef: number[] };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function creditDataset(n = 200_000, seed = 2024): CreditData {
  const u = rng(seed);
  const z = normal(u);
  const d = CREDIT_FEATURES.length;
  const X = new Float64Array(n * d);
  const defaulted = new Float64Array(n);
  const loss = new Float64Array(n);
  // Default model in raw units (a typical scorecard's signs and sizes).
  const coef = [-0.012, 2.4, 1.9, 0.42, 0.16, -0.045, -0.01, 0.018];
  const intercept = -3.1;
  for (let i = 0; i < n; i++) {
    const zIncome = z();
    const income = 58 * Math.exp(0.45 * zIncome);
    const age = 21 + 46 * Math.pow(u(), 1.3);
    const history = clamp(0.55 * (age - 19) + 2.5 * z(), 0, age - 18);
    const dti = clamp(0.34 - 0.07 * zIncome + 0.11 * z(), 0.01, 1.1);
    const util = clamp(1 / (1 + Math.exp(-(-0.7 + 0.9 * z() + 3 * (dti - 0.34) - 0.02 * history))), 0, 1);
    const delinq = poisson(u, 0.12 * Math.exp(2.2 * util));
    const inquiries = poisson(u, 0.5 + 1.6 * util);
    const loan = 14 * Math.pow(income / 58, 0.7) * Math.exp(0.35 * z());
    const row = [income, dti, util, delinq, inquiries, history, age, loan];
    let eta = intercept;
    for (let j = 0; j < d; j++) {
      X[i * d + j] = row[j];
      eta += coef[j] * row[j];
    }
    defaulted[i] = u() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    loss[i] = 0.8 + 0.38 * loan + 4.5 * util + 3.2 * dti + 0.6 * delinq - 0.04 * history + 1.2 * z();
  }
  return { features: CREDIT_FEATURES, X: { rows: n, cols: d, data: X }, defaulted, loss, trueDefaultModel: { intercept, coef } };
}
