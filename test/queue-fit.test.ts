/**
 * Sharded least squares through BullMQ and a real redis-server: the merged
 * shard accumulators give the coefficients of a one-machine fit of the
 * concatenated rows, to 1e-12 relative with --accurate (double-double
 * moments), however the rows are split into shards and in whatever order the
 * shards are given; to 1e-10 with float64 moments on this well-conditioned
 * design (the documented cond x 1e-16).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitShardsOnQueue } from '../src/cli/fit-queue.js';
import { init } from '../src/engine/init.js';
import { parseQueueUrl } from '../src/queue/connection.js';
import { cliAsync, makeCsv } from './cli-fixtures.js';
import { freePort, killAll, RedisServer, startWorker, stopProc, type Proc } from './helpers/redis.js';

let dir: string;
let redis: RedisServer;
let workers: Proc[] = [];
const p = (...n: string[]) => join(dir, ...n);
type Fit = { coefficients: { coef: number }[]; intercept: number; rows: number; shards?: { shard: string }[] };

/** Writes rows [a, b) of all.csv (header kept) for each cut. */
function split(name: string, cuts: number[]): string[] {
  const [head, ...rows] = readFileSync(p('all.csv'), 'utf8').trimEnd().split('\n');
  const files: string[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const f = p(`${name}-${i}.csv`);
    writeFileSync(f, `${[head, ...rows.slice(cuts[i], cuts[i + 1])].join('\n')}\n`);
    files.push(f);
  }
  return files;
}

function maxRel(a: Fit, b: Fit): number {
  const x = [a.intercept, ...a.coefficients.map((c) => c.coef)];
  const y = [b.intercept, ...b.coefficients.map((c) => c.coef)];
  expect(x.length).toBe(y.length);
  const scale = Math.max(...y.map(Math.abs));
  return Math.max(...x.map((v, i) => Math.abs(v - y[i]) / scale));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'slimfit-queue-fit-'));
  makeCsv(p('all.csv'), 3000, 7, 21);
  redis = new RedisServer(await freePort());
  await redis.start();
  workers = await Promise.all([0, 1, 2].map(() => startWorker(redis.url)));
}, 60_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => stopProc(w)));
  killAll();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('slimfit fit --queue (sharded least squares)', () => {
  it('equals the one-machine fit to 1e-12 with --accurate, for any split and shard order; to 1e-10 with float64 moments', async () => {
    const one = async (files: string[], extra: string[]) => {
      const r = await cliAsync(['--json', 'fit', ...files, '--target', 'y', '--exclude', 'label', '-o', p(`m-${Math.random().toString(36).slice(2)}.slim`), ...extra]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Fit;
    };
    const [ref, refFast] = await Promise.all([one([p('all.csv')], ['--accurate']), one([p('all.csv')], [])]);
    expect(ref.rows).toBe(3000);
    const splits = [split('a', [0, 1000, 2000, 3000]), split('b', [0, 7, 1500, 1501, 2999, 3000]).reverse(), split('c', [0, 2200, 3000])];
    // the drivers run side by side on the shared workers (their jobs are told apart by run)
    const [missing, ...runs] = await Promise.all([
      // the check can fail: a shard left out moves the coefficients far beyond it
      one(splits[0].slice(0, 2), ['--accurate', '--queue', redis.url]),
      ...splits.flatMap((files) => [one(files, ['--accurate', '--queue', redis.url]), one(files, ['--queue', redis.url])]),
    ]);
    expect(maxRel(missing, ref)).toBeGreaterThan(1e-6);
    splits.forEach((files, i) => {
      const [q, fast] = [runs[2 * i], runs[2 * i + 1]];
      expect(q.rows).toBe(3000);
      expect(q.shards!.map((s) => s.shard)).toEqual(files.map((f) => f.split('/').pop()));
      expect(maxRel(q, ref)).toBeLessThan(1e-12);
      expect(maxRel(fast, refFast)).toBeLessThan(1e-10);
    });
  }, 60_000);

  it('the programmatic form merges the same way', async () => {
    const engine = await init();
    const files = split('d', [0, 500, 3000]);
    const r = await fitShardsOnQueue(engine, parseQueueUrl(redis.url), files, { target: 'y', exclude: ['label'], accuracy: 'accurate' });
    expect(r.rows).toBe(3000);
    expect(r.shards.map((s) => s.rows)).toEqual([500, 2500]);
    const ref = await cliAsync(['--json', 'fit', p('all.csv'), '--target', 'y', '--exclude', 'label', '--accurate', '-o', p('ref.slim')]);
    const j = JSON.parse(ref.stdout) as Fit;
    const coef = Array.from(r.model.coef);
    const scale = Math.max(...j.coefficients.map((c) => Math.abs(c.coef)));
    for (let i = 0; i < coef.length; i++) expect(Math.abs(coef[i] - j.coefficients[i].coef) / scale).toBeLessThan(1e-12);
    // option names are checked, with a did-you-mean
    await expect(fitShardsOnQueue(engine, parseQueueUrl(redis.url), files, { target: 'y', accuracey: 'accurate' } as never)).rejects.toThrow(/accurac/);
  }, 30_000);

  it('refuses what it does not shard, and shards with different columns', async () => {
    const [a] = split('e', [0, 100, 200]);
    const other = p('other.csv');
    writeFileSync(other, 'x1,x2,y,label\n1,2,3,0\n2,1,4,1\n3,5,1,0\n4,4,2,1\n');
    const [logistic, two, mixed, badCol] = await Promise.all([
      cliAsync(['fit', a, '--target', 'label', '--logistic', '--queue', redis.url, '-o', p('l.slim')]),
      cliAsync(['fit', a, a, '--target', 'y', '-o', p('t.slim')]),
      cliAsync(['fit', a, other, '--target', 'y', '--exclude', 'label', '--queue', redis.url, '-o', p('mx.slim')]),
      cliAsync(['fit', a, other, '--target', 'y', '--exclude', 'x7', '--queue', redis.url, '-o', p('bc.slim')]),
    ]);
    expect(logistic.code).toBe(2);
    expect(logistic.stderr).toMatch(/--logistic does not run on --queue: IRLS would need one fan-out of every shard per iteration/);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/fit takes one CSV file, got 2 \(shards of one data set: add --queue/);
    expect(mixed.code, mixed.stderr).toBe(3);
    expect(badCol.code, badCol.stderr).toBe(3);
    expect(badCol.stderr).toMatch(/other\.csv has no excluded column 'x7' \(did you mean 'x1'\?\); its columns are: x1, x2, y, label/);
    expect(mixed.stderr).toMatch(/other\.csv has the features x1, x2 but e-0\.csv has x1, x2, x3, x4, x5, x6, x7: every shard needs the same columns/);
  }, 30_000);
});
