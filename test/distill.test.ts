/**
 * distill: the student's fit against computations written here (a plain
 * Newton solve on the fractional labels, the loss's gradient by finite
 * differences at T != 1, least squares on the teacher's logits at large T),
 * forward selection against brute force over every single addition, the
 * three teacher forms giving one student, compression, the .slim round trip
 * and bad input.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, type Engine } from '../src/index.js';
import { distill, type DistillResult } from '../src/distill/distill.js';
import { LogisticModel } from '../src/fit/logistic-model.js';
import { LinearModel } from '../src/fit/model.js';
import { fitLinear } from '../src/fit/linear.js';
import { fitLogistic } from '../src/fit/logistic.js';
import { CompressedLinearModel } from '../src/compress/compressed-model.js';
import { compressModel } from '../src/compress/model.js';
import { decodeSlim, encodeSlim } from '../src/io/slim.js';
import type { Matrix } from '../src/types.js';
import { rng } from './helpers/harness.js';
import { expectCode } from './helpers/engines.js';

const sig = (t: number) => 1 / (1 + Math.exp(-t));
const softplus = (t: number) => (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t)));

/** n x d correlated Gaussian-ish design, a teacher with all d columns plus a non-linear term, hard labels drawn from it. */
function problem(n: number, d: number, seed: number) {
  const u = rng(seed);
  const g = () => {
    let s = 0;
    for (let k = 0; k < 6; k++) s += u();
    return (s - 3) * Math.SQRT2;
  };
  const X = new Float64Array(n * d);
  const t = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = g();
    for (let j = 0; j < d; j++) X[i * d + j] = 0.5 * c + g() + 0.3 * j;
    let e = -0.4;
    for (let j = 0; j < d; j++) e += ((j % 3) - 1 + 0.2 * j) * 0.6 * X[i * d + j];
    e += 0.3 * X[i * d] * X[i * d + 1];
    t[i] = e;
    y[i] = u() < sig(e) ? 1 : 0;
  }
  return { X: { rows: n, cols: d, data: X } as Matrix, t, y };
}

/** Newton on sum softplus(z) - l z over z = [1, X] b, dense normal equations solved by Gaussian elimination. */
function plainNewton(X: Matrix, l: Float64Array): Float64Array {
  const { rows: n, cols: d, data } = X;
  const p = d + 1;
  const b = new Float64Array(p);
  const row = (i: number) => [1, ...Array.from(data.subarray(i * d, i * d + d))];
  for (let it = 0; it < 100; it++) {
    const H = Array.from({ length: p }, () => new Float64Array(p + 1));
    for (let i = 0; i < n; i++) {
      const x = row(i);
      let z = 0;
      for (let j = 0; j < p; j++) z += x[j] * b[j];
      const pr = sig(z);
      for (let j = 0; j < p; j++) {
        H[j][p] += (l[i] - pr) * x[j];
        for (let k = 0; k < p; k++) H[j][k] += pr * (1 - pr) * x[j] * x[k];
      }
    }
    for (let c = 0; c < p; c++) {
      for (let r = c + 1; r < p; r++) {
        const f = H[r][c] / H[c][c];
        for (let k = c; k <= p; k++) H[r][k] -= f * H[c][k];
      }
    }
    const delta = new Float64Array(p);
    for (let r = p - 1; r >= 0; r--) {
      let s = H[r][p];
      for (let k = r + 1; k < p; k++) s -= H[r][k] * delta[k];
      delta[r] = s / H[r][r];
    }
    let step = 0;
    for (let j = 0; j < p; j++) {
      b[j] += delta[j];
      step = Math.max(step, Math.abs(delta[j]));
    }
    if (step < 1e-13) break;
  }
  return b;
}

function teacherModel(d: number, seed: number): LogisticModel {
  const u = rng(seed);
  const coef = Float64Array.from({ length: d }, () => 2 * u() - 1);
  return new LogisticModel({ d, coef, intercept: -0.3, fitIntercept: true, stats: {} as never });
}

function coefs(r: DistillResult): Float64Array {
  const m = r.floatStudent;
  return Float64Array.of(typeof m.intercept === 'number' ? m.intercept : m.intercept[0], ...m.coef);
}

function rel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

let e: Engine;
beforeAll(async () => {
  e = await init({ warmUp: false });
});

describe('distill: the logistic student', () => {
  it('at T = 1 is the logistic fit on the fractional labels alpha y + (1 - alpha) sigmoid(t) (plain Newton)', () => {
    const { X, t, y } = problem(400, 4, 1);
    const r = distill(e, { scores: t, kind: 'logit' }, X, { y, alpha: 0.3 });
    const l = t.map((v, i) => 0.3 * y[i] + 0.7 * sig(v));
    expect(rel(coefs(r), plainNewton(X, l))).toBeLessThan(1e-9);
    // unlabelled rows (NaN) learn from the teacher alone
    const yPart = y.map((v, i) => (i % 3 === 0 ? NaN : v));
    const r2 = distill(e, { scores: t, kind: 'logit' }, X, { y: yPart, alpha: 0.6 });
    const l2 = t.map((v, i) => (i % 3 === 0 ? sig(v) : 0.6 * y[i] + 0.4 * sig(v)));
    expect(rel(coefs(r2), plainNewton(X, l2))).toBeLessThan(1e-9);
    // alpha = 1: the plain logistic regression on the labels
    const hard = distill(e, { scores: t, kind: 'logit' }, X, { y, alpha: 1 });
    const f = fitLogistic(e, X, y);
    expect(rel(coefs(hard), Float64Array.of(f.intercept, ...f.coef))).toBeLessThan(1e-9);
  });

  it("at T != 1 the loss's gradient (by finite differences of the cross-entropies) vanishes at the student", () => {
    const { X, t, y } = problem(300, 3, 2);
    const T = 2.5;
    const alpha = 0.4;
    const r = distill(e, { scores: t, kind: 'logit' }, X, { y, alpha, temperature: T });
    const b = coefs(r);
    const ce = (u: number, pr: number) => -(u * Math.log(pr) + (1 - u) * Math.log(1 - pr));
    const loss = (bb: Float64Array) => {
      let L = 0;
      for (let i = 0; i < X.rows; i++) {
        let z = bb[0];
        for (let j = 0; j < X.cols; j++) z += bb[j + 1] * X.data[i * X.cols + j];
        L += alpha * ce(y[i], sig(z)) + (1 - alpha) * T * T * ce(sig(t[i] / T), sig(z / T));
      }
      return L;
    };
    const h = 1e-5;
    for (let j = 0; j < b.length; j++) {
      const bp = Float64Array.from(b);
      const bm = Float64Array.from(b);
      bp[j] += h;
      bm[j] -= h;
      expect(Math.abs((loss(bp) - loss(bm)) / (2 * h))).toBeLessThan(1e-5 * X.rows);
    }
    // and it differs from the T = 1 student (temperature is not ignored)
    const r1 = distill(e, { scores: t, kind: 'logit' }, X, { y, alpha });
    expect(rel(coefs(r1), b)).toBeGreaterThan(1e-3);
  });

  it('as T grows it tends to least squares on the teacher logits', () => {
    const { X, t } = problem(500, 4, 3);
    const ls = fitLinear(e, X, t);
    const lsCoef = Float64Array.of(ls.intercept as number, ...ls.coef);
    const errAt = (T: number) => rel(coefs(distill(e, { scores: t, kind: 'logit' }, X, { temperature: T })), lsCoef);
    const e100 = errAt(100);
    const e1000 = errAt(1000);
    expect(e1000).toBeLessThan(1e-5);
    // the gap shrinks like 1/T^2
    expect(e1000).toBeLessThan(e100 / 50);
  });
});

describe('distill: forward selection', () => {
  /** Residual sum of squares of least squares of t on the columns (an independent fit). */
  const rss = (X: Matrix, t: Float64Array, cols: number[]): number => {
    const Xs = { rows: X.rows, cols: cols.length, data: new Float64Array(X.rows * cols.length) };
    for (let i = 0; i < X.rows; i++) cols.forEach((c, k) => (Xs.data[i * cols.length + k] = X.data[i * X.cols + c]));
    const m = fitLinear(e, Xs, t);
    const p = m.predict(Xs);
    let s = 0;
    for (let i = 0; i < X.rows; i++) s += (t[i] - p[i]) ** 2;
    return s;
  };

  it('each greedy step is the best single addition (brute force over the remaining columns)', () => {
    const { X, t } = problem(600, 7, 4);
    const r = distill(e, { scores: t, kind: 'logit' }, X, { student: { features: 4 } });
    expect(r.selection).toHaveLength(4);
    const chosen: number[] = [];
    let tss = 0;
    const tm = t.reduce((a, b) => a + b, 0) / t.length;
    for (const v of t) tss += (v - tm) ** 2;
    for (const step of r.selection!) {
      const scores = Array.from({ length: 7 }, (_, j) => (chosen.includes(j) ? Infinity : rss(X, t, [...chosen, j])));
      const best = scores.indexOf(Math.min(...scores));
      expect(step.columns).toEqual([best]);
      expect(step.rSquared).toBeCloseTo(1 - scores[best] / tss, 9);
      chosen.push(best);
    }
    expect(r.columns).toEqual([...chosen].sort((a, b) => a - b));
    // the student is refitted on exactly those columns
    const direct = distill(e, { scores: t, kind: 'logit' }, X, { student: { features: r.columns } });
    expect(coefs(direct)).toEqual(coefs(r));
  });

  it('groups enter whole, and are chosen by the same exact criterion', () => {
    const { X, t } = problem(600, 6, 5);
    const groups = [[0, 1], [2, 3]];
    const r = distill(e, { scores: t, kind: 'logit' }, X, { student: { features: 2, groups } });
    const cands = [[0, 1], [2, 3], [4], [5]];
    const first = cands.map((c) => rss(X, t, c));
    const g0 = first.indexOf(Math.min(...first));
    expect(r.selection![0].columns).toEqual(cands[g0]);
    const second = cands.map((c, i) => (i === g0 ? Infinity : rss(X, t, [...cands[g0], ...c])));
    expect(r.selection![1].columns).toEqual(cands[second.indexOf(Math.min(...second))]);
  });

  it('selects by name with featureNames and reports the kept names', () => {
    const { X, t } = problem(200, 4, 6);
    const names = ['a', 'b', 'c', 'd'];
    const r = distill(e, { scores: t, kind: 'logit' }, X, { featureNames: names, student: { features: ['d', 'b'] } });
    expect(r.columns).toEqual([3, 1]);
    expect(r.featureNames).toEqual(['d', 'b']);
    const Xs = r.studentInputs(X);
    expect(Xs.cols).toBe(2);
    expect(Xs.data[0]).toBe(X.data[3]);
  });
});

describe('distill: teachers, students, reports', () => {
  it('a model, a function and precomputed scores give the same student', () => {
    const { X } = problem(300, 4, 7);
    const teacher = teacherModel(4, 8);
    const fromModel = distill(e, teacher, X, { student: { features: 2 } });
    const fromFn = distill(e, (M) => teacher.predictProba(M), X, { student: { features: 2 } });
    const fromScores = distill(e, { scores: teacher.decisionFunction(X), kind: 'logit' }, X, { student: { features: 2 } });
    const fromProbs = distill(e, { scores: teacher.predictProba(X), kind: 'probability' }, X, { student: { features: 2 } });
    expect(fromModel.columns).toEqual(fromFn.columns);
    for (const r of [fromFn, fromScores, fromProbs]) expect(rel(coefs(r), coefs(fromModel))).toBeLessThan(1e-12);
    // a compressed teacher is scored by its logits too (logistic) or its values (linear)
    const c = compressModel(e, teacher, { quantize: { bits: 4 } });
    expect(coefs(distill(e, c, X))).toEqual(coefs(distill(e, { scores: c.decisionFunction(X), kind: 'logit' }, X)));
    const lin = compressModel(e, fitLinear(e, X, teacher.decisionFunction(X)), { quantize: { bits: 4 } });
    const fromLin = distill(e, lin, X);
    expect(fromLin.task).toBe('linear');
    expect(coefs(fromLin)).toEqual(coefs(distill(e, { scores: lin.predict(X), kind: 'value' }, X)));
  });

  it('a regression teacher gives least squares on alpha y + (1 - alpha) v', () => {
    const { X, t } = problem(300, 3, 9);
    const u = rng(10);
    const y = t.map((v) => v + u() - 0.5);
    const teacher = fitLinear(e, X, t);
    const r = distill(e, teacher, X, { y, alpha: 0.25 });
    expect(r.task).toBe('linear');
    expect(r.student).toBeInstanceOf(LinearModel);
    const v = teacher.predict(X);
    const ls = fitLinear(e, X, v.map((vi, i) => 0.25 * y[i] + 0.75 * vi));
    expect(rel(coefs(r), Float64Array.of(ls.intercept as number, ...ls.coef))).toBeLessThan(1e-12);
  });

  it('reports fidelity, agreement and AUC on held-out rows; bits compress the student', async () => {
    const { X, t, y } = problem(2000, 6, 11);
    const test = problem(1000, 6, 12);
    const r = distill(e, (M) => {
      const out = new Float64Array(M.rows);
      for (let i = 0; i < M.rows; i++) out[i] = sig(i < X.rows && M === X ? t[i] : test.t[i]);
      return out;
    }, X, { y, student: { features: 3, bits: 4 }, Xtest: test.X, ytest: test.y });
    expect(r.student).toBeInstanceOf(CompressedLinearModel);
    expect((r.student as CompressedLinearModel).bits).toBe(4);
    expect(r.bytes).toBe((r.student as CompressedLinearModel).bytes);
    expect(r.bytes).toBeLessThan(8 * 4);
    const rep = r.report!;
    expect(rep.rows).toBe(1000);
    // fidelity recomputed here from the two sets of logits
    const st = (r.student as CompressedLinearModel).decisionFunction(r.studentInputs(test.X));
    const tm = test.t.reduce((a, b) => a + b, 0) / test.t.length;
    let sse = 0;
    let sst = 0;
    for (let i = 0; i < st.length; i++) {
      sse += (test.t[i] - st[i]) ** 2;
      sst += (test.t[i] - tm) ** 2;
    }
    expect(rep.fidelity).toBeCloseTo(1 - sse / sst, 12);
    const sorted = Float64Array.from(test.t.map(sig)).sort();
    expect(rep.cutoff).toBeCloseTo((sorted[499] + sorted[500]) / 2, 15);
    expect(rep.agreement).toBeGreaterThan(0.8);
    expect(rep.teacherAuc).toBeGreaterThan(rep.studentAuc! - 0.05);
    // the student round-trips through .slim and scores identically
    const file = await encodeSlim({ kind: 'compressed-logistic', model: r.student as CompressedLinearModel }, { features: ['a', 'b', 'c'] });
    const back = await decodeSlim(file);
    if (back.kind !== 'compressed-logistic') throw new Error(back.kind);
    expect((back.model as CompressedLinearModel).decisionFunction(r.studentInputs(test.X))).toEqual(st);
    const f = await decodeSlim(await encodeSlim({ kind: 'logistic', model: r.floatStudent as LogisticModel }));
    if (f.kind !== 'logistic') throw new Error(f.kind);
    expect((f.model as LogisticModel).coef).toEqual(r.floatStudent.coef);
  });
});

describe('distill: bad input', () => {
  const { X, t, y } = problem(100, 4, 13);
  const s = { scores: t, kind: 'logit' as const };
  it('is refused with typed errors', () => {
    expectCode(() => distill(e, s, X, { y, alpha: 1.5 }), 'E_RANGE');
    expectCode(() => distill(e, s, X, { y, alpha: -0.1 }), 'E_RANGE');
    expectCode(() => distill(e, s, X, { alpha: 0.5 }), 'E_RANGE'); // alpha without labels
    expectCode(() => distill(e, s, X, { temperature: 0 }), 'E_RANGE');
    expectCode(() => distill(e, s, X, { temperature: -1 }), 'E_RANGE');
    expectCode(() => distill(e, { scores: t.subarray(1), kind: 'logit' }, X), 'E_SHAPE');
    expectCode(() => distill(e, () => new Float64Array(99), X), 'E_SHAPE');
    expectCode(() => distill(e, { scores: t.map(sig).map((v, i) => (i === 5 ? 1.2 : v)), kind: 'probability' }, X), 'E_RANGE');
    expectCode(() => distill(e, () => t, X), 'E_RANGE'); // logits given as probabilities
    expectCode(() => distill(e, { scores: t, kind: 'odds' as never }, X), 'E_RANGE');
    expectCode(() => distill(e, s, X, { student: { features: 5 } }), 'E_RANGE');
    expectCode(() => distill(e, s, X, { student: { features: 3, groups: [[0, 1], [2, 3]] } }), 'E_RANGE');
    expectCode(() => distill(e, s, X, { student: { features: [0, 7] } }), 'E_RANGE');
    expectCode(() => distill(e, s, X, { student: { features: ['a'] } }), 'E_RANGE');
    expectCode(() => distill(e, teacherModel(5, 1), X), 'E_SHAPE'); // transfer set with other columns
    expectCode(() => distill(e, teacherModel(4, 1), X, { Xtest: { rows: 2, cols: 3, data: new Float64Array(6) } }), 'E_SHAPE');
    expectCode(() => distill(e, s, X, { Xtest: X }), 'E_RANGE'); // precomputed teacher, no teacherTest
    expectCode(() => distill(e, s, X, { y: y.map((v) => v + 0.5) }), 'E_RANGE');
    expectCode(() => distill(e, s, X, { y: y.subarray(1) }), 'E_SHAPE');
    expectCode(() => distill(e, { scores: t, kind: 'value' }, X, { temperature: 2 }), 'E_RANGE');
    expectCode(() => distill(e, s, X, { student: { bits: 1 } }), 'E_RANGE');
    expectCode(() => distill(e, s, X, { studnt: {} } as never), 'E_RANGE');
  });
});
