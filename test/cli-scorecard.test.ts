/**
 * `slimfit scorecard`: the demo's default model as integer points per bin,
 * the CSV and Markdown outputs, the fidelity of both roundings on calibration
 * rows (with AUC when they carry the target), --json, and bad input.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, makeCsv } from './cli-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'slimfit-card-'));
const p = (name: string) => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('slimfit scorecard', () => {
  const demo = cli(['demo', '--rows', '10000', '--calib-rows', '3000', '--out', p('demo')]);

  it('prints the card and writes it as CSV; with --calib, both roundings measured, optimal proved', () => {
    expect(demo.code, demo.stderr).toBe(0);
    const r = cli(['scorecard', p('demo/teacher-default.slim'), '--pdo', '20', '--base', '600', '--odds', '50', '--calib', p('demo/test.csv'), '-o', p('card.csv')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/factor = pdo \/ ln 2 = 28\.8539, offset = 487\.1229/);
    expect(r.stdout).toMatch(/rounding optimal/);
    expect(r.stdout).toMatch(/^income_k +< [\d.]+ +-?\d+ +0\.0000$/m);
    expect(r.stdout).toMatch(/^nearest +0\.7\d{3} /m);
    expect(r.stdout).toMatch(/^optimal +0\.7\d{3} .*proved optimal/m);
    const csv = readFileSync(p('card.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('feature,bin,points,float_points,columns');
    expect(csv[1]).toMatch(/^\(base\),\(base points\),5\d\d,5\d\d\.\d+,$/);
    // every design column shows up in some bin, the 8 raw features each have a reference bin with no columns
    expect(csv.filter((l) => l.endsWith(','))).toHaveLength(1 + 8);
  });

  it('the demo and report: scorecard rows beside the others, and the card written', () => {
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toMatch(/^default +scorecard points, nearest +108 +3\.4x .* 0\.7\d{3} /m);
    expect(demo.stdout).toMatch(/^default +scorecard points, optimal, (proved|not proved) +108 /m);
    expect(demo.stdout).toMatch(/Scorecard rows: .* at most [\d.]+ points from the float one rounded to nearest, [\d.]+ optimal/);
    expect(readFileSync(p('demo/scorecard-default.csv'), 'utf8')).toMatch(/^feature,bin,points,float_points,columns\n\(base\),/);
    const rep = cli(['report', p('demo/teacher-default.slim'), '--data', p('demo/test.csv'), '--calib', p('demo/calib.csv'), '--bits', '4', '--sparsity', '0']);
    expect(rep.code, rep.stderr).toBe(0);
    expect(rep.stdout).toMatch(/^scorecard nearest +16 +0% +108 +- +3\.4x +0\.7\d{3}/m);
    expect(rep.stdout).toMatch(/^scorecard optimal\*? +16 /m);
  });

  it('--json: the card and the report; --rounding nearest leaves out the search', () => {
    expect(demo.code, demo.stderr).toBe(0);
    const r = cli(['--json', 'scorecard', p('demo/teacher-default.slim'), '--calib', p('demo/calib.csv'), '--rounding', 'nearest', '--pdo', '10', '-o', p('card.md')]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.rounding).toBe('nearest');
    expect(j.features).toHaveLength(8);
    expect(j.report.nearest.auc).toBeUndefined(); // calib.csv has no target column
    expect(j.report.optimal).toBeUndefined();
    expect(j.report.nearest.maxDeviation).toBeGreaterThan(0);
    expect(j.report.nearest.maxDeviation).toBeLessThan(8 * 0.5 + 0.5 + 1e-9); // half a point per feature and the base
    expect(readFileSync(p('card.md'), 'utf8')).toMatch(/^\| feature \| bin \| points \| float points \|$/m);
  });

  it('refuses a logistic model on raw columns, naming them', () => {
    makeCsv(p('raw.csv'), 400, 3, 5);
    const fit = cli(['fit', p('raw.csv'), '-t', 'label', '--logistic', '--exclude', 'y', '-o', p('raw.slim')]);
    expect(fit.code, fit.stderr).toBe(0);
    const r = cli(['scorecard', p('raw.slim')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/\[E_RANGE\] .*not grouped bins: 'x1', 'x2', 'x3'/);
  });

  it('refuses a least-squares model, bad pdo / odds, optimal without data', () => {
    expect(demo.code, demo.stderr).toBe(0);
    const lin = cli(['scorecard', p('demo/teacher-loss.slim')]);
    expect(lin.code).toBe(3);
    expect(lin.stderr).toMatch(/least-squares model; a scorecard needs a logistic one/);
    expect(cli(['scorecard', p('demo/teacher-default.slim'), '--pdo', '0']).stderr).toMatch(/--pdo must be > 0/);
    expect(cli(['scorecard', p('demo/teacher-default.slim'), '--odds', '-2']).stderr).toMatch(/--odds must be > 0/);
    const opt = cli(['scorecard', p('demo/teacher-default.slim'), '--rounding', 'optimal']);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toMatch(/--rounding optimal fits the points on data/);
    expect(cli(['scorecard', p('demo/teacher-default.slim'), '-o', p('card.txt')]).stderr).toMatch(/-o must end in \.csv or \.md/);
  });
});
