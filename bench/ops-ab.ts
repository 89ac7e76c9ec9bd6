/**
 * A/B timing of the public operations across two source trees, in one
 * process: `npx tsx bench/ops-ab.ts BEFORE/src/index.ts AFTER/src/index.ts`
 * (e.g. a `git worktree` of the old commit). Each tree gets its own wasm
 * engine (each reads its own build/release.wasm: build both first); the same
 * inputs run through both, the calls interleaved round by round (order
 * alternating) so machine noise hits both alike. Prints the median time per
 * call and the ratio after / before (< 1: faster). The raw kernels across
 * builds: bench/kernels-ab.ts.
 */
import { rng } from '../src/random.js';

const [beforePath, afterPath] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (!beforePath || !afterPath) {
  console.error('usage: npx tsx bench/ops-ab.ts BEFORE/src/index.ts AFTER/src/index.ts [--quick]');
  process.exit(2);
}
const ROUNDS = process.argv.includes('--quick') ? 7 : 31;

/** What the cases call: the facade methods both trees have. */
interface Ops {
  gram(X: unknown, y?: unknown): unknown;
  solveSPD(A: unknown, b: unknown): unknown;
  fitLinear(X: unknown, y: unknown): unknown;
  fitLogistic(X: unknown, y: unknown): unknown;
  quantize(w: unknown, o: unknown): unknown;
  prune(w: unknown, o: unknown): unknown;
  compressModel(m: unknown, o: unknown): unknown;
}
type Lib = { init(o: { backend: 'wasm' }): Promise<Ops> };

const trees = { before: beforePath, after: afterPath };
const engines: Record<string, Ops> = {};
for (const [k, p] of Object.entries(trees)) engines[k] = await ((await import(p)) as Lib).init({ backend: 'wasm' });

const u = rng(7);
const n = 100_000;
const design = (d: number) => {
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = u() - 0.5;
  return { rows: n, cols: d, data };
};
const X16 = design(16);
const X64 = design(64);
const X256 = design(256);
const y = Float64Array.from({ length: n }, (_, i) => 2 * X64.data[i * 64]! + u());
const y01 = Float64Array.from({ length: n }, (_, i) => (X16.data[i * 16]! + 0.3 * (u() - 0.5) > 0 ? 1 : 0));
const w = Float32Array.from({ length: 10_000_000 }, () => u() - 0.5);
const D = 1024;
const A = new Float64Array(D * D);
for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) A[i * D + j] = i === j ? D + 1 : ((((i + j) * 37) % 19) / 19 - 0.5) * 0.1;
const b = new Float64Array(D).fill(1);
const model64 = engines.before!.fitLinear(X64, y);

const cases: [string, (e: Ops) => unknown][] = [
  ['gram n=1e5 d=16', (e) => e.gram(X16, y)],
  ['gram n=1e5 d=64', (e) => e.gram(X64, y)],
  ['gram n=1e5 d=256', (e) => e.gram(X256)],
  ['solveSPD d=1024', (e) => e.solveSPD(A, b)],
  ['fitLinear n=1e5 d=16', (e) => e.fitLinear(X16, y)],
  ['fitLinear n=1e5 d=64', (e) => e.fitLinear(X64, y)],
  ['fitLogistic n=1e5 d=16', (e) => e.fitLogistic(X16, y01)],
  ['quantize int8 1e7 float32 (copying)', (e) => e.quantize(w, { bits: 8 })],
  ['prune |w| <= 0.3, 1e7 float32 (copying, SparseTensor)', (e) => e.prune(w, { threshold: 0.3 })],
  ['prune sparsity 0.5, 1e7 float32 (top-k)', (e) => e.prune(w, { sparsity: 0.5 })],
  ['compressModel d=64 gptq 4-bit', (e) => e.compressModel(model64, { method: 'gptq', X: X64, quantize: { bits: 4 } })],
];

const median = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1]!;
console.log(`before = ${beforePath}\nafter  = ${afterPath}\nmedian of ${ROUNDS} interleaved calls\n`);
console.log('case\tbefore ms\tafter ms\tafter / before');
for (const [name, f] of cases) {
  const t: Record<'before' | 'after', number[]> = { before: [], after: [] };
  for (const k of ['before', 'after'] as const) for (let i = 0; i < 3; i++) f(engines[k]!);
  for (let r = 0; r < ROUNDS; r++) {
    for (const k of r % 2 ? (['after', 'before'] as const) : (['before', 'after'] as const)) {
      const t0 = performance.now();
      f(engines[k]!);
      t[k].push(performance.now() - t0);
    }
  }
  const bm = median(t.before);
  const am = median(t.after);
  console.log(`${name}\t${bm.toFixed(2)}\t${am.toFixed(2)}\t${(am / bm).toFixed(2)}`);
}
