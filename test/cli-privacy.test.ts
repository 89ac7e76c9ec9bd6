/**
 * `slimfit fit --epsilon`: private least squares (streamed, rows clipped as
 * they are read) and logistic regression from a CSV; the file carries the
 * privacy report and no digest of the input; seeded noise reproduces; bad
 * flag combinations are usage errors.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinearModel } from '../src/fit/model.js';
import type { LogisticModel } from '../src/fit/logistic-model.js';
import { decodeSlim } from '../src/io/slim.js';
import { rng } from '../src/random.js';
import { cli } from './cli-fixtures.js';
import { runMain } from './helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'slimfit-privacy-'));
const p = (name: string) => join(dir, name);
const N = 3000;

beforeAll(() => {
  const u = rng(8);
  const rows = Array.from({ length: N }, () => {
    const a = 2 * u() - 1;
    const b = 2 * u() - 1;
    const y = 0.5 + a - 0.5 * b + 0.1 * (u() - 0.5);
    return [a.toFixed(5), b.toFixed(5), y.toFixed(5), u() < 1 / (1 + Math.exp(-2 * a)) ? 1 : 0].join(',');
  });
  writeFileSync(p('train.csv'), `a,b,y,label\n${rows.join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const load = async (f: string) => {
  const d = await decodeSlim(new Uint8Array(readFileSync(f)));
  if (d.kind === 'tensors') throw new Error(`${f} holds tensors, not a model`);
  return d;
};

describe('slimfit fit --epsilon', () => {
  it('least squares: AdaSSP from the streamed rows, the report in the file, no input digest, seeded noise reproduces', async () => {
    const args = ['fit', p('train.csv'), '-t', 'y', '--exclude', 'label', '--epsilon', '1', '--bound-x', '1.5', '--bound-y', '3', '--noise-seed', '4'];
    const r = await runMain(['--json', ...args, '-o', p('a.slim')]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { privacy: { mechanism: string; epsilon: number; delta: number; seeded: boolean; private: boolean; clippedRows: number } };
    expect(json.privacy).toMatchObject({ mechanism: 'adassp', epsilon: 1, delta: 1e-6, seeded: true, private: false });
    const a = await load(p('a.slim'));
    const m = a.model as LinearModel;
    expect(m.stats.privacy).toMatchObject({ mechanism: 'adassp', boundX: 1.5, boundY: 3, seeded: true });
    expect(a.header.provenance?.inputDigest).toBeUndefined();
    expect(JSON.stringify(a.header.provenance?.options)).not.toContain('"seed"');
    // close to the truth (0.5, 1, -0.5) at epsilon = 1 on 3000 rows
    expect(Math.abs(m.coef[0] - 1)).toBeLessThan(0.2);
    expect(Math.abs(m.coef[1] + 0.5)).toBeLessThan(0.2);
    const again = await runMain([...args, '-o', p('b.slim')]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('private (adassp, epsilon 1, delta 0.000001)');
    expect(again.stdout).toContain('seeded noise: NOT private');
    expect(Array.from(((await load(p('b.slim'))).model as LinearModel).coef)).toEqual(Array.from(m.coef));
    // chunking does not change the result: the noise is added once, at the end
    const chunked = await runMain([...args, '--chunk-rows', '100', '-o', p('c.slim')]);
    expect(chunked.code, chunked.stderr).toBe(0);
    const mc = (await load(p('c.slim'))).model as LinearModel;
    for (let j = 0; j < 2; j++) expect(Math.abs(mc.coef[j] - m.coef[j])).toBeLessThan(1e-9);
  });

  it('logistic regression: objective perturbation; without a seed the report says private', async () => {
    const r = await runMain(['fit', p('train.csv'), '-t', 'label', '--exclude', 'y', '--logistic', '--epsilon', '2', '--bound-x', '1.5', '-o', p('l.slim')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('objective perturbation');
    const m = (await load(p('l.slim'))).model as LogisticModel;
    expect(m.stats.privacy).toMatchObject({ mechanism: 'objective-perturbation', epsilon: 2, delta: 0, seeded: false, private: true });
    expect(m.coef[0]).toBeGreaterThan(0.5);
  });

  it('warns that an input spec learned from the rows (--bins) is not private', async () => {
    const r = await runMain(['--json', 'fit', p('train.csv'), '-t', 'y', '--exclude', 'label', '--bins', '4', '--epsilon', '1', '--bound-x', '2', '--bound-y', '3', '-o', p('bins.slim')]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { warnings: string[] }).warnings.join(' ')).toContain('learned from the rows without privacy');
  });

  it('the built command runs a private fit too', () => {
    const r = cli(['fit', p('train.csv'), '-t', 'y', '--exclude', 'label', '--epsilon', '0.5', '--delta', '1e-7', '--bound-x', '1.5', '--bound-y', '3', '--privacy-method', 'ssp', '-o', p('s.slim')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('private (ssp, epsilon 0.5, delta 1e-7)');
  });

  const bad: [string, string[]][] = [
    ['epsilon 0', ['--epsilon', '0', '--bound-x', '1', '--bound-y', '1']],
    ['epsilon negative', ['--epsilon', '-1', '--bound-x', '1', '--bound-y', '1']],
    ['delta 1', ['--epsilon', '1', '--delta', '1', '--bound-x', '1', '--bound-y', '1']],
    ['delta 0', ['--epsilon', '1', '--delta', '0', '--bound-x', '1', '--bound-y', '1']],
    ['no bound-x', ['--epsilon', '1', '--bound-y', '1']],
    ['no bound-y', ['--epsilon', '1', '--bound-x', '1']],
    ['bound-x 0', ['--epsilon', '1', '--bound-x', '0', '--bound-y', '1']],
    ['bounds without epsilon', ['--bound-x', '1', '--bound-y', '1']],
    ['with ridge', ['--epsilon', '1', '--bound-x', '1', '--bound-y', '1', '--ridge', '0.1']],
    ['with accurate', ['--epsilon', '1', '--bound-x', '1', '--bound-y', '1', '--accurate']],
    ['bad method', ['--epsilon', '1', '--bound-x', '1', '--bound-y', '1', '--privacy-method', 'laplace']],
    ['bad seed', ['--epsilon', '1', '--bound-x', '1', '--bound-y', '1', '--noise-seed', 'x']],
  ];
  for (const [name, extra] of bad) {
    it(`refuses ${name} (usage error)`, async () => {
      const r = await runMain(['fit', p('train.csv'), '-t', 'y', '--exclude', 'label', ...extra, '-o', p('bad.slim')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--(epsilon|delta|bound-x|bound-y|ridge|accurate|privacy-method|noise-seed)/);
    });
  }
  it('refuses --bound-y with --logistic', async () => {
    const r = await runMain(['fit', p('train.csv'), '-t', 'label', '--exclude', 'y', '--logistic', '--epsilon', '1', '--bound-x', '1', '--bound-y', '1', '-o', p('bad.slim')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--bound-y applies to least squares');
  });
});
