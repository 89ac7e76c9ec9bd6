/**
 * The main job (`npm start`): on a built-in, seeded credit-risk dataset, fit
 * the float teachers — logistic regression for default, least squares for the
 * loss amount — on a scorecard-style design (quantile bins of 8 bureau
 * features), compress them with every method slimfit has, and print what
 * each one gains (bytes) and loses (AUC / MSE on held-out applicants).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { init, auc, type CompressModelOptions, type Engine, type LinearModelLike, type Matrix } from '../index.js';
import { creditDataset } from '../data/credit.js';
import { applyBinning, fitBinning } from '../data/bins.js';
import { rateDistortionSvg, type ChartPoint } from './svg.js';

interface Row {
  target: 'default' | 'loss';
  method: string;
  bytes: number;
  ratio: number;
  metric: number;
  delta: number;
  ms: number;
}

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1000) throw new InvalidArgumentError('must be an integer >= 1000');
  return n;
};

const METHODS: { name: string; opts: CompressModelOptions }[] = [
  { name: 'rtn 8-bit', opts: { quantize: { bits: 8 } } },
  { name: 'rtn 4-bit', opts: { quantize: { bits: 4 } } },
  { name: 'gptq 4-bit', opts: { method: 'gptq', quantize: { bits: 4 } } },
  { name: 'rtn 3-bit', opts: { quantize: { bits: 3 } } },
  { name: 'gptq 3-bit', opts: { method: 'gptq', quantize: { bits: 3 } } },
  { name: 'rtn 2-bit', opts: { quantize: { bits: 2 } } },
  { name: 'gptq 2-bit', opts: { method: 'gptq', quantize: { bits: 2 } } },
  { name: 'magnitude prune 50%', opts: { prune: { sparsity: 0.5 } } },
  { name: 'OBS prune 50%', opts: { method: 'gptq', prune: { sparsity: 0.5 } } },
  { name: 'magnitude 50% + rtn 4-bit', opts: { prune: { sparsity: 0.5 }, quantize: { bits: 4 } } },
  { name: 'OBS 50% + gptq 4-bit', opts: { method: 'gptq', prune: { sparsity: 0.5 }, quantize: { bits: 4 } } },
];

function slice(X: Matrix, from: number, to: number): Matrix {
  return { rows: to - from, cols: X.cols, data: X.data.subarray(from * X.cols, to * X.cols) };
}

function mse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s / a.length;
}

function compressAll(engine: Engine, target: Row['target'], model: LinearModelLike, Xcal: Matrix, Xte: Matrix, yte: Float64Array, floatMetric: number): Row[] {
  const score = (out: Float64Array) => (target === 'default' ? auc(out, yte) : mse(out, yte));
  const floatBytes = 8 * (model.d + 1);
  const rows: Row[] = [{ target, method: 'float64 teacher', bytes: floatBytes, ratio: 1, metric: floatMetric, delta: 0, ms: 0 }];
  for (const { name, opts } of METHODS) {
    const t = performance.now();
    const c = engine.compressModel(model, opts.method === 'gptq' ? { ...opts, X: Xcal } : opts);
    const ms = performance.now() - t;
    const m = score(c.predict(Xte));
    rows.push({ target, method: name, bytes: c.bytes, ratio: floatBytes / c.bytes, metric: m, delta: m - floatMetric, ms });
  }
  return rows;
}

function table(rows: Row[]): string {
  const head = ['target', 'method', 'bytes', 'ratio', 'AUC / MSE', 'change vs float', 'time'];
  const body = rows.map((r) => [
    r.target,
    r.method,
    String(r.bytes),
    `${r.ratio.toFixed(1)}x`,
    r.target === 'default' ? r.metric.toFixed(4) : r.metric.toFixed(4),
    r.delta === 0 ? '—' : `${r.delta > 0 ? '+' : ''}${r.delta.toExponential(2)}`,
    r.ms === 0 ? '—' : `${r.ms.toFixed(1)} ms`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const program = new Command()
    .name('slimfit-demo')
    .description('Fit, compress and score credit-risk models on a built-in, seeded dataset')
    .option('--rows <n>', 'applicants to generate', positiveInt, 200_000)
    .option('--seed <n>', 'dataset seed', (v) => Number.parseInt(v, 10), 2024)
    .option('--out <dir>', 'folder for the models and the report', 'slimfit-demo-out')
    .option('--json', 'print the table as JSON')
    .parse();
  const o = program.opts<{ rows: number; seed: number; out: string; json?: boolean }>();
  const t0 = performance.now();
  const log = (s: string) => {
    if (!o.json) process.stderr.write(`${s}\n`);
  };

  const engine = await init();
  log(`slimfit demo: ${o.rows} applicants (seed ${o.seed}), backend ${engine.backend}`);
  const data = creditDataset(o.rows, o.seed);
  const nTrain = Math.floor(o.rows * 0.8);
  const binning = fitBinning(slice(data.X, 0, nTrain), data.features, 8);
  const X = applyBinning(data.X, binning);
  const Xtr = slice(X, 0, nTrain);
  const Xte = slice(X, nTrain, o.rows);
  // GPTQ / OBS calibrate on training rows only, never on the test rows.
  const Xcal = slice(X, 0, Math.min(nTrain, 20_000));
  log(`design: ${X.cols} scorecard columns (8 features, quantile bins, cumulative coding); ${nTrain} train / ${o.rows - nTrain} test rows`);

  let t = performance.now();
  const teacher = engine.fitLogistic(Xtr, data.defaulted.subarray(0, nTrain), { ridge: 1e-6 });
  log(`default teacher: logistic IRLS, ${teacher.stats.iterations} iterations, ${(performance.now() - t).toFixed(0)} ms`);
  t = performance.now();
  const lossModel = engine.fitLinear(Xtr, data.loss.subarray(0, nTrain));
  log(`loss teacher: least squares (${lossModel.stats.method}), R² ${lossModel.stats.rSquared.toFixed(4)}, ${(performance.now() - t).toFixed(0)} ms`);

  const yDef = data.defaulted.subarray(nTrain);
  const yLoss = data.loss.subarray(nTrain);
  const rows = [
    ...compressAll(engine, 'default', teacher, Xcal, Xte, yDef, auc(teacher.decisionFunction(Xte), yDef)),
    ...compressAll(engine, 'loss', lossModel, Xcal, Xte, yLoss, mse(lossModel.predict(Xte), yLoss)),
  ];

  const out = resolve(o.out);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'teacher-default.json'), JSON.stringify(teacher.toJSON()));
  writeFileSync(join(out, 'teacher-loss.json'), JSON.stringify(lossModel.toJSON()));
  writeFileSync(join(out, 'report.json'), JSON.stringify(rows, null, 1));
  const points = (target: Row['target']): ChartPoint[] =>
    rows.filter((r) => r.target === target).map((r) => ({ label: r.method, bytes: r.bytes, delta: r.delta, group: r.method.split(' ')[0]! }));
  writeFileSync(join(out, 'report-default.svg'), rateDistortionSvg('Default model: AUC change vs bytes', 'AUC - float AUC', points('default')));
  writeFileSync(join(out, 'report-loss.svg'), rateDistortionSvg('Loss model: MSE change vs bytes', 'MSE - float MSE', points('loss')));

  if (o.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
  else {
    process.stdout.write(`\n${table(rows)}\n\n`);
    process.stdout.write(`AUC is on held-out applicants (higher is better); MSE of the loss amount in k$² (lower is better).\n`);
    process.stdout.write(`Models and report (report.json, report-*.svg) written to ${out}\n`);
    process.stdout.write(`Total ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
}

main().catch((e: unknown) => {
  const err = e as { code?: string; message?: string };
  process.stderr.write(`slimfit demo: ${err.message ?? String(e)}\n`);
  process.exitCode = 1;
});
