/**
 * `slimfit predict` end to end against the built CLI: fit (numeric, and with
 * categorical / binned / missing columns) -> compress -> predict, the scores
 * equal to the library's predictions to the last digit printed (the shortest
 * decimal that reads back as the same float64), columns by name, --keep,
 * stdout, the output kinds of a logistic model, and clean failures.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputSpec } from '../src/features/inputs.js';
import { decodeSlim, type DecodedSlim } from '../src/io/slim.js';
import { normal, rng } from '../src/random.js';
import { cliAll, lines } from './cli-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'slimfit-predict-'));
const p = (name: string) => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REGIONS = ['east', 'north', 'south', 'west'];
/** id, x1..x4, region (text), income (10% empty), y, label. */
function makeRawCsv(path: string, rows: number, seed: number, edit?: (cells: string[], i: number) => void): string[][] {
  const u = rng(seed);
  const z = normal(u);
  const out: string[][] = [];
  for (let i = 0; i < rows; i++) {
    const x = [z(), z(), z(), z()];
    const region = REGIONS[Math.floor(u() * 4)];
    const income = u() < 0.1 ? undefined : 20 + 80 * u();
    const eta = 0.3 + x[0] - 0.5 * x[1] + 0.25 * x[2] + (region === 'north' ? 0.8 : region === 'west' ? -0.4 : 0) + (income === undefined ? 0.2 : income / 100);
    const cells = [`c${i}`, ...x.map((v) => v.toFixed(5)), region, income === undefined ? '' : income.toFixed(2), (eta + 0.5 * z()).toFixed(5), u() < 1 / (1 + Math.exp(-eta)) ? '1' : '0'];
    edit?.(cells, i);
    out.push(cells);
  }
  writeFileSync(path, `id,x1,x2,x3,x4,region,income,y,label\n${out.map((r) => r.join(',')).join('\n')}\n`);
  return out;
}
const HEADER = ['id', 'x1', 'x2', 'x3', 'x4', 'region', 'income', 'y', 'label'];
const train = makeRawCsv(p('train.csv'), 1500, 1);
const score = makeRawCsv(p('score.csv'), 700, 2);
// the training rows with some targets missing too (rows with an income), for --missing drop
const gaps = train.map((r, i) => (i % 50 === 7 && r[6] !== '' ? [...r.slice(0, 7), '', r[8]] : r));
writeFileSync(p('train-gaps.csv'), `${HEADER.join(',')}\n${gaps.map((r) => r.join(',')).join('\n')}\n`);
makeRawCsv(p('unseen.csv'), 20, 3, (c, i) => {
  if (i === 12) c[5] = 'mars';
});
writeFileSync(p('nox2.csv'), readFileSync(p('score.csv'), 'utf8').replace(/^id,x1,x2,/, 'id,x1,xx2,'));

const record = (row: string[]) => Object.fromEntries(HEADER.map((h, j) => [h, row[j]]));

type Model = Extract<DecodedSlim, { model: unknown }>;
async function load(name: string): Promise<Model> {
  const d = await decodeSlim(new Uint8Array(readFileSync(p(name))));
  if (d.kind === 'tensors') throw new Error('tensors');
  return d;
}

/** The library's scores for raw rows, through the model's stored input spec; '' for a row it skips. */
function libraryScores(m: Model, rows: string[][], what: 'value' | 'probability' | 'logit' | 'label', cutoff = 0.5): string[] {
  const { X, skipped } = InputSpec.fromSlim(m)!.design(rows.map(record));
  const mdl = m.model as { predict(X: unknown, t?: number): Float64Array; predictProba(X: unknown): Float64Array; decisionFunction(X: unknown): Float64Array };
  const s = what === 'value' ? mdl.predict(X) : what === 'probability' ? mdl.predictProba(X) : what === 'logit' ? mdl.decisionFunction(X) : mdl.predict(X, cutoff);
  const out: string[] = [];
  let k = 0;
  for (let i = 0; i < rows.length; i++) out.push(skipped.includes(i) ? '' : String(s[k++]));
  return out;
}

function numericScores(m: Model, rows: string[][]): string[] {
  const f = m.header.features!;
  const X = rows.map((r) => f.map((name) => Number(r[HEADER.indexOf(name)])));
  return Array.from(m.model.predict(X), (v) => String(v));
}

const column = (csv: string, j: number) => lines(csv).slice(1).map((l) => l.split(',')[j] ?? '');

const fits = cliAll([
  { args: ['fit', p('train.csv'), '-t', 'y', '--features', 'x1,x2,x3,x4', '-o', p('lin.slim')] },
  { args: ['fit', p('train.csv'), '-t', 'label', '--logistic', '--exclude', 'id,y', '--categorical', 'region', '--missing', 'indicator', '--bins', '4', '-o', p('logcat.slim')] },
  { args: ['--json', 'fit', p('train-gaps.csv'), '-t', 'y', '--exclude', 'id,label', '--categorical', 'region', '--missing', 'drop', '-o', p('lincat.slim')] },
  { args: ['fit', p('train.csv'), '-t', 'y', '--features', 'x1,region', '--categorical', 'region', '--unseen', 'baseline', '-o', p('lenient.slim')] },
]);
const compressed = fits.then(() =>
  cliAll([
    { args: ['compress', p('lin.slim'), '--bits', '4', '-o', p('lin4.slim')] },
    { args: ['compress', p('logcat.slim'), '--bits', '8', '-o', p('logcat8.slim')] },
  ]),
);

describe('slimfit predict', () => {
  it('fit --categorical --missing --bins: the summary reports missing values, the model keeps its input spec', async () => {
    const [lin, logcat, lincat] = await fits;
    for (const r of [lin, logcat, lincat]) expect(r.code, r.stderr).toBe(0);
    const missing = train.filter((r) => r[6] === '').length;
    expect(logcat.stdout).toContain('inputs: 6 raw columns -> 19 design columns');
    expect(logcat.stdout).toContain(`missing values: income ${missing}`);
    const j = JSON.parse(lincat.stdout);
    const noTarget = gaps.filter((r) => r[7] === '').length;
    expect(noTarget).toBeGreaterThan(10);
    expect(j).toMatchObject({ missing: { income: missing, region: 0 }, droppedRows: missing + noTarget, rows: train.length - missing - noTarget });
    const m = await load('logcat.slim');
    const spec = InputSpec.fromSlim(m)!;
    expect(spec.names).toEqual(['x1', 'x2', 'x3', 'x4', 'region', 'income']);
    expect(m.header.features).toEqual([...spec.features]);
    expect(m.header.features).toContain('region=north');
    expect(m.header.features).toContain('income:missing');
    expect(m.header.features!.filter((f) => f.startsWith('x1>=')).length).toBe(3);
  });

  it('scores equal the library predictions to every printed digit, for float and compressed models of both kinds', async () => {
    const runs = await compressed.then(() =>
      cliAll([
        { args: ['predict', p('lin.slim'), p('score.csv'), '-o', p('lin.csv'), '--keep', 'id'] },
        { args: ['predict', p('lin4.slim'), p('score.csv'), '-o', p('lin4.csv')] },
        { args: ['predict', p('logcat.slim'), p('score.csv'), '-o', p('logcat.csv')] },
        { args: ['predict', p('logcat8.slim'), p('score.csv'), '-o', p('logcat8.csv'), '--output', 'logit'] },
        { args: ['predict', p('lincat.slim'), p('score.csv'), '-o', p('lincat.csv'), '--keep', 'id,region'] },
        { args: ['predict', p('logcat.slim'), p('score.csv'), '-o', '-', '--output', 'label', '--cutoff', '0.3', '--keep', 'id', '--chunk-rows', '7'] },
        { args: ['--json', 'predict', p('logcat8.slim'), p('score.csv'), '-o', p('logcat8-p.csv'), '--chunk-rows', '50'] },
      ]),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const [lin, lin4, logcat, logcat8, lincat] = await Promise.all(['lin.slim', 'lin4.slim', 'logcat.slim', 'logcat8.slim', 'lincat.slim'].map(load));
    expect(lin4.kind).toBe('compressed-linear');
    expect(logcat8.kind).toBe('compressed-logistic');

    const linCsv = readFileSync(p('lin.csv'), 'utf8');
    expect(lines(linCsv)[0]).toBe('id,prediction');
    expect(column(linCsv, 0)).toEqual(score.map((r) => r[0]));
    expect(column(linCsv, 1)).toEqual(numericScores(lin, score));
    expect(column(readFileSync(p('lin4.csv'), 'utf8'), 0)).toEqual(numericScores(lin4, score));
    // the compressed model's scores differ from the float model's (the comparison can fail)
    expect(column(readFileSync(p('lin4.csv'), 'utf8'), 0)).not.toEqual(numericScores(lin, score));

    const pr = readFileSync(p('logcat.csv'), 'utf8');
    expect(lines(pr)[0]).toBe('probability');
    expect(column(pr, 0)).toEqual(libraryScores(logcat, score, 'probability'));
    expect(column(readFileSync(p('logcat8.csv'), 'utf8'), 0)).toEqual(libraryScores(logcat8, score, 'logit'));
    expect(column(readFileSync(p('logcat8-p.csv'), 'utf8'), 0)).toEqual(libraryScores(logcat8, score, 'probability'));

    // --missing drop: rows with an empty income get an empty score, in place
    const lc = readFileSync(p('lincat.csv'), 'utf8');
    expect(lines(lc)[0]).toBe('id,region,prediction');
    const got = column(lc, 2);
    expect(got).toEqual(libraryScores(lincat, score, 'value'));
    expect(got.filter((s) => s === '').length).toBe(score.filter((r) => r[6] === '').length);

    // stdout, small chunks: the labels at the cutoff
    const labels = lines(runs[5].stdout);
    expect(labels[0]).toBe('id,label');
    expect(labels.slice(1).map((l) => l.split(',')[1])).toEqual(libraryScores(logcat, score, 'label', 0.3));
    expect(JSON.parse(runs[6].stdout)).toMatchObject({ ok: true, command: 'predict', kind: 'compressed-logistic', score: 'probability', rows: score.length });
  });

  it('fails cleanly: a missing column named, an unseen level with its line, wrong options; no partial output', async () => {
    await compressed;
    const [nox2, unseen, prob, cut, keep, lenient] = await cliAll([
      { args: ['predict', p('lin.slim'), p('nox2.csv'), '-o', p('nox2-out.csv')] },
      { args: ['predict', p('logcat.slim'), p('unseen.csv'), '-o', p('unseen-out.csv'), '--chunk-rows', '5'] },
      { args: ['predict', p('lin.slim'), p('score.csv'), '-o', p('x.csv'), '--output', 'probability'] },
      { args: ['predict', p('logcat.slim'), p('score.csv'), '-o', p('x.csv'), '--cutoff', '0.2'] },
      { args: ['predict', p('lin.slim'), p('score.csv'), '-o', '-', '--keep', 'idd'] },
      { args: ['predict', p('lenient.slim'), p('unseen.csv'), '-o', '-', '--keep', 'region'] },
    ]);
    // --unseen baseline: the unseen level scores as the baseline level ('east', the first sorted)
    expect(lenient.code, lenient.stderr).toBe(0);
    const rows = lines(lenient.stdout).slice(1).map((l) => l.split(','));
    const mars = rows.find((r) => r[0] === 'mars')!;
    expect(mars).toBeDefined();
    const m = await load('lenient.slim');
    const x1 = Number(lines(readFileSync(p('unseen.csv'), 'utf8'))[13].split(',')[1]);
    expect(mars[1]).toBe(String(m.model.predict([[x1, 0, 0, 0]])[0]));
    expect(nox2.code).toBe(3);
    expect(nox2.stderr).toMatch(/no feature column 'x2' \(did you mean /);
    expect(unseen.code).toBe(3);
    expect(unseen.stderr).toMatch(/unseen\.csv line 14, column 'region': 'mars' is not a level of column 'region'/);
    expect(prob.code).toBe(2);
    expect(prob.stderr).toMatch(/needs a logistic model/);
    expect(cut.code).toBe(2);
    expect(keep.code).toBe(3);
    expect(keep.stderr).toMatch(/no column 'idd' to keep \(did you mean 'id'\?\)/);
    expect(keep.stdout).toBe('');
    expect(existsSync(p('nox2-out.csv'))).toBe(false);
    expect(existsSync(p('unseen-out.csv'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
