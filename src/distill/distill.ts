/**
 * distill: knowledge transfer from any teacher into a small linear or
 * logistic student (Bucila, Caruana & Niculescu-Mizil 2006; Hinton et al.
 * 2015). The transfer set X need not be labelled: the teacher labels it.
 *
 * Loss (per row; a = alpha on rows with a label, 0 on rows without):
 *  - classification (teacher kind 'probability' or 'logit'): a CE(y, sigmoid(z))
 *    + (1 - a) T^2 CE(sigmoid(t / T), sigmoid(z / T)), z the student's logit and
 *    t the teacher's (soft-logistic.ts); at T = 1 a logistic fit on the
 *    fractional labels a y + (1 - a) sigmoid(t), as T grows least squares on t;
 *  - regression (kind 'value'): a (y - z)^2 + (1 - a)(v - z)^2, i.e. least
 *    squares on a y + (1 - a) v (fitLinear); temperature does not apply.
 * student.features = k picks k inputs by greedy forward selection on the
 * teacher's logits or values (select.ts); student.bits / sparsity then
 * compress the student by GPTQ / OBS on its own Hessian over the transfer set.
 *
 * The student is an ordinary LogisticModel, LinearModel or
 * CompressedLinearModel over its own columns (result.columns of X, in that
 * order): score it on the full X with result.studentInputs(X).
 */
import { SlimfitError } from '../errors.js';
import type { Engine } from '../engine/engine.js';
import { checkOptions, optionKeys, refuseUnknown } from '../options.js';
import { toLinAlg } from '../ops/linalg.js';
import type { Matrix } from '../types.js';
import { assertOption, describeValue, toMatrix, type MatrixInput } from '../validate.js';
import { fitLinear } from '../fit/linear.js';
import type { LinearModel } from '../fit/model.js';
import type { LogisticModel } from '../fit/logistic-model.js';
import { compressModel, type CompressModelOptions } from '../compress/model.js';
import type { CompressedLinearModel } from '../compress/compressed-model.js';
import { clipLogits, fidelityReport, type DistillReport } from './fidelity.js';
import { selectForward, type SelectionStep } from './select.js';
import { fitSoftLogistic } from './soft-logistic.js';
import { teacherKind, teacherOutputs, type Teacher, type TeacherKind } from './teacher.js';

export interface DistillStudentOptions {
  /**
   * k: keep the k inputs (or groups) that best reproduce the teacher (greedy forward selection);
   * or the columns to keep, by index or by name (names need featureNames). Default: every column.
   */
  features?: number | readonly number[] | readonly string[];
  /**
   * Candidates for selection that enter or stay out together (e.g. the bins of one raw feature), as
   * lists of column indices; disjoint. Columns in no group are candidates on their own. Needs features = k.
   */
  groups?: readonly (readonly number[])[];
  /** Quantize the student's coefficients to this many bits (GPTQ on the student's Hessian over X). */
  bits?: number;
  /** Prune this fraction of the student's coefficients first (OBS / SparseGPT), in [0, 1). */
  sparsity?: number;
  /** L2 penalty on the student's coefficients, in the units of X (default 0): as fitLogistic's / fitLinear's. */
  ridge?: number;
}

export interface DistillOptions {
  /** Hard labels, one per row of X (0/1 for classification); NaN marks a row without a label. */
  y?: ArrayLike<number>;
  /** Weight of the hard labels against the teacher, in [0, 1] (default 0.5 with y; 0 without). */
  alpha?: number;
  /** Softmax temperature T > 0 of the soft targets (default 1; classification only). */
  temperature?: number;
  /** What a function teacher returns (default 'probability'). */
  teacherKind?: TeacherKind;
  /** Names of X's columns (for student.features by name, and result.featureNames). */
  featureNames?: readonly string[];
  student?: DistillStudentOptions;
  /** Held-out rows for the report. */
  Xtest?: MatrixInput;
  /** Their outcomes: the report adds teacher and student AUC (classification) or MSE (regression). */
  ytest?: ArrayLike<number>;
  /** The teacher's scores on Xtest, when the teacher is { scores, kind } (scored elsewhere). */
  teacherTest?: ArrayLike<number>;
  /** Accept/decline cutoff for the report's agreement, on the teacher's scale (default its median on Xtest). */
  cutoff?: number;
  /** Newton steps at most for a logistic student (default 100). */
  maxIter?: number;
  /** Convergence tolerance on the relative Newton step (default 1e-10). */
  tol?: number;
}

export interface DistillResult {
  /** The student: compressed when student.bits or sparsity were given, else the float fit. */
  student: LogisticModel | LinearModel | CompressedLinearModel;
  /** The float student before compression (the same object as student when not compressed). */
  floatStudent: LogisticModel | LinearModel;
  task: 'logistic' | 'linear';
  /** X's columns the student reads, in its order. */
  columns: number[];
  /** Their names, when featureNames was given. */
  featureNames: string[] | undefined;
  /** The forward selection's steps (features = k), else undefined. */
  selection: SelectionStep[] | undefined;
  /** Bytes of the student's coefficients (float64 8 (k + 1), or the compressed model's bytes). */
  bytes: number;
  /** With Xtest: fidelity, agreement and the metrics (fidelity.ts). */
  report: DistillReport | undefined;
  /** The student's columns of a matrix with X's columns: what the student scores. */
  studentInputs(X: MatrixInput): Matrix;
}

const DISTILL_OPTION_KEYS = /* @__PURE__ */ optionKeys<DistillOptions>()(['y', 'alpha', 'temperature', 'teacherKind', 'featureNames', 'student', 'Xtest', 'ytest', 'teacherTest', 'cutoff', 'maxIter', 'tol']);
const STUDENT_OPTION_KEYS = /* @__PURE__ */ optionKeys<DistillStudentOptions>()(['features', 'groups', 'bits', 'sparsity', 'ridge']);

export function distill(engine: Engine, teacher: Teacher, Xin: MatrixInput, options?: DistillOptions | null): DistillResult {
  const opts = checkOptions('distill', options, DISTILL_OPTION_KEYS);
  const so = opts.student ?? {};
  if (typeof so !== 'object' || so === null) throw new SlimfitError('E_RANGE', `student must be an object such as { features: 10, bits: 4 }, got ${describeValue(so)}`);
  refuseUnknown('distill', so, STUDENT_OPTION_KEYS, 'student');
  const la = toLinAlg(engine);
  const X = toMatrix(Xin, 'X');
  const n = X.rows;
  const d = X.cols;
  const kind = teacherKind(teacher, opts.teacherKind);
  if (opts.teacherKind !== undefined && typeof teacher !== 'function') {
    throw new SlimfitError('E_RANGE', "teacherKind is for a function teacher; a model knows its kind and { scores, kind } carries its own");
  }
  const logistic = kind !== 'value';
  const y = opts.y !== undefined ? labels(opts.y, n, logistic) : undefined;
  if (opts.alpha !== undefined) {
    assertOption(opts.alpha, 'alpha', 0, 1);
    if (y === undefined && opts.alpha > 0) throw new SlimfitError('E_RANGE', `alpha = ${opts.alpha} weighs hard labels, but no y was given: pass y, or leave alpha out (the student then learns from the teacher alone)`);
  }
  const alpha = y === undefined ? 0 : (opts.alpha ?? 0.5);
  const T = opts.temperature ?? 1;
  assertOption(T, 'temperature', 0, 1e6, { loOpen: true });
  if (!logistic && T !== 1) throw new SlimfitError('E_RANGE', `temperature ${T} applies to a classifier's soft targets; a regression teacher (kind 'value') is distilled by least squares`);
  const ridge = so.ridge ?? 0;
  assertOption(ridge, 'student.ridge', 0, Number.MAX_VALUE);
  const maxIter = opts.maxIter ?? 100;
  assertOption(maxIter, 'maxIter', 1, 10000, { integer: true });
  const tol = opts.tol ?? 1e-10;
  assertOption(tol, 'tol', 0, 1, { loOpen: true });
  const names = opts.featureNames !== undefined ? featureNames(opts.featureNames, d) : undefined;
  if (opts.cutoff !== undefined) assertOption(opts.cutoff, 'cutoff', logistic ? 0 : -Number.MAX_VALUE, logistic ? 1 : Number.MAX_VALUE);
  if (so.bits !== undefined) assertOption(so.bits, 'student.bits', 2, 8, { integer: true });
  if (so.sparsity !== undefined) assertOption(so.sparsity, 'student.sparsity', 0, 1, { hiOpen: true });
  const Xtest = opts.Xtest !== undefined ? toMatrix(opts.Xtest, 'Xtest') : undefined;
  if (Xtest !== undefined && Xtest.cols !== d) throw new SlimfitError('E_SHAPE', `Xtest has ${Xtest.cols} columns but X has ${d}`);
  if (Xtest === undefined && (opts.ytest !== undefined || opts.teacherTest !== undefined || opts.cutoff !== undefined)) {
    throw new SlimfitError('E_RANGE', 'ytest, teacherTest and cutoff describe the held-out rows: pass Xtest too');
  }
  const precomputed = typeof teacher === 'object' && 'scores' in teacher;
  if (Xtest !== undefined && precomputed && opts.teacherTest === undefined) {
    throw new SlimfitError('E_RANGE', "the teacher is { scores, kind }: give its scores on Xtest as teacherTest so the report can compare");
  }
  if (!precomputed && opts.teacherTest !== undefined) throw new SlimfitError('E_RANGE', 'teacherTest is for a teacher given as { scores, kind }; this teacher scores Xtest itself');

  const t = teacherOutputs(teacher, kind, X, 'X');
  const { columns, selection } = studentColumns(la, X, t, logistic, so, names, ridge);
  const Xs = pick(X, columns);
  let floatStudent: LogisticModel | LinearModel;
  if (logistic) {
    floatStudent = fitSoftLogistic(la, { X: Xs, teacher: t, y, alpha, temperature: T, ridge, maxIter, tol }).model;
  } else {
    const target = t.map((v, i) => (y !== undefined && !Number.isNaN(y[i]) ? alpha * y[i] + (1 - alpha) * v : v));
    floatStudent = fitLinear(la, Xs, target, { ridge });
  }
  let student: LogisticModel | LinearModel | CompressedLinearModel = floatStudent;
  if (so.bits !== undefined || (so.sparsity !== undefined && so.sparsity > 0)) {
    const c: CompressModelOptions = { method: 'gptq', X: Xs };
    if (so.bits !== undefined) c.quantize = { bits: so.bits };
    if (so.sparsity !== undefined && so.sparsity > 0) c.prune = { sparsity: so.sparsity };
    student = compressModel(engine, floatStudent, c);
  }
  const bytes = student === floatStudent ? 8 * (columns.length + 1) : (student as CompressedLinearModel).bytes;

  let report: DistillReport | undefined;
  if (Xtest !== undefined) {
    const tt = teacherOutputs(teacher, kind, Xtest, 'Xtest', opts.teacherTest);
    const st = logistic ? (student as LogisticModel).decisionFunction(pick(Xtest, columns)) : student.predict(pick(Xtest, columns));
    const yt = opts.ytest !== undefined ? testOutcomes(opts.ytest, Xtest.rows, logistic) : undefined;
    report = fidelityReport(logistic, tt, st, yt, opts.cutoff);
  }
  return {
    student,
    floatStudent,
    task: logistic ? 'logistic' : 'linear',
    columns,
    featureNames: names ? columns.map((j) => names[j]) : undefined,
    selection,
    bytes,
    report,
    studentInputs(Xany: MatrixInput): Matrix {
      const M = toMatrix(Xany, 'X', { allowEmpty: true });
      if (M.cols !== d && M.rows > 0) throw new SlimfitError('E_SHAPE', `X has ${M.cols} columns; the student was distilled from ${d}`);
      return pick(M, columns);
    },
  };
}

/** The n x k matrix of the given columns of X (a copy). */
function pick(X: Matrix, columns: readonly number[]): Matrix {
  const { rows: n, cols: d, data } = X;
  const k = columns.length;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) out[i * k + c] = data[i * d + columns[c]];
  return { rows: n, cols: k, data: out };
}

function labels(yin: ArrayLike<number>, n: number, logistic: boolean): Float64Array {
  if (yin === null || typeof yin !== 'object' || typeof yin.length !== 'number') throw new SlimfitError('E_SHAPE', `y must be an array of numbers, got ${describeValue(yin)}`);
  if (yin.length !== n) throw new SlimfitError('E_SHAPE', `y has ${yin.length} values but X has ${n} rows (NaN marks a row without a label)`);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = yin[i];
    if (typeof v !== 'number') throw new SlimfitError('E_SHAPE', `y[${i}] is ${describeValue(v)}, not a number`, { index: i });
    if (Number.isNaN(v)) y[i] = NaN;
    else if (logistic && v !== 0 && v !== 1) throw new SlimfitError('E_RANGE', `y[${i}] is ${v}; a classifier's labels are 0 or 1 (NaN: no label)`, { index: i });
    else if (!Number.isFinite(v)) throw new SlimfitError('E_NONFINITE', `y[${i}] is ${v}`, { index: i });
    else y[i] = v;
  }
  return y;
}

function testOutcomes(yin: ArrayLike<number>, n: number, logistic: boolean): Float64Array {
  const y = labels(yin, n, logistic);
  const bad = y.findIndex((v) => Number.isNaN(v));
  if (bad >= 0) throw new SlimfitError('E_RANGE', `ytest[${bad}] is NaN: every held-out row needs its outcome`, { index: bad });
  return y;
}

function featureNames(names: readonly string[], d: number): string[] {
  if (!Array.isArray(names) || names.length !== d || names.some((s) => typeof s !== 'string')) {
    throw new SlimfitError('E_SHAPE', `featureNames must be ${d} strings (one per column of X), got ${describeValue(names)}`);
  }
  return [...names];
}

function studentColumns(
  la: ReturnType<typeof toLinAlg>,
  X: Matrix,
  t: Float64Array,
  logistic: boolean,
  so: DistillStudentOptions,
  names: string[] | undefined,
  ridge: number,
): { columns: number[]; selection: SelectionStep[] | undefined } {
  const d = X.cols;
  const f = so.features;
  if (f === undefined || Array.isArray(f)) {
    if (so.groups !== undefined) throw new SlimfitError('E_RANGE', 'student.groups are candidates for selection: give student.features = k (how many to keep) with them');
    if (f === undefined) return { columns: Array.from({ length: d }, (_, j) => j), selection: undefined };
    return { columns: namedColumns(f as readonly (number | string)[], d, names), selection: undefined };
  }
  if (typeof f !== 'number' || !Number.isInteger(f) || f < 1) throw new SlimfitError('E_RANGE', `student.features must be a positive integer k, or a list of columns, got ${describeValue(f)}`);
  const groups = candidateGroups(so.groups, d);
  if (f > groups.length) {
    throw new SlimfitError('E_RANGE', `student.features = ${f} but there are only ${groups.length} ${so.groups ? 'candidate groups' : 'inputs'} (X has ${d} columns): ask for at most ${groups.length}`, { features: f, candidates: groups.length });
  }
  const target = logistic ? clipLogits(t) : t;
  const sel = selectForward(la, X, target, groups, f, ridge);
  return { columns: sel.columns, selection: sel.steps };
}

function namedColumns(f: readonly (number | string)[], d: number, names: string[] | undefined): number[] {
  if (f.length === 0) throw new SlimfitError('E_RANGE', 'student.features is an empty list: the student needs at least one input');
  if (f.length > d) throw new SlimfitError('E_RANGE', `student.features lists ${f.length} columns but X has ${d}`);
  const cols = f.map((c) => {
    if (typeof c === 'string') {
      if (names === undefined) throw new SlimfitError('E_RANGE', `student.features names '${c}': pass featureNames (X's column names) to select by name`);
      const j = names.indexOf(c);
      if (j < 0) throw new SlimfitError('E_RANGE', `student.features names '${c}', which is not among featureNames`);
      return j;
    }
    if (!Number.isInteger(c) || c < 0 || c >= d) throw new SlimfitError('E_RANGE', `student.features has column ${describeValue(c)}; columns are 0 .. ${d - 1}`);
    return c;
  });
  if (new Set(cols).size !== cols.length) throw new SlimfitError('E_RANGE', 'student.features lists a column twice');
  return cols;
}

function candidateGroups(groups: readonly (readonly number[])[] | undefined, d: number): number[][] {
  if (groups === undefined) return Array.from({ length: d }, (_, j) => [j]);
  if (!Array.isArray(groups)) throw new SlimfitError('E_RANGE', `student.groups must be a list of column-index lists, got ${describeValue(groups)}`);
  const seen = new Set<number>();
  const out: number[][] = [];
  for (const g of groups) {
    if (!Array.isArray(g) || g.length === 0) throw new SlimfitError('E_RANGE', `every student.groups entry must be a non-empty list of column indices, got ${describeValue(g)}`);
    for (const j of g) {
      if (!Number.isInteger(j) || j < 0 || j >= d) throw new SlimfitError('E_RANGE', `student.groups has column ${describeValue(j)}; columns are 0 .. ${d - 1}`);
      if (seen.has(j)) throw new SlimfitError('E_RANGE', `column ${j} is in two student.groups; groups must be disjoint`);
      seen.add(j);
    }
    out.push([...g]);
  }
  for (let j = 0; j < d; j++) if (!seen.has(j)) out.push([j]);
  return out;
}
