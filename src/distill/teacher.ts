/**
 * What distill accepts as a teacher, reduced to one vector per row set: the
 * teacher's logits (classification) or values (regression). A teacher is a
 * slimfit model (LinearModel, LogisticModel, CompressedLinearModel), any
 * function X -> scores (a model from another tool), or scores computed
 * elsewhere ({ scores, kind }, e.g. a gradient-boosted model's column in a CSV).
 */
import { SlimfitError } from '../errors.js';
import type { Matrix } from '../types.js';
import { describeValue } from '../validate.js';

/** 'probability': P(y = 1) in [0, 1]; 'logit': log-odds; 'value': a regression output. */
export type TeacherKind = 'probability' | 'logit' | 'value';

/** Scores computed elsewhere, one per row of the transfer set. */
export interface TeacherScores {
  scores: ArrayLike<number>;
  kind: TeacherKind;
}

/** A model's scoring methods, as slimfit's model classes have them (one output). */
export interface TeacherModel {
  readonly d: number;
  readonly outputs?: number;
  readonly task?: 'linear' | 'logistic';
  predict(X: Matrix): Float64Array;
  decisionFunction?(X: Matrix): Float64Array;
}

export type TeacherFunction = (X: Matrix) => ArrayLike<number>;

export type Teacher = TeacherModel | TeacherFunction | TeacherScores;

const KINDS: readonly TeacherKind[] = ['probability', 'logit', 'value'];

/** The teacher's task: its kind, with every model resolved. E_RANGE / E_SHAPE for something that is no teacher. */
export function teacherKind(teacher: Teacher, functionKind: TeacherKind | undefined): TeacherKind {
  if (typeof teacher === 'function') return checkKind(functionKind ?? 'probability', 'teacherKind');
  if (typeof teacher !== 'object' || teacher === null) {
    throw new SlimfitError('E_SHAPE', `teacher must be a fitted model, a function (X) => scores, or { scores, kind }, got ${describeValue(teacher)}`);
  }
  if ('scores' in teacher) return checkKind(teacher.kind, 'teacher.kind');
  if (typeof teacher.predict !== 'function' || typeof teacher.d !== 'number') {
    throw new SlimfitError('E_SHAPE', `teacher must be a fitted model (with d and predict), a function (X) => scores, or { scores, kind }, got ${describeValue(teacher)}`);
  }
  if ((teacher.outputs ?? 1) !== 1) throw new SlimfitError('E_SHAPE', `the teacher has ${teacher.outputs} outputs; distill takes a one-output teacher (distil each output on its own)`);
  return isLogisticModel(teacher) ? 'logit' : 'value';
}

function checkKind(kind: unknown, what: string): TeacherKind {
  if (!KINDS.includes(kind as TeacherKind)) throw new SlimfitError('E_RANGE', `${what} must be 'probability', 'logit' or 'value', got ${describeValue(kind)}`);
  return kind as TeacherKind;
}

function isLogisticModel(m: TeacherModel): boolean {
  return typeof m.decisionFunction === 'function' && m.task !== 'linear';
}

/**
 * The teacher's logits (probability and logit kinds; a probability of 0 or 1
 * is -/+Infinity) or values on X. `precomputed` stands in for
 * `teacher.scores` (the held-out rows' scores). Checks length, range and finiteness.
 */
export function teacherOutputs(teacher: Teacher, kind: TeacherKind, X: Matrix, what: string, precomputed?: ArrayLike<number>): Float64Array {
  let raw: ArrayLike<number>;
  if (typeof teacher === 'function') raw = teacher(X);
  else if ('scores' in teacher) raw = precomputed ?? teacher.scores;
  else {
    if (teacher.d !== X.cols) {
      throw new SlimfitError('E_SHAPE', `${what} has ${X.cols} columns but the teacher was fitted on ${teacher.d}: pass the teacher's own columns, in its order`, { columns: X.cols, expected: teacher.d });
    }
    raw = isLogisticModel(teacher) ? teacher.decisionFunction!(X) : teacher.predict(X);
  }
  if (raw === null || typeof raw !== 'object' || typeof raw.length !== 'number') {
    throw new SlimfitError('E_SHAPE', `the teacher's scores on ${what} must be an array of numbers, got ${describeValue(raw)}`);
  }
  if (raw.length !== X.rows) {
    throw new SlimfitError('E_SHAPE', `the teacher gave ${raw.length} scores for the ${X.rows} rows of ${what}: one per row`, { scores: raw.length, rows: X.rows });
  }
  const out = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    const v = raw[i];
    if (typeof v !== 'number') throw new SlimfitError('E_SHAPE', `the teacher's score ${i} on ${what} is ${describeValue(v)}, not a number`, { index: i });
    if (kind === 'probability') {
      if (!(v >= 0 && v <= 1)) throw new SlimfitError('E_RANGE', `the teacher's score ${i} on ${what} is ${v}; kind 'probability' needs values in [0, 1] (pass kind 'logit' for log-odds)`, { index: i });
      out[i] = Math.log(v) - Math.log1p(-v);
    } else {
      if (!Number.isFinite(v)) throw new SlimfitError('E_NONFINITE', `the teacher's score ${i} on ${what} is ${v}; ${kind}s must be finite`, { index: i });
      out[i] = v;
    }
  }
  return out;
}
