/**
 * The `privacy` option of fitLinear, linearAccumulator / LinearAccumulator.fit
 * and fitLogistic: its names (checked like every option), its ranges, and the
 * combinations a private fit cannot honour. Every failure is E_RANGE.
 */
import { SlimfitError } from '../errors.js';
import { checkOptions, optionKeys } from '../options.js';
import { describeValue } from '../validate.js';

export type LinearPrivacyMethod = 'adassp' | 'ssp';

/** fitLinear's privacy option (docs/PRIVACY.md). */
export interface LinearPrivacyOptions {
  /** Privacy loss epsilon > 0 (smaller: more noise). */
  epsilon: number;
  /** delta in (0, 1): the slack of (epsilon, delta)-DP; well below 1/n (e.g. 1e-6). */
  delta: number;
  /** Row-norm bound B_X: every row x is scaled down to ||x||_2 <= boundX before the statistics. */
  boundX?: number;
  /** Target bound B_Y: every y is clipped to [-boundY, boundY]. */
  boundY?: number;
  /** 'adassp' (default: ridge chosen privately, budget in three) or 'ssp' (no ridge, budget in two). */
  method?: LinearPrivacyMethod;
  /** A seed makes the noise reproducible (tests, audits); the fit is then not private against whoever knows it. */
  seed?: number;
  /** true: take the bounds from the data (max row norm, max |y|) when not given; the report then says private: false. */
  boundsFromData?: boolean;
}

/** fitLogistic's privacy option: objective perturbation (docs/PRIVACY.md). */
export interface LogisticPrivacyOptions {
  /** Privacy loss epsilon > 0; objective perturbation is pure epsilon-DP (delta = 0). */
  epsilon: number;
  /** Row-norm bound B_X (rows are scaled down to ||x||_2 <= boundX). */
  boundX?: number;
  /** Lambda of the regulariser (Lambda/2)||f||^2 on the mean log-loss, f in the scaled space of rows with norm <= 1 (default 1e-4). */
  regularization?: number;
  seed?: number;
  boundsFromData?: boolean;
}

/** The bounds, seed and budget of a streaming accumulator's rows (linearAccumulator's privacy option). */
export interface AccumulatorPrivacyOptions {
  boundX: number;
  boundY: number;
}

/** LinearAccumulator.fit's privacy option: the budget; the bounds were fixed when the accumulator was created. */
export interface AccumulatorFitPrivacyOptions {
  epsilon: number;
  delta: number;
  method?: LinearPrivacyMethod;
  seed?: number;
}

const LINEAR_KEYS = /* @__PURE__ */ optionKeys<LinearPrivacyOptions>()(['epsilon', 'delta', 'boundX', 'boundY', 'method', 'seed', 'boundsFromData']);
const LOGISTIC_KEYS = /* @__PURE__ */ optionKeys<LogisticPrivacyOptions>()(['epsilon', 'boundX', 'regularization', 'seed', 'boundsFromData']);
const ACC_KEYS = /* @__PURE__ */ optionKeys<AccumulatorPrivacyOptions>()(['boundX', 'boundY']);
const ACC_FIT_KEYS = /* @__PURE__ */ optionKeys<AccumulatorFitPrivacyOptions>()(['epsilon', 'delta', 'method', 'seed']);

export const DEFAULT_LOGISTIC_REGULARIZATION = 1e-4;

export interface ResolvedLinearPrivacy {
  epsilon: number;
  delta: number;
  /** undefined: to be taken from the data (boundsFromData). */
  boundX: number | undefined;
  boundY: number | undefined;
  method: LinearPrivacyMethod;
  seed: number | undefined;
  boundsFromData: boolean;
}

export interface ResolvedLogisticPrivacy {
  epsilon: number;
  boundX: number | undefined;
  regularization: number;
  seed: number | undefined;
  boundsFromData: boolean;
}

function positive(v: unknown, name: string, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0)) throw new SlimfitError('E_RANGE', `privacy.${name} must be a finite number > 0${what}, got ${describeValue(v)}`);
  return v;
}

function epsilonOf(v: unknown): number {
  if (v === undefined) throw new SlimfitError('E_RANGE', 'privacy.epsilon is required (the privacy loss, e.g. 1)');
  return positive(v, 'epsilon', '');
}

function deltaOf(v: unknown): number {
  if (v === undefined) throw new SlimfitError('E_RANGE', 'privacy.delta is required for the Gaussian mechanism (e.g. 1e-6, well below 1/n)');
  if (typeof v !== 'number' || !(v > 0 && v < 1)) throw new SlimfitError('E_RANGE', `privacy.delta must be in (0, 1), got ${describeValue(v)}`);
  return v;
}

function seedOf(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new SlimfitError('E_RANGE', `privacy.seed must be an integer in [0, 2^53), got ${describeValue(v)}`);
  return v;
}

function methodOf(v: unknown): LinearPrivacyMethod {
  const m = v ?? 'adassp';
  if (m !== 'adassp' && m !== 'ssp') throw new SlimfitError('E_RANGE', `privacy.method must be 'adassp' or 'ssp', got ${describeValue(v)}`);
  return m;
}

function boundOf(v: unknown, name: 'boundX' | 'boundY', fromData: boolean): number | undefined {
  if (v === undefined) {
    if (fromData) return undefined;
    throw new SlimfitError(
      'E_RANGE',
      `privacy.${name} is required: the bound must come from what the data can be (units, ranges, an encoding), not from the data itself, which would not be private; pass boundsFromData: true to take it from the data anyway (the result is then marked private: false)`,
    );
  }
  return positive(v, name, '');
}

function fromDataOf(v: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new SlimfitError('E_RANGE', `privacy.boundsFromData must be true or false, got ${describeValue(v)}`);
  return v;
}

export function resolveLinearPrivacy(o: LinearPrivacyOptions): ResolvedLinearPrivacy {
  const p = checkOptions('fitLinear', o, LINEAR_KEYS, 'privacy');
  const boundsFromData = fromDataOf(p.boundsFromData);
  return {
    epsilon: epsilonOf(p.epsilon),
    delta: deltaOf(p.delta),
    boundX: boundOf(p.boundX, 'boundX', boundsFromData),
    boundY: boundOf(p.boundY, 'boundY', boundsFromData),
    method: methodOf(p.method),
    seed: seedOf(p.seed),
    boundsFromData,
  };
}

export function resolveLogisticPrivacy(o: LogisticPrivacyOptions): ResolvedLogisticPrivacy {
  const p = checkOptions('fitLogistic', o, LOGISTIC_KEYS, 'privacy');
  const boundsFromData = fromDataOf(p.boundsFromData);
  return {
    epsilon: epsilonOf(p.epsilon),
    boundX: boundOf(p.boundX, 'boundX', boundsFromData),
    regularization: p.regularization === undefined ? DEFAULT_LOGISTIC_REGULARIZATION : positive(p.regularization, 'regularization', ' (objective perturbation needs a strongly convex regulariser)'),
    seed: seedOf(p.seed),
    boundsFromData,
  };
}

export function resolveAccumulatorPrivacy(o: AccumulatorPrivacyOptions): { boundX: number; boundY: number } {
  const p = checkOptions('linearAccumulator', o, ACC_KEYS, 'privacy');
  return { boundX: boundOf(p.boundX, 'boundX', false)!, boundY: boundOf(p.boundY, 'boundY', false)! };
}

export function resolveAccumulatorFitPrivacy(o: AccumulatorFitPrivacyOptions): { epsilon: number; delta: number; method: LinearPrivacyMethod; seed: number | undefined } {
  const p = checkOptions('LinearAccumulator.fit', o, ACC_FIT_KEYS, 'privacy');
  return { epsilon: epsilonOf(p.epsilon), delta: deltaOf(p.delta), method: methodOf(p.method), seed: seedOf(p.seed) };
}

/** E_RANGE naming an option that a private fit cannot honour, and why. */
export function cannotHonour(option: string, why: string): SlimfitError {
  return new SlimfitError('E_RANGE', `${option} cannot be combined with privacy: ${why}`, { option });
}
