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
makeCsv(p('test.csv'), 500, 6, 5);
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
    if (d.kind !== 'compressed-linear') throw new Error(`expected a compressed linear model, got ${d.kind}`);
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

  it('usage errors: no --calib, pruning, no --bits, batch', async () => {
    const runs = await Promise.all([
      cliAsync(['compress', p('any.slim'), '--bits', '3', '--method', 'qat', '-o', p('x.slim')]),
      cliAsync(['compress', p('any.slim'), '--bits', '3', '--sparsity', '0.5', '--method', 'qat', '--calib', p('train.csv'), '-o', p('x.slim')]),
      cliAsync(['compress', p('any.slim'), '--sparsity', '0.5', '--method', 'qat', '--calib', p('train.csv'), '-o', p('x.slim')]),
      cliAsync(['batch', p('any.slim'), '--bits', '3', '--method', 'qat', '--calib', p('train.csv'), '-o', p('out')]),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2]);
    expect(runs[3].stderr).toMatch(/run `slimfit compress --method qat` per model/);
    expect(runs[0].stderr).toMatch(/--method qat trains on data: add --calib/);
    expect(runs[1].stderr).toMatch(/does not prune/);
    expect(runs[2].stderr).toMatch(/needs --bits/);
  });
});

describe('slimfit report --qat', () => {
  it('adds one qat row per bit width, marked when proved', async () => {
    const fit = await cliAsync(['fit', p('train.csv'), '-t', 'y', '--features', FEATURES, '-o', p('lin-r.slim')]);
    expect(fit.code, fit.stderr).toBe(0);
    const r = await cliAsync(['--json', 'report', p('lin-r.slim'), '--data', p('test.csv'), '--calib', p('train.csv'), '--qat', '--bits', '2,3', '--sparsity', '0']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout).rows as { method: string; bits: number; optimal?: boolean }[];
    const qat = rows.filter((x) => x.method === 'qat');
    expect(qat.map((x) => x.bits)).toEqual([3, 2]);
    expect(qat.every((x) => typeof x.optimal === 'boolean')).toBe(true);
    const noCalib = await cliAsync(['report', p('lin-r.slim'), '--data', p('test.csv'), '--qat']);
    expect(noCalib.code).toBe(2);
    expect(noCalib.stderr).toMatch(/--qat trains on --calib/);
  });
});
