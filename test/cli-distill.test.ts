/**
 * `slimfit distill` against the built CLI: a .slim teacher and a teacher
 * column, the student file (its kept features in the header) equal to the
 * library's distill on the same rows, the held-out report, unlabelled rows,
 * and clean failures.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Engine } from '../src/index.js';
import { distill } from '../src/distill/distill.js';
import { decodeSlim } from '../src/io/slim.js';
import { auc } from '../src/compress/auc.js';
import { CompressedLinearModel } from '../src/compress/compressed-model.js';
import { LogisticModel } from '../src/fit/logistic-model.js';
import type { Matrix } from '../src/types.js';
import { normal, rng } from '../src/random.js';
import { cliAll } from './cli-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'slimfit-distill-'));
const p = (name: string) => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A .slim model file's header and model. */
async function slimAt(path: string) {
  const d = await decodeSlim(new Uint8Array(readFileSync(path)));
  if (d.kind === 'tensors') throw new Error(`${path} holds tensors`);
  return d;
}

const sig = (t: number) => 1 / (1 + Math.exp(-t));
const NAMES = ['x1', 'x2', 'x3', 'x4', 'x5'];

/** x1..x5, label (0/1; every 4th empty when `gaps`), gbm (an outside teacher's probability, non-linear in x). */
function makeCsv(path: string, rows: number, seed: number, gaps: boolean): { X: Matrix; label: Float64Array; gbm: Float64Array } {
  const u = rng(seed);
  const z = normal(u);
  const X = new Float64Array(rows * 5);
  const label = new Float64Array(rows);
  const gbm = new Float64Array(rows);
  const lines = [`${NAMES.join(',')},label,gbm`];
  for (let i = 0; i < rows; i++) {
    const x = Array.from({ length: 5 }, () => Number(z().toFixed(5)));
    x.forEach((v, j) => (X[i * 5 + j] = v));
    const eta = -0.5 + 1.2 * x[0] - 0.8 * x[1] + 0.3 * x[2] + 0.4 * x[0] * x[2];
    gbm[i] = Number(sig(eta).toFixed(6));
    label[i] = gaps && i % 4 === 0 ? NaN : u() < sig(eta) ? 1 : 0;
    lines.push(`${x.join(',')},${Number.isNaN(label[i]) ? '' : label[i]},${gbm[i]}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return { X: { rows, cols: 5, data: X }, label, gbm };
}

const train = makeCsv(p('train.csv'), 1200, 1, false);
const test = makeCsv(p('test.csv'), 600, 2, false);
const gappy = makeCsv(p('gaps.csv'), 800, 3, true);
writeFileSync(p('bad-prob.csv'), readFileSync(p('train.csv'), 'utf8').replace(/,([0-9.]+)\n/, ',1.5\n'));
writeFileSync(p('nox3.csv'), readFileSync(p('train.csv'), 'utf8').replace(/^x1,x2,x3,/, 'x1,x2,xx3,'));

let e: Engine;
beforeAll(async () => {
  e = await init({ warmUp: false });
});

describe('slimfit distill', () => {
  it('distils a .slim teacher and a teacher column into the student the library gives', async () => {
    const [fit] = await cliAll([{ args: ['fit', p('train.csv'), '--target', 'label', '--logistic', '--features', NAMES.join(','), '-o', p('teacher.slim'), '--json'] }]);
    expect(fit.code, fit.stderr).toBe(0);
    const runs = await cliAll([
      { args: ['distill', p('train.csv'), '--teacher', p('teacher.slim'), '--features', '2', '--bits', '4', '--target', 'label', '--test', p('test.csv'), '-o', p('student.slim'), '--json'] },
      { args: ['distill', p('train.csv'), '--teacher-column', 'gbm', '--features', '3', '--target', 'label', '--alpha', '0.2', '-o', p('col.slim'), '--json'] },
      { args: ['distill', p('gaps.csv'), '--teacher-column', 'gbm', '--target', 'label', '-o', p('gaps.slim')] },
      { args: ['report', p('teacher.slim'), '--data', p('test.csv'), '--calib', p('train.csv'), '--bits', '4', '--sparsity', '0', '--distill', '2,3', '--json'] },
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(runs[0].stdout);
    expect(j.command).toBe('distill');
    expect(j.features).toHaveLength(2);
    expect(j.report.rows).toBe(600);
    expect(j.report.fidelity).toBeGreaterThan(0.5);
    expect(j.report.teacherAuc).toBeGreaterThan(0.6);
    const s = await slimAt(p('student.slim'));
    expect(s.header.features).toEqual(j.features);
    expect(s.model).toBeInstanceOf(CompressedLinearModel);
    expect((s.model as CompressedLinearModel).bits).toBe(4);
    const teacher = (await slimAt(p('teacher.slim'))).model as LogisticModel;
    const lib = distill(e, teacher, train.X, { y: train.label, featureNames: NAMES, student: { features: 2, bits: 4, ridge: 0 } });
    expect(lib.featureNames).toEqual(j.features);
    const probe = lib.studentInputs(train.X);
    expect((s.model as CompressedLinearModel).decisionFunction(probe)).toEqual((lib.student as CompressedLinearModel).decisionFunction(probe));

    const jc = JSON.parse(runs[1].stdout);
    const libc = distill(e, { scores: train.gbm, kind: 'probability' }, train.X, { y: train.label, alpha: 0.2, featureNames: NAMES, student: { features: 3, ridge: 0 } });
    expect(jc.features).toEqual(libc.featureNames);
    const c = (await slimAt(p('col.slim'))).model as LogisticModel;
    expect(c.coef).toEqual(libc.floatStudent.coef);
    expect(jc.selection.map((x: { columns: string[] }) => x.columns[0])).toEqual(libc.selection!.map((x) => NAMES[x.columns[0]]));

    // empty label cells are rows without a label
    expect(runs[2].stdout).toContain('800 rows (600 labelled)');
    const g = (await slimAt(p('gaps.slim'))).model as LogisticModel;
    const libg = distill(e, { scores: gappy.gbm, kind: 'probability' }, gappy.X, { y: gappy.label });
    expect(g.coef).toEqual(libg.floatStudent.coef);

    // report --distill: a float64 and a 4-bit row per input count, scored as the library scores the student
    const rows = JSON.parse(runs[3].stdout).rows.filter((x: { method: string }) => x.method === 'distill');
    expect(rows.map((x: { inputs: number; bits: number | null }) => [x.inputs, x.bits])).toEqual([[3, null], [3, 4], [2, null], [2, 4]]);
    const lib2 = distill(e, teacher, train.X, { student: { features: 2 } });
    const auc2 = auc((lib2.floatStudent as LogisticModel).decisionFunction(lib2.studentInputs(test.X)), test.label);
    expect(rows[2].auc).toBe(auc2);
    expect(rows[2].bytes).toBe(24);
    expect(rows[2].sparsity).toBeCloseTo(0.6, 15);
  });

  it('fails cleanly on bad input', async () => {
    const runs = await cliAll([
      { args: ['distill', p('train.csv'), '-o', p('x.slim')] },
      { args: ['distill', p('train.csv'), '--teacher', p('teacher.slim'), '--teacher-column', 'gbm', '-o', p('x.slim')] },
      { args: ['distill', p('bad-prob.csv'), '--teacher-column', 'gbm', '--target', 'label', '-o', p('x.slim')] },
      { args: ['distill', p('train.csv'), '--teacher-column', 'gbm', '--target', 'label', '--features', '9', '-o', p('x.slim')] },
      { args: ['distill', p('train.csv'), '--teacher-column', 'gbm', '--target', 'label', '--temperature', '0', '-o', p('x.slim')] },
      { args: ['distill', p('train.csv'), '--teacher-column', 'gbm', '--target', 'label', '--alpha', '2', '-o', p('x.slim')] },
      { args: ['distill', p('train.csv'), '--teacher-column', 'gbm', '--alpha', '0.5', '-o', p('x.slim')] },
      { args: ['distill', p('train.csv'), '--teacher-column', 'gbm', '-o', p('x.txt')] },
      { args: ['distill', p('nox3.csv'), '--teacher', p('teacher.slim'), '-o', p('x.slim')] },
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 3, 2, 2, 2, 2, 2, 3]);
    expect(runs[2].stderr).toContain('[0, 1]');
    expect(runs[3].stderr).toContain('E_RANGE');
    expect(runs[4].stderr).toContain('temperature');
    expect(runs[8].stderr).toContain("'x3'");
  });
});
