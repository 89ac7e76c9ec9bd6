/**
 * `slimfit compress --calib` for every method: round-to-nearest and magnitude
 * pruning given the demo's calibration rows write the same models as the
 * demo (the intercept correction, and the units choice), so the command
 * reproduces the demo table's figures; the units warning without data.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../src/cli/files.js';
import { decodeSlim } from '../src/io/slim.js';
import { fitLinear } from '../src/fit/linear.js';
import { init } from '../src/index.js';
import { cli } from './cli-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'slimfit-calib-'));
const p = (name: string) => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function compressed(path: string) {
  const s = await decodeSlim(readFileSync(path));
  if (s.kind !== 'compressed-linear') throw new Error(`expected a compressed linear model, got ${s.kind}`);
  return s.model;
}

/** The test rows of the demo's test.csv (feature columns, then default, loss). */
function testRows(): { X: { rows: number; cols: number; data: Float64Array }; loss: Float64Array } {
  const lines = readFileSync(p('demo/test.csv'), 'utf8').trim().split('\n');
  const d = lines[0].split(',').length - 2;
  const data = new Float64Array((lines.length - 1) * d);
  const loss = new Float64Array(lines.length - 1);
  lines.slice(1).forEach((l, i) => {
    const v = l.split(',').map(Number);
    data.set(v.slice(0, d), i * d);
    loss[i] = v[d + 1];
  });
  return { X: { rows: lines.length - 1, cols: d, data }, loss };
}

describe('compress --calib for every method', () => {
  const demo = cli(['demo', '--rows', '10000', '--calib-rows', '4000', '--out', p('demo')]);

  it.each([
    ['RTN 4-bit per-tensor', 'loss-rtn-4bit', ['--bits', '4', '--granularity', 'tensor']],
    ['magnitude 50% + RTN 4-bit', 'loss-magnitude-50-rtn-4bit', ['--sparsity', '0.5', '--bits', '4', '--granularity', 'tensor']],
    ['magnitude prune 50%', 'loss-magnitude-50', ['--sparsity', '0.5']],
  ])('%s: the demo\'s model and MSE', async (method, file, flags) => {
    expect(demo.code, demo.stderr).toBe(0);
    const out = p(`${file}.slim`);
    const r = cli(['compress', p('demo/teacher-loss.slim'), ...flags, '--calib', p('demo/calib.csv'), '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const mine = await compressed(out);
    const theirs = await compressed(p(`demo/models/${file}.slim`));
    expect(Array.from(mine.intercept)).toEqual(Array.from(theirs.intercept));
    expect(Array.from(mine.coefficients())).toEqual(Array.from(theirs.coefficients()));
    expect(mine.report().interceptCorrected).toBe(true);
    const t = testRows();
    const pred = mine.predict(t.X);
    const mse = pred.reduce((s, v, i) => s + (v - t.loss[i]) ** 2, 0) / pred.length;
    const report = JSON.parse(readFileSync(p('demo/report.json'), 'utf8')) as { results: { target: string; method: string; metric: number }[] };
    const row = report.results.find((x) => x.target === 'loss' && x.method === method)!;
    // test.csv holds the loss to 8 significant digits
    expect(Math.abs(mse - row.metric)).toBeLessThan(1e-6 * row.metric);
  });

  it('without --calib the intercept is not corrected, and the figures differ', async () => {
    expect(demo.code, demo.stderr).toBe(0);
    const r = cli(['compress', p('demo/teacher-loss.slim'), '--bits', '4', '--granularity', 'tensor', '-o', p('nocalib.slim')]);
    expect(r.code, r.stderr).toBe(0);
    const m = await compressed(p('nocalib.slim'));
    expect(m.report().interceptCorrected).toBe(false);
  });

  it('a weights file refuses --calib', () => {
    writeFileSync(p('c.csv'), 'x1\n1\n');
    const r = cli(['compress', p('w.safetensors'), '--bits', '4', '--calib', p('c.csv'), '-o', p('w4.safetensors')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--calib is for models/);
  });

  it('weights spanning more than the grid resolves: a warning line without --calib, none with it', async () => {
    // income (k$), debt-to-income, utilisation: weights 0.06, -9, 4
    const e = await init();
    const n = 200;
    const X = { rows: n, cols: 3, data: Float64Array.from({ length: 3 * n }, (_, k) => [40 + ((k / 3) | 0) % 50, 0.1 + (((k / 3) | 0) % 7) / 20, (((k / 3) | 0) % 11) / 11][k % 3]) };
    const y = Float64Array.from({ length: n }, (_, i) => 2 + 0.06 * X.data[3 * i] - 9 * X.data[3 * i + 1] + 4 * X.data[3 * i + 2] + 0.01 * Math.sin(i));
    const model = fitLinear(e, X, y);
    writeFileSync(p('units.slim'), await encodeModel({ kind: 'float', model, meta: { features: ['income', 'dti', 'util'], target: 'y', task: 'linear', recipe: { command: 'fit' } } }));
    const rows = ['income,dti,util', ...Array.from({ length: n }, (_, i) => Array.from(X.data.subarray(3 * i, 3 * i + 3)).join(','))];
    writeFileSync(p('units.csv'), `${rows.join('\n')}\n`);
    const plain = cli(['compress', p('units.slim'), '--bits', '8', '--granularity', 'tensor', '-o', p('u8.slim')]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toMatch(/^slimfit: warning: the weights sharing a scale span 1\d\dx .*--calib.*--granularity/m);
    const withData = cli(['compress', p('units.slim'), '--bits', '8', '--granularity', 'tensor', '--calib', p('units.csv'), '-o', p('u8c.slim')]);
    expect(withData.code, withData.stderr).toBe(0);
    expect(withData.stderr).not.toMatch(/warning/);
    expect(withData.stdout).toMatch(/rounded in the features' units/);
    expect((await compressed(p('u8c.slim'))).report().units).toBe('features');
  });
});
