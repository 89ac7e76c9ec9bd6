/**
 * Fixtures for the CLI tests (and the batch benchmark): seeded CSV files and
 * small fitted models written as .slim files, made through the public API.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { init } from '../src/index.js';
import { encodeModel } from '../src/cli/files.js';
import { rng, normal } from '../src/random.js';
import { encodeSafetensors } from '../src/io/safetensors.js';

/** A CSV with a header: x1..xd, then y (linear) and label (0/1). */
export function makeCsv(path: string, rows: number, d: number, seed = 1): string[] {
  const u = rng(seed);
  const z = normal(u);
  const names = Array.from({ length: d }, (_, j) => `x${j + 1}`);
  const lines = [[...names, 'y', 'label'].join(',')];
  for (let i = 0; i < rows; i++) {
    const x = Array.from({ length: d }, () => z());
    const eta = x.reduce((s, v, j) => s + v * (j % 3 === 0 ? 1 : -0.5) / (1 + j / 4), 0.3);
    const y = eta + 0.5 * z();
    const label = u() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    lines.push([...x.map((v) => v.toFixed(5)), y.toFixed(5), label].join(','));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return names;
}

/** `count` float linear models with d features (fitted on seeded random data), written to dir/model-NNNN.slim. */
export async function makeModels(dir: string, count: number, d: number, seed = 7): Promise<string[]> {
  const engine = await init();
  mkdirSync(dir, { recursive: true });
  const u = rng(seed);
  const z = normal(u);
  const n = Math.max(4 * d, 64);
  const features = Array.from({ length: d }, (_, j) => `x${j + 1}`);
  const paths: string[] = [];
  for (let k = 0; k < count; k++) {
    const X = new Float64Array(n * d);
    const y = new Float64Array(n);
    const w = Array.from({ length: d }, () => z() * Math.exp(z()));
    for (let i = 0; i < n; i++) {
      let t = 0;
      for (let j = 0; j < d; j++) t += (X[i * d + j] = z()) * w[j];
      y[i] = t + 0.1 * z();
    }
    const model = engine.fitLinear({ rows: n, cols: d, data: X }, y);
    const bytes = await encodeModel({ kind: 'float', model, meta: { features, target: 'y', task: 'linear', recipe: { command: 'fit' } } });
    const p = join(dir, `model-${String(k).padStart(4, '0')}.slim`);
    writeFileSync(p, bytes);
    paths.push(p);
  }
  return paths;
}

/**
 * A small weights file: two F32 layers with biases, an F64 tensor and an I64
 * step counter (passed through; `floatsOnly` leaves it out, since a .slim
 * file cannot hold I64).
 */
export function makeSafetensors(path: string, seed = 3, opts: { floatsOnly?: boolean } = {}): void {
  const u = rng(seed);
  const z = normal(u);
  const f32 = (n: number) => Float32Array.from({ length: n }, () => z() * 0.1);
  const bytes = encodeSafetensors(
    {
      'layer1.weight': { shape: [64, 32], data: f32(64 * 32) },
      'layer1.bias': { shape: [64], data: f32(64) },
      'layer2.weight': { shape: [16, 64], data: f32(16 * 64) },
      'head.weight': { shape: [3, 16], data: Float64Array.from({ length: 48 }, () => z()) },
      ...(opts.floatsOnly ? {} : { step: { shape: [1], data: BigInt64Array.of(1234n) } }),
    },
    { format: 'pt', note: 'made by test/cli-fixtures.ts' },
  );
  writeFileSync(path, bytes);
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The built command (npm test builds dist/ first). */
export const CLI = fileURLToPath(new URL('../bin/slimfit.js', import.meta.url));
if (!existsSync(fileURLToPath(new URL('../dist/cli/main.js', import.meta.url)))) {
  throw new Error('dist/cli/main.js is missing: the CLI tests run the built command; run `npm run build` first (npm test does)');
}

/** Runs `slimfit args...` as a child process (no colours unless env says so). */
export function cli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', ...opts.env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Lines of text, without empty ones. */
export const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');

/** The same, asynchronously (tests run independent cases concurrently). */
export function cliAsync(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs many invocations, `concurrency` at a time; results in input order. */
export async function cliAll(runs: { args: string[]; env?: Record<string, string> }[], concurrency = 4): Promise<CliRun[]> {
  const out: CliRun[] = new Array(runs.length);
  let next = 0;
  const lane = async () => {
    while (next < runs.length) {
      const i = next++;
      out[i] = await cliAsync(runs[i].args, runs[i].env ? { env: runs[i].env } : {});
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, runs.length) }, lane));
  return out;
}
