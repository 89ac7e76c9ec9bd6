/**
 * `slimfit batch --queue` and `slimfit worker` against a real redis-server
 * (started here on a free loopback port, no persistence): the outputs are the
 * local pool's; a worker killed with SIGKILL mid-job loses nothing (its job is
 * recovered after the lock expires); a job that always fails ends after its
 * attempts and is reported with its reason; a worker of another version
 * refuses a job; an interrupted driver resumes; Redis restarted mid-run.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSlim } from '../src/io/slim.js';
import { QUEUE_NAME } from '../src/queue/protocol.js';
import { cliAsync, makeCsv, makeModels, makeSafetensors } from './cli-fixtures.js';
import { freePort, killAll, RedisServer, spawnCli, startWorker, stopProc, waitFor, type Proc } from './helpers/redis.js';

let dir: string;
let redis: RedisServer;
const servers: RedisServer[] = [];
const p = (...names: string[]) => join(dir, ...names);
const outputs = (d: string) => (existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.slim') || f.endsWith('.safetensors')) : []);
const temps = (d: string) => readdirSync(d).filter((f) => f.endsWith('.tmp'));
const json = (s: string) => JSON.parse(s) as Record<string, unknown> & { results: { status: string; input: string; code?: string; message?: string }[] };

async function newRedis(): Promise<RedisServer> {
  const r = new RedisServer(await freePort());
  servers.push(r);
  await r.start();
  return r;
}

/** A decoded .slim file without the one field that differs between two runs: the time it was made. */
async function content(file: string): Promise<string> {
  const d = await decodeSlim(new Uint8Array(readFileSync(file)));
  // fileBytes too: the header is deflated, so a different time can change its length by a byte
  const { provenance, fileBytes: _size, ...header } = d.header as typeof d.header & { provenance?: { created?: string }; fileBytes?: number };
  const { created, ...rest } = provenance ?? {};
  expect(created).toMatch(/^\d{4}-\d\d-\d\dT/);
  return JSON.stringify({ ...d, header: { ...header, provenance: rest } }, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v));
}

async function withWorkers<T>(url: string, n: number, env: Record<string, string>, f: (ws: Proc[]) => Promise<T>): Promise<T> {
  const ws = await Promise.all(Array.from({ length: n }, () => startWorker(url, [], env)));
  try {
    return await f(ws);
  } finally {
    await Promise.all(ws.map((w) => stopProc(w)));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'slimfit-queue-'));
  await makeModels(p('in'), 12, 16, 11);
  const bad = readFileSync(p('in', 'model-0003.slim'));
  bad[bad.length - 20] ^= 0xff;
  writeFileSync(p('in', 'model-0003.slim'), bad);
  makeSafetensors(p('in', 'weights.safetensors'));
  await makeModels(p('many'), 12, 24, 5);
  redis = await newRedis();
}, 60_000);

afterAll(async () => {
  killAll();
  for (const r of servers) await r.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('slimfit batch --queue', () => {
  it('3 workers write what the local pool writes; the corrupt input fails alone; a rerun skips everything', async () => {
    await withWorkers(redis.url, 3, {}, async (ws) => {
      // the local pool's run beside the queue's: the two write separate folders
      const [q, local] = await Promise.all([
        cliAsync(['--json', 'batch', p('in'), '--bits', '4', '-o', p('out-q'), '--queue', redis.url]),
        cliAsync(['batch', p('in'), '--bits', '4', '-o', p('out-local'), '-w', '2']),
      ]);
      expect(q.code, q.stderr).toBe(5);
      const j = json(q.stdout);
      expect(j).toMatchObject({ written: 12, skipped: 0, failed: 1, total: 13, exitCode: 5 });
      const bad = j.results.find((r) => r.status === 'failed')!;
      expect(bad).toMatchObject({ code: 'E_FORMAT', input: p('in', 'model-0003.slim') });
      expect(bad.message).toMatch(/^model-0003\.slim: checksum mismatch/);
      expect(j.workers as number).toBeGreaterThanOrEqual(2); // the jobs were shared out
      expect(local.code, local.stderr).toBe(5);
      expect(outputs(p('out-q')).sort()).toEqual(outputs(p('out-local')).sort());
      expect(temps(p('out-q'))).toEqual([]);
      expect(readFileSync(p('out-q', 'weights.safetensors')).equals(readFileSync(p('out-local', 'weights.safetensors')))).toBe(true);
      for (const f of outputs(p('out-q')).filter((f) => f.endsWith('.slim'))) expect(await content(p('out-q', f)), f).toBe(await content(p('out-local', f)));
      // resume: the same digests, nothing redone, no byte changed
      const before = Object.fromEntries(outputs(p('out-q')).map((f) => [f, readFileSync(p('out-q', f))]));
      const again = await cliAsync(['--json', 'batch', p('in'), '--bits', '4', '-o', p('out-q'), '--queue', redis.url]);
      expect(json(again.stdout)).toMatchObject({ written: 0, skipped: 12, failed: 1 });
      for (const [f, b] of Object.entries(before)) expect(readFileSync(p('out-q', f)).equals(b), f).toBe(true);
      const done = ws.map((w) => Number(/(\d+) jobs done/.exec(w.err)?.[1] ?? 0));
      expect(done).toEqual([0, 0, 0]); // still running: the summary line comes at exit
    });
  }, 60_000);

  it('gptq with --calib: the rows travel once, and the outputs are the local pool\'s', async () => {
    makeCsv(p('calib.csv'), 400, 24, 9);
    const args = ['--json', 'batch', p('many'), '--bits', '3', '--method', 'gptq', '--calib', p('calib.csv')];
    const [q, l] = await withWorkers(redis.url, 2, {}, () => Promise.all([cliAsync([...args, '-o', p('out-gq'), '--queue', redis.url]), cliAsync([...args, '-o', p('out-gl'), '-w', '2'])]));
    expect(q.code, q.stderr).toBe(0);
    expect(json(q.stdout)).toMatchObject({ written: 12, failed: 0 });
    expect(l.code, l.stderr).toBe(0);
    for (const f of outputs(p('out-gl'))) expect(await content(p('out-gq', f)), f).toBe(await content(p('out-gl', f)));
  }, 60_000);

  it('a worker killed with SIGKILL mid-job: its job is recovered by another, every output whole and written once', async () => {
    const out = p('out-kill');
    await withWorkers(redis.url, 3, { SLIMFIT_WORKER_FAULTS: JSON.stringify({ delayMs: 400 }) }, async (ws) => {
      const driver = spawnCli(['--json', 'batch', p('many'), '--bits', '4', '-o', out, '--queue', redis.url]);
      // the first job a worker starts: kill that worker before it can finish (each job waits 400 ms first)
      let victim: Proc | undefined;
      let label = '';
      await waitFor(() => {
        victim = ws.find((w) => /start (\S+)/.test(w.err));
        return victim !== undefined;
      }, 20_000, 'a worker to start a job');
      label = /start (\S+)/.exec(victim!.err)![1];
      victim!.child.kill('SIGKILL');
      const code = await driver.exited;
      expect(code, driver.err).toBe(0);
      const j = json(driver.out);
      expect(j).toMatchObject({ written: 12, failed: 0, total: 12 });
      expect(new Set(j.results.map((r) => r.input)).size).toBe(12);
      expect(victim!.err).not.toMatch(new RegExp(`done ${label.replace('.', '\\.')}`));
      // another worker ran the killed worker's job after BullMQ found it stalled
      const others = ws.filter((w) => w !== victim).map((w) => w.err).join('\n');
      expect(others).toMatch(new RegExp(`start ${label.replace('.', '\\.')} `));
      expect(others).toMatch(new RegExp(`done ${label.replace('.', '\\.')} `));
      expect(outputs(out)).toHaveLength(12);
      expect(temps(out)).toEqual([]);
      for (const f of outputs(out)) expect((await decodeSlim(new Uint8Array(readFileSync(join(out, f))))).kind).toBe('compressed-linear');
    });
  }, 60_000);

  it('a job that always fails ends after its attempts, reported with its reason; the rest are written', async () => {
    const out = p('out-fail');
    await withWorkers(redis.url, 3, { SLIMFIT_WORKER_FAULTS: JSON.stringify({ fail: ['model-0002.slim'] }) }, async (ws) => {
      const r = await cliAsync(['--json', 'batch', p('many'), '--bits', '3', '-o', out, '--queue', redis.url, '--queue-backoff', '50']);
      expect(r.code, r.stderr).toBe(5);
      const j = json(r.stdout);
      expect(j).toMatchObject({ written: 11, failed: 1 });
      const f = j.results.find((x) => x.status === 'failed')!;
      expect(f).toMatchObject({ input: p('many', 'model-0002.slim'), code: 'E_WORKER' });
      expect(f.message).toMatch(/^model-0002\.slim: worker failed: injected failure for model-0002\.slim/);
      const logs = ws.map((w) => w.err).join('\n');
      // three attempts (the default), then no more
      expect(logs).toMatch(/start model-0002\.slim \(job \S+, attempt 3\)/);
      expect(logs).not.toMatch(/start model-0002\.slim \(job \S+, attempt 4\)/);
      expect(outputs(out)).toHaveLength(11);
    });
  }, 60_000);

  it('a job that crashes its thread or hangs past --job-timeout fails alone; the worker replaces the thread and goes on', async () => {
    const out = p('out-sandbox');
    const env = { SLIMFIT_WORKER_FAULTS: JSON.stringify({ crash: ['model-0004.slim'], hang: ['model-0005.slim'] }) };
    const w = await startWorker(redis.url, ['--concurrency', '2', '--job-timeout', '2'], env);
    try {
      const r = await cliAsync(['--json', 'batch', p('many'), '--bits', '4', '-o', out, '--queue', redis.url, '--queue-attempts', '2', '--queue-backoff', '50']);
      expect(r.code, r.stderr).toBe(5);
      const j = json(r.stdout);
      expect(j).toMatchObject({ written: 10, failed: 2 });
      const reasons = Object.fromEntries(j.results.filter((x) => x.status === 'failed').map((x) => [x.input.split('/').pop(), x.message]));
      expect(reasons['model-0004.slim']).toMatch(/worker failed: the worker thread died \(exit code 70/);
      expect(reasons['model-0005.slim']).toMatch(/worker failed: the job ran past its 2\.0 s deadline \(--job-timeout\); its thread was stopped/);
      expect(w.child.exitCode).toBeNull();
    } finally {
      expect(await stopProc(w)).toBe(0);
    }
    // 2 attempts each for the two bad jobs: 4 threads replaced
    expect(w.err).toMatch(/stopped after [\d.]+ s: 10 jobs done, 4 failed, 0 refused \(other version\), 4 threads replaced/);
  }, 30_000);

  it('SIGTERM: the worker finishes its active job, then exits 0 and says what it did', async () => {
    const one = p('one');
    mkdirSync(one, { recursive: true });
    copyFileSync(p('many', 'model-0007.slim'), join(one, 'model-0007.slim'));
    const w = await startWorker(redis.url, [], { SLIMFIT_WORKER_FAULTS: JSON.stringify({ delayMs: 800 }) });
    const driver = spawnCli(['batch', one, '--bits', '4', '-o', p('out-term'), '--queue', redis.url]);
    await waitFor(() => w.err.includes('start model-0007.slim'), 15_000, 'the job to start');
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    expect(w.err).toMatch(/SIGTERM: finishing the active jobs/);
    expect(w.err).toMatch(/done model-0007\.slim/);
    expect(w.err).toMatch(/stopped after [\d.]+ s: 1 jobs done, 0 failed/);
    expect(await driver.exited, driver.err).toBe(0);
    expect(outputs(p('out-term'))).toEqual(['model-0007.slim']);
  }, 30_000);

  it('with no worker connected the driver says so, and goes on once one starts', async () => {
    const one = p('one-b');
    mkdirSync(one, { recursive: true });
    copyFileSync(p('many', 'model-0008.slim'), join(one, 'model-0008.slim'));
    const driver = spawnCli(['batch', one, '--bits', '4', '-o', p('out-late'), '--queue', redis.url]);
    await waitFor(() => driver.err.includes('no `slimfit worker` is connected'), 15_000, 'the no-worker note');
    expect(driver.err).toContain(`no \`slimfit worker\` is connected to ${redis.url}: the jobs wait until one starts`);
    await withWorkers(redis.url, 1, {}, async () => {
      expect(await driver.exited, driver.err).toBe(0);
    });
    expect(outputs(p('out-late'))).toEqual(['model-0008.slim']);
  }, 30_000);

  it('a worker of another slimfit version refuses the job, without retries', async () => {
    await withWorkers(redis.url, 1, {}, async () => {
      const q = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
      try {
        const job = await q.add('compress', { v: '0.0.0-old', kind: 'compress', label: 'old.slim', payload: {}, blobs: {} }, { attempts: 3 });
        await waitFor(async () => (await job.getState()) === 'failed', 15_000, 'the job to be refused');
        const failed = await q.getJob(job.id!);
        expect(failed!.failedReason).toBe('job made by slimfit 0.0.0-old; this worker runs slimfit 0.1.0: run workers and drivers of the same version');
        expect(failed!.attemptsMade).toBe(1);
        await failed!.remove();
      } finally {
        await q.close();
      }
    });
  }, 30_000);

  it('the driver interrupted (SIGINT) exits 130 with whole outputs only; the rerun does only the rest', async () => {
    const out = p('out-int');
    await withWorkers(redis.url, 2, { SLIMFIT_WORKER_FAULTS: JSON.stringify({ delayMs: 150 }) }, async () => {
      const args = ['batch', p('many'), '--bits', '4', '-o', out, '--queue', redis.url];
      const driver = spawnCli(args);
      await waitFor(() => outputs(out).length >= 3, 20_000, 'three outputs');
      driver.child.kill('SIGINT');
      expect(await driver.exited, driver.err).toBe(130);
      expect(driver.err).toMatch(/not done \(interrupted\)/);
      // the run's waiting jobs went with it: the workers are not left doing work nobody collects
      const q = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
      try {
        expect(await q.getWaitingCount()).toBe(0);
      } finally {
        await q.close();
      }
      const done = outputs(out);
      expect(done.length).toBeGreaterThanOrEqual(3);
      expect(done.length).toBeLessThan(12);
      expect(temps(out)).toEqual([]);
      for (const f of done) await decodeSlim(new Uint8Array(readFileSync(join(out, f))));
      const rerun = await cliAsync(['--json', ...args]);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(json(rerun.stdout)).toMatchObject({ written: 12 - done.length, skipped: done.length, failed: 0 });
      expect(outputs(out)).toHaveLength(12);
    });
  }, 60_000);

  it('Redis restarted mid-run (no persistence: every job lost): the driver enqueues the rest again and finishes', async () => {
    const r2 = await newRedis();
    const out = p('out-restart');
    await withWorkers(r2.url, 2, { SLIMFIT_WORKER_FAULTS: JSON.stringify({ delayMs: 150 }) }, async (ws) => {
      const driver = spawnCli(['batch', p('many'), '--bits', '4', '-o', out, '--queue', r2.url]);
      await waitFor(() => outputs(out).length >= 2, 20_000, 'two outputs');
      await r2.stop();
      const before = outputs(out).length;
      expect(before).toBeLessThan(12);
      await r2.start();
      expect(await driver.exited, driver.err).toBe(0);
      expect(driver.err).toMatch(/Redis lost this run's jobs \(restarted without persistence\?\): enqueueing the \d+ inputs not done again \(1 of 3\)/);
      expect(driver.err).toMatch(/batch: 12 written, 0 skipped \(up to date\), 0 failed of 12/);
      expect(outputs(out)).toHaveLength(12);
      expect(temps(out)).toEqual([]);
      for (const f of outputs(out)) await decodeSlim(new Uint8Array(readFileSync(join(out, f))));
      // the workers lived through it and took the new jobs
      for (const w of ws) expect(w.child.exitCode).toBeNull();
    });
  }, 60_000);

  it('refuses a bad --queue address (exit 2) and an unreachable Redis (exit 3, the driver before writing anything, and a worker)', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const [bad, down, worker] = await Promise.all([
      cliAsync(['batch', p('many'), '--bits', '4', '-o', p('out-bad'), '--queue', 'http://127.0.0.1:1']),
      cliAsync(['batch', p('many'), '--bits', '4', '-o', p('out-down'), '--queue', `redis://127.0.0.1:${port}`]),
      cliAsync(['worker', '--queue', `redis://127.0.0.1:${port}/2`]),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--queue "http:\/\/127\.0\.0\.1:1": the scheme is http, not redis/);
    expect(down.code, down.stderr).toBe(3);
    expect(down.stderr).toMatch(/\[E_QUEUE\] cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ \(connect ECONNREFUSED/);
    expect(outputs(p('out-down'))).toEqual([]);
    expect(worker.code, worker.stderr).toBe(3);
    expect(worker.stderr).toMatch(/\[E_QUEUE\] cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+\/2 \(connect ECONNREFUSED/);
    // at the first refused connection, not after the 5 s reachability timeout or a reconnect loop
    expect(Date.now() - t0).toBeLessThan(5000);
  }, 30_000);

  it('refuses an input over the size limit by name, and sends the rest', async () => {
    const big = p('big');
    mkdirSync(big, { recursive: true });
    copyFileSync(p('many', 'model-0000.slim'), join(big, 'model-0000.slim'));
    // a sparse file: its size is what the limit reads, no bytes are written
    const { openSync, ftruncateSync, closeSync } = await import('node:fs');
    const fd = openSync(join(big, 'huge.safetensors'), 'w');
    ftruncateSync(fd, 65 * 2 ** 20);
    closeSync(fd);
    // on database 5 (the URL's path): the driver and the worker meet there, and nothing lands in 0
    const db5 = `${redis.url}/5`;
    const look = new Redis({ port: redis.port, lazyConnect: true });
    const blobsIn = async (db: number) => {
      await look.select(db);
      return (await look.keys('slimfit:blob:*')).length;
    };
    const inZero = await blobsIn(0);
    await withWorkers(db5, 1, {}, async () => {
      const r = await cliAsync(['--json', 'batch', big, '--bits', '4', '-o', p('out-big'), '--queue', db5]);
      expect(r.code, r.stderr).toBe(5);
      const j = json(r.stdout);
      expect(j).toMatchObject({ written: 1, failed: 1 });
      expect(j.results.find((x) => x.status === 'failed')!.message).toBe('huge.safetensors is 65.0 MiB; files sent through the queue are limited to 64 MiB each (split it into shards, or run it on a machine that reads it locally)');
    });
    try {
      expect(await blobsIn(5)).toBe(1); // model-0000.slim's bytes (they expire after a day)
      expect(await blobsIn(0)).toBe(inZero);
    } finally {
      look.disconnect();
    }
  }, 30_000);
});
