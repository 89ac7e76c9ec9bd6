/**
 * What the Worker computes, kept apart from the messaging: the dataset, the
 * design (raw columns or quantile bins), the float fit, the rate-distortion
 * report and one compressed model at a time. The choices follow
 * `slimfit demo`: the first 80% of rows train and the rest are held out;
 * the calibration rows (GPTQ / OBS's Hessian, the intercept correction, QAT's
 * training rows) are the first 20,000 training rows, never held-out ones;
 * the logistic fit has ridge 1e-6.
 */
import {
  auc,
  compressModel,
  compressionReport,
  decodeSlim,
  distill,
  encodeSlim,
  fitLinear,
  fitLogistic,
  fitQuantized,
  SlimfitError,
  type CompressedLinearModel,
  type Engine,
  type LinearModel,
  type LogisticModel,
  type Matrix,
} from '../../src/core.js';
import { creditDataset, CREDIT_FEATURES } from '../../src/data/credit.js';
import { applyBinning, fitBinning } from '../../src/data/bins.js';
import type { CompressRequest, CompressResult, DatasetInfo, DatasetSource, FitRequest, FitResult, RdPoint, ScoreResult, Task } from './protocol.js';

export const TRAIN_FRACTION = 0.8;
export const CALIB_ROWS = 20_000;
export const LOGISTIC_RIDGE = 1e-6;
/** QAT's search budget per model: small, so the page answers within a second (`slimfit demo` uses the same). */
export const QAT_BUDGET = { nodes: 2e5, ms: 150 };
const RD_BITS = [2, 3, 4, 5, 6, 8];
const RD_SPARSITY = [0, 0.5, 0.75];
/** The plot's distilled student keeps this share of the columns. */
const RD_DISTILL_KEEP = 0.5;

interface Dataset {
  name: string;
  rows: number;
  columns: Map<string, Float64Array>;
}

interface Fitted {
  task: Task;
  target: string;
  names: string[];
  model: LogisticModel | LinearModel;
  Xte: Matrix;
  yTe: Float64Array;
  Xcal: Matrix;
  yCal: Float64Array;
}

function rowsOf(X: Matrix, from: number, to: number): Matrix {
  return { rows: to - from, cols: X.cols, data: X.data.subarray(from * X.cols, to * X.cols) };
}

function mse(out: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (out[i] - y[i]) ** 2;
  return s / y.length;
}

export class Pipeline {
  private data: Dataset | undefined;
  private fitted: Fitted | undefined;

  constructor(private readonly engine: Engine) {}

  async load(src: DatasetSource): Promise<DatasetInfo> {
    const t0 = performance.now();
    this.fitted = undefined;
    if (src.source === 'credit') {
      if (!Number.isInteger(src.rows) || src.rows < 1000 || src.rows > 1_000_000) throw new SlimfitError('E_RANGE', `rows must be an integer from 1000 to 1000000, got ${src.rows}`);
      const c = creditDataset(src.rows, src.seed);
      const columns = new Map<string, Float64Array>();
      CREDIT_FEATURES.forEach((f, j) => {
        const col = new Float64Array(src.rows);
        for (let i = 0; i < src.rows; i++) col[i] = c.X.data[i * c.X.cols + j];
        columns.set(f, col);
      });
      columns.set('defaulted', c.defaulted);
      columns.set('loss', c.loss);
      this.data = { name: `credit data (${src.rows} applicants, seed ${src.seed})`, rows: src.rows, columns };
      return { name: this.data.name, rows: src.rows, columns: [...columns.keys()], skipped: [], target: 'defaulted', features: [...CREDIT_FEATURES], ms: performance.now() - t0 };
    }
    // the CSV reader (csv-parse, ~13 KB gzipped) is fetched only when a CSV is given
    const { parseCsv } = await import('./csv.js');
    const t = parseCsv(src.text);
    if (t.columns.size < 2) throw new SlimfitError('E_FORMAT', `CSV: at least two numeric columns are needed (a target and a feature); ${t.skipped.length} columns have non-numeric or empty cells`);
    this.data = { name: src.name, rows: t.rows, columns: t.columns };
    const names = [...t.columns.keys()];
    const target = names[names.length - 1];
    return { name: src.name, rows: t.rows, columns: names, skipped: t.skipped, target, features: names.slice(0, -1), ms: performance.now() - t0 };
  }

  fit(req: FitRequest): FitResult {
    const data = this.data;
    if (!data) throw new SlimfitError('E_RANGE', 'load a dataset first');
    const y = data.columns.get(req.target);
    if (!y) throw new SlimfitError('E_RANGE', `no numeric column '${req.target}'`);
    if (req.features.length === 0) throw new SlimfitError('E_RANGE', 'pick at least one feature');
    if (req.features.includes(req.target)) throw new SlimfitError('E_RANGE', `the target '${req.target}' cannot also be a feature`);
    if (!Number.isInteger(req.bins) || (req.bins !== 0 && (req.bins < 2 || req.bins > 16))) throw new SlimfitError('E_RANGE', `bins must be 0 (raw columns) or an integer from 2 to 16, got ${req.bins}`);
    const n = data.rows;
    const nTrain = Math.floor(n * TRAIN_FRACTION);
    if (nTrain < 10 || n - nTrain < 10) throw new SlimfitError('E_SHAPE', `${n} rows: at least 50 are needed for a train / held-out split`);
    const k = req.features.length;
    const raw = new Float64Array(n * k);
    req.features.forEach((f, j) => {
      const col = data.columns.get(f);
      if (!col) throw new SlimfitError('E_RANGE', `no numeric column '${f}'`);
      for (let i = 0; i < n; i++) raw[i * k + j] = col[i];
    });
    const Xraw: Matrix = { rows: n, cols: k, data: raw };
    let X = Xraw;
    let names = [...req.features];
    if (req.bins > 0) {
      const binning = fitBinning(rowsOf(Xraw, 0, nTrain), req.features, req.bins);
      X = applyBinning(Xraw, binning);
      names = binning.names;
    }
    const task: Task = y.every((v) => v === 0 || v === 1) ? 'logistic' : 'linear';
    const Xtr = rowsOf(X, 0, nTrain);
    const yTr = y.subarray(0, nTrain);
    const Xte = rowsOf(X, nTrain, n);
    const yTe = y.subarray(nTrain);
    const nCal = Math.min(nTrain, CALIB_ROWS);
    const Xcal = rowsOf(X, 0, nCal);
    const yCal = y.subarray(0, nCal);
    let t = performance.now();
    const model = task === 'logistic' ? fitLogistic(this.engine, Xtr, yTr, { ridge: LOGISTIC_RIDGE }) : fitLinear(this.engine, Xtr, yTr);
    const fitMs = performance.now() - t;
    const metric = task === 'logistic' ? auc((model as LogisticModel).decisionFunction(Xte), yTe) : mse((model as LinearModel).predict(Xte), yTe);
    this.fitted = { task, target: req.target, names, model, Xte, yTe, Xcal, yCal };
    t = performance.now();
    // a logistic fit on bins is a scorecard's model: its integer points per bin join the plot
    const scorecard = task === 'logistic' && req.bins > 0 ? { scorecard: { columns: names } } : {};
    const rows = compressionReport(this.engine, model, Xte, yTe, { methods: ['rtn', 'gptq', 'qat'], bits: RD_BITS, sparsity: RD_SPARSITY, X: Xcal, y: yCal, budget: QAT_BUDGET, ...scorecard });
    const rd: RdPoint[] = rows.map((r) => ({
      method: r.method as RdPoint['method'],
      ...(r.rounding ? { rounding: r.rounding } : {}),
      bits: r.bits,
      sparsity: r.sparsity,
      bytes: r.bytes,
      metric: (task === 'logistic' ? r.auc : r.mse) ?? NaN,
    }));
    if (names.length >= 4) rd.push(...this.distillPoints(model, task, Xcal, Xte, yTe));
    return { task, metricName: task === 'logistic' ? 'AUC' : 'MSE', names, coef: Float64Array.from(model.coef), intercept: model.intercept, metric, floatBytes: 8 * (names.length + 1), trainRows: nTrain, testRows: n - nTrain, calibRows: nCal, fitMs, rd, rdMs: performance.now() - t };
  }

  /** One student on RD_DISTILL_KEEP of the columns (one forward selection), GPTQ-quantized at every bit width of the plot. */
  private distillPoints(model: LogisticModel | LinearModel, task: Task, Xcal: Matrix, Xte: Matrix, yTe: Float64Array): RdPoint[] {
    const k = Math.max(1, Math.round(RD_DISTILL_KEEP * model.d));
    const r = distill(this.engine, model, Xcal, { student: { features: k } });
    const Xs = r.studentInputs(Xte);
    const Xc = r.studentInputs(Xcal);
    return RD_BITS.map((bits) => {
      const c = compressModel(this.engine, r.floatStudent, { method: 'gptq', quantize: { bits }, X: Xc });
      return { method: 'distill', bits, sparsity: 1 - k / model.d, bytes: c.bytes, metric: task === 'logistic' ? auc(c.decisionFunction(Xs), yTe) : mse(c.predict(Xs), yTe) };
    });
  }

  private need(): Fitted {
    if (!this.fitted) throw new SlimfitError('E_RANGE', 'fit a model first');
    return this.fitted;
  }

  async compress(req: CompressRequest): Promise<CompressResult> {
    const f = this.need();
    const { method, bits, sparsity } = req;
    if (method !== 'rtn' && method !== 'gptq' && method !== 'qat' && method !== 'distill') throw new SlimfitError('E_RANGE', `method must be 'rtn', 'gptq', 'qat' or 'distill', got ${String(method)}`);
    if (!Number.isInteger(bits) || bits < 2 || bits > 8) throw new SlimfitError('E_RANGE', `bits must be an integer from 2 to 8, got ${bits}`);
    if (!(sparsity >= 0 && sparsity <= 0.95)) throw new SlimfitError('E_RANGE', `sparsity must be in [0, 0.95], got ${sparsity}`);
    if (method === 'qat' && sparsity !== 0) throw new SlimfitError('E_RANGE', "'qat' trains dense weights on the grid: sparsity must be 0");
    const t = performance.now();
    const d = f.names.length;
    let c: CompressedLinearModel;
    let optimal: boolean | undefined;
    let columns = Array.from({ length: d }, (_, j) => j);
    let Xte = f.Xte;
    if (method === 'qat') {
      const q = fitQuantized(this.engine, f.Xcal, f.yCal, { bits, task: f.task, intercept: f.model.fitIntercept, budget: QAT_BUDGET });
      c = q.model;
      optimal = q.report.optimal;
    } else if (method === 'distill') {
      // the student keeps the share 1 - sparsity of the columns (at least one), chosen by forward selection on the fit's outputs
      const r = distill(this.engine, f.model, f.Xcal, { student: { features: Math.max(1, Math.round((1 - sparsity) * d)), bits } });
      c = r.student as CompressedLinearModel;
      columns = r.columns;
      Xte = r.studentInputs(f.Xte);
    } else {
      c = compressModel(this.engine, f.model, { method, quantize: { bits }, ...(sparsity > 0 ? { prune: { sparsity } } : {}), X: f.Xcal });
    }
    const ms = performance.now() - t;
    const metric = f.task === 'logistic' ? auc(c.decisionFunction(Xte), f.yTe) : mse(c.predict(Xte), f.yTe);
    const coef = new Float64Array(d);
    c.coefficients().forEach((v, j) => (coef[columns[j]] = v));
    const slim = await encodeSlim({ kind: f.task === 'logistic' ? 'compressed-logistic' : 'compressed-linear', model: c }, { features: columns.map((j) => f.names[j]), targets: [f.target], strip: true });
    return {
      method,
      bits,
      sparsity,
      columns,
      coef,
      intercept: c.intercept[0],
      codes: c.values.slice(),
      scale: c.scale ? c.scale.slice() : null,
      bytes: c.bytes,
      metric,
      ms,
      slim,
      ...(optimal !== undefined ? { optimal } : {}),
    };
  }

  async score(slim: Uint8Array, rows?: Float64Array): Promise<ScoreResult> {
    const dec = await decodeSlim(slim);
    if (dec.kind === 'tensors' || dec.kind === 'reduced-rank' || dec.kind === 'compressed-reduced-rank') throw new SlimfitError('E_FORMAT', `this page scores one-output models; the file holds '${dec.kind}'`);
    const model = dec.model;
    const logistic = dec.kind === 'logistic' || dec.kind === 'compressed-logistic';
    const features = dec.header.features ?? null;
    const scoreOf = (X: Matrix) => (logistic ? (model as LogisticModel).decisionFunction(X) : (model as LinearModel).predict(X));
    if (rows) {
      if (rows.length % model.d !== 0) throw new SlimfitError('E_SHAPE', `${rows.length} values are not whole rows of ${model.d} columns`);
      return { kind: dec.kind, d: model.d, features, scores: scoreOf({ rows: rows.length / model.d, cols: model.d, data: rows }), metric: null, note: null };
    }
    // by name: a file whose features are all columns of the current fit (a student reads a subset) scores its held-out rows
    const f = this.fitted;
    const at = f && features ? features.map((x) => f.names.indexOf(x)) : [];
    if (!f || !features || at.some((j) => j < 0)) return { kind: dec.kind, d: model.d, features, scores: new Float64Array(0), metric: null, note: 'its features are not columns of the current fit, so it is not scored on the held-out rows' };
    const X = new Float64Array(f.Xte.rows * at.length);
    for (let i = 0; i < f.Xte.rows; i++) for (let j = 0; j < at.length; j++) X[i * at.length + j] = f.Xte.data[i * f.Xte.cols + at[j]];
    const scores = scoreOf({ rows: f.Xte.rows, cols: at.length, data: X });
    return { kind: dec.kind, d: model.d, features, scores, metric: logistic ? auc(scores, f.yTe) : mse(scores, f.yTe), note: null };
  }
}
