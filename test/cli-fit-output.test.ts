/**
 * What `slimfit fit` prints and returns under --json: the intercept's
 * standard error, t / z and p-values, --all, training AUC / Gini / KS, the
 * degenerate-fit warning, and CSV files as people have them (gzip, `;` with
 * decimal commas, tabs) giving the same model as the plain file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { studentTTwoSided, normalTwoSided } from '../src/cli/distributions.js';
import { auc } from '../src/compress/auc.js';
import { decodeSlim } from '../src/io/slim.js';
import { rng, normal } from '../src/random.js';
import { runMain } from './helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'slimfit-fit-output-'));
const p = (name: string) => join(dir, name);
const D = 30;
const N = 400;
let header: string[];
let cells: number[][];

beforeAll(() => {
  const z = normal(rng(5));
  header = [...Array.from({ length: D }, (_, j) => `x${j + 1}`), 'y', 'label'];
  cells = Array.from({ length: N }, () => {
    const x = Array.from({ length: D }, () => +z().toFixed(4));
    const eta = x.reduce((s, v, j) => s + (j < 3 ? v : 0), -0.3);
    return [...x, +(1 + eta + 0.7 * z()).toFixed(4), eta + z() > 0 ? 1 : 0];
  });
  const text = (sep: string, dec = '.') => `${[header.join(sep), ...cells.map((r) => r.map((v) => String(v).replace('.', dec)).join(sep))].join('\n')}\n`;
  writeFileSync(p('train.csv'), text(','));
  writeFileSync(p('train.csv.gz'), gzipSync(text(',')));
  writeFileSync(p('semicolon.csv'), text(';', ','));
  writeFileSync(p('tab.tsv'), text('\t'));
  writeFileSync(p('separable.csv'), `x,z,label\n${Array.from({ length: 40 }, (_, i) => `${i - 19.5},${Math.sin(i).toFixed(3)},${i >= 20 ? 1 : 0}`).join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface FitJson {
  intercept: number;
  interceptStdError: number;
  interceptTValue?: number;
  interceptZValue?: number;
  interceptPValue: number;
  coefficients: { feature: string; coef: number; stdError: number; tValue?: number; zValue?: number; pValue: number }[];
  stats: { dof?: number };
  training?: { auc: number; gini: number; ks: number };
  warnings: string[];
  delimiter: string;
}

async function fitJson(args: string[]): Promise<FitJson> {
  const r = await runMain(['--json', 'fit', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as FitJson;
}

describe('slimfit fit: the coefficient table', () => {
  it('least squares: the intercept has its standard error, every row t and P>|t| (Student t, residual dof)', async () => {
    const r = await runMain(['fit', p('train.csv'), '-t', 'y', '--exclude', 'label', '-o', p('lin.slim')]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[1]).toMatch(/^feature\s+coef\s+std err\s+t\s+P>\|t\|$/);
    expect(lines[3]).toMatch(/^\(intercept\)\s+\S+\s+\d\.\d+\s+-?\d+\.\d\d\s+(<2e-16|\d\.\d{4}|\d\.\de-\d+)$/);
    expect(r.stdout).toMatch(/\.\.\. 5 more \(add --all to print every coefficient, or see --json\)/);
    expect(lines.filter((l) => /^x\d+ /.test(l))).toHaveLength(25);
    const all = await runMain(['fit', p('train.csv'), '-t', 'y', '--exclude', 'label', '--all', '-o', p('lin.slim')]);
    expect(all.stdout.split('\n').filter((l) => /^x\d+ /.test(l))).toHaveLength(D);
    expect(all.stdout).not.toMatch(/more \(add --all/);

    const j = await fitJson([p('train.csv'), '-t', 'y', '--exclude', 'label', '-o', p('lin.slim')]);
    const m = await decodeSlim(new Uint8Array(readFileSync(p('lin.slim'))));
    if (m.kind !== 'linear') throw new Error(m.kind);
    expect(j.interceptStdError).toBe(m.model.stats.interceptStdError);
    expect(j.interceptTValue).toBe(j.intercept / j.interceptStdError);
    expect(j.interceptPValue).toBe(studentTTwoSided(j.interceptTValue!, j.stats.dof!));
    expect(j.stats.dof).toBe(N - D - 1);
    expect(j.coefficients).toHaveLength(D);
    for (const [k, c] of j.coefficients.entries()) {
      expect(c.stdError).toBe(m.model.stats.stdErrors[k]);
      expect(c.pValue).toBe(studentTTwoSided(c.coef / c.stdError, N - D - 1));
    }
    // the three real effects are significant, the noise columns mostly not
    expect(j.coefficients.slice(0, 3).every((c) => c.pValue < 1e-6)).toBe(true);
    expect(j.coefficients.slice(3).filter((c) => c.pValue < 0.01).length).toBeLessThanOrEqual(2);
  });

  it('logistic: z and P>|z| (normal), and AUC, Gini, KS on the training rows', async () => {
    const r = await runMain(['fit', p('train.csv'), '-t', 'label', '--logistic', '--exclude', 'y', '-o', p('log.slim')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^feature\s+coef\s+std err\s+z\s+P>\|z\|$/m);
    const line = /on the training rows: AUC (\d\.\d{4}), Gini (\d\.\d{4}), KS (\d\.\d{4})/.exec(r.stdout);
    expect(line).not.toBeNull();
    const j = await fitJson([p('train.csv'), '-t', 'label', '--logistic', '--exclude', 'y', '-o', p('log.slim')]);
    const t = j.training!;
    expect(t.gini).toBe(2 * t.auc - 1);
    expect(line![1]).toBe(t.auc.toFixed(4));
    // the same statistics from scratch: scores of the stored model on the CSV rows
    const score = cells.map((row) => row.slice(0, D).reduce((s, v, k) => s + v * j.coefficients[k].coef, j.intercept));
    const y = cells.map((row) => row[D + 1]);
    expect(t.auc).toBeCloseTo(auc(score, y), 12);
    let ks = 0;
    for (const cut of score) {
      const f1 = y.filter((v, i) => v === 1 && score[i] <= cut).length / y.filter((v) => v === 1).length;
      const f0 = y.filter((v, i) => v === 0 && score[i] <= cut).length / y.filter((v) => v === 0).length;
      ks = Math.max(ks, Math.abs(f1 - f0));
    }
    expect(t.ks).toBeCloseTo(ks, 12);
    expect(j.interceptPValue).toBe(normalTwoSided(j.interceptZValue!));
    for (const c of j.coefficients) expect(c.pValue).toBe(normalTwoSided(c.zValue!));
    expect(j.warnings).toEqual([]);
  });

  it('a fit held finite only by a tiny ridge is written, with one warning that says what helps', async () => {
    const r = await runMain(['fit', p('separable.csv'), '-t', 'label', '--logistic', '--ridge', '1e-3', '-o', p('sep.slim')]);
    expect(r.code, r.stderr).toBe(0);
    const err = r.stderr.split('\n').filter((l) => l !== '');
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^slimfit: warning degenerate fit: deviance .*; the classes are \(nearly\) separated.*'x' alone separates the classes: drop it \(--exclude x\), or add a ridge large enough to matter/);
    const j = await fitJson([p('separable.csv'), '-t', 'label', '--logistic', '--ridge', '1e-3', '-o', p('sep.slim')]);
    expect(j.warnings).toHaveLength(1);
    const sound = await fitJson([p('separable.csv'), '-t', 'label', '--logistic', '--ridge', '1', '-o', p('sep.slim')]);
    expect(sound.warnings).toEqual([]);
  });
});

describe('slimfit fit: CSV files as people have them', () => {
  it('gzip (by its magic bytes), ;-separated with decimal commas, and tab-separated give the plain file\'s model', async () => {
    const args = (f: string) => [p(f), '-t', 'y', '--exclude', 'label', '-o', p('same.slim')];
    const plain = await fitJson(args('train.csv'));
    for (const f of ['train.csv.gz', 'semicolon.csv', 'tab.tsv']) {
      const other = await fitJson(args(f));
      expect(other.coefficients.map((c) => c.coef), f).toEqual(plain.coefficients.map((c) => c.coef));
      expect(other.intercept, f).toBe(plain.intercept);
    }
    expect((await fitJson(args('semicolon.csv'))).delimiter).toBe(';');
    const r = await runMain(['fit', ...args('semicolon.csv')]);
    expect(r.stderr).toMatch(/^read semicolon\.csv as ;-separated \(detected from the header row; --delimiter sets it\)$/m);
    expect((await fitJson([...args('tab.tsv'), '--delimiter', 'tab'])).delimiter).toBe('\t');
  });
});
