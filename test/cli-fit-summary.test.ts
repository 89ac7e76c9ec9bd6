/**
 * The statistics `slimfit fit` prints: p-values (Student's t and normal,
 * against scipy 1.17 `2 * t.sf` / `2 * norm.sf`), KS, separating columns,
 * the degenerate-fit warning, and the one-format change column.
 */
import { describe, expect, it } from 'vitest';
import { signedColumn, textTable } from '../src/cli/context.js';
import { logGamma, normalTwoSided, regularizedBeta, studentTTwoSided } from '../src/cli/distributions.js';
import { degenerateFitWarnings, formatPValue, ksStatistic, separatingColumns, separationAdvice } from '../src/cli/fit-summary.js';
import { fitLogistic } from '../src/fit/logistic.js';
import { init } from '../src/index.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('p-values', () => {
  // [t, dof, scipy 2 * t.sf(t, dof)]
  const T: [number, number, number][] = [
    [0.5, 3, 0.651447964848151],
    [2.0, 10, 0.07338803477074037],
    [2.2281388519649385, 10, 0.05000000000180864],
    [5, 2.5, 0.02345118997086185],
    [12, 40, 7.82417130425598e-15],
    [40, 100, 2.462107602140071e-63],
    [0.01, 1, 0.993634014470186],
    [3.5, 7.3, 0.009343138528485555],
    [25, 5, 1.910677784395424e-6],
  ];
  it.each(T)('Student t = %d, dof %d', (t, dof, p) => {
    expect(rel(studentTTwoSided(t, dof), p)).toBeLessThan(1e-12);
    expect(studentTTwoSided(-t, dof)).toBe(studentTTwoSided(t, dof));
  });
  it('Student t with a million degrees of freedom (log-gamma differences cancel: ~1e-8)', () => {
    expect(rel(studentTTwoSided(1.96, 1e6), 0.04999606758526985)).toBeLessThan(1e-7);
  });
  // [z, scipy 2 * norm.sf(z)]
  const Z: [number, number][] = [
    [0, 1],
    [0.5, 0.6170750774519738],
    [1.96, 0.04999579029644087],
    [3, 0.0026997960632601866],
    [5, 5.733031437583866e-7],
    [8, 1.244192114854348e-15],
    [12, 3.552964224155306e-33],
    [20, 5.507248237212311e-89],
    [37, 1.1451142445047853e-299],
  ];
  it.each(Z)('normal z = %d', (z, p) => {
    expect(rel(normalTwoSided(z), p)).toBeLessThan(1e-12);
  });
  it('edge cases: no degrees of freedom, infinite or NaN statistics', () => {
    expect(studentTTwoSided(2, 0)).toBeNaN();
    expect(studentTTwoSided(NaN, 5)).toBeNaN();
    expect(studentTTwoSided(Infinity, 5)).toBe(0);
    expect(normalTwoSided(-Infinity)).toBe(0);
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
    // I_x(1, 1) = x; I_x(a, b) = 1 - I_{1-x}(b, a)
    expect(regularizedBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
    expect(regularizedBeta(0.3, 2.5, 4) + regularizedBeta(0.7, 4, 2.5)).toBeCloseTo(1, 14);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
  });
  it('formats as statisticians read them', () => {
    expect([0.5, 0.00123, 4.2e-7, 1e-20, NaN].map(formatPValue)).toEqual(['0.5000', '0.0012', '4.2e-7', '<2e-16', '']);
  });
});

describe('rank statistics and separation', () => {
  it('KS is the largest gap between the classes\' score CDFs, ties stepped together', () => {
    expect(ksStatistic([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(ksStatistic([1, 2, 3, 4], [0, 1, 0, 1])).toBe(0.5);
    // a tie across the classes is one step: never split, so this is 0, not 1
    expect(ksStatistic([1, 1], [0, 1])).toBe(0);
    expect(ksStatistic([3, 1, 2, 5, 4, 0], [1, 0, 0, 1, 1, 0])).toBe(1);
    expect(ksStatistic([1, 2], [1, 1])).toBeNaN();
  });
  it('names the columns that alone separate the classes (quasi-complete too)', () => {
    const X = { rows: 4, cols: 3, data: Float64Array.from([0, 5, 1, 1, 3, 2, 1, 4, 3, 2, 1, 4]) };
    const y = Float64Array.of(0, 0, 1, 1);
    // column a: 0,1 | 1,2 (touching at 1: quasi-complete); b: 5,3 | 4,1 (mixed); c: 1,2 | 3,4
    expect(separatingColumns(X, y, ['a', 'b', 'c'])).toEqual(['a', 'c']);
    expect(separationAdvice(['a'], 40)).toMatch(/^'a' alone separates the classes: drop it \(--exclude a\), or add a ridge .*--ridge 1 /);
    expect(separationAdvice([], 20000)).toMatch(/--ridge 200 /);
  });
  it('warns on a fit held finite only by a tiny ridge, not on a sound one', async () => {
    const engine = await init();
    const n = 60;
    const x = Float64Array.from({ length: n }, (_, i) => i - n / 2 + 0.5);
    const z = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    const data = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) [data[2 * i], data[2 * i + 1]] = [x[i], z[i]];
    const X = { rows: n, cols: 2, data };
    const separated = Float64Array.from(x, (v) => (v > 0 ? 1 : 0));
    const tiny = fitLogistic(engine, X, separated, { ridge: 1e-3 });
    const w = degenerateFitWarnings(tiny, X, separated, ['x', 'z']);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^degenerate fit: .*the coefficients are set by the ridge.*'x' alone separates the classes: drop it \(--exclude x\)/);
    const noisy = Float64Array.from(x, (v, i) => (v + 8 * Math.sin(7 * i) > 0 ? 1 : 0));
    expect(degenerateFitWarnings(fitLogistic(engine, X, noisy), X, noisy, ['x', 'z'])).toEqual([]);
  });
});

describe('table text', () => {
  it('a change column in one format: two significant digits of the smallest value, exponents only below 1e-7', () => {
    expect(signedColumn([NaN, -6.03e-4, -0.0646, 0, 1.5])).toEqual(['', '-0.00060', '-0.06460', '0', '+1.50000']);
    expect(signedColumn([-0.0123, 0.2])).toEqual(['-0.0123', '+0.2000']);
    expect(signedColumn([3e-9, -0.5])).toEqual(['+3.00e-9', '-5.00e-1']);
  });
  it('textTable takes more rows than a spread of arguments would', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [`t${i}`, String(i)]);
    const t = textTable(['name', 'n'], rows);
    expect(t.split('\n')).toHaveLength(200_002);
    expect(t.split('\n')[2]).toBe(`${'t0'.padEnd('t199999'.length)}  ${'0'.padStart('199999'.length)}`);
  });
});
