/**
 * Invariants over generated inputs (fast-check, fixed seed, bounded runs):
 * quantize/dequantize error within scale/2, re-quantizing is the identity,
 * pruning keeps exactly the requested count (and N:M pattern) and the largest
 * magnitudes, least-squares residuals are orthogonal to the columns on both
 * engines, code packing round-trips, and an 8-bit compressed model keeps each
 * coefficient within half a step and predicts with them (to float32 precision). Kernels run on both
 * engines.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compressModel } from '../src/core.js';
import type { Engine } from '../src/index.js';
import { packCodes, quantRange, unpackCodes } from '../src/codes.js';
import { ENGINE_BACKENDS, engine } from './helpers/engines.js';

const SEED = 20260417;
const runs = (numRuns: number) => ({ seed: SEED, numRuns });

/** Float32 weights, finite, with a spread of magnitudes (and exact zeros). */
const weights = (minLength: number, maxLength: number) =>
  fc.float32Array({ min: -1e4, max: 1e4, noNaN: true, noDefaultInfinity: true, minLength, maxLength });

const schemes = fc.constantFrom('symmetric' as const, 'affine' as const);
const bitsArb = fc.integer({ min: 2, max: 8 });

let engines: Record<(typeof ENGINE_BACKENDS)[number], Engine>;
beforeAll(async () => {
  engines = { wasm: await engine('wasm'), js: await engine('js') };
});

describe('quantize / dequantize', () => {
  it('every value comes back within scale/2 of itself (per group), at every width, both schemes, tensor and block scales, both engines', () => {
    fc.assert(
      fc.property(weights(1, 70), bitsArb, schemes, fc.boolean(), fc.constantFrom(...ENGINE_BACKENDS), (w, bits, scheme, blocked, backend) => {
        const e = engines[backend];
        const block = blocked ? [1, 2, 3, 5, 7].filter((b) => w.length % b === 0).pop()! : w.length;
        const granularity = block === w.length ? ('tensor' as const) : { block };
        const q = e.quantize(w, { bits, scheme, granularity });
        const dq = e.dequantize(q);
        for (let i = 0; i < w.length; i++) {
          const s = q.scale[Math.floor(i / block)];
          // s/2 from rounding, plus float32 rounding of x / s and of (q - z) * s
          expect(Math.abs(dq[i] - w[i])).toBeLessThanOrEqual(s / 2 + 2 ** -22 * (Math.abs(w[i]) + s));
        }
      }),
      runs(300),
    );
  });

  it('re-quantizing dequantized values with the same scales gives the same codes (idempotence)', () => {
    fc.assert(
      fc.property(weights(1, 50), bitsArb, schemes, fc.constantFrom(...ENGINE_BACKENDS), (w, bits, scheme, backend) => {
        const e = engines[backend];
        const q = e.quantize(w, { bits, scheme });
        const again = e.quantize(e.dequantize(q), { bits, scheme, scale: q.scale[0], ...(q.zeroPoint ? { zeroPoint: q.zeroPoint[0] } : {}) });
        expect(again.data).toEqual(q.data);
      }),
      runs(200),
    );
  });

  it('packCodes / unpackCodes round-trip every in-range code at every width', () => {
    fc.assert(
      fc.property(bitsArb, schemes, fc.integer({ min: 1, max: 40 }), fc.infiniteStream(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })), (bits, scheme, n, u) => {
        const { qmin, qmax } = quantRange(bits, scheme);
        const it = u[Symbol.iterator]();
        const codes = Int32Array.from({ length: n }, () => qmin + Math.floor(it.next().value * (qmax - qmin + 1)));
        expect(unpackCodes(packCodes(codes, bits, scheme), n, bits, scheme)).toEqual(codes);
      }),
      runs(300),
    );
  });
});

describe('prune', () => {
  it('{ sparsity } keeps exactly n - round(sparsity * n) weights, and every kept |w| >= every removed |w|', () => {
    fc.assert(
      fc.property(weights(1, 80), fc.double({ min: 0, max: 0.99, noNaN: true }), fc.constantFrom(...ENGINE_BACKENDS), (w, sparsity, backend) => {
        const t = engines[backend].prune(w, { sparsity });
        const dense = t.toDense();
        const want = w.length - Math.min(w.length, Math.round(sparsity * w.length));
        expect(t.kept).toBe(want);
        let minKept = Infinity;
        let maxRemoved = -Infinity;
        for (let i = 0; i < w.length; i++) {
          const kept = (t.mask[i >> 3] >> (i & 7)) & 1;
          if (kept) {
            expect(dense[i]).toBe(w[i]);
            minKept = Math.min(minKept, Math.abs(w[i]));
          } else {
            expect(dense[i]).toBe(0);
            maxRemoved = Math.max(maxRemoved, Math.abs(w[i]));
          }
        }
        expect(minKept).toBeGreaterThanOrEqual(maxRemoved);
      }),
      runs(200),
    );
  });

  it('{ nm: [n, m] } keeps min(n, run length) of every run of m, the largest |w| of the run', () => {
    const nm = fc.integer({ min: 1, max: 8 }).chain((m) => fc.tuple(fc.integer({ min: 1, max: m }), fc.constant(m)));
    fc.assert(
      fc.property(weights(1, 64), nm, fc.constantFrom(...ENGINE_BACKENDS), (w, [n, m], backend) => {
        const t = engines[backend].prune(w, { nm: [n, m] });
        for (let r0 = 0; r0 < w.length; r0 += m) {
          const run = Array.from({ length: Math.min(m, w.length - r0) }, (_, k) => r0 + k);
          const kept = run.filter((i) => (t.mask[i >> 3] >> (i & 7)) & 1);
          expect(kept.length).toBe(Math.min(n, run.length));
          const removed = run.filter((i) => !kept.includes(i));
          for (const k of kept) for (const r of removed) expect(Math.abs(w[k])).toBeGreaterThanOrEqual(Math.abs(w[r]));
        }
      }),
      runs(200),
    );
  });
});

describe('fitLinear', () => {
  /** n x d design with random columns and y = X b + noise; well conditioned (cond < ~1e3). */
  const problem = fc
    .record({ n: fc.integer({ min: 8, max: 60 }), d: fc.integer({ min: 1, max: 5 }), seed: fc.integer({ min: 1, max: 2 ** 30 }) })
    .map(({ n, d, seed }) => {
      let s = seed;
      const u = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
      const X = Array.from({ length: n }, () => Array.from({ length: d }, () => u() * 10));
      const b = Array.from({ length: d }, () => u() * 3);
      const y = X.map((row) => row.reduce((a, x, j) => a + x * b[j], 0) + 5 + u());
      return { X, y, n, d };
    });

  it('residuals are orthogonal to every column (and sum to 0 with an intercept), and the engines agree', () => {
    fc.assert(
      fc.property(problem, fc.boolean(), ({ X, y, n, d }, intercept) => {
        const fits = ENGINE_BACKENDS.map((b) => engines[b].fitLinear(X, y, { intercept }));
        for (const m of fits) {
          const pred = m.predict(X);
          const r = y.map((v, i) => v - pred[i]);
          const scale = Math.sqrt(r.reduce((a, v) => a + v * v, 0) + 1e-300) * Math.sqrt(n) * 10;
          for (let j = 0; j < d; j++) expect(Math.abs(X.reduce((a, row, i) => a + row[j] * r[i], 0))).toBeLessThanOrEqual(1e-9 * scale);
          if (intercept) expect(Math.abs(r.reduce((a, v) => a + v, 0))).toBeLessThanOrEqual(1e-9 * scale);
        }
        const [a, b] = fits;
        for (let j = 0; j < d; j++) expect(Math.abs(a.coef[j] - b.coef[j])).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(a.coef[j])));
      }),
      runs(60),
    );
  });
});

describe('compressModel', () => {
  it('an 8-bit model keeps every coefficient within s/2 (s = max |coef| / 127) and predicts with those coefficients', () => {
    const arb = fc.record({
      coef: fc.float64Array({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true, minLength: 1, maxLength: 12 }),
      intercept: fc.double({ min: -10, max: 10, noNaN: true }),
      xs: fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 12, maxLength: 12 }),
    });
    fc.assert(
      fc.property(arb, fc.constantFrom(...ENGINE_BACKENDS), ({ coef, intercept, xs }, backend) => {
        const d = coef.length;
        const c = compressModel(engines[backend], { d, outputs: 1, coef, intercept, fitIntercept: true }, { quantize: { bits: 8 } });
        const maxAbs = coef.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
        const s = maxAbs === 0 ? 1 : Math.max(Math.fround(maxAbs / 127), 2 ** -126); // scales are normal float32
        const eff = c.coefficients();
        // s/2 from rounding, plus float32 rounding of w / s and of q * s
        for (let j = 0; j < d; j++) expect(Math.abs(eff[j] - coef[j])).toBeLessThanOrEqual(s / 2 + 2 ** -22 * (Math.abs(coef[j]) + s));
        const x = xs.slice(0, d);
        const viaCoefs = intercept + x.reduce((a, v, j) => a + v * eff[j], 0);
        const size = Math.abs(intercept) + x.reduce((a, v, j) => a + Math.abs(v * eff[j]), 0);
        // coefficients() rounds each code * scale to float32; predict may keep it in float64
        expect(Math.abs(c.predict([x])[0] - viaCoefs)).toBeLessThanOrEqual(2 ** -23 * size + 1e-12);
      }),
      runs(200),
    );
  });
});
