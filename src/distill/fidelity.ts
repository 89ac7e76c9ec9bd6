/**
 * How closely a student reproduces its teacher on held-out rows, and how
 * each scores against the outcomes: the distillation report.
 */
import { auc } from '../compress/auc.js';
import { sigmoid } from '../fit/logistic-model.js';

export interface DistillReport {
  /** Held-out rows scored. */
  rows: number;
  /**
   * R^2 of the student's logits (classification; both clipped to +-LOGIT_CLIP so that a teacher
   * probability of 0 or 1 stays finite) or values (regression) against the teacher's:
   * 1 - sum (t - s)^2 / sum (t - mean t)^2.
   */
  fidelity: number;
  /** Fraction of rows that teacher and student put on the same side of the cutoff (accept / decline). */
  agreement: number;
  /** The cutoff, on the teacher's scale (probability or value); default the teacher's median on these rows. */
  cutoff: number;
  /** With held-out outcomes: AUC (classification) of each, or MSE (regression). */
  teacherAuc?: number;
  studentAuc?: number;
  teacherMse?: number;
  studentMse?: number;
}

/** |logit| beyond which a probability is 0 or 1 to float64 precision (the clip of the fidelity R^2). */
export const LOGIT_CLIP = 37;

export function clipLogits(t: Float64Array): Float64Array {
  return t.map((v) => Math.max(-LOGIT_CLIP, Math.min(LOGIT_CLIP, v)));
}

function median(v: Float64Array): number {
  const s = Float64Array.from(v).sort();
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : 0.5 * (s[h - 1] + s[h]);
}

function mse(a: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - y[i]) ** 2;
  return s / a.length;
}

/** teacher, student: logits (logistic) or values (linear) on the same rows; y: outcomes or undefined. */
export function fidelityReport(logistic: boolean, teacher: Float64Array, student: Float64Array, y: Float64Array | undefined, cutoff: number | undefined): DistillReport {
  const n = teacher.length;
  const t = logistic ? clipLogits(teacher) : teacher;
  const s = logistic ? clipLogits(student) : student;
  let tm = 0;
  for (let i = 0; i < n; i++) tm += t[i];
  tm /= n;
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    sse += (t[i] - s[i]) ** 2;
    sst += (t[i] - tm) ** 2;
  }
  // the cutoff compares on the teacher's own scale: probabilities for a classifier
  const tScale = logistic ? teacher.map(sigmoid) : teacher;
  const sScale = logistic ? student.map(sigmoid) : student;
  const cut = cutoff ?? median(tScale);
  let agree = 0;
  for (let i = 0; i < n; i++) if (tScale[i] >= cut === sScale[i] >= cut) agree++;
  const rep: DistillReport = { rows: n, fidelity: sst > 0 ? 1 - sse / sst : NaN, agreement: agree / n, cutoff: cut };
  if (y !== undefined) {
    if (logistic) {
      rep.teacherAuc = auc(t, y);
      rep.studentAuc = auc(student, y);
    } else {
      rep.teacherMse = mse(teacher, y);
      rep.studentMse = mse(student, y);
    }
  }
  return rep;
}
