/**
 * `slimfit demo` — the main job (`npm start`). On a built-in, seeded
 * credit-risk dataset it fits the float teachers (logistic regression for
 * default, least squares for the loss amount) on a scorecard design (every
 * bureau feature cut into quantile bins), compresses each with every method
 * slimfit has, prints one table (method, bytes, ratio, AUC / MSE, change vs
 * float, time) and writes the models, the test data and the report to a
 * folder it names.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { Engine } from '../engine/engine.js';
import { compressModel, type CompressModelOptions } from '../compress/model.js';
import { auc } from '../compress/auc.js';
import { fitLinear } from '../fit/linear.js';
import { fitLogistic } from '../fit/logistic.js';
import type { LinearModel } from '../fit/model.js';
import type { LogisticModel } from '../fit/logistic-model.js';
import type { Matrix } from '../types.js';
import { creditDataset, CREDIT_FEATURES } from '../data/credit.js';
import { applyBinning, fitBinning } from '../data/bins.js';
import { bold, dim, usage } from './errors.js';
import { Ctx, signedColumn, textTable } from './context.js';
import { encodeModel, makeOutputDir, sha256Bytes, strippedFileBytes, writeFileAtomic, writeModel, type ModelMeta, type SlimModel } from './files.js';
import { createProgress } from './progress.js';
import { bitsTag, rateDistortionChart, type RdPoint } from './report.js';
import { stackSvgs } from './svg.js';
import { QAT_NOTE, qatDemoRows } from './demo-qat.js';
import { reducedRankSection } from './demo-reduced-rank.js';
import { distillDemo, distillText } from './demo-distill.js';
import { privacySection } from './demo-privacy.js';
import { scorecardDemoRows, scorecardNote } from './demo-scorecard.js';

type Target = 'default' | 'loss';

export interface DemoRow {
  target: Target;
  method: string;
  /** Bit width of the codes; null: float64 values. */
  bits: number | null;
  /** Line in the plot. */
  family: string;
  file: string;
  /** What the model stores for its coefficients. */
  bytes: number;
  /** The .slim file as written (with provenance and statistics). */
  fileBytes: number;
  /** The file `compress --strip` would write. */
  strippedBytes: number;
  ratio: number;
  /** AUC (default) or MSE (loss) on the test rows. */
  metric: number;
  delta: number;
  ms: number;
}

interface DemoFlags {
  rows: string;
  seed: string;
  out: string;
  bins: string;
  calibRows: string;
  writeCsv: boolean;
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('the main job: fit, compress and score credit-risk models on a built-in, seeded dataset')
    .option('--rows <n>', 'applicants to generate (>= 2000)', '200000')
    .option('--seed <n>', 'dataset seed', '2024')
    .option('--out <dir>', 'folder for the models, test data and report', 'slimfit-demo-out')
    .option('--bins <n>', 'quantile bins per feature (scorecard design; 2..32)', '8')
    .addOption(new Option('--calib-rows <n>', 'training rows GPTQ / OBS calibrate on').default('20000'))
    .option('--no-write-csv', 'skip writing test.csv / calib.csv')
    .action(async (flags: DemoFlags, c: Command) => {
      await runDemo(Ctx.of(c), flags);
    });
}

function int(flag: string, v: string, lo: number, hi: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi) throw usage(`--${flag} must be an integer from ${lo} to ${hi}, got '${v}'`);
  return n;
}

function slice(X: Matrix, from: number, to: number): Matrix {
  return { rows: to - from, cols: X.cols, data: X.data.subarray(from * X.cols, to * X.cols) };
}

function mse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}

/** The largest divisor of d in [4, 16] (a per-block granularity that fits d), else undefined. */
function blockFor(d: number): number | undefined {
  for (let b = 16; b >= 4; b--) if (d % b === 0 && b < d) return b;
  return undefined;
}

interface Method {
  name: string;
  family: string;
  file: string;
  opts: CompressModelOptions;
}

function methods(d: number): Method[] {
  const B = blockFor(d);
  const rtn = (bits: number): Method => ({ name: `RTN ${bits}-bit per-tensor`, family: 'RTN per-tensor', file: `rtn-${bits}bit`, opts: { quantize: { bits, granularity: 'tensor' } } });
  const blk = (bits: number): Method => ({ name: `RTN ${bits}-bit block ${B}`, family: `RTN block ${B}`, file: `rtn-${bits}bit-block${B}`, opts: { quantize: { bits, granularity: { block: B! } } } });
  const gptq = (bits: number): Method => ({ name: `GPTQ ${bits}-bit`, family: 'GPTQ per-tensor', file: `gptq-${bits}bit`, opts: { method: 'gptq', quantize: { bits, granularity: 'tensor' } } });
  return [
    rtn(8),
    rtn(4),
    rtn(3),
    rtn(2),
    ...(B ? [blk(4), blk(2)] : []),
    gptq(4),
    gptq(3),
    gptq(2),
    { name: 'magnitude prune 50%', family: 'magnitude prune 50%', file: 'magnitude-50', opts: { prune: { sparsity: 0.5 } } },
    { name: 'OBS / SparseGPT prune 50%', family: 'OBS prune 50%', file: 'obs-50', opts: { method: 'gptq', prune: { sparsity: 0.5 } } },
    { name: 'magnitude 50% + RTN 4-bit', family: 'magnitude prune 50%', file: 'magnitude-50-rtn-4bit', opts: { prune: { sparsity: 0.5 }, quantize: { bits: 4, granularity: 'tensor' } } },
    { name: 'OBS 50% + GPTQ 4-bit', family: 'OBS prune 50%', file: 'obs-50-gptq-4bit', opts: { method: 'gptq', prune: { sparsity: 0.5 }, quantize: { bits: 4, granularity: 'tensor' } } },
  ];
}

function csvOf(names: readonly string[], X: Matrix, ys: [string, Float64Array][]): string {
  const head = [...names, ...ys.map(([n]) => n)].join(',');
  const lines: string[] = [head];
  const d = X.cols;
  for (let i = 0; i < X.rows; i++) {
    const cells: string[] = new Array(d + ys.length);
    for (let j = 0; j < d; j++) cells[j] = String(X.data[i * d + j]);
    ys.forEach(([, y], k) => (cells[d + k] = String(+y[i].toPrecision(8))));
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

export async function runDemo(ctx: Ctx, f: DemoFlags): Promise<{ rows: DemoRow[]; out: string; seconds: number }> {
  const n = int('rows', f.rows, 2000, 5_000_000);
  const seed = int('seed', f.seed, 0, 2 ** 32 - 1);
  const bins = int('bins', f.bins, 2, 32);
  const calibRows = int('calib-rows', f.calibRows, 100, 10_000_000);
  const t0 = performance.now();
  const step = (s: string) => ctx.note(dim(`[${((performance.now() - t0) / 1000).toFixed(1)}s] ${s}`));
  const out = resolve(f.out);
  // The output folder first: a bad --out fails before the data is generated and fitted.
  await makeOutputDir(out);
  await makeOutputDir(join(out, 'models'));
  const engine: Engine = await ctx.engine();

  step(`generating ${n} applicants (seed ${seed})`);
  const data = creditDataset(n, seed);
  const nTrain = Math.floor(n * 0.8);
  const binning = fitBinning(slice(data.X, 0, nTrain), data.features, bins);
  const X = applyBinning(data.X, binning);
  const d = X.cols;
  const Xtr = slice(X, 0, nTrain);
  const Xte = slice(X, nTrain, n);
  const Xcal = slice(X, 0, Math.min(nTrain, calibRows)); // calibration: training rows only, never test rows
  const yDefTr = data.defaulted.subarray(0, nTrain);
  const yDefTe = data.defaulted.subarray(nTrain);
  const yLossTr = data.loss.subarray(0, nTrain);
  const yLossTe = data.loss.subarray(nTrain);

  step(`fitting the float teachers on ${nTrain} rows x ${d} scorecard columns`);
  let t = performance.now();
  const teacherDef: LogisticModel = fitLogistic(engine, Xtr, yDefTr, { ridge: 1e-6 });
  const msDef = performance.now() - t;
  t = performance.now();
  const teacherLoss: LinearModel = fitLinear(engine, Xtr, yLossTr);
  const msLoss = performance.now() - t;
  const rawDef = fitLogistic(engine, slice(data.X, 0, nTrain), yDefTr);
  const rawAuc = auc(rawDef.decisionFunction(slice(data.X, nTrain, n)), yDefTe);
  const trueAuc = auc(
    Float64Array.from({ length: n - nTrain }, (_, i) => {
      let e = data.trueDefaultModel.intercept;
      for (let j = 0; j < data.X.cols; j++) e += data.trueDefaultModel.coef[j] * data.X.data[(nTrain + i) * data.X.cols + j];
      return e;
    }),
    yDefTe,
  );

  const targets: { target: Target; model: LogisticModel | LinearModel; fitMs: number; score: (o: Float64Array) => number; logistic: boolean }[] = [
    { target: 'default', model: teacherDef, fitMs: msDef, score: (o) => auc(o, yDefTe), logistic: true },
    { target: 'loss', model: teacherLoss, fitMs: msLoss, score: (o) => mse(o, yLossTe), logistic: false },
  ];
  const featureNames = binning.names;
  const rows: DemoRow[] = [];
  const list = methods(d);
  let scorecardLine = '';
  step(`compressing both models ${list.length} ways each`);
  const bar = createProgress('compressing', 2 * list.length, { unit: 'models', quiet: ctx.progressQuiet });
  for (const tg of targets) {
    const floatOut = tg.logistic ? (tg.model as LogisticModel).decisionFunction(Xte) : (tg.model as LinearModel).predict(Xte);
    const floatMetric = tg.score(floatOut);
    const floatBytes = 8 * (d + 1);
    // inputDigest: a teacher's is the SHA-256 of its training data (the binned X rows then y, float64
    // little-endian, row-major), as if read from a file; a compressed model's is its teacher file's SHA-256,
    // as `slimfit compress` records. statistics: the test metric (AUC or MSE) on the held-out rows.
    const meta = (recipe: Record<string, unknown>, inputDigest: string, metric: number): ModelMeta => ({
      features: featureNames,
      target: tg.target,
      task: tg.logistic ? 'logistic' : 'linear',
      recipe,
      inputName: `creditDataset(${n}, ${seed})`,
      inputDigest,
      statistics: { [tg.logistic ? 'auc' : 'mse']: metric, testRows: n - nTrain },
    });
    const yTr = tg.logistic ? yDefTr : yLossTr;
    const trainBytes = new Uint8Array(Xtr.data.byteLength + yTr.byteLength);
    trainBytes.set(new Uint8Array(Xtr.data.buffer, Xtr.data.byteOffset, Xtr.data.byteLength));
    trainBytes.set(new Uint8Array(yTr.buffer, yTr.byteOffset, yTr.byteLength), Xtr.data.byteLength);
    const teacherFile = `teacher-${tg.target}.slim`;
    const teacher: SlimModel = { kind: 'float', model: tg.model, meta: meta({ command: 'fit', rows: nTrain }, await sha256Bytes(trainBytes), floatMetric) };
    const teacherBytes = await encodeModel(teacher);
    await writeFileAtomic(join(out, teacherFile), teacherBytes);
    const teacherDigest = await sha256Bytes(teacherBytes);
    rows.push({ target: tg.target, method: 'float64 teacher', bits: null, family: 'float64', file: teacherFile, bytes: floatBytes, fileBytes: teacherBytes.length, strippedBytes: strippedFileBytes(teacher), ratio: 1, metric: floatMetric, delta: 0, ms: tg.fitMs });
    for (const m of list) {
      const start = performance.now();
      // every method gets the calibration rows: GPTQ / OBS for H, and RTN / magnitude too for the same intercept correction
      const c = compressModel(engine, tg.model, { ...m.opts, X: Xcal });
      const ms = performance.now() - start;
      const metric = tg.score(tg.logistic ? c.decisionFunction(Xte) : c.predict(Xte));
      const file = join('models', `${tg.target}-${m.file}.slim`);
      const sm: SlimModel = { kind: 'compressed', model: c, meta: meta({ command: 'compress', method: m.opts.method ?? 'rtn', ...m.opts, X: undefined, name: m.name }, teacherDigest, metric) };
      const fileBytes = await writeModel(join(out, file), sm);
      rows.push({ target: tg.target, method: m.name, bits: m.opts.quantize?.bits ?? null, family: m.family, file, bytes: c.bytes, fileBytes, strippedBytes: strippedFileBytes(sm), ratio: floatBytes / c.bytes, metric, delta: metric - floatMetric, ms });
      bar.increment(1, `${tg.target}: ${m.name}`);
    }
    if (tg.logistic) {
      const sc = await scorecardDemoRows({ model: tg.model as LogisticModel, columns: featureNames, Xcal, Xte, score: tg.score, floatMetric, floatBytes, out });
      rows.push(...sc.rows);
      scorecardLine = scorecardNote(sc.card, Xcal.rows);
    }
    rows.push(...(await qatDemoRows({ engine, target: tg.target, logistic: tg.logistic, intercept: tg.model.fitIntercept, Xcal, yCal: yTr.subarray(0, Xcal.rows), Xte, score: tg.score, floatMetric, floatBytes, out, meta: (r, metric) => meta(r, teacherDigest, metric) })));
  }
  bar.stop();

  step('writing the report');
  const chart = (tg: (typeof targets)[number]) => {
    const rs = rows.filter((r) => r.target === tg.target);
    const pts: RdPoint[] = rs.slice(1).map((r) => ({ series: r.family, label: r.method, tag: bitsTag(r.bits), bytes: r.bytes, metric: r.metric }));
    const title = tg.logistic ? 'Default model (logistic): test AUC vs bytes' : 'Loss model (least squares): test MSE vs bytes';
    return rateDistortionChart(title, tg.logistic, pts, rs[0].metric, `${d} coefficients + intercept; float64 = ${rs[0].bytes} bytes; ${n - nTrain} test applicants`);
  };
  await writeFileAtomic(join(out, 'report.svg'), stackSvgs(targets.map(chart)));
  await writeFileAtomic(join(out, 'report.json'), `${JSON.stringify({ rows: n, seed, bins, features: d, trainRows: nTrain, testRows: n - nTrain, calibRows: Xcal.rows, results: rows }, null, 1)}\n`);
  if (f.writeCsv) {
    const targetsCols: [string, Float64Array][] = [
      ['default', yDefTe],
      ['loss', yLossTe],
    ];
    await writeFile(join(out, 'test.csv'), csvOf(featureNames, Xte, targetsCols));
    await writeFile(join(out, 'calib.csv'), csvOf(featureNames, Xcal, []));
  }
  step('reduced-rank regression of the 12-horizon expected loss');
  const rrr = await reducedRankSection(engine, data.X, X, nTrain, seed, out);
  step('distillation: a wide teacher into a small student');
  const distillation = distillDemo(engine, n, seed);

  const floatDef = rows.find((r) => r.target === 'default')!;
  const floatLoss = rows.find((r) => r.target === 'loss')!;
  ctx.print('');
  ctx.print(bold(`slimfit demo: credit risk, ${n} synthetic applicants (seed ${seed}), backend ${engine.backend}`, process.stdout));
  ctx.print(
    [
      `Data     ${CREDIT_FEATURES.length} correlated bureau features (${CREDIT_FEATURES.join(', ')});`,
      `         default drawn from a known logistic model, loss amount (k$) from a known linear one. ${nTrain} train / ${n - nTrain} test rows.`,
      `Design   a scorecard: each feature cut into ${bins} quantile bins (indicator columns) -> ${d} coefficients + intercept per model`,
      `         (the 8-coefficient raw model would leave little to compress). A float64 model is ${floatDef.bytes} bytes: the byte counts`,
      `         are small because these models are small; the ratios and each method's accuracy cost are what carry over.`,
      `Teachers default: logistic regression, test AUC ${floatDef.metric.toFixed(4)} (the raw 8-feature logistic ${rawAuc.toFixed(4)} and the true model`,
      `         ${trueAuc.toFixed(4)}: the truth is linear in the raw features, so binning costs ${(rawAuc - floatDef.metric).toFixed(4)} AUC here);`,
      `         loss: least squares, test MSE ${floatLoss.metric.toFixed(4)} k$².`,
    ].join('\n'),
  );
  ctx.print('');
  const deltas = signedColumn(rows.map((r) => (r.method === 'float64 teacher' ? NaN : r.delta)));
  const table = textTable(
    ['target', 'method', 'bytes', 'ratio', 'file', 'stripped', 'AUC / MSE', 'change vs float', 'time'],
    rows.map((r, i) => [
      r.target,
      r.method,
      String(r.bytes),
      `${r.ratio.toFixed(1)}x`,
      String(r.fileBytes),
      String(r.strippedBytes),
      r.metric.toFixed(4),
      r.method === 'float64 teacher' ? '-' : deltas[i],
      r.method === 'float64 teacher' ? `fit ${r.ms.toFixed(0)} ms` : `${r.ms.toFixed(1)} ms`,
    ]),
    2,
  );
  ctx.print(table);
  ctx.print('');
  ctx.print(
    [
      'AUC (default) and MSE (loss) are on the held-out applicants: for AUC higher is better, for MSE lower is better.',
      'bytes = what the file stores for the coefficients: packed codes + scales + bitmask of kept weights + float64 intercept.',
      'file = the .slim as written (header with feature names, provenance, statistics; checksum); stripped = `compress --strip`.',
      '3-bit codes are packed 2 per byte like 4-bit ones, so they take the same bytes. Per-tensor = one scale for the model.',
      `GPTQ / OBS calibrate on ${Xcal.rows} training rows (never test rows); their time includes forming the Hessian.`,
      'Every method, RTN and magnitude too, moves the intercept by the calibration mean of the weight change.',
      QAT_NOTE(Xcal.rows),
      scorecardLine,
    ].join('\n'),
  );
  step('differentially private fits of both teachers at five epsilons');
  const privacy = await privacySection(ctx, engine, { Xtr, Xte, yDefTr, yDefTe, yLossTr, yLossTe, floatAuc: floatDef.metric, floatMse: floatLoss.metric, seed, out });
  const seconds = (performance.now() - t0) / 1000;
  ctx.result({ command: 'demo', rows: n, seed, features: d, trainRows: nTrain, testRows: n - nTrain, out, results: rows, reducedRank: rrr.rows, distillation, privacy, seconds });
  ctx.print('');
  ctx.print(rrr.text);
  ctx.print('');
  ctx.print(distillText(distillation));
  ctx.print('');
  ctx.print(`Wrote ${out}/: teacher-*.slim, models/*.slim (${rows.filter((r) => r.file.endsWith('.slim')).length - 2} compressed), scorecard-default.csv, report.svg, report.json, reduced-rank.json${f.writeCsv ? ', test.csv, calib.csv' : ''}`);
  if (f.writeCsv) {
    const rel = f.out;
    // `npx slimfit` works in a clone (after the build) and wherever the package is installed; a bare `slimfit` only after a global install.
    ctx.print(dim(`Next: npx slimfit inspect ${rel}/teacher-default.slim`, process.stdout));
    ctx.print(dim(`      npx slimfit report ${rel}/teacher-default.slim --data ${rel}/test.csv --calib ${rel}/calib.csv -o ${rel}/default.svg`, process.stdout));
  }
  ctx.print(`Done in ${((performance.now() - t0) / 1000).toFixed(1)} s.`);
  return { rows, out, seconds };
}
