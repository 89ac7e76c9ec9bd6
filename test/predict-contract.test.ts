/**
 * One predict contract on every model kind: predict gives values (linear) or
 * 0/1 labels at P >= 0.5 (logistic), predictProba P(y = 1) and
 * decisionFunction the logits (logistic only); a float model, its compressed
 * version and both read back from .slim answer through the same methods
 * with the same meaning.
 */
import { describe, expect, it } from 'vitest';
import type { CompressedLinearModel, LinearModel, LogisticModel } from '../src/index.js';
import { decodeSlim, encodeSlim } from '../src/io/index.js';
import { normal, rng } from '../src/random.js';
import { engine, expectCode } from './helpers/engines.js';

const e = await engine('wasm');
const z = normal(rng(21));
const n = 400;
const d = 6;
const X = { rows: n, cols: d, data: Float64Array.from({ length: n * d }, () => z()) };
const beta = [1.5, -2, 0.75, 0, 3, -1];
const eta = (i: number) => 0.3 + beta.reduce((s, b, j) => s + b * X.data[i * d + j], 0);
const yLin = Float64Array.from({ length: n }, (_, i) => eta(i) + 0.1 * z());
// well separated: labels follow the sign of the linear predictor, with a little noise near 0
const yLog = Float64Array.from({ length: n }, (_, i) => (eta(i) + 0.5 * z() > 0 ? 1 : 0));
const linear: LinearModel = e.fitLinear(X, yLin);
const logistic: LogisticModel = e.fitLogistic(X, yLog, { ridge: 1e-3 });

/** |x_i . (w' - w)| <= scale/2 * sum_j |x_ij|: every 8-bit code is within half a step of its weight (one group per row). */
function roundingBound(c: CompressedLinearModel, i: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += Math.abs(X.data[i * d + j]);
  return (c.scale![0] / 2) * s * (1 + 1e-12);
}

async function viaSlim(c: CompressedLinearModel): Promise<CompressedLinearModel> {
  const back = await decodeSlim(await encodeSlim({ kind: c.task === 'logistic' ? 'compressed-logistic' : 'compressed-linear', model: c }));
  if (back.kind !== 'compressed-linear' && back.kind !== 'compressed-logistic') throw new Error(back.kind);
  return back.model;
}

describe('predict contract', () => {
  it('linear: predict gives values on the float, compressed and decoded models; no probabilities', async () => {
    const ref = linear.predict(X);
    const plain = e.compressModel(linear);
    expect(plain.task).toBe('linear');
    for (const c of [plain, await viaSlim(plain)]) {
      expect(c.predict(X)).toEqual(ref);
      expectCode(() => c.predictProba(X), 'E_RANGE');
      expectCode(() => c.decisionFunction(X), 'E_RANGE');
    }
    const q8 = e.compressModel(linear, { quantize: { bits: 8 } });
    const back = await viaSlim(q8);
    expect(back.predict(X)).toEqual(q8.predict(X));
    const out = q8.predict(X);
    for (let i = 0; i < n; i++) expect(Math.abs(out[i] - ref[i])).toBeLessThanOrEqual(roundingBound(q8, i));
  });

  it('logistic: predict gives 0/1 labels, predictProba P(y = 1), decisionFunction logits, on every kind alike', async () => {
    const labels = logistic.predict(X);
    const proba = logistic.predictProba(X);
    const logits = logistic.decisionFunction(X);
    expect(labels).toBeInstanceOf(Float64Array);
    expect(new Set(labels)).toEqual(new Set([0, 1]));
    for (let i = 0; i < n; i++) expect(labels[i]).toBe(proba[i] >= 0.5 ? 1 : 0);

    const plain = e.compressModel(logistic);
    expect(plain.task).toBe('logistic');
    for (const c of [plain, await viaSlim(plain)]) {
      expect(c.task).toBe('logistic');
      expect(c.predict(X)).toEqual(labels);
      expect(c.predictProba(X)).toEqual(proba);
      expect(c.decisionFunction(X)).toEqual(logits);
      expect(c.predict(X, 0.9)).toEqual(logistic.predict(X, 0.9));
    }

    for (const c of [e.compressModel(logistic, { quantize: { bits: 8 } }), await viaSlim(e.compressModel(logistic, { quantize: { bits: 8 } }))]) {
      const p = c.predictProba(X);
      const lab = c.predict(X);
      const t = c.decisionFunction(X);
      for (let i = 0; i < n; i++) {
        const bound = roundingBound(c, i);
        expect(Math.abs(t[i] - logits[i])).toBeLessThanOrEqual(bound);
        // the sigmoid's slope is at most 1/4
        expect(Math.abs(p[i] - proba[i])).toBeLessThanOrEqual(bound / 4 + 1e-15);
        expect(lab[i]).toBe(p[i] >= 0.5 ? 1 : 0);
        // a label can differ from the float model's only where the float logit is within the bound of 0
        if (Math.abs(logits[i]) > bound) expect(lab[i]).toBe(labels[i]);
      }
    }
  });

  it('a file kind must match the model it holds', async () => {
    await expect(encodeSlim({ kind: 'compressed-linear', model: e.compressModel(logistic) })).rejects.toMatchObject({ code: 'E_SHAPE' });
    await expect(encodeSlim({ kind: 'compressed-logistic', model: e.compressModel(linear) })).rejects.toMatchObject({ code: 'E_SHAPE' });
  });
});
