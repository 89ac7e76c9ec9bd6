/**
 * `slimfit batch` end to end (spawned processes on the built dist/): a worker
 * pool writes every output atomically, one corrupt input is reported and
 * skipped, reruns skip what is up to date (resume), changed inputs or options
 * are redone, and SIGINT stops cleanly with no partial or temp files.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSlim } from '../src/io/slim.js';
import { CLI, cliAsync, lines, makeCsv, makeModels, makeSafetensors } from './cli-fixtures.js';

let dir: string;
const p = (...names: string[]) => join(dir, ...names);
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
const outputs = (d: string) => readdirSync(d).filter((f) => f.endsWith('.slim') || f.endsWith('.safetensors'));
const temps = (d: string) => readdirSync(d).filter((f) => f.endsWith('.tmp'));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'slimfit-batch-'));
  await makeModels(p('in'), 12, 16, 11);
  // one corrupt input: a flipped byte that only the checksum catches
  const bad = readFileSync(p('in', 'model-0003.slim'));
  bad[bad.length - 20] ^= 0xff;
  writeFileSync(p('in', 'model-0003.slim'), bad);
  writeFileSync(p('in', 'notes.txt'), 'not a model: ignored by folder inputs\n');
  makeSafetensors(p('in', 'weights.safetensors'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The resume story runs in order (each step depends on the outputs before it);
// the glob and Ctrl-C cases run beside it (vitest gives this file one worker).
const once = <T>(f: () => Promise<T>) => {
  let v: Promise<T> | undefined;
  return () => (v ??= f());
};
const first = once(() => cliAsync(['batch', p('in'), '--workers', '2', '--bits', '4', '-o', p('out')]));
const rerun = once(async () => {
  await first();
  const before = Object.fromEntries(outputs(p('out')).map((f) => [f, readFileSync(p('out', f))]));
  return { before, r: await cliAsync(['--json', 'batch', p('in'), '--workers', '2', '--bits', '4', '-o', p('out')]) };
});
const changes = once(async () => {
  await rerun();
  copyFileSync(p('in', 'model-0000.slim'), p('in', 'model-0001.slim'));
  const changedInput = await cliAsync(['--json', 'batch', p('in'), '--bits', '4', '-o', p('out'), '-w', '2']);
  const changedOptions = await cliAsync(['--json', 'batch', p('in'), '--bits', '8', '-o', p('out'), '-w', '2']);
  const forced = await cliAsync(['--json', 'batch', p('in'), '--bits', '8', '-o', p('out'), '-w', '2', '--force']);
  return [changedInput, changedOptions, forced].map((r) => JSON.parse(r.stdout));
});

describe.concurrent('slimfit batch', () => {
  it('compresses a folder on 2 workers; the corrupt input fails alone, the rest are written', async () => {
    const r = await first();
    expect(r.code, r.stderr).toBe(5);
    const err = lines(r.stderr);
    expect(err.filter((l) => l.startsWith('failed '))).toEqual([expect.stringMatching(/^failed model-0003\.slim: checksum mismatch/)]);
    expect(err.at(-1)).toMatch(/^batch: 12 written, 0 skipped \(up to date\), 1 failed of 13 in [\d.]+ s \(.* files\/s, 2 workers\)$/);
    expect(outputs(p('out')).sort()).toEqual([...readdirSync(p('in')).filter((f) => f !== 'model-0003.slim' && f !== 'notes.txt')].sort());
    expect(temps(p('out'))).toEqual([]);
    const d = await decodeSlim(new Uint8Array(readFileSync(p('out', 'model-0005.slim'))));
    expect(d.kind).toBe('compressed-linear');
    expect(d.header.provenance?.inputDigest).toBe(sha(p('in', 'model-0005.slim')));
  });

  it('a rerun skips every output whose recorded input digest matches (resume)', async () => {
    const { before, r } = await rerun();
    expect(r.code).toBe(5); // the corrupt input still fails
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ ok: false, written: 0, skipped: 12, failed: 1, total: 13, exitCode: 5 });
    expect(j.failures[0]).toMatchObject({ code: 'E_FORMAT', input: p('in', 'model-0003.slim') });
    for (const [f, b] of Object.entries(before)) expect(readFileSync(p('out', f)).equals(b), f).toBe(true);
  });

  it('redoes a changed input, and everything when the options change', async () => {
    const [changedInput, changedOptions, forced] = await changes();
    expect(changedInput).toMatchObject({ written: 1, skipped: 11, failed: 1 });
    expect(changedInput.results.find((x: { status: string }) => x.status === 'written').input).toBe(p('in', 'model-0001.slim'));
    expect(changedOptions).toMatchObject({ written: 12, skipped: 0, failed: 1 });
    expect(forced).toMatchObject({ written: 12, skipped: 0 });
  });

  it('takes globs and files; all good inputs give exit 0', async () => {
    await first(); // the fixtures exist
    const r = await cliAsync(['batch', `${p('in')}/model-000[4-9].slim`, p('in', 'model-0010.slim'), '--sparsity', '0.5', '-o', p('out-glob'), '-w', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stderr).at(-1)).toMatch(/^batch: 7 written, 0 skipped \(up to date\), 0 failed of 7/);
    expect(outputs(p('out-glob'))).toHaveLength(7);
  });

  it('Ctrl-C (SIGINT) stops cleanly: exit 130, no partial or temp files; the next run finishes the rest', async () => {
    const many = p('many');
    await makeModels(many, 240, 48, 5);
    makeCsv(p('calib.csv'), 3000, 48, 9);
    const out = p('out-int');
    const args = ['batch', many, '--workers', '2', '--bits', '3', '--method', 'gptq', '--calib', p('calib.csv'), '--fsync', '-o', out];
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    // interrupt once a few outputs exist (the pool is running)
    const t0 = Date.now();
    while (!(existsSync(out) && outputs(out).length >= 3) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGINT');
    const code = await exited;
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted: stopping the workers and removing temp files/);
    expect(stderr).toMatch(/not done \(interrupted\)/);
    const done = outputs(out);
    expect(done.length).toBeGreaterThanOrEqual(3);
    expect(done.length).toBeLessThan(240);
    expect(temps(out)).toEqual([]);
    for (const f of done) await decodeSlim(new Uint8Array(readFileSync(join(out, f)))); // every output is whole
    // the summary counts each finished file, including those of chunks the interrupt cut short
    const summary = /batch: (\d+) written, (\d+) skipped \(up to date\), (\d+) failed, (\d+) not done \(interrupted\) of 240/.exec(stderr);
    expect(summary, stderr).not.toBeNull();
    expect(Number(summary![1])).toBe(done.length);
    expect(Number(summary![1]) + Number(summary![4])).toBe(240);
    // resume: the rest are written, the finished ones skipped
    const j = JSON.parse((await cliAsync(['--json', ...args])).stdout);
    expect(j).toMatchObject({ ok: true, written: 240 - done.length, skipped: done.length, failed: 0 });
    expect(outputs(out)).toHaveLength(240);
  });
});
