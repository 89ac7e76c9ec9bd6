/**
 * `slimfit fit --targets a,b,c --rank r|gcv|bic` (in-process main()): the
 * model written equals the library's reducedRank on the same rows, --json
 * carries rank and singular values, `slimfit predict` writes one column per
 * target, and bad flag combinations fail with usage errors.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init } from '../src/engine/init.js';
import type { Engine } from '../src/engine/engine.js';
import { reducedRank } from '../src/fit/reduced-rank.js';
import type { ReducedRankModel } from '../src/fit/reduced-rank-model.js';
import { decodeSlim } from '../src/io/slim.js';
import { normal, rng } from '../src/random.js';
import { runMain } from './helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'slimfit-rrr-'));
const p = (name: string) => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const N = 400;
const D = 5;
const Q = 4;
/** id, x1..x5, y1..y4 with Y = 1 + X U W + noise, rank(U W) = 2. */
function makeCsv(): { X: Float64Array; Y: Float64Array } {
  const g = normal(rng(11));
  const U = Array.from({ length: D * 2 }, () => g());
  const W = Array.from({ length: 2 * Q }, () => g());
  const X = new Float64Array(N * D);
  const Y = new Float64Array(N * Q);
  const lines = [['id', ...Array.from({ length: D }, (_, j) => `x${j + 1}`), ...Array.from({ length: Q }, (_, k) => `y${k + 1}`)].join(',')];
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < D; j++) X[i * D + j] = +g().toFixed(6);
    for (let k = 0; k < Q; k++) {
      let v = 1;
      for (let a = 0; a < 2; a++) {
        let z = 0;
        for (let j = 0; j < D; j++) z += X[i * D + j] * U[j * 2 + a];
        v += z * W[a * Q + k];
      }
      Y[i * Q + k] = +(v + 0.3 * g()).toFixed(6);
    }
    lines.push([`r${i}`, ...X.subarray(i * D, i * D + D), ...Y.subarray(i * Q, i * Q + Q)].join(','));
  }
  writeFileSync(p('train.csv'), `${lines.join('\n')}\n`);
  return { X, Y };
}
const data = makeCsv();
const TARGETS = 'y1,y2,y3,y4';

let engine: Engine;
beforeAll(async () => {
  engine = await init({ backend: 'js', warmUp: false });
});

describe('slimfit fit --targets --rank', () => {
  it('writes the reduced-rank model the library fits, with the targets named; --json has rank and singular values', async () => {
    const r = await runMain(['--json', 'fit', p('train.csv'), '--targets', TARGETS, '--rank', 'bic', '--exclude', 'id', '-o', p('m.slim')]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.kind).toBe('reduced-rank');
    expect(j.rank).toBe(2);
    expect(j.rankBy).toBe('bic');
    expect(j.targets).toEqual(['y1', 'y2', 'y3', 'y4']);
    expect(j.features).toEqual(['x1', 'x2', 'x3', 'x4', 'x5']);
    expect(j.singularValues).toHaveLength(4);
    expect(j.perRank.map((x: { rank: number }) => x.rank)).toEqual([1, 2, 3, 4]);
    const file = await decodeSlim(new Uint8Array(readFileSync(p('m.slim'))));
    expect(file.kind).toBe('reduced-rank');
    expect(file.header.targets).toEqual(['y1', 'y2', 'y3', 'y4']);
    const lib = reducedRank(engine, { rows: N, cols: D, data: data.X }, { rows: N, cols: Q, data: data.Y }, 'bic');
    const m = (file as unknown as { model: ReducedRankModel }).model;
    expect(m.rank).toBe(lib.rank);
    const a = m.predict({ rows: N, cols: D, data: data.X });
    const b = lib.predict({ rows: N, cols: D, data: data.X });
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-9);
  });

  it('human output: the rank, the singular values and the per-rank table', async () => {
    const r = await runMain(['fit', p('train.csv'), '--targets', TARGETS, '--rank', '3', '--exclude', 'id', '-o', p('m3.slim')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/fitted 4 targets \(y1, y2, y3, y4\) on 5 features, 400 rows: reduced rank 3 \(given\) of at most 4/);
    expect(r.stdout).toMatch(/singular values of the fitted values: /);
    expect(r.stdout).toMatch(/^3 .*<- fitted$/m);
  });

  it('slimfit predict writes one column per target, the model\'s predictions', async () => {
    const r = await runMain(['predict', p('m.slim'), p('train.csv'), '-o', p('scores.csv'), '--keep', 'id']);
    expect(r.code, r.stderr).toBe(0);
    const rows = readFileSync(p('scores.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('id,y1,y2,y3,y4');
    expect(rows).toHaveLength(N + 1);
    const file = await decodeSlim(new Uint8Array(readFileSync(p('m.slim'))));
    const pred = (file as unknown as { model: ReducedRankModel }).model.predict({ rows: N, cols: D, data: data.X });
    expect(rows[7]).toBe(['r6', ...Array.from(pred.subarray(6 * Q, 7 * Q), String)].join(','));
  });

  it('compress and export refuse a reduced-rank model with a clear message', async () => {
    const c = await runMain(['compress', p('m.slim'), '--bits', '4', '-o', p('c.slim')]);
    expect(c.code).toBe(3);
    expect(c.stderr).toMatch(/reduced-rank model/);
    const e = await runMain(['export', p('m.slim'), '-o', p('m.onnx')]);
    expect(e.code).toBe(3);
    expect(e.stderr).toMatch(/reduced-rank model/);
  });

  const bad: [string, string[], number, RegExp][] = [
    ['--rank without --targets', ['--target', 'y1', '--rank', '2'], 2, /--rank applies to --targets/],
    ['--targets without --rank', ['--targets', TARGETS], 2, /--targets needs --rank/],
    ['a rank above min(d, q)', ['--targets', TARGETS, '--rank', '5', '--exclude', 'id'], 2, /--rank 5 is above min\(features, targets\) = min\(5, 4\) = 4/],
    ['rank 0', ['--targets', TARGETS, '--rank', '0'], 2, /--rank must be a positive integer, 'gcv' or 'bic'/],
    ['rank aic', ['--targets', TARGETS, '--rank', 'aic'], 2, /--rank must be/],
    ['--targets with --logistic', ['--targets', TARGETS, '--rank', '1', '--logistic'], 2, /--logistic does not combine with --targets/],
    ['--targets with --target', ['--targets', TARGETS, '--rank', '1', '--target', 'y1'], 2, /--target does not combine/],
    ['a target named twice', ['--targets', 'y1,y1', '--rank', '1'], 2, /names 'y1' twice/],
    ['a missing target column', ['--targets', 'y1,nope', '--rank', '1', '--exclude', 'id'], 3, /no column 'nope'/],
    ['neither --target nor --targets', [], 2, /required option '-t, --target <column>' not specified/],
  ];
  for (const [what, args, code, pattern] of bad) {
    it(`fails: ${what}`, async () => {
      const r = await runMain(['fit', p('train.csv'), ...args, '-o', p('bad.slim')]);
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toMatch(pattern);
    });
  }
});
