/**
 * `slimfit predict model.slim data.csv -o scores.csv [--keep id,...]
 *   [--output probability|logit|label] [--cutoff p]`
 *
 * (-o is short for --out here: --output names what a logistic model writes.)
 *
 * Streams the CSV in chunks (memory flat in the rows), reads the model's
 * columns by name (its raw columns through the stored input spec, or its
 * numeric features), scores each chunk with the model's own predict contract
 * and writes one line per input row: the --keep cells, then the score, printed
 * as the shortest decimal that reads back as the same float64. A row with a
 * missing value in a column fitted with --missing drop gets an empty score.
 * The output appears under its name only when complete (temp file + rename);
 * `-o -` writes to stdout.
 */
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { Matrix } from '../types.js';
import { Ctx } from './context.js';
import { streamCsv } from './csv.js';
import { usage } from './errors.js';
import { checkOutputPath, openOutput, readModel, type SlimModel } from './files.js';
import { modelColumns } from './inputs.js';
import { createProgress } from './progress.js';

const OUTPUTS = ['probability', 'logit', 'label'] as const;
type Output = (typeof OUTPUTS)[number] | 'value';

interface PredictFlags {
  /** The scores file ('-': stdout). */
  out: string;
  keep?: string;
  /** What a logistic model writes. */
  output?: string;
  cutoff?: string;
  chunkRows: string;
}

export function predictCommand(): Command {
  return new Command('predict')
    .description('score a CSV file with a model (float or compressed): one output row per input row')
    .argument('<model.slim>', 'a model written by `slimfit fit` or `slimfit compress`')
    .argument('<data.csv>', 'rows to score: a header row naming (at least) the columns the model reads')
    .requiredOption('-o, --out <scores.csv>', "where to write the scores ('-': stdout)")
    .option('--keep <a,b>', 'columns to copy to the output before the score (e.g. an id), comma separated')
    .addOption(new Option('--output <kind>', 'logistic models: probability (default), logit, or label (0/1)').choices([...OUTPUTS]))
    .option('--cutoff <p>', 'with --output label: 1 where the probability >= p (default 0.5)')
    .addOption(new Option('--chunk-rows <n>').hideHelp().default('65536'))
    .action(async (model: string, data: string, flags: PredictFlags, cmd: Command) => {
      await runPredict(Ctx.of(cmd), model, data, flags);
    });
}

function list(v: string | undefined, flag: string): string[] | undefined {
  if (v === undefined) return undefined;
  const out = v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (out.length === 0) throw usage(`${flag} is empty; list column names separated by commas`);
  return out;
}

/** A CSV field: quoted when it holds a comma, a quote or a line break. */
function field(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The scores of one chunk, n * columns row-major. */
function scorer(m: SlimModel, output: Output, cutoff: number): (X: Matrix) => Float64Array {
  const model = m.model;
  if (output === 'value') return (X) => model.predict(X);
  const logistic = model as { decisionFunction(X: Matrix): Float64Array; predictProba(X: Matrix): Float64Array; predict(X: Matrix, threshold?: number): Float64Array };
  if (output === 'logit') return (X) => logistic.decisionFunction(X);
  if (output === 'probability') return (X) => logistic.predictProba(X);
  return (X) => logistic.predict(X, cutoff);
}

export async function runPredict(ctx: Ctx, modelPath: string, data: string, f: PredictFlags): Promise<void> {
  const toStdout = f.out === '-';
  if (toStdout && ctx.json) throw usage('--json with -o - would mix the summary into the scores on stdout; write the scores to a file');
  if (!toStdout) {
    if (resolve(f.out) === resolve(data) || resolve(f.out) === resolve(modelPath)) throw usage('-o would overwrite an input file');
    checkOutputPath(f.out);
  }
  const keep = list(f.keep, '--keep') ?? [];
  const m = await readModel(modelPath);
  const logistic = m.meta.task === 'logistic';
  if (!logistic && f.output !== undefined) throw usage(`--output ${f.output} needs a logistic model; ${basename(modelPath)} is a linear model (its scores are values)`);
  const output: Output = logistic ? ((f.output as Output | undefined) ?? 'probability') : 'value';
  if (f.cutoff !== undefined && output !== 'label') throw usage('--cutoff applies to --output label');
  const cutoff = f.cutoff === undefined ? 0.5 : Number(f.cutoff);
  if (!(cutoff >= 0 && cutoff <= 1) || f.cutoff?.trim() === '') throw usage(`--cutoff must be a probability in [0, 1], got '${f.cutoff}'`);
  const chunkRows = Number(f.chunkRows);
  const outputs = (m.model as { outputs?: number }).outputs ?? 1;
  const targets = m.meta.targets?.length === outputs && outputs > 1 ? m.meta.targets : undefined;
  const scoreNames = output !== 'value' ? [output] : outputs === 1 ? ['prediction'] : (targets ?? Array.from({ length: outputs }, (_, k) => `prediction_${k + 1}`));
  const score = scorer(m, output, cutoff);

  const size = (await stat(data)).size;
  const mib = (b: number) => Math.round(b / 2 ** 20);
  const bar = size > 8 * 2 ** 20 ? createProgress(`scoring ${basename(data)}`, mib(size), { unit: 'MiB', quiet: ctx.progressQuiet }) : undefined;
  const sink = toStdout ? undefined : await openOutput(f.out);
  const write = async (text: string) => {
    if (sink) return sink.write(text);
    if (!process.stdout.write(text)) await new Promise<void>((r) => process.stdout.once('drain', () => r()));
  };
  const t0 = performance.now();
  let incomplete = 0;
  // the header line goes out with the first chunk, so a missing column fails before anything is written
  let head = `${[...keep, ...scoreNames].map(field).join(',')}\n`;
  try {
    const info = await streamCsv(
      data,
      { ...modelColumns(m.meta), incomplete: 'mark', ...(keep.length ? { keep } : {}) },
      (c) => {
        const s = score(c.X);
        const w = scoreNames.length;
        const blank = ','.repeat(w - 1);
        const lines: string[] = new Array<string>(c.X.rows);
        for (let i = 0; i < c.X.rows; i++) {
          const kept = c.kept ? `${c.kept[i].map(field).join(',')},` : '';
          if (c.incomplete?.[i]) {
            incomplete++;
            lines[i] = kept + blank;
            continue;
          }
          let row = String(s[i * w]);
          for (let k = 1; k < w; k++) row += `,${String(s[i * w + k])}`;
          lines[i] = kept + row;
        }
        bar?.update(mib(c.bytesSoFar));
        // streamCsv waits for the write before it reads on
        const text = `${head}${lines.join('\n')}\n`;
        head = '';
        return write(text);
      },
      chunkRows,
    );
    bar?.stop();
    await sink?.commit();
    const seconds = (performance.now() - t0) / 1000;
    ctx.result({ command: 'predict', model: modelPath, data, output: f.out, kind: m.kind === 'compressed' ? `compressed-${m.meta.task}` : m.kind === 'reduced-rank' ? 'reduced-rank' : m.meta.task, score: output, rows: info.rows, incomplete, seconds });
    if (!toStdout) ctx.print(`scored ${info.rows} rows of ${basename(data)} with ${basename(modelPath)} (${output}${incomplete ? `; ${incomplete} rows with a missing value left blank` : ''}) -> ${f.out} in ${seconds.toFixed(2)} s`);
    else if (incomplete) ctx.note(`${incomplete} rows with a missing value left blank`);
  } catch (e) {
    await sink?.abort();
    throw e;
  }
}
