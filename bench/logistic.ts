/**
 * fitLogistic on the scorecard shape credit scoring runs on: n = 160,000
 * rows, d = 45 binary bin-indicator columns of density 1/8
 * (bench/logistic-data.ts), intercept, no penalty; wasm-simd. Against
 * scikit-learn's LogisticRegression(penalty=None), lbfgs, one thread, on the
 * same data when `python3 -c "import sklearn"` works; otherwise a printed
 * note and no ratio. bench/logistic-profile.ts splits the slimfit time up.
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
const SKLEARN_RUNS = 5;

/** Interpreters tried in order (a pyenv shim first on PATH may lack the Debian python's scikit-learn). */
const PYTHONS = ['python3', '/usr/bin/python3'];

/** The first interpreter that imports scikit-learn, or undefined. */
export function findSklearnPython(): string | undefined {
  return PYTHONS.find((py) => spawnSync(py, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0);
}

/** Median ms of SKLEARN_RUNS lbfgs fits (after one warm-up fit) and its coefficients; undefined without scikit-learn. */
export function sklearn(
  X: Matrix,
  y: Float64Array,
  log: (m: string) => void,
  runs = SKLEARN_RUNS,
): { ms: number; coef: number[]; intercept: number; version: string; python: string } | undefined {
  const python = findSklearnPython();
  if (python === undefined) return undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slimfit-irls-'));
  try {
    writeFileSync(path.join(dir, 'X.f64'), X.data);
    writeFileSync(path.join(dir, 'y.f64'), y);
    const script = `
import json, sys, time
import numpy as np, sklearn
from sklearn.linear_model import LogisticRegression
d = sys.argv[1]
X = np.fromfile(d + '/X.f64').reshape(${X.rows}, ${X.cols})
y = np.fromfile(d + '/y.f64')
def fit():
    try:
        m = LogisticRegression(penalty=None, solver='lbfgs', max_iter=1000)
    except Exception:
        m = LogisticRegression(penalty='none', solver='lbfgs', max_iter=1000)
    return m.fit(X, y)
fit()
ts = []
for _ in range(${runs}):
    t = time.perf_counter(); m = fit(); ts.append((time.perf_counter() - t) * 1e3)
print(json.dumps({'ms': sorted(ts)[len(ts) // 2], 'coef': m.coef_[0].tolist(), 'intercept': float(m.intercept_[0]), 'version': sklearn.__version__}))
`;
    const one = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
    const out = execFileSync(python, ['-c', script, dir], { env: { ...process.env, ...one }, encoding: 'utf8', maxBuffer: 1 << 20 });
    return { ...JSON.parse(out.trim().split('\n').pop()!), python };
  } catch (e) {
    log(`  scikit-learn run failed: ${(e as Error).message.split('\n')[0]}`);
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(ctx: BenchContext): void {
  const n = ctx.quick ? 20_000 : N;
  const { X, y } = scorecardProblem(n, D);
  const t = ctx.measure(`fitLogistic scorecard n=${n} d=${D}`, [{ id: 'wasm', fn: () => void ctx.wasm.fitLogistic(X, y) }]);
  const w = t.get('wasm')!;
  const m = ctx.wasm.fitLogistic(X, y);
  ctx.report.record({ family: FAMILY, case: 'fitLogistic scorecard wasm', backend: 'wasm-simd', params: { n, d: D }, timing: w, derived: { iterations: m.stats.iterations } });
  const sk = sklearn(X, y, ctx.log);
  const rows = [['slimfit fitLogistic (wasm-simd)', String(m.stats.iterations), fmtMs(w.medianMs), '']];
  let note: string;
  if (sk) {
    let dev = 0;
    sk.coef.forEach((c, j) => (dev = Math.max(dev, Math.abs(c - m.coef[j]) / Math.max(1e-12, Math.abs(m.coef[j])))));
    rows.push([`scikit-learn ${sk.version} lbfgs, penalty=None, 1 thread`, '', fmtMs(sk.ms), fmtRatio(sk.ms / w.medianMs)]);
    note = `scikit-learn: median of ${SKLEARN_RUNS} fits in ${sk.python} after one warm-up, on the same data; its coefficients differ from slimfit's by at most ${dev.toExponential(1)} relative (lbfgs stops at its default tolerance, IRLS at 1e-10 on the step).`;
    ctx.report.ratio(`fitLogistic scorecard (n = ${n}, d = ${D} indicators): slimfit ${fmtMs(w.medianMs)}, scikit-learn lbfgs ${fmtMs(sk.ms)}: time ratio scikit-learn / slimfit ${fmtRatio(sk.ms / w.medianMs)}`);
  } else {
    note = 'scikit-learn is not installed (neither python3 nor /usr/bin/python3 imports sklearn; Debian: python3-sklearn): no comparison on this machine.';
    ctx.log(`  ${note}`);
    ctx.report.ratio(`fitLogistic scorecard (n = ${n}, d = ${D} indicators): slimfit ${fmtMs(w.medianMs)}; scikit-learn not installed, no ratio`);
  }
  ctx.report.table({
    family: FAMILY,
    title: `fitLogistic on the scorecard shape: ${n.toLocaleString('en-US')} rows x ${D} bin indicators (density 1/8), intercept, no penalty`,
    notes: [note],
    columns: ['fit', 'Newton steps', 'median', 'scikit-learn / slimfit'],
    rows,
  });
}

export const irlsFamily: Family = {
  name: FAMILY,
  tags: ['sklearn'],
  description: 'fitLogistic on the scorecard shape (160,000 x 45 bin indicators) vs scikit-learn lbfgs when python3 has it',
  run,
};
