/**
 * The demo's distillation section: where knowledge transfer pays, measured.
 * Applicants of the credit data with a non-linear default outcome
 * (src/data/credit-interaction.ts); a few labelled rows, a larger unlabelled
 * transfer set, held-out test rows. A wide teacher (binned features plus
 * interaction bins) is fitted on the labelled rows; then, at one student
 * size, (a) a small model fitted on the labels alone, (b) the student
 * distilled from the teacher on the labelled plus the unlabelled rows, and
 * (c) the teacher itself pruned and quantized to the same bytes. Each is
 * scored on the test rows: AUC, fidelity to the teacher (R^2 of logits,
 * agreement at the teacher's median score), bytes.
 */
import type { Engine } from '../engine/engine.js';
import { calibrationHessian } from '../compress/calib-hessian.js';
import { compressModel } from '../compress/model.js';
import type { CompressedLinearModel } from '../compress/compressed-model.js';
import { auc } from '../compress/auc.js';
import { distill } from '../distill/distill.js';
import { fidelityReport } from '../distill/fidelity.js';
import { fitLogistic } from '../fit/logistic.js';
import type { Matrix } from '../types.js';
import { applyBinning, fitBinning } from '../data/bins.js';
import { creditInteractionDataset } from '../data/credit-interaction.js';
import { crossBins, crossBinNames } from '../data/cross-bins.js';
import { textTable } from './context.js';

export interface DistillDemoRow {
  model: string;
  /** Input columns the model reads. */
  columns: number;
  /** Coefficient bytes (float64 8 per coefficient + intercept, or the compressed model's). */
  bytes: number;
  auc: number;
  /** R^2 of its logits against the teacher's on the test rows (1 for the teacher). */
  fidelity: number;
  /** Same accept/decline as the teacher at the teacher's median score. */
  agreement: number;
}

export interface DistillDemo {
  labelledRows: number;
  transferRows: number;
  testRows: number;
  teacherColumns: number;
  /** AUC of the true log-odds on the test rows (the ceiling). */
  trueAuc: number;
  studentFeatures: string[];
  rows: DistillDemoRow[];
  ms: number;
}

/** Pairs of raw features (CREDIT_FEATURES indices) the teacher gets a grid of interaction bins for. */
const PAIRS: readonly (readonly [number, number])[] = [
  [2, 3], // utilisation x delinquencies
  [1, 2], // debt-to-income x utilisation
  [0, 1], // income x debt-to-income
];
/** Student inputs: what a small, auditable scorecard carries. */
const STUDENT_FEATURES = 12;
/** Shares of the demo's --rows: labelled, unlabelled transfer, test (20k / 40k / 20k at the default 200k). */
const SHARES = [0.1, 0.2, 0.1] as const;

function rowsOf(X: Matrix, from: number, to: number): Matrix {
  return { rows: to - from, cols: X.cols, data: X.data.subarray(from * X.cols, to * X.cols) };
}

function pick(X: Matrix, cols: readonly number[]): Matrix {
  const out = new Float64Array(X.rows * cols.length);
  for (let i = 0; i < X.rows; i++) cols.forEach((c, k) => (out[i * cols.length + k] = X.data[i * X.cols + c]));
  return { rows: X.rows, cols: cols.length, data: out };
}

export function distillDemo(engine: Engine, rows: number, seed: number): DistillDemo {
  const t0 = performance.now();
  const [LABELLED, TRANSFER, TEST] = SHARES.map((f) => Math.round(f * rows));
  const n = LABELLED + TRANSFER + TEST;
  const data = creditInteractionDataset(n, seed);
  const binning = fitBinning(rowsOf(data.X, 0, LABELLED), data.features, 8);
  const X = crossBins(data.X, applyBinning(data.X, binning), binning, PAIRS);
  const names = [...binning.names, ...crossBinNames(binning, data.features, PAIRS)];
  const Xlab = rowsOf(X, 0, LABELLED);
  const ylab = data.defaulted.subarray(0, LABELLED);
  const Xtransfer = rowsOf(X, 0, LABELLED + TRANSFER);
  const Xte = rowsOf(X, LABELLED + TRANSFER, n);
  const yte = data.defaulted.subarray(LABELLED + TRANSFER);

  // the wide teacher: every bin and interaction cell, a little ridge for the sparse cells
  const teacher = fitLogistic(engine, Xlab, ylab, { ridge: 5 });
  const tTest = teacher.decisionFunction(Xte);
  const score = (name: string, columns: number, bytes: number, logits: Float64Array): DistillDemoRow => {
    const f = fidelityReport(true, tTest, logits, undefined, undefined);
    return { model: name, columns, bytes, auc: auc(logits, yte), fidelity: f.fidelity, agreement: f.agreement };
  };
  const out: DistillDemoRow[] = [score(`teacher: ${X.cols} bins + interaction bins`, X.cols, 8 * (X.cols + 1), tTest)];

  // (b) distilled: labels where there are any, the teacher's soft targets everywhere
  const y = new Float64Array(LABELLED + TRANSFER).fill(NaN);
  y.set(ylab);
  const b = distill(engine, teacher, Xtransfer, { y, student: { features: STUDENT_FEATURES, ridge: 1e-3 } });
  const cols = b.columns;
  const studentBytes = b.bytes;
  // the same student quantized as distill's student.bits does it (GPTQ through its own Hessian on the transfer set)
  const b4 = compressModel(engine, b.floatStudent, { method: 'gptq', X: pick(Xtransfer, cols), quantize: { bits: 4 } });

  // (a) the same small model on the labels alone: its own forward selection on the labels, and b's columns
  const own = distill(engine, { scores: ylab, kind: 'value' }, Xlab, { student: { features: STUDENT_FEATURES } }).columns;
  const aOwn = fitLogistic(engine, pick(Xlab, own), ylab, { ridge: 1e-3 });
  const aSame = fitLogistic(engine, pick(Xlab, cols), ylab, { ridge: 1e-3 });
  out.push(score(`(a) labels only, own ${STUDENT_FEATURES} columns`, own.length, 8 * (own.length + 1), aOwn.decisionFunction(pick(Xte, own))));
  out.push(score(`(a) labels only, the student's columns`, cols.length, 8 * (cols.length + 1), aSame.decisionFunction(pick(Xte, cols))));
  out.push(score(`(b) distilled: ${LABELLED} labelled + ${TRANSFER} unlabelled rows`, cols.length, studentBytes, (b.student as typeof teacher).decisionFunction(pick(Xte, cols))));
  out.push(score('(b) distilled, GPTQ 4-bit', cols.length, b4.bytes, b4.decisionFunction(pick(Xte, cols))));

  // (c) the teacher compressed to at most the student's bytes: OBS pruning + GPTQ 4-bit, the least sparsity that fits
  const hessian = calibrationHessian(engine, teacher, Xlab, true);
  // bytes fall as sparsity grows: bisect on the number of weights kept
  const at = (kept: number) => compressModel(engine, teacher, { method: 'gptq', hessian, prune: { sparsity: 1 - kept / X.cols }, quantize: { bits: 4 } });
  let c: CompressedLinearModel | undefined;
  for (let lo = 1, hi = X.cols; lo <= hi; ) {
    const mid = (lo + hi) >> 1;
    const m = at(mid);
    if (m.bytes <= studentBytes) {
      c = m;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (c !== undefined) out.push(score(`(c) teacher, OBS ${(100 * c.report().sparsity).toFixed(0)}% + GPTQ 4-bit`, c.report().kept, c.bytes, c.decisionFunction(Xte)));
  // the smallest the teacher gets: its index over every column costs bytes whatever is kept
  const tiny = at(cols.length);
  out.push(score(`(c) teacher, OBS to ${tiny.report().kept} weights + GPTQ 4-bit`, tiny.report().kept, tiny.bytes, tiny.decisionFunction(Xte)));
  return {
    labelledRows: LABELLED,
    transferRows: TRANSFER,
    testRows: TEST,
    teacherColumns: X.cols,
    trueAuc: auc(data.trueLogit.subarray(LABELLED + TRANSFER), yte),
    studentFeatures: cols.map((j) => names[j]),
    rows: out,
    ms: performance.now() - t0,
  };
}

/** The section as printed by the demo: the table and what it shows. */
export function distillText(d: DistillDemo): string {
  const table = textTable(
    ['model', 'inputs', 'bytes', 'AUC', 'fidelity R²', 'agreement'],
    d.rows.map((r) => [r.model, String(r.columns), String(r.bytes), r.auc.toFixed(4), r.fidelity.toFixed(4), `${(100 * r.agreement).toFixed(1)}%`]),
    1,
  );
  return [
    `Distillation: default drawn with interactions (utilisation x delinquencies, debt-to-income x utilisation); true-model AUC ${d.trueAuc.toFixed(4)}.`,
    `A wide teacher (${d.teacherColumns} bins and interaction cells) is fitted on ${d.labelledRows} labelled rows; the student keeps the ${d.studentFeatures.length} inputs`,
    `that best reproduce the teacher's logits (forward selection) and learns on those rows plus ${d.transferRows} unlabelled ones. ${d.testRows} test rows;`,
    "fidelity = R² of each model's logits against the teacher's, agreement = same side of the teacher's median score.",
    '',
    table,
  ].join('\n');
}
