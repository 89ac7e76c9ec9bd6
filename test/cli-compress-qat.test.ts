/**
 * `slimfit compress --method qat` end to end against the built CLI: a linear
 * and a logistic model retrained on the 3-bit grid from their training CSV,
 * the proof status and losses in --json and in the printed line, the .slim
 * written with method 'qat', and the usage errors.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSlim } from '../src/io/slim.js';
import type { CompressedLinearModel } from '../src/compress/compressed-model.js';
import { cliAsync, makeCsv } from './cli-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'slimfit-qat-'));
const p = (name: string) => join(dir, name);
makeCsv(p('train.csv'), 1500, 6, 4);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FEATURES = 'x1,x2,x3,x4,x5,x6';

describe.concurrent('slimfit compress --method qat', () => {
  it('linear: trains on the grid, proves it, never worse than gptq', async () => {
    const fit = await cliAsync(['fit', p('train.csv'), '-t', 'y', '--features', FEATURES, '-o', p('lin.slim')]);
    expect(fit.code, fit.stderr).toBe(0);
    const r = await cliAsync(['--json', 'compress', p('lin.slim'), '--bits', '3', '--method', 'qat', '--calib', p('train.csv'), '-o', p('lin-qat.slim')]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ ok: true, command: 'compress', recipe: 'qat, 3-bit per-row', qat: { optimal: true } });
    expect(j.qat.objective).toBeLessThanOrEqual(j.qat.gptqObjective);
    expect(j.qat.gptqObjective).toBeLessThanOrEqual(j.qat.rtnObjective);
    const d = await decodeSlim(new Uint8Array(readFileSync(p('lin-qat.slim'))));
    expect(d.kind).toBe('compressed-linear');
    expect((d.model as CompressedLinearModel).report().method).toBe('qat');
    const plain = await cliAsync(['compress', p('lin.slim'), '--bits', '2', '--method', 'qat', '--calib', p('train.csv'), '-o', p('lin-qat2.slim')]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/qat: training loss [\d.e-]+ \(gptq [\d.e-]+, rtn [\d.e-]+, float [\d.e-]+\); (proved optimal on its grid|not proved)/);
  });

  it('logistic: a compressed logistic model, no proof claimed', async () => {
    const fit = await cliAsync(['fit', p('train.csv'), '--target', 'label', '--logistic', '--features', FEATURES, '-o', p('logit.slim')]);
    expect(fit.code, fit.stderr).toBe(0);
    const r = await cliAsync(['--json', 'compress', p('logit.slim'), '--bits', '3', '--method', 'qat', '--calib', p('train.csv'), '-o', p('logit-qat.slim')]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.qat.optimal).toBe(false);
    expect(j.qat.objective).toBeLessThanOrEqual(j.qat.gptqObjective);
    const d = await decodeSlim(new Uint8Array(readFileSync(p('logit-qat.slim'))));
    expect(d.kind).toBe('compressed-logistic');
  });

  it('usage errors: no --calib, pruning, no --bits', async () => {
    const runs = await Promise.all([
      cliAsync(['compress', p('any.slim'), '--bits', '3', '--method', 'qat', '-o', p('x.slim')]),
      cliAsync(['compress', p('any.slim'), '--bits', '3', '--sparsity', '0.5', '--method', 'qat', '--calib', p('train.csv'), '-o', p('x.slim')]),
      cliAsync(['compress', p('any.slim'), '--sparsity', '0.5', '--method', 'qat', '--calib', p('train.csv'), '-o', p('x.slim')]),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2]);
    expect(runs[0].stderr).toMatch(/--method qat trains on data: add --calib/);
    expect(runs[1].stderr).toMatch(/does not prune/);
    expect(runs[2].stderr).toMatch(/needs --bits/);
  });
});
