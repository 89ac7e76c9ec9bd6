/**
 * Fits refuse at once what they cannot hold: the estimate (src/fit/memory.ts)
 * is checked before anything large is allocated, and the E_MEMORY message
 * names the bytes and the way out.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fitLinear } from '../src/fit/linear.js';
import { fitLogistic } from '../src/fit/logistic.js';
import { linearAccumulator } from '../src/fit/accumulator.js';
import { accumulatorBytes, DEFAULT_MAX_MEMORY_BYTES, dualBytes, primalBytes } from '../src/fit/memory.js';
import { init } from '../src/engine/init.js';
import type { Engine } from '../src/engine/engine.js';
import { isSlimfitError, type SlimfitError } from '../src/errors.js';
import { rng } from './helpers/harness.js';

function errorOf(fn: () => unknown): SlimfitError {
  try {
    fn();
  } catch (e) {
    if (isSlimfitError(e)) return e;
    throw e;
  }
  throw new Error('expected a SlimfitError, nothing was thrown');
}

function design(n: number, d: number, seed = 1) {
  const r = rng(seed);
  const data = new Float64Array(n * d);
  for (let t = 0; t < data.length; t++) data[t] = r() * 2 - 1;
  const y = Float64Array.from({ length: n }, () => r());
  return { X: { rows: n, cols: d, data }, y };
}

let engine: Engine;
beforeAll(async () => {
  engine = await init({ backend: 'wasm' });
});

describe('memory estimates refuse infeasible fits at once', () => {
  it('d = 200,000 without ridge: E_MEMORY in well under a second, before linear memory grows', () => {
    const { X, y } = design(5, 200_000);
    const before = engine.arena.memoryBytes;
    const t0 = performance.now();
    const e = errorOf(() => fitLinear(engine, X, y));
    const ms = performance.now() - t0;
    expect(e.code).toBe('E_MEMORY');
    expect(ms).toBeLessThan(1000);
    expect(engine.arena.memoryBytes).toBe(before);
    // names the estimate and both ways out: a ridge (the dual) and its size
    expect(e.message).toMatch(/needs ~\d+(\.\d)? (GiB|TiB)/);
    expect(e.message).toContain('pass ridge > 0');
    expect(e.message).toContain('5 x 5 dual');
    expect((e.details as { bytes: number }).bytes).toBe(primalBytes(200_000, 1, true, 'fast'));
  });

  it('fitLogistic: d = 200,000 is refused at once, before linear memory grows; a small limit refuses a small fit', () => {
    const { X } = design(4, 200_000);
    const y = [0, 1, 0, 1];
    const before = engine.arena.memoryBytes;
    const t0 = performance.now();
    const e = errorOf(() => fitLogistic(engine, X, y, { ridge: 1 }));
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(e.code).toBe('E_MEMORY');
    expect(engine.arena.memoryBytes).toBe(before);
    expect(e.message).toMatch(/logistic fit of 200000 columns .* needs ~\d+(\.\d)? (GiB|TiB)/);
    expect((e.details as { bytes: number }).bytes).toBe(primalBytes(200_000, 1, true, 'fast'));
    const small = design(50, 3, 2);
    const ys = Array.from({ length: 50 }, (_, i) => i % 2);
    expect(errorOf(() => fitLogistic(engine, small.X, ys, { maxMemoryBytes: 100 })).code).toBe('E_MEMORY');
    expect(fitLogistic(engine, small.X, ys, { maxMemoryBytes: primalBytes(3, 1, true, 'fast') }).coef).toHaveLength(3);
    expect(errorOf(() => fitLogistic(engine, small.X, ys, { maxMemoryBytes: -1 })).code).toBe('E_RANGE');
  });

  it('the same design with ridge > 0 is solved by the dual, in memory far below the primal', () => {
    const { X, y } = design(5, 200_000);
    const t0 = performance.now();
    const m = fitLinear(engine, X, y, { ridge: 1 });
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(m.stats.method).toBe('dual-cholesky');
    expect(dualBytes(5, 200_000, 1)).toBeLessThan(64 * 2 ** 20);
  });

  it('maxMemoryBytes lowers the limit: a tall fit is refused, naming how many columns fit', () => {
    const { X, y } = design(400, 200);
    const need = primalBytes(200, 1, true, 'fast');
    const e = errorOf(() => fitLinear(engine, X, y, { maxMemoryBytes: need - 1 }));
    expect(e.code).toBe('E_MEMORY');
    expect(e.message).toContain(`maxMemoryBytes = ${need - 1}`);
    const most = Number(/at most ~(\d+) columns/.exec(e.message)?.[1]);
    expect(most).toBeGreaterThan(100);
    expect(most).toBeLessThan(200);
    expect(primalBytes(most, 1, true, 'fast')).toBeLessThanOrEqual(need - 1);
    // exactly at the estimate it runs
    expect(fitLinear(engine, X, y, { maxMemoryBytes: need }).coef.length).toBe(200);
  });

  it('the dual is checked too, and the accurate primal of a wide ridge fit names the dual as the way out', () => {
    const { X, y } = design(50, 2000);
    const e = errorOf(() => fitLinear(engine, X, y, { ridge: 1, maxMemoryBytes: dualBytes(50, 2000, 1) - 1 }));
    expect(e.code).toBe('E_MEMORY');
    expect(e.message).toContain('dual');
    const a = errorOf(() => fitLinear(engine, X, y, { ridge: 1, accuracy: 'accurate', maxMemoryBytes: 2 ** 24 }));
    expect(a.code).toBe('E_MEMORY');
    expect(a.message).toContain("accuracy 'auto' or 'fast' solves the 50 x 50 dual");
  });

  it('maxMemoryBytes is checked (a positive number)', () => {
    const { X, y } = design(10, 2);
    for (const bad of [0, -1, NaN, Infinity]) expect(errorOf(() => fitLinear(engine, X, y, { maxMemoryBytes: bad })).code).toBe('E_RANGE');
  });

  it('linearAccumulator: the co-moments at creation, the solve at fit()', () => {
    const t0 = performance.now();
    // d = 10,000: 800 MB co-moment matrices pass the 1 GiB block check, but with the fit's solve not the 4 GiB estimate
    const e = errorOf(() => linearAccumulator(engine, 10_000));
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(e.code).toBe('E_MEMORY');
    expect(e.message).toContain('fitLinear');
    expect(DEFAULT_MAX_MEMORY_BYTES).toBe(2 ** 32);
    const { X, y } = design(300, 60);
    const need = accumulatorBytes(60, 1) + primalBytes(60, 1, true, 'fast');
    expect(errorOf(() => linearAccumulator(engine, 60, { maxMemoryBytes: need - 1 })).code).toBe('E_MEMORY');
    // creation counted the larger (intercept) system, so any fit of it passes its own check
    const acc = linearAccumulator(engine, 60, { maxMemoryBytes: need, intercept: false }).add(X, y);
    expect(acc.fit().coef.length).toBe(60);
    expect(linearAccumulator(engine, 60).add(X, y).fit().coef.length).toBe(60);
  });
});
