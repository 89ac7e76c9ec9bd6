/**
 * fitLogistic on the scorecard shape credit scoring runs on: n = 160,000
 * rows, d = 45 binary bin-indicator columns of density 1/8
 * (bench/logistic-data.ts), intercept, no penalty; wasm-simd; and the same
 * shape at d = 8, 16, 128, 512. Against scikit-learn's
 * LogisticRegression(penalty=None), lbfgs, one thread, on the same data when
 * python3 or /usr/bin/python3 imports sklearn (the first that does; otherwise
 * a printed note and no ratio), timed in wall and in process CPU time (the
 * machine is shared: CPU time is the steadier figure). A second scikit-learn
 * fit at a tight tolerance (not timed) is the reference slimfit's
 * coefficients are compared with. bench/logistic-profile.ts splits the
 * slimfit time up.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Matrix } from '../src/index.js';
import type { BenchContext, Family } from './context.js';
import { fmtMs, fmtRatio } from './harness.js';
import { scorecardProblem } from './logistic-data.js';

const FAMILY = 'irls';
const N = 160_000;
const D = 45;
/** The other widths the issue asks about (no slower than scikit-learn there). */
const WIDTHS = [8, 16, 45, 128, 512];
const SKLEARN_RUNS = 5;

/** Interpreters tried in order (a pyenv shim first on PATH may lack the Debian python's scikit-learn). */
const PYTHONS = ['python3', '/usr/bin/python3'];

/** The first interpreter that imports scikit-learn, or undefined. */
export function findSklearnPython(): string | undefined {
  return PYTHONS.find((py) => spawnSync(py, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0);
}

export interface SklearnRun {
  /** Median wall and process-CPU ms of the timed lbfgs fits (default tolerance). */
  ms: number;
  cpuMs: number;
  coef: number[];
  intercept: number;
  /** The reference (not timed): Newton in numpy on [1, X] to the float64 floor, its standard errors from the Hessian's inverse. */
  refCoef: number[];
  refIntercept: number;
  refSe: number[];
  refIter: number;
  version: string;
  python: string;
}

/** runs lbfgs fits (after one warm-up fit) and the numpy reference; undefined without scikit-learn. */
export function sklearn(X: Matrix, y: Float64Array, log: (m: string) => void, runs = SKLEARN_RUNS): SklearnRun | undefined {
  const python = findSklearnPython();
  if (python === undefined) return undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slimfit-irls-'));
  try {
    writeFileSync(path.join(dir, 'X.f64'), X.data);
    writeFileSync(path.join(dir, 'y.f64'), y);
    const script = `
import json, sys, time, warnings
import numpy as np, sklearn
from sklearn.linear_model import LogisticRegression
d = sys.argv[1]
X = np.fromfile(d + '/X.f64').reshape(${X.rows}, ${X.cols})
y = np.fromfile(d + '/y.f64')
def fit(**kw):
    try:
        m = LogisticRegression(penalty=None, solver='lbfgs', **kw)
    except Exception:
        m = LogisticRegression(penalty='none', solver='lbfgs', **kw)
    return m.fit(X, y)
fit(max_iter=1000)
ts = []
cs = []
for _ in range(${runs}):
    t = time.perf_counter(); c = time.process_time(); m = fit(max_iter=1000); cs.append((time.process_time() - c) * 1e3); ts.append((time.perf_counter() - t) * 1e3)
# the reference: Newton in numpy on [1, X] to the float64 floor (lbfgs cannot get there: scipy's ftol stops it)
Z = np.hstack([np.ones((X.shape[0], 1)), X])
b = np.zeros(Z.shape[1])
for it in range(100):
    e = Z @ b
    p = np.where(e >= 0, 1 / (1 + np.exp(-np.abs(e))), np.exp(-np.abs(e)) / (1 + np.exp(-np.abs(e))))
    H = Z.T @ (Z * (p * (1 - p))[:, None])
    s = np.linalg.solve(H, Z.T @ (y - p))
    b = b + s
    if np.all(np.abs(s) <= 1e-15 * (1 + np.abs(b))) or it > 40: break
se = np.sqrt(np.diag(np.linalg.inv(H)))
med = lambda a: sorted(a)[len(a) // 2]
print(json.dumps({'ms': med(ts), 'cpuMs': med(cs), 'coef': m.coef_[0].tolist(), 'intercept': float(m.intercept_[0]), 'refCoef': b[1:].tolist(), 'refIntercept': float(b[0]), 'refSe': se[1:].tolist(), 'refIter': it + 1, 'version': sklearn.__version__}))
`;
    const one = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
    const out = execFileSync(python, ['-c', script, dir], { env: { ...process.env, ...one }, encoding: 'utf8', maxBuffer: 1 << 24 });
    return { ...JSON.parse(out.trim().split('\n').pop()!), python };
  } catch (e) {
    log(`  scikit-learn run failed: ${(e as Error).message.split('\n')[0]}`);
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** max_j |a_j - b_j| / max_j |b_j| over the coefficients and the intercept (coefficient by coefficient is meaningless on a true 0). */
function maxRel(a: ArrayLike<number>, a0: number, b: ArrayLike<number>, b0: number): number {
  let dev = Math.abs(a0 - b0);
  let big = Math.abs(b0);
  for (let j = 0; j < b.length; j++) {
    dev = Math.max(dev, Math.abs(a[j] - b[j]));
    big = Math.max(big, Math.abs(b[j]));
  }
  return dev / big;
}

/** max_j |a_j - b_j| / |b_j| (standard errors: all positive). */
function maxRelEach(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dev = 0;
  for (let j = 0; j < b.length; j++) dev = Math.max(dev, Math.abs(a[j] - b[j]) / Math.abs(b[j]));
  return dev;
}

function run(ctx: BenchContext): void {
  const n = ctx.quick ? 20_000 : N;
  const widths = ctx.quick ? [8, D] : WIDTHS;
  const rows: string[][] = [];
  let python: string | undefined;
  let version = '';
  for (const d of widths) {
    const { X, y } = scorecardProblem(n, d);
    // one fit takes seconds at d = 512 (scikit-learn too): fewer samples there
    const big = d > 128;
    const t = ctx.measure(`fitLogistic scorecard n=${n} d=${d}`, [{ id: 'wasm', fn: () => void ctx.wasm.fitLogistic(X, y), ...(big ? { minSamples: 3, maxSamples: 3 } : {}) }]);
    const w = t.get('wasm')!;
    const m = ctx.wasm.fitLogistic(X, y);
    ctx.report.record({ family: FAMILY, case: `fitLogistic scorecard d=${d} wasm`, backend: 'wasm-simd', params: { n, d }, timing: w, derived: { iterations: m.stats.iterations } });
    const sk = sklearn(X, y, ctx.log, big ? 3 : SKLEARN_RUNS);
    const base = [String(d), String(m.stats.iterations), `${fmtMs(w.medianMs)} (${fmtMs(w.cpuMedianMs)})`];
    if (!sk) {
      rows.push([...base, '', '', '', '', '']);
      ctx.report.ratio(`fitLogistic scorecard (n = ${n}, d = ${d} indicators): slimfit ${fmtMs(w.medianMs)}; scikit-learn not installed, no ratio`);
      continue;
    }
    python = sk.python;
    version = sk.version;
    const dev = maxRel(m.coef, m.intercept, sk.refCoef, sk.refIntercept);
    const lbfgs = maxRel(sk.coef, sk.intercept, sk.refCoef, sk.refIntercept);
    const se = maxRelEach(m.stats.stdErrors, sk.refSe);
    rows.push([...base, `${fmtMs(sk.ms)} (${fmtMs(sk.cpuMs)})`, fmtRatio(sk.ms / w.medianMs), fmtRatio(sk.cpuMs / w.cpuMedianMs), `${dev.toExponential(1)} (lbfgs ${lbfgs.toExponential(1)})`, se.toExponential(1)]);
    ctx.report.ratio(
      `fitLogistic scorecard (n = ${n}, d = ${d} indicators): slimfit ${fmtMs(w.medianMs)}, scikit-learn lbfgs ${fmtMs(sk.ms)}: time ratio scikit-learn / slimfit ${fmtRatio(sk.ms / w.medianMs)} (CPU time ${fmtRatio(sk.cpuMs / w.cpuMedianMs)})`,
    );
  }
  const note = python
    ? `scikit-learn ${version} in ${python}: LogisticRegression(penalty=None), lbfgs, 1 thread, median of ${SKLEARN_RUNS} fits (3 at d = 512) after one warm-up, on the same data; times are wall (process CPU). The reference (not timed) is Newton in numpy on [1, X] to the float64 floor; "coefficients" is the largest difference of slimfit's coefficients and intercept from it relative to the largest of them (in brackets the same for the lbfgs fit timed, at its default tolerance); "standard errors" the largest relative difference from the reference's (the inverse of its Hessian).`
    : 'scikit-learn is not installed (neither python3 nor /usr/bin/python3 imports sklearn; Debian: python3-sklearn): no comparison on this machine.';
  if (!python) ctx.log(`  ${note}`);
  ctx.report.table({
    family: FAMILY,
    title: `fitLogistic on the scorecard shape: ${n.toLocaleString('en-US')} rows x d bin indicators (density 1/8), intercept, no penalty`,
    notes: [note, ctx.shareNote()],
    columns: ['d', 'Newton steps', 'slimfit (wasm-simd)', 'scikit-learn lbfgs', 'scikit-learn / slimfit', 'on CPU time', 'coefficients vs the reference', 'standard errors'],
    rows,
  });
}

export const irlsFamily: Family = {
  name: FAMILY,
  tags: ['sklearn'],
  description: 'fitLogistic on the scorecard shape (160,000 x 45 bin indicators; also d = 8, 16, 128, 512) vs scikit-learn lbfgs when python3 or /usr/bin/python3 has it',
  run,
};
