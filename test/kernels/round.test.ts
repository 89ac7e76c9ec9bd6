import { describe, expect, it } from 'vitest';
import { roundHalfEven } from '../../src/kernels/js/round.js';
import { roundHalfEven as fromQuantParams } from '../../src/ops/quant-params.js';
import { rng } from '../helpers/harness.js';
import { roundHalfEvenOracle as oracle } from '../helpers/round-oracle.js';

// One roundHalfEven: quant-params re-exports the kernels' twin. Its results
// against an independent oracle (test/helpers/round-oracle.ts): ties to even,
// signed zeros kept (Object.is), large values, non-finite.

describe('roundHalfEven', () => {
  it('quant-params uses the same function', () => {
    expect(fromQuantParams).toBe(roundHalfEven);
  });

  it('ties, signed zeros, large values and non-finite values', () => {
    const cases = [
      0, -0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, -3.5, 0.49999999999999994, -0.49999999999999994, 0.5000000000000001, 1e-300, -1e-300,
      2 ** 51 - 0.5, 2 ** 51 + 0.5, 2 ** 51 + 1.5, -(2 ** 51 + 0.5), 2 ** 52 - 0.5, 2 ** 52 - 1.5, 2 ** 52, 2 ** 52 + 1, 2 ** 53 + 2, 1e300, -1e300,
      Number.MAX_VALUE, -Number.MAX_VALUE, Infinity, -Infinity, 4503599627370495.5, -4503599627370495.5, 2251799813685247.5,
    ];
    for (const v of cases) expect(Object.is(roundHalfEven(v), oracle(v)), `roundHalfEven(${v}) = ${roundHalfEven(v)}, expected ${oracle(v)}`).toBe(true);
    expect(Number.isNaN(roundHalfEven(NaN))).toBe(true);
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2]);
  });

  it('random values at every scale and exact half-integers', () => {
    const r = rng(42);
    const bad: number[] = [];
    for (let i = 0; i < 100000; i++) {
      const e = Math.floor(r() * 60) - 5;
      const v = (r() * 2 - 1) * 2 ** e;
      const t = Math.floor(r() * 2 ** 20) - 2 ** 19 + 0.5;
      for (const x of [v, t, Math.fround(v)]) if (!Object.is(roundHalfEven(x), oracle(x))) bad.push(x);
    }
    expect(bad).toEqual([]);
  });
});
