/**
 * `report --distill k1,k2`: rate-distortion rows for students distilled
 * from the model on the calibration rows (the transfer set), k inputs each
 * (forward selection on the model's logits or values), in float64 and at
 * every --bits (GPTQ through the student's own Hessian on those rows).
 * sparsity is the share of inputs the student drops, 1 - k / d.
 */
import type { Engine } from '../engine/engine.js';
import { auc } from '../compress/auc.js';
import type { RateDistortionRow } from '../compress/rate-distortion.js';
import { compressModel } from '../compress/model.js';
import type { CompressedLinearModel } from '../compress/compressed-model.js';
import { distill } from '../distill/distill.js';
import type { LinearModel } from '../fit/model.js';
import type { LogisticModel } from '../fit/logistic-model.js';
import type { Matrix } from '../types.js';

export interface DistillRowsInput {
  model: LinearModel | LogisticModel;
  logistic: boolean;
  Xtest: Matrix;
  ytest: Float64Array;
  calib: Matrix;
  inputs: readonly number[];
  bits: readonly number[];
  /** File bytes of a student over these feature columns. */
  fileBytes: (student: LinearModel | LogisticModel | CompressedLinearModel, columns: number[]) => number;
}

export function distillRows(engine: Engine, I: DistillRowsInput): RateDistortionRow[] {
  const { model, logistic, Xtest, ytest, calib } = I;
  const d = model.d;
  const teacherOut = logistic ? (model as LogisticModel).decisionFunction(Xtest) : model.predict(Xtest);
  const metric = (out: Float64Array) => (logistic ? auc(out, ytest) : out.reduce((s, v, i) => s + (v - ytest[i]) ** 2, 0) / out.length);
  const base = metric(teacherOut);
  const floatBytes = 8 * (d + 1);
  const rows: RateDistortionRow[] = [];
  for (const k of [...I.inputs].sort((a, b) => b - a)) {
    const r = distill(engine, model, calib, { student: { features: k } });
    const Xs = r.studentInputs(Xtest);
    const Xc = r.studentInputs(calib);
    const students: [number | null, LinearModel | LogisticModel | CompressedLinearModel][] = [[null, r.floatStudent]];
    for (const b of I.bits) students.push([b, compressModel(engine, r.floatStudent, { method: 'gptq', X: Xc, quantize: { bits: b } })]);
    for (const [bits, s] of students) {
      const out = logistic ? (s as LogisticModel).decisionFunction(Xs) : s.predict(Xs);
      const bytes = bits === null ? 8 * (k + 1) : (s as CompressedLinearModel).bytes;
      const v = metric(out);
      let o = 0;
      for (let i = 0; i < out.length; i++) o += (out[i] - teacherOut[i]) ** 2;
      rows.push({ method: 'distill', inputs: k, bits, sparsity: 1 - k / d, bytes, fileBytes: I.fileBytes(s, r.columns), ratio: floatBytes / bytes, [logistic ? 'auc' : 'mse']: v, deltaVsFloat: v - base, outputMse: o / out.length });
    }
  }
  return rows;
}
