/**
 * What `slimfit fit` reports about a fitted model: the coefficient table
 * (estimate, standard error, t or z, two-sided p-value; the intercept too),
 * logistic models' rank statistics on the training rows (AUC, Gini, KS), and
 * warnings about a degenerate logistic fit (separated classes held finite
 * only by a small ridge), with what helps. The same numbers go to `--json`.
 */
import { auc } from '../compress/auc.js';
import type { LinearModel } from '../fit/model.js';
import type { LogisticModel } from '../fit/logistic-model.js';
import type { Matrix } from '../types.js';
import { textTable } from './context.js';
import { normalTwoSided, studentTTwoSided } from './distributions.js';

export interface CoefficientRow {
  feature: string;
  coef: number;
  stdError: number;
  /** coef / stdError: Student's t (least squares) or the Wald z (logistic). */
  statistic: number;
  /** Two-sided p-value of `statistic` (t with the residual degrees of freedom, or standard normal). */
  pValue: number;
}

/** The rows not shown by default: `fit --all` prints every coefficient. */
export const DEFAULT_ROWS_SHOWN = 25;

/** The intercept row (null without an intercept) and one row per feature. */
export function coefficientRows(model: LinearModel | LogisticModel, names: readonly string[], logistic: boolean): { intercept: CoefficientRow | null; rows: CoefficientRow[] } {
  const dof = logistic ? Infinity : (model as LinearModel).stats.dof;
  const p = (stat: number) => (logistic ? normalTwoSided(stat) : studentTTwoSided(stat, dof));
  const row = (feature: string, coef: number, stdError: number): CoefficientRow => {
    const statistic = coef / stdError;
    return { feature, coef, stdError, statistic, pValue: p(statistic) };
  };
  const se = model.stats.stdErrors;
  const rows = names.map((n, j) => row(n, model.coef[j], se[j]));
  const intercept = model.fitIntercept ? row('(intercept)', Number(model.intercept), Number(model.stats.interceptStdError)) : null;
  return { intercept, rows };
}

/** A p-value as statisticians read it: 4 decimals, then 2 significant digits, below 2e-16 as "<2e-16" (float64's resolution near 1). */
export function formatPValue(p: number): string {
  if (Number.isNaN(p)) return '';
  if (p < 2e-16) return '<2e-16';
  if (p >= 1e-4) return p.toFixed(4);
  return p.toExponential(1);
}

/** The coefficient table: every row with `all`, else the intercept and the first DEFAULT_ROWS_SHOWN features. */
export function coefficientTable(t: { intercept: CoefficientRow | null; rows: CoefficientRow[] }, logistic: boolean, all: boolean): string {
  const shown = all ? t.rows : t.rows.slice(0, DEFAULT_ROWS_SHOWN);
  const cells = (r: CoefficientRow) => [r.feature, r.coef.toPrecision(6), Number.isFinite(r.stdError) ? r.stdError.toPrecision(3) : '', Number.isFinite(r.statistic) ? r.statistic.toFixed(2) : '', formatPValue(r.pValue)];
  const tab = textTable(['feature', 'coef', 'std err', logistic ? 'z' : 't', logistic ? 'P>|z|' : 'P>|t|'], [...(t.intercept ? [cells(t.intercept)] : []), ...shown.map(cells)]);
  const more = t.rows.length - shown.length;
  return more > 0 ? `${tab}\n... ${more} more (add --all to print every coefficient, or see --json)` : tab;
}

/**
 * The Kolmogorov-Smirnov statistic of a score between the two classes:
 * max over thresholds of |F1(s) - F0(s)|, the empirical CDFs of the
 * positives' and negatives' scores. Exact: one sort, ties stepped together.
 */
export function ksStatistic(score: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = score.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a] - score[b]);
  let pos = 0;
  for (let i = 0; i < n; i++) pos += y[i] === 1 ? 1 : 0;
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  let c1 = 0;
  let c0 = 0;
  let ks = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && score[idx[j]] === score[idx[i]]) {
      if (y[idx[j]] === 1) c1++;
      else c0++;
      j++;
    }
    ks = Math.max(ks, Math.abs(c1 / pos - c0 / neg));
    i = j;
  }
  return ks;
}

export interface RankMetrics {
  /** Area under the ROC curve (ties count one half). */
  auc: number;
  /** 2 AUC - 1 (the accuracy ratio). */
  gini: number;
  /** Kolmogorov-Smirnov distance between the classes' score distributions. */
  ks: number;
}

/** AUC, Gini and KS of the model's scores on the rows it was fitted on (exact: the rows are in memory). */
export function trainingRankMetrics(model: LogisticModel, X: Matrix, y: Float64Array): RankMetrics {
  const s = model.decisionFunction(X);
  const a = auc(s, y);
  return { auc: a, gini: 2 * a - 1, ks: ksStatistic(s, y) };
}

/** Features that alone separate the classes: every 0 on one side of a threshold, every 1 on the other (ties allowed). */
export function separatingColumns(X: Matrix, y: Float64Array, names: readonly string[]): string[] {
  const d = X.cols;
  const out: string[] = [];
  for (let j = 0; j < d; j++) {
    let min0 = Infinity;
    let max0 = -Infinity;
    let min1 = Infinity;
    let max1 = -Infinity;
    for (let i = 0; i < X.rows; i++) {
      const v = X.data[i * d + j];
      if (y[i] === 1) {
        if (v < min1) min1 = v;
        if (v > max1) max1 = v;
      } else {
        if (v < min0) min0 = v;
        if (v > max0) max0 = v;
      }
    }
    // Strictly apart, or touching at one value: complete or quasi-complete separation by this column.
    if (max0 <= min1 || max1 <= min0) out.push(names[j]);
  }
  return out;
}

/** What helps a separated logistic fit, in flags: drop the separating columns, or a ridge large enough to matter. */
export function separationAdvice(separating: readonly string[], rows: number): string {
  const ridge = Math.max(1, Number((rows / 100).toPrecision(1)));
  const ridgeText = `add a ridge large enough to matter (the penalty (ridge/2)·Σb² weighs against a log-likelihood summed over ${rows} rows: try --ridge ${ridge} and check the deviance)`;
  if (separating.length === 0) return ridgeText;
  const listed = separating.slice(0, 5).map((c) => `'${c}'`).join(', ');
  const more = separating.length > 5 ? ` and ${separating.length - 5} more` : '';
  return `${listed}${more} alone ${separating.length === 1 ? 'separates' : 'separate'} the classes: drop ${separating.length === 1 ? 'it' : 'them'} (--exclude ${separating.slice(0, 5).join(',')}), or ${ridgeText}`;
}

/** Per-row deviance below this (mean fitted probability of the observed class above ~0.995) is a degenerate fit. */
const DEGENERATE_DEVIANCE_PER_ROW = 0.01;
/** A coefficient moving the log-odds by more than this per standard deviation of its feature (odds x 3e6) has diverged. */
const DEGENERATE_LOGIT_PER_SD = 15;

/**
 * Warnings about a logistic fit that converged only because a small ridge
 * held separated classes finite: the deviance is ~0 or a coefficient has
 * exploded, so its standard errors and p-values mean nothing.
 */
export function degenerateFitWarnings(model: LogisticModel, X: Matrix, y: Float64Array, names: readonly string[]): string[] {
  const n = X.rows;
  const d = X.cols;
  const exploded: string[] = [];
  for (let j = 0; j < d; j++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = X.data[i * d + j];
      s += v;
      s2 += v * v;
    }
    const mean = s / n;
    const sd = Math.sqrt(Math.max(0, s2 / n - mean * mean));
    if (Math.abs(model.coef[j]) * sd > DEGENERATE_LOGIT_PER_SD) exploded.push(names[j]);
  }
  const st = model.stats;
  const flat = st.deviance / Math.max(1, st.n) < DEGENERATE_DEVIANCE_PER_ROW;
  if (!flat && exploded.length === 0) return [];
  const why = flat
    ? `deviance ${st.deviance.toPrecision(3)} (null deviance ${st.nullDeviance.toPrecision(3)}): nearly every row is fitted with probability ~0 or ~1`
    : `${exploded.slice(0, 5).map((c) => `'${c}'`).join(', ')} ${exploded.length === 1 ? 'moves' : 'move'} the log-odds by more than ${DEGENERATE_LOGIT_PER_SD} per standard deviation`;
  return [`degenerate fit: ${why}; the classes are (nearly) separated, so the coefficients are set by the ridge, not by the data, and their standard errors and p-values mean nothing. ${separationAdvice(separatingColumns(X, y, names), n)}`];
}
