/**
 * `slimfit report model.slim --data test.csv -o report.svg [--calib train.csv]`
 * The rate-distortion table (bytes vs AUC / MSE for every method, bit width
 * and sparsity), printed, plus an SVG plot of it.
 */
import { basename, resolve } from 'node:path';
import { Command } from 'commander';
import { CompressedLinearModel } from '../compress/compressed-model.js';
import { compressionReport, type RateDistortionRow } from '../compress/rate-distortion.js';
import { Ctx, signedColumn, textTable } from './context.js';
import { parseDelimiter, readCsv } from './csv.js';
import { scorecardGroups } from '../compress/scorecard-groups.js';
import { modelColumns } from './inputs.js';
import { inputError, usage } from './errors.js';
import { checkOutputPath, readModel, strippedFileBytes, writeFileAtomic } from './files.js';
import { lineChart, type ChartSeries } from './svg.js';
import { distillRows } from './report-distill.js';
import type { LinearModel } from '../fit/model.js';
import type { LogisticModel } from '../fit/logistic-model.js';

interface ReportFlags {
  data: string;
  output?: string;
  calib?: string;
  qat?: boolean;
  target?: string;
  bits: string;
  sparsity: string;
  delimiter?: string;
  distill?: string;
}

export function reportCommand(): Command {
  return new Command('report')
    .description('rate-distortion report: what each byte saved costs in AUC (logistic) or MSE (linear) on test data')
    .argument('<model.slim>', 'a float model written by `slimfit fit`')
    .requiredOption('--data <test.csv>', "held-out data with the model's feature columns and its target")
    .option('-o, --output <report.svg>', 'also write the plot as SVG')
    .option('--calib <train.csv>', 'calibration data: adds the GPTQ / OBS rows (never pass the test data)')
    .option('--qat', "adds rows trained on the grid (fitQuantized) from --calib, which then needs the target column; 'qat*' marks a proved optimum")
    .option('--target <column>', 'target column in --data (default: the one the model was fitted on)')
    .option('--bits <list>', 'bit widths to try', '2,3,4,8')
    .option('--sparsity <list>', 'sparsities to try', '0,0.5,0.75,0.9')
    .option('--delimiter <c>', "field separator of --data and --calib: ',', ';', 'tab', '|' (default: detected from the header row)")
    .option('--distill <k,k>', 'also students distilled from the model on the --calib rows, keeping k inputs each (float64 and every --bits)')
    .action(async (model: string, flags: ReportFlags, c: Command) => {
      await runReport(Ctx.of(c), model, flags);
    });
}

function list(flag: string, v: string, check: (x: number) => boolean, what: string): number[] {
  const out = v.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (out.length === 0 || out.some((x) => !Number.isFinite(x) || !check(x))) throw usage(`--${flag} must be a comma-separated list of ${what}, got '${v}'`);
  return [...new Set(out)];
}

export function rowName(r: { method: string; bits: number | null; sparsity: number; inputs?: number }): string {
  if (r.method === 'float') return 'float64';
  const q = r.bits === null ? 'float64' : `${r.bits}-bit`;
  if (r.method === 'distill') return `distill ${r.inputs} inputs ${q}`;
  return `${r.method} ${q}${r.sparsity > 0 ? ` ${Math.round(r.sparsity * 100)}% pruned` : ''}`;
}

/** Whether every column is a bin, level or missing indicator (a scorecard's design). */
function binColumns(columns: readonly string[]): boolean {
  try {
    scorecardGroups(columns);
    return true;
  } catch {
    return false;
  }
}

export function seriesName(method: string, sparsity: number): string {
  if (method === 'qat') return 'QAT (trained on the grid)';
  if (method === 'distill') return 'distilled student';
  if (method === 'scorecard') return 'scorecard (integer points)';
  const m = method === 'gptq' ? (sparsity > 0 ? 'GPTQ + OBS' : 'GPTQ') : sparsity > 0 ? 'RTN + magnitude' : 'RTN';
  return sparsity > 0 ? `${m} ${Math.round(sparsity * 100)}% pruned` : m;
}

export interface RdPoint {
  series: string;
  label: string;
  /** Drawn beside the point: its bit width ('4-bit'), or 'f64' for pruned float64 values. */
  tag?: string;
  bytes: number;
  metric: number;
}

/** A point's tag in the plot: its bit width, or 'f64' where the kept values stay float64. */
export const bitsTag = (bits: number | null | undefined) => (bits === null || bits === undefined ? 'f64' : `${bits}-bit`);

/** The rate-distortion plot shared by `report` and the demo. */
export function rateDistortionChart(title: string, logistic: boolean, points: RdPoint[], floatMetric: number, subtitle?: string): string {
  const bySeries = new Map<string, ChartSeries>();
  for (const p of points) {
    let s = bySeries.get(p.series);
    if (!s) bySeries.set(p.series, (s = { name: p.series, points: [] }));
    s.points.push({ x: p.bytes, y: p.metric, label: p.label, ...(p.tag ? { tag: p.tag } : {}) });
  }
  const ms = points.map((p) => p.metric).filter((v) => v > 0);
  const yLog = !logistic && ms.length > 0 && Math.max(...ms) / Math.min(...ms) > 20;
  return lineChart({
    title,
    ...(subtitle ? { subtitle } : {}),
    xLabel: 'bytes',
    yLabel: logistic ? 'AUC on test data (higher is better)' : 'MSE on test data (lower is better)',
    yLog,
    better: logistic ? 'higher' : 'lower',
    series: [...bySeries.values()],
    reference: { y: floatMetric, label: `float64 model: ${logistic ? 'AUC' : 'MSE'} ${floatMetric.toPrecision(4)}` },
  });
}

export async function runReport(ctx: Ctx, modelPath: string, f: ReportFlags): Promise<void> {
  const bits = list('bits', f.bits, (b) => Number.isInteger(b) && b >= 2 && b <= 8, 'integers 2..8');
  const sparsity = list('sparsity', f.sparsity, (s) => s >= 0 && s < 1, 'fractions in [0, 1)');
  const delimiter = f.delimiter !== undefined ? { delimiter: parseDelimiter(f.delimiter) } : {};
  if (f.output !== undefined && !f.output.toLowerCase().endsWith('.svg')) throw usage(`-o must name an .svg file, got '${f.output}'`);
  if (f.output !== undefined) checkOutputPath(f.output);
  if (f.calib !== undefined && resolve(f.calib) === resolve(f.data)) throw usage('--calib and --data are the same file: calibrating on the test data would flatter GPTQ');
  const distillInputs = f.distill !== undefined ? list('distill', f.distill, (k) => Number.isInteger(k) && k >= 1, 'input counts (integers >= 1)') : undefined;
  if (distillInputs !== undefined && f.calib === undefined) throw usage('--distill needs --calib: the students learn from the model on those rows');
  const src = await readModel(modelPath);
  if (src.kind === 'compressed') throw inputError(`${basename(modelPath)} is already compressed; report on the float model it came from`);
  if (src.kind === 'reduced-rank') throw inputError(`${basename(modelPath)} is a reduced-rank model; report takes linear and logistic models`);
  const logistic = src.meta.task === 'logistic';
  const target = f.target ?? src.meta.target;
  if (!target) throw usage('the model does not record its target column: add --target');
  const engine = await ctx.engine();
  const test = await readCsv(f.data, { target, ...modelColumns(src.meta), binaryTarget: logistic, ...delimiter });
  if (f.qat && f.calib === undefined) throw usage('--qat trains on --calib: add --calib train.csv (with the target column)');
  const calibTable = f.calib !== undefined ? await readCsv(f.calib, { ...modelColumns(src.meta), ...(f.qat ? { target, binaryTarget: logistic } : {}), ...delimiter }) : undefined;
  const calib = calibTable?.X;
  const t0 = performance.now();
  const rows: RateDistortionRow[] = compressionReport(engine, src.model, test.X, test.y!, {
    bits: [...bits].sort((a, b) => b - a),
    sparsity: [...sparsity].sort((a, b) => a - b),
    methods: calib ? ['rtn', 'gptq', ...(f.qat ? (['qat'] as const) : [])] : ['rtn'],
    ...(calib ? { X: calib } : {}),
    ...(f.qat && calibTable?.y ? { y: calibTable.y } : {}),
    fileBytes: (m) => strippedFileBytes(m instanceof CompressedLinearModel ? { kind: 'compressed', model: m, meta: src.meta } : src),
    // a logistic model on bin columns also gets its scorecard rows
    ...(logistic && binColumns(src.meta.features) ? { scorecard: { columns: src.meta.features } } : {}),
  });
  if (distillInputs !== undefined) {
    rows.push(
      ...distillRows(engine, {
        model: src.model as LinearModel | LogisticModel,
        logistic,
        Xtest: test.X,
        ytest: test.y!,
        calib: calib!,
        inputs: distillInputs,
        bits: [...bits].sort((a, b) => b - a),
        fileBytes: (m, cols) => {
          const meta = { features: cols.map((j) => src.meta.features[j]), target: src.meta.target, task: src.meta.task, recipe: { command: 'distill' } };
          return strippedFileBytes(m instanceof CompressedLinearModel ? { kind: 'compressed', model: m, meta } : { kind: 'float', model: m as LinearModel | LogisticModel, meta });
        },
      }),
    );
  }
  const ms = performance.now() - t0;
  const metric = (r: RateDistortionRow) => (logistic ? r.auc! : r.mse!);
  const floatMetric = metric(rows[0]);
  const name = logistic ? 'AUC' : 'MSE';

  let svgPath: string | undefined;
  if (f.output !== undefined) {
    const points: RdPoint[] = rows.slice(1).map((r) => ({ series: seriesName(r.method, r.sparsity), label: rowName(r), tag: bitsTag(r.bits), bytes: r.bytes, metric: metric(r) }));
    const svg = rateDistortionChart(
      `${basename(modelPath)}: ${name} vs bytes`,
      logistic,
      points,
      floatMetric,
      `${src.meta.features.length} features, ${test.rows} test rows from ${basename(f.data)}${calib ? '' : ' (add --calib for GPTQ / OBS)'}`,
    );
    await writeFileAtomic(f.output, svg);
    svgPath = f.output;
  }
  ctx.result({ command: 'report', model: modelPath, data: f.data, task: src.meta.task, testRows: test.rows, metric: name, rows, svg: svgPath ?? null, ms });
  ctx.print(`${basename(modelPath)} (${src.meta.task}, ${src.meta.features.length} features) on ${test.rows} rows of ${basename(f.data)}:`);
  const deltas = signedColumn(rows.map((r) => (r.method === 'float' ? NaN : r.deltaVsFloat)));
  ctx.print(
    textTable(
      ['method', 'bits', 'sparsity', 'bytes', 'file bytes', 'ratio', name, 'change vs float', 'output MSE vs float'],
      rows.map((r, i) => [
        r.method === 'qat' && r.optimal ? 'qat*' : r.method === 'distill' ? `distill ${r.inputs}` : r.method === 'scorecard' ? `scorecard ${r.rounding ?? ''}${r.optimal ? '*' : ''}` : r.method,
        r.bits === null ? 'float64' : String(r.bits),
        `${Math.round(r.sparsity * 100)}%`,
        String(r.bytes),
        r.fileBytes === undefined ? '-' : String(r.fileBytes),
        `${r.ratio.toFixed(1)}x`,
        metric(r).toFixed(4),
        r.method === 'float' ? '-' : deltas[i],
        r.method === 'float' ? '-' : r.outputMse.toExponential(2),
      ]),
    ),
  );
  ctx.print('bytes: the coefficients as stored; file bytes: the whole .slim as `compress --strip` writes it (header, feature names, checksum).');
  if (!calib) ctx.print('(rtn only: add --calib train.csv for the Hessian-aware GPTQ / OBS rows)');
  if (rows.some((r) => r.method === 'qat')) ctx.print('qat: weights trained on the grid from --calib; qat* = proved optimal on its grid (scale and zero point as chosen).');
  if (rows.some((r) => r.method === 'scorecard')) ctx.print('scorecard: integer points per bin (pdo 20, 600 at 50:1; `slimfit scorecard`); optimal* = proved closest to the float score on --calib.');
  if (svgPath) ctx.print(`wrote ${svgPath}`);
}
