/**
 * `slimfit fit` on a wide CSV (30 rows x 10,000 columns): with --ridge it
 * finishes in seconds by the n x n dual, with the coefficients fitLinear gives
 * on the same rows (whatever the chunking: rows held across chunks); without
 * a ridge it is refused with E_MEMORY at once, saying what would work.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init } from '../src/engine/init.js';
import { fitLinear } from '../src/fit/linear.js';
import { decodeSlim } from '../src/io/slim.js';
import { rng } from '../src/random.js';
import { runMain } from './helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'slimfit-fit-wide-'));
const N = 30;
const D = 10_000;
const csv = join(dir, 'wide.csv');
let X: Float64Array;
let y: Float64Array;

beforeAll(() => {
  const r = rng(11);
  X = new Float64Array(N * D);
  y = new Float64Array(N);
  const lines = [[...Array.from({ length: D }, (_, j) => `x${j}`), 'y'].join(',')];
  for (let i = 0; i < N; i++) {
    const row: string[] = [];
    let t = 0.5;
    for (let j = 0; j < D; j++) {
      const v = +(r() * 2 - 1).toFixed(3);
      X[i * D + j] = v;
      if (j < 10) t += v;
      row.push(String(v));
    }
    y[i] = +(t + 0.1 * r()).toFixed(4);
    lines.push([...row, String(y[i])].join(','));
  }
  writeFileSync(csv, `${lines.join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('slimfit fit on 30 rows x 10,000 columns', () => {
  it('--ridge 1 fits the dual in seconds, the same model as fitLinear, across chunks', async () => {
    const ref = fitLinear(await init({ backend: 'wasm' }), { rows: N, cols: D, data: X }, y, { ridge: 1 });
    for (const chunk of ['65536', '7']) {
      const out = join(dir, `m${chunk}.slim`);
      const t0 = performance.now();
      const r = await runMain(['fit', csv, '-t', 'y', '--ridge', '1', '-o', out, '--json', '--chunk-rows', chunk]);
      const ms = performance.now() - t0;
      expect(r.code, r.stderr).toBe(0);
      expect(ms).toBeLessThan(20_000);
      const res = JSON.parse(r.stdout) as { stats: { method: string }; rows: number };
      expect(res.stats.method).toBe('dual-cholesky');
      expect(res.rows).toBe(N);
      const dec = await decodeSlim(new Uint8Array(readFileSync(out)));
      if (dec.kind !== 'linear') throw new Error(dec.kind);
      const m = dec.model as { coef: Float64Array; intercept: number; stats: { method: string } };
      expect(m.stats.method).toBe('dual-cholesky');
      let worst = 0;
      for (let j = 0; j < D; j++) worst = Math.max(worst, Math.abs(m.coef[j] - ref.coef[j]));
      expect(worst).toBeLessThan(1e-12);
      expect(Math.abs(m.intercept - (ref.intercept as number))).toBeLessThan(1e-12);
    }
  }, 60_000);

  it('without --ridge: E_MEMORY at once, naming --ridge as the way out', async () => {
    const t0 = performance.now();
    const r = await runMain(['fit', csv, '-t', 'y', '-o', join(dir, 'no.slim')]);
    const ms = performance.now() - t0;
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('E_MEMORY');
    expect(r.stderr).toContain('--ridge');
    expect(r.stderr).not.toContain('maxMemoryBytes');
    // reading the 0.2 MB-per-row CSV dominates; the refusal itself comes before any d x d allocation
    expect(ms).toBeLessThan(5000);
  });
});
