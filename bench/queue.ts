/**
 * Batch compression through BullMQ over Redis (`slimfit batch --queue` +
 * `slimfit worker` processes) against the local worker pool (`slimfit batch
 * --workers N`), at 1, 2 and 4 workers on the same inputs. (Part of the
 * bench program: `npm run bench -- queue`.)
 *
 * Two workloads:
 *  - throughput: .safetensors weight files, one F32 [512, 512] layer + bias
 *    (1 MiB, ~15-20 ms of CPU each, the batch family's inputs), rtn 4-bit
 *    block 32;
 *  - overhead per job: .slim linear models of d = 64 (the demo's scorecard
 *    size: a few KiB, ~1 ms of CPU each) at 1 worker, where the queue's
 *    per-job cost (blob upload, BullMQ's Lua scripts, lock, the driver's
 *    poll, the output's round trip) is not hidden by the compression.
 *
 * Method: a redis-server on a free loopback port with no persistence, the
 * workers started once per worker count (warm: one untimed run first) from
 * the built CLI (dist/), the driver (runQueueBatch) in this process; the
 * local pool is runBatch() with a fresh pool per run. Runs interleaved
 * local, queue, queue, local ..., medians over the rounds. "steady" = files
 * after the first `workers` results / the time from then to the last result
 * (start-up apart); "end to end" = files / wall (the local pool's start-up
 * included, the queue's workers already running, its uploads included).
 * This machine has 2 vCPU shared with other work: 4 workers cannot scale
 * here (they measure contention, not capacity).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runBatch, type BatchProgress } from '../src/cli/batch-pool.js';
import { runQueueBatch } from '../src/cli/batch-queue.js';
import type { Recipe } from '../src/cli/recipe.js';
import { encodeSafetensors } from '../src/io/safetensors.js';
import { parseQueueUrl } from '../src/queue/connection.js';
import { makeModels } from '../test/cli-fixtures.js';
import type { BenchContext, Family } from './context.js';
import { fillNormal, fmtMs, fmtNum, fmtRatio } from './harness.js';

const FAMILY = 'queue';
const WORKERS = [1, 2, 4];
const TMP = fileURLToPath(new URL('./.tmp/queue/', import.meta.url));
const CLI = fileURLToPath(new URL('../bin/slimfit.js', import.meta.url));
const WORKER = fileURLToPath(new URL('../dist/cli/batch-worker.js', import.meta.url));
const FULL = { files: 128, models: 200, rounds: 3 };
const QUICK = { files: 32, models: 60, rounds: 1 };
const WEIGHTS: Recipe = { method: 'rtn', bits: 4, granularity: { block: 32 }, scheme: 'symmetric' };
const MODELS: Recipe = { method: 'rtn', bits: 4, granularity: 'row', scheme: 'symmetric' };

function weightFiles(count: number): string[] {
  const dir = join(TMP, 'in-512x512');
  mkdirSync(dir, { recursive: true });
  return Array.from({ length: count }, (_, k) => {
    const p = join(dir, `layer-${String(k).padStart(4, '0')}.safetensors`);
    if (!existsSync(p)) {
      const w = new Float32Array(512 * 512);
      fillNormal(w, 9000 + k, 0.05);
      const b = new Float32Array(512);
      fillNormal(b, 50_000 + k, 0.01);
      writeFileSync(`${p}.part`, encodeSafetensors({ 'layer.weight': { shape: [512, 512], data: w }, 'layer.bias': { shape: [512], data: b } }, { format: 'pt' }));
      renameSync(`${p}.part`, p);
    }
    return p;
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function startProc(args: string[], ready: string, cmd = process.execPath): Promise<{ p: ChildProcess; log: () => string }> {
  const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let log = '';
  p.stdout!.setEncoding('utf8').on('data', (s: string) => (log += s));
  p.stderr!.setEncoding('utf8').on('data', (s: string) => (log += s));
  return until(() => log.includes(ready) || p.exitCode !== null, 20_000, ready).then(() => {
    if (p.exitCode !== null) throw new Error(`${args.join(' ')} exited: ${log}`);
    return { p, log: () => log };
  });
}

interface Run {
  wallS: number;
  e2e: number;
  steady: number;
}

/** Times one batch; `go` runs it with a progress callback. */
async function timed(files: number, workers: number, go: (onProgress: (p: BatchProgress) => void) => Promise<{ written: number }>): Promise<Run> {
  const stamps: number[] = [];
  const t0 = performance.now();
  const s = await go(() => stamps.push(performance.now()));
  const wallS = (performance.now() - t0) / 1000;
  if (s.written !== files) throw new Error(`${s.written} of ${files} written`);
  const k = Math.min(workers, files - 1);
  const steady = (files - k) / ((stamps[files - 1] - stamps[k - 1]) / 1000);
  return { wallS, e2e: files / wallS, steady };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function run(ctx: BenchContext): Promise<void> {
  if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run \`npm run build\` first`);
  const { files, models, rounds } = ctx.quick ? QUICK : FULL;
  const load0 = os.loadavg()[0];
  const weights = weightFiles(files);
  const modelDir = join(TMP, `models-d64-${models}`);
  if (!existsSync(join(modelDir, `model-${String(models - 1).padStart(4, '0')}.slim`))) await makeModels(modelDir, models, 64, 3);
  const slims = Array.from({ length: models }, (_, k) => join(modelDir, `model-${String(k).padStart(4, '0')}.slim`));
  const modelBytes = readFileSync(slims[0]).byteLength;
  const port = await freePort();
  const redis = await startProc(['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], 'Ready to accept connections', '/usr/bin/redis-server');
  const queue = parseQueueUrl(`redis://127.0.0.1:${port}`);
  const workerFile = pathToFileURL(WORKER).href;
  const out = (tag: string) => {
    const d = join(TMP, `out-${tag}`);
    rmSync(d, { recursive: true, force: true });
    return d;
  };
  const local = (inputs: string[], recipe: Recipe, w: number) => timed(inputs.length, w, (onProgress) => runBatch(inputs, out('local'), { recipe, workers: w, force: true, workerFile, onProgress }));
  const viaQueue = (inputs: string[], recipe: Recipe, w: number) => timed(inputs.length, w, (onProgress) => runQueueBatch(inputs, out('queue'), { recipe, force: true, queue, onProgress }));
  const rows: string[][] = [];
  const by = new Map<string, Run[]>();
  const add = (key: string, r: Run) => by.set(key, [...(by.get(key) ?? []), r]);
  let overhead: { local: number; queue: number } | undefined;
  try {
    for (const w of WORKERS) {
      const ws = await Promise.all(Array.from({ length: w }, () => startProc([CLI, 'worker', '--queue', queue.url], 'taking jobs')));
      try {
        await viaQueue(weights.slice(0, 2 * w), WEIGHTS, w); // warm: module load, engine init, JIT
        for (let r = 0; r < rounds; r++) {
          const order = r % 2 === 0 ? ['local', 'queue'] : ['queue', 'local'];
          for (const o of order) add(`${o}-${w}`, o === 'local' ? await local(weights, WEIGHTS, w) : await viaQueue(weights, WEIGHTS, w));
          ctx.log(`  queue: ${w} worker(s), round ${r + 1}: local ${fmtNum(by.get(`local-${w}`)!.at(-1)!.steady, 0)} files/s, queue ${fmtNum(by.get(`queue-${w}`)!.at(-1)!.steady, 0)} files/s (steady)`);
        }
        if (w === 1) {
          const l: Run[] = [];
          const q: Run[] = [];
          await viaQueue(slims.slice(0, 10), MODELS, 1);
          for (let r = 0; r < rounds; r++) {
            l.push(await local(slims, MODELS, 1));
            q.push(await viaQueue(slims, MODELS, 1));
          }
          overhead = { local: 1000 / median(l.map((x) => x.steady)), queue: 1000 / median(q.map((x) => x.steady)) };
        }
      } finally {
        for (const x of ws) x.p.kill('SIGTERM');
        await Promise.all(ws.map((x) => (x.p.exitCode !== null ? undefined : new Promise((res) => x.p.once('exit', res)))));
      }
    }
  } finally {
    redis.p.kill('SIGKILL');
  }
  const med = (k: string, f: (r: Run) => number) => median(by.get(k)!.map(f));
  const s1 = med('queue-1', (r) => r.steady);
  for (const w of WORKERS) {
    const ls = med(`local-${w}`, (r) => r.steady);
    const qs = med(`queue-${w}`, (r) => r.steady);
    rows.push([String(w), fmtNum(ls, 1), fmtNum(qs, 1), fmtRatio(qs / ls), fmtNum(med(`local-${w}`, (r) => r.e2e), 1), fmtNum(med(`queue-${w}`, (r) => r.e2e), 1), fmtRatio(qs / s1)]);
  }
  ctx.report.table({
    family: FAMILY,
    title: `batch through BullMQ/Redis vs the local pool: ${files} .safetensors files (F32 [512, 512] + bias, 1 MiB each), rtn 4-bit block 32, 1 / 2 / 4 workers`,
    notes: [
      `Medians over ${rounds} round${rounds > 1 ? 's' : ''}, local and queue runs interleaved; queue workers = \`slimfit worker\` processes (concurrency 1) started once per count and warmed; the driver in the bench process. "steady" = files after the first results (one per worker) / time to the last; "end to end" = files / wall (local: pool start-up included; queue: workers already up, uploads included).`,
      `This machine: ${os.availableParallelism()} vCPU shared with other work (1-min load average ${load0.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end: above ${os.availableParallelism()}, every figure here is bent by other processes); 4 workers cannot scale on ${os.availableParallelism()} vCPU (the 4-worker row measures contention). Redis on loopback, no persistence; the driver and Redis share the machine with the workers.`,
      overhead ? `Overhead per job at the demo's model size (.slim, d = 64, ${modelBytes} bytes; ${models} files, 1 worker, steady): local ${fmtMs(overhead.local)} per file, queue ${fmtMs(overhead.queue)} per file: ${fmtMs(overhead.queue - overhead.local)} of queue overhead per job.` : '',
    ].filter((x) => x !== ''),
    columns: ['workers', 'local files/s steady', 'queue files/s steady', 'queue / local', 'local files/s end to end', 'queue files/s end to end', 'queue vs 1 worker'],
    rows,
  });
  const q2 = med('queue-2', (r) => r.steady);
  const worst = Math.min(...[1, 2].map((w) => med(`queue-${w}`, (r) => r.steady) / med(`local-${w}`, (r) => r.steady)));
  ctx.report.ratio(`queue batch: ${fmtNum(s1, 1)} files/s at 1 worker, ${fmtNum(q2, 1)} at 2 (${fmtRatio(q2 / s1)}); queue / local at 1-2 workers >= ${fmtRatio(worst)}${overhead ? `; overhead ${fmtMs(overhead.queue - overhead.local)} per job at d = 64` : ''}`);
  if (!ctx.quick) {
    ctx.report.floor({ family: FAMILY, name: 'queue within 15% of the local pool (1 and 2 workers, steady)', target: '>= 0.85x', value: fmtRatio(worst), ok: worst >= 0.85 });
    ctx.report.floor({ family: FAMILY, name: 'queue 2 workers / 1 worker', target: '>= 1.7x', value: fmtRatio(q2 / s1), ok: q2 / s1 >= 1.7 });
  }
}

export const queueFamily: Family = {
  name: FAMILY,
  tags: [],
  description: 'batch through BullMQ over Redis (slimfit worker processes) vs the local pool at 1, 2, 4 workers; queue overhead per job',
  run,
};
