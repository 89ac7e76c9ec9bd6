/**
 * Where one fitLogistic call spends its time, on the scorecard shape
 * (n = 160,000, d = 45 indicator columns of density 1/8): the LinAlg calls
 * (the weighted gram passes, SPD solves) are timed in place by wrapping the
 * engine's LinAlg; the JS passes (IRLS weights and working residual, the
 * linear predictor from X, the log-likelihood) are timed by the same loops on
 * the same data. Medians of several runs in one process.
 *
 *   npx tsx bench/logistic-profile.ts [n] [d]
 */
import { init, fitLogistic } from '../src/index.js';
import { linAlg, type LinAlg } from '../src/ops/linalg.js';
import { scorecardProblem } from './logistic-data.js';

const n = Number(process.argv[2] ?? 160_000);
const d = Number(process.argv[3] ?? 45);
const RUNS = 7;

const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];

const engine = await init({ backend: 'wasm' });
const { X, y } = scorecardProblem(n, d);
const base = linAlg(engine);
const spent = { gram: 0, gramCalls: 0, solve: 0, solveCalls: 0 };
const timed: LinAlg = {
  backend: base.backend,
  gram: (A, b, o) => {
    const t = performance.now();
    try {
      return base.gram(A, b, o);
    } finally {
      spent.gram += performance.now() - t;
      spent.gramCalls++;
    }
  },
  solveSPD: (A, b, o) => {
    const t = performance.now();
    try {
      return base.solveSPD(A, b, o);
    } finally {
      spent.solve += performance.now() - t;
      spent.solveCalls++;
    }
  },
  columnStats: (A, w) => base.columnStats(A, w),
  centredGram: (A, mu, inv, Y, m, w) => {
    const t = performance.now();
    try {
      return base.centredGram(A, mu, inv, Y, m, w);
    } finally {
      spent.gram += performance.now() - t;
      spent.gramCalls++;
    }
  },
};

const totals: number[] = [];
const grams: number[] = [];
const solves: number[] = [];
let iters = 0;
let gramCalls = 0;
for (let r = 0; r < RUNS + 1; r++) {
  spent.gram = spent.solve = spent.gramCalls = spent.solveCalls = 0;
  const t = performance.now();
  const m = fitLogistic(timed, X, y);
  const ms = performance.now() - t;
  if (r === 0) continue; // warm-up
  totals.push(ms);
  grams.push(spent.gram);
  solves.push(spent.solve);
  iters = m.stats.iterations;
  gramCalls = spent.gramCalls;
}

// the JS passes, as fitLogistic runs them
const mu = new Float64Array(d).fill(0.125);
const inv = new Float64Array(d).fill(2);
const theta = new Float64Array(d + 1).map((_, j) => 0.01 * j);
const pass = (fn: () => void) => {
  const a: number[] = [];
  for (let r = 0; r < RUNS + 1; r++) {
    const t = performance.now();
    fn();
    if (r > 0) a.push(performance.now() - t);
  }
  return median(a);
};
let sink = 0;
const eta = new Float64Array(n);
const Wt = new Float64Array(n);
const U = new Float64Array(2 * n).fill(1);
const tEta = pass(() => {
  const b = new Float64Array(d);
  for (let j = 0; j < d; j++) b[j] = theta[j + 1] * inv[j];
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = theta[0];
    for (let j = 0; j < d; j++) t += (X.data[i * d + j] - mu[j]) * b[j];
    e[i] = t;
  }
  eta.set(e);
});
const tWeights = pass(() => {
  let sr = 0;
  for (let i = 0; i < n; i++) {
    const e = eta[i];
    const a = Math.exp(-Math.abs(e));
    Wt[i] = a / ((1 + a) * (1 + a));
    sr += y[i] - 1 / (1 + Math.exp(-e));
    const near = 1 + a;
    const far = 1 + 1 / a;
    U[2 * i + 1] = y[i] === 1 ? (e >= 0 ? near : far) : -(e >= 0 ? far : near);
  }
  sink += sr;
});
const tLl = pass(() => {
  let ll = 0;
  for (let i = 0; i < n; i++) {
    const e = eta[i];
    ll += y[i] * e - (e > 0 ? e + Math.log1p(Math.exp(-e)) : Math.log1p(Math.exp(e)));
  }
  sink += ll;
});
const gramOnly = pass(() => void base.centredGram(X, mu, inv, U, 2, Wt));

const total = median(totals);
const fmt = (ms: number) => `${ms.toFixed(1).padStart(7)} ms`;
console.log(`fitLogistic n=${n} d=${d} (wasm-simd): ${iters} Newton steps, ${gramCalls} weighted gram passes per fit, medians of ${RUNS} runs`);
console.log(`  total fit                        ${fmt(total)}  (${(total / gramCalls).toFixed(1)} ms per gram/iteration)`);
console.log(`  weighted gram passes (all calls) ${fmt(median(grams))}  (${(median(grams) / gramCalls).toFixed(1)} ms each; a lone centredGram with Y = [1, u]: ${gramOnly.toFixed(1)} ms)`);
console.log(`  la.solveSPD (all calls)          ${fmt(median(solves))}`);
console.log(`  the rest (JS passes, summaries)  ${fmt(total - median(grams) - median(solves))}`);
console.log(`JS passes, one each (same loops, same data):`);
console.log(`  linear predictor from X          ${fmt(tEta)}`);
console.log(`  weights, working residual u      ${fmt(tWeights)}`);
console.log(`  log-likelihood                   ${fmt(tLl)}`);
if (sink === 42) console.log('');
