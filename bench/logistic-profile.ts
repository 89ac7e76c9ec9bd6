/**
 * Where one fitLogistic call spends its time, on the scorecard shape
 * (n = 160,000, d = 45 indicator columns of density 1/8): the LinAlg calls
 * (the pass over the nonzeros, any dense gram pass, the SPD solves) are timed
 * in place by wrapping the engine's LinAlg; the JS passes (the index of the
 * nonzeros, its column statistics, the linear predictor, the log-likelihood)
 * by calling the same functions on the same data. Medians of several runs in
 * one process, wall and process CPU time (the machine may be shared).
 *
 *   npx tsx bench/logistic-profile.ts [n] [d]
 */
import { init, fitLogistic } from '../src/index.js';
import { linAlg, type LinAlg } from '../src/ops/linalg.js';
import { linearPredictor, nonzeros } from '../src/fit/linear-predictor.js';
import { nonzeroColumnStats } from '../src/fit/logistic-sparse.js';
import { scorecardProblem } from './logistic-data.js';

const n = Number(process.argv[2] ?? 160_000);
const d = Number(process.argv[3] ?? 45);
const RUNS = 7;

const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];

const engine = await init({ backend: 'wasm' });
const { X, y } = scorecardProblem(n, d);
const base = linAlg(engine);
const spent = { pass: 0, passes: 0, dense: 0, denses: 0, solve: 0 };
const time = <T>(f: () => T, add: (ms: number) => void): T => {
  const t = performance.now();
  try {
    return f();
  } finally {
    add(performance.now() - t);
  }
};
const timed: LinAlg = {
  backend: base.backend,
  gram: (A, b, o) => base.gram(A, b, o),
  solveSPD: (A, b, o) => time(() => base.solveSPD(A, b, o), (ms) => (spent.solve += ms)),
  columnStats: (A, w) => base.columnStats(A, w),
  centredGram: (A, mu, inv, Y, m, w) => time(() => base.centredGram(A, mu, inv, Y, m, w), (ms) => ((spent.dense += ms), spent.denses++)),
  nonzeroGram: (index, dd) => {
    const g = base.nonzeroGram!(index, dd);
    return { gram: (W, r) => time(() => g.gram(W, r), (ms) => ((spent.pass += ms), spent.passes++)), release: () => g.release() };
  },
};

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const totals: number[] = [];
const cpus: number[] = [];
const passes: number[] = [];
const denses: number[] = [];
const solves: number[] = [];
let iters = 0;
let passCalls = 0;
let denseCalls = 0;
for (let r = 0; r < RUNS + 1; r++) {
  spent.pass = spent.passes = spent.dense = spent.denses = spent.solve = 0;
  const c = cpuNow();
  const t = performance.now();
  const m = fitLogistic(timed, X, y);
  const ms = performance.now() - t;
  const cpu = cpuNow() - c;
  if (r === 0) continue; // warm-up
  totals.push(ms);
  cpus.push(cpu);
  passes.push(spent.pass);
  denses.push(spent.dense);
  solves.push(spent.solve);
  iters = m.stats.iterations;
  passCalls = spent.passes;
  denseCalls = spent.denses;
}

// the JS passes, as fitLogistic runs them (CPU time)
const pass = (fn: () => void) => {
  const a: number[] = [];
  for (let r = 0; r < RUNS + 1; r++) {
    const c = cpuNow();
    fn();
    if (r > 0) a.push(cpuNow() - c);
  }
  return median(a);
};
const index = nonzeros(X);
const mu = new Float64Array(d).fill(0.125);
const inv = new Float64Array(d).fill(2);
const theta = new Float64Array(d + 1).map((_, j) => 0.01 * j);
const lp = linearPredictor(X, mu, inv, index);
const eta = lp.eta(theta, 1);
let sink = 0;
const tIndex = pass(() => void nonzeros(X));
const tStats = index ? pass(() => void nonzeroColumnStats(index, n, d, undefined)) : NaN;
const tEta = pass(() => void lp.eta(theta, 1));
const tLl = pass(() => {
  let ll = 0;
  for (let i = 0; i < n; i++) {
    const e = eta[i];
    const a = Math.exp(-Math.abs(e));
    ll += y[i] * e - ((e > 0 ? e : 0) + Math.log1p(a));
  }
  sink += ll;
});

const total = median(totals);
const fmt = (ms: number) => `${ms.toFixed(1).padStart(7)} ms`;
console.log(`fitLogistic n=${n} d=${d} (wasm-simd, ${lp.kind} design): ${iters} Newton steps, medians of ${RUNS} runs`);
console.log(`  total fit                          ${fmt(total)}  (process CPU ${fmt(median(cpus)).trim()})`);
console.log(`  passes over the nonzeros (kernel)  ${fmt(median(passes))}  (${passCalls} calls, ${(median(passes) / Math.max(1, passCalls)).toFixed(1)} ms each, with the weights' copy in)`);
console.log(`  dense centred gram passes          ${fmt(median(denses))}  (${denseCalls} calls)`);
console.log(`  la.solveSPD (all calls)            ${fmt(median(solves))}`);
console.log(`  the rest (JS passes, summaries)    ${fmt(total - median(passes) - median(denses) - median(solves))}`);
console.log(`JS passes, one each (same functions, same data; CPU time):`);
console.log(`  index of the nonzeros (scan of X)  ${fmt(tIndex)}`);
console.log(`  column statistics from the index   ${fmt(tStats)}`);
console.log(`  linear predictor                   ${fmt(tEta)}`);
console.log(`  log-likelihood (exp, log1p)        ${fmt(tLl)}`);
if (sink === 42) console.log('');
