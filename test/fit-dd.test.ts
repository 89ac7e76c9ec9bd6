/**
 * Double-double building blocks, checked against exact BigInt arithmetic:
 * twoSum/twoProd are error-free, polynomialDesign's powers are within 1e-30,
 * the DD Cholesky inverts a Hilbert matrix (cond 1.5e10) to ~1e-20.
 */
import { describe, expect, it } from 'vitest';
import { ddAdd, ddDiv, ddMul, ddSqrt, lo, twoProd, twoSum } from '../src/fit/dd.js';
import { ddCholesky, ddInverse } from '../src/fit/ddchol.js';
import { polynomialDesign } from '../src/fit/design.js';
import { rng } from './helpers/harness.js';

/** x = m * 2^e exactly (m an integer BigInt). */
function exact(x: number): { m: bigint; e: number } {
  if (x === 0) return { m: 0n, e: 0 };
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, x);
  const bits = b.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const ex = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  return ex === 0 ? { m: sign * frac, e: -1074 } : { m: sign * (frac | (1n << 52n)), e: ex - 1075 };
}

/** Sum of exact terms as m * 2^e with the smallest exponent. */
function sum(...t: { m: bigint; e: number }[]): { m: bigint; e: number } {
  const e = Math.min(...t.map((v) => v.e));
  return { m: t.reduce((a, v) => a + (v.m << BigInt(v.e - e)), 0n), e };
}

function mul(a: { m: bigint; e: number }, b: { m: bigint; e: number }) {
  return { m: a.m * b.m, e: a.e + b.e };
}

function eq(a: { m: bigint; e: number }, b: { m: bigint; e: number }): boolean {
  const d = sum(a, { m: -b.m, e: b.e });
  return d.m === 0n;
}

/** |a - b| / |b| as a float (both exact). */
function relErr(a: { m: bigint; e: number }, b: { m: bigint; e: number }): number {
  const d = sum(a, { m: -b.m, e: b.e });
  const bb = sum(b, { m: 0n, e: d.e });
  if (d.m === 0n) return 0;
  const q = (d.m < 0n ? -d.m : d.m) * 10n ** 40n / (bb.m < 0n ? -bb.m : bb.m);
  return Number(q) / 1e40;
}

describe('double-double primitives', () => {
  const r = rng(7);
  const rand = () => (r() - 0.5) * 2 ** Math.floor(r() * 80 - 40);

  it('twoSum and twoProd are error-free', () => {
    for (let i = 0; i < 2000; i++) {
      const a = rand();
      const b = rand();
      const s = twoSum(a, b);
      expect(eq(sum(exact(s), exact(lo())), sum(exact(a), exact(b)))).toBe(true);
      const p = twoProd(a, b);
      expect(eq(sum(exact(p), exact(lo())), mul(exact(a), exact(b)))).toBe(true);
    }
  });

  it('ddAdd / ddMul / ddDiv / ddSqrt are accurate to ~1e-31', () => {
    for (let i = 0; i < 500; i++) {
      const ah = rand();
      const al = ah * 2 ** -54 * (r() - 0.5);
      const bh = rand();
      const bl = bh * 2 ** -54 * (r() - 0.5);
      const A = sum(exact(ah), exact(al));
      const B = sum(exact(bh), exact(bl));
      let h = ddAdd(ah, al, bh, bl);
      const S = sum(A, B);
      if (S.m !== 0n) expect(relErr(sum(exact(h), exact(lo())), S)).toBeLessThan(1e-30 * (Math.abs(ah) + Math.abs(bh)) / Math.max(1e-300, Math.abs(ah + bh)));
      h = ddMul(ah, al, bh, bl);
      expect(relErr(sum(exact(h), exact(lo())), mul(A, B))).toBeLessThan(1e-31);
      h = ddDiv(ah, al, bh, bl);
      expect(relErr(mul(sum(exact(h), exact(lo())), B), A)).toBeLessThan(1e-31);
      const ps = Math.abs(ah);
      h = ddSqrt(ps, Math.sign(ah) * al);
      const root = sum(exact(h), exact(lo()));
      expect(relErr(mul(root, root), sum(exact(ps), exact(Math.sign(ah) * al)))).toBeLessThan(1e-31);
    }
  });

  it('polynomialDesign carries x^k to within 1e-30', () => {
    const xs = [1.1, -6.860120914, 3.0000000001, -0.7, 123.456];
    const P = polynomialDesign(xs, 10);
    expect(P.cols).toBe(10);
    for (let i = 0; i < xs.length; i++) {
      let pw = { m: 1n, e: 0 };
      for (let k = 0; k < 10; k++) {
        pw = mul(pw, exact(xs[i]));
        const got = sum(exact(P.data[i * 10 + k]), exact(P.lo![i * 10 + k]));
        expect(relErr(got, pw)).toBeLessThan(1e-30);
      }
    }
  });

  it('DD Cholesky inverts the 8x8 Hilbert matrix (cond 1.5e10) to ~1e-20', () => {
    const d = 8;
    // H_ij = 1/(i+j+1) in DD
    const hi = new Float64Array(d * d);
    const lw = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        hi[i * d + j] = ddDiv(1, 0, i + j + 1, 0);
        lw[i * d + j] = lo();
      }
    }
    const ch = ddCholesky({ hi, lo: lw }, d);
    expect(ch.ok).toBe(true);
    if (!ch.ok) return;
    const inv = ddInverse(ch.L, d);
    // exact inverse: (-1)^(i+j) (i+j+1) C(n+i, n-j-1) C(n+j, n-i-1) C(i+j, i)^2
    const C = (n: number, k: number): number => {
      let t = 1;
      for (let q = 1; q <= k; q++) t = (t * (n - k + q)) / q;
      return t;
    };
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        const e = (-1) ** (i + j) * (i + j + 1) * C(d + i, d - j - 1) * C(d + j, d - i - 1) * C(i + j, i) ** 2;
        const got = inv.hi[i * d + j] + inv.lo[i * d + j];
        expect(Math.abs(got - e) / Math.abs(e)).toBeLessThan(1e-15); // float64 rounding of the DD result
        expect(Math.abs(inv.hi[i * d + j] - e + inv.lo[i * d + j]) / Math.abs(e)).toBeLessThan(1e-18);
      }
    }
    expect(ddCholesky({ hi: Float64Array.of(1, 2, 2, 4), lo: new Float64Array(4) }, 2).ok).toBe(false);
  });
});
