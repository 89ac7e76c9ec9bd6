/**
 * `slimfit scorecard model.slim [--pdo 20] [--base 600] [--odds 50]
 *   [--calib calib.csv] [--rounding nearest|optimal] [--cutoff s] [-o card.csv|card.md]`:
 * a logistic model on bin columns as integer points per bin, printed as a
 * table (and written as CSV or Markdown), with the fidelity of both
 * roundings on the calibration rows.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command, Option } from 'commander';
import { toScorecard, type Scorecard, type ScorecardFidelity, type ToScorecardOptions } from '../compress/scorecard.js';
import { scorecardCsv, scorecardMarkdown } from '../compress/scorecard-table.js';
import { Ctx, textTable } from './context.js';
import { readCsv } from './csv.js';
import { usage, inputError } from './errors.js';
import { checkOutputPath, readModel, writeFileAtomic } from './files.js';
import { modelColumns } from './inputs.js';

interface ScorecardFlags {
  pdo?: string;
  base?: string;
  odds?: string;
  calib?: string;
  rounding?: 'nearest' | 'optimal';
  cutoff?: string;
  output?: string;
}

export function scorecardCommand(): Command {
  return new Command('scorecard')
    .description('a logistic model on bin columns as integer points per bin (score = offset + factor * ln(good:bad odds))')
    .argument('<model>', 'a logistic model (.slim) whose columns are bins (name>=cut), levels (name=level) or missing indicators (name:missing)')
    .option('--pdo <n>', 'points to double the odds (> 0)', '20')
    .option('--base <score>', 'the score at --odds', '600')
    .option('--odds <n>', 'good:bad odds that score --base (> 0)', '50')
    .option('--calib <csv>', "rows (the model's columns; with its target column, for AUC) to fit 'optimal' on and to measure the roundings")
    .addOption(new Option('--rounding <r>', "'nearest': each bin rounded; 'optimal': the integer points closest to the float score on --calib (default with --calib)").choices(['nearest', 'optimal']))
    .option('--cutoff <score>', 'accept at score >= cutoff, for the decision changes (default: the median float score on --calib)')
    .option('-o, --output <file>', 'write the card: .csv (feature,bin,points,float_points,columns) or .md (a Markdown table)')
    .action(async (model: string, flags: ScorecardFlags, c: Command) => {
      await runScorecard(Ctx.of(c), model, flags);
    });
}

function num(flag: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw usage(`--${flag} must be a number, got '${v}'`);
  return n;
}

/** Whether the CSV's header names `column` (then its outcomes give the AUC). */
async function hasColumn(file: string, column: string): Promise<boolean> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const head = text.slice(0, text.indexOf('\n') >>> 0).replace(/\r$/, '');
  return head.split(',').map((s) => s.trim().replace(/^"|"$/g, '')).includes(column);
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
const aucText = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(4));

export async function runScorecard(ctx: Ctx, modelPath: string, f: ScorecardFlags): Promise<void> {
  const pdo = num('pdo', f.pdo ?? '20');
  const baseScore = num('base', f.base ?? '600');
  const baseOdds = num('odds', f.odds ?? '50');
  if (!(pdo > 0)) throw usage(`--pdo must be > 0 (points to double the odds), got ${f.pdo}`);
  if (!(baseOdds > 0)) throw usage(`--odds must be > 0 (good:bad odds at --base), got ${f.odds}`);
  if (f.rounding === 'optimal' && f.calib === undefined) throw usage("--rounding optimal fits the points on data: add --calib calib.csv");
  if (f.cutoff !== undefined && f.calib === undefined) throw usage('--cutoff applies to the decisions on --calib rows: add --calib');
  const out = f.output;
  const fmt = out === undefined ? undefined : out.toLowerCase().endsWith('.csv') ? 'csv' : out.toLowerCase().endsWith('.md') ? 'md' : undefined;
  if (out !== undefined && fmt === undefined) throw usage(`-o must end in .csv or .md, got '${out}'`);
  if (out !== undefined) checkOutputPath(out);

  const src = await readModel(modelPath);
  if (src.meta.task !== 'logistic') throw inputError(`${basename(modelPath)} is a least-squares model; a scorecard needs a logistic one (fit --logistic)`);
  const opts: ToScorecardOptions = { columns: src.meta.features, pdo, baseScore, baseOdds, ...(f.rounding ? { rounding: f.rounding } : {}) };
  if (f.cutoff !== undefined) opts.cutoff = num('cutoff', f.cutoff);
  if (f.calib !== undefined) {
    const target = src.meta.target;
    const withY = target !== null && (await hasColumn(f.calib, target));
    const t = await readCsv(f.calib, { ...modelColumns(src.meta), ...(withY ? { target, binaryTarget: true } : {}) });
    opts.calib = t.X;
    if (withY && t.y) opts.y = t.y;
  }
  const card: Scorecard = toScorecard(src.model, opts);
  if (out !== undefined) await writeFileAtomic(out, fmt === 'csv' ? scorecardCsv(card) : scorecardMarkdown(card));

  ctx.result({
    command: 'scorecard',
    model: modelPath,
    pdo,
    baseScore,
    baseOdds,
    factor: card.factor,
    offset: card.offset,
    rounding: card.rounding,
    basePoints: card.basePoints,
    floatBasePoints: card.floatBasePoints,
    features: card.features,
    report: card.report ?? null,
    output: out ?? null,
  });
  ctx.print(
    `${basename(modelPath)}: score = offset + factor * ln(good:bad odds), factor = pdo / ln 2 = ${card.factor.toFixed(4)}, offset = ${card.offset.toFixed(4)} (${baseScore} points at ${baseOdds}:1, ${pdo} points to double the odds); rounding ${card.rounding}`,
  );
  const rows: string[][] = [['(base)', '(base points)', String(card.basePoints), card.floatBasePoints.toFixed(4)]];
  for (const feat of card.features) feat.bins.forEach((b, i) => rows.push([i === 0 ? feat.name : '', b.label, String(b.points), b.floatPoints.toFixed(4)]));
  ctx.print(textTable(['feature', 'bin', 'points', 'float points'], rows, 2));
  const r = card.report;
  if (r) {
    const line = (name: string, v: ScorecardFidelity, extra = '') =>
      [name, aucText(v.auc), v.maxDeviation.toFixed(3), v.rmsDeviation.toFixed(3), pct(v.decisionChanges), extra];
    const table = [['float', aucText(r.floatAuc), '0', '0', '0.00%', ''], line('nearest', r.nearest)];
    if (r.optimal) table.push(line('optimal', r.optimal, `${r.optimal.proved ? 'proved optimal' : 'search stopped by the budget'} (${r.optimal.nodes} nodes, ${r.optimal.ms.toFixed(0)} ms)`));
    ctx.print('');
    ctx.print(`On ${r.rows} rows of ${basename(f.calib!)}, cutoff ${r.cutoff.toFixed(2)} (accept at score >= cutoff):`);
    ctx.print(textTable(['rounding', 'AUC', 'max |score - float|', 'RMS', 'decisions changed', ''], table, [0, 5]));
  }
  if (out !== undefined) ctx.print(`Wrote ${out}`);
}
