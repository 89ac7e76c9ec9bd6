/**
 * `slimfit distill data.csv --teacher model.slim | --teacher-column col [--teacher-kind k]
 *   [--target y] [--features k] [--bits b] [--sparsity s] [--alpha a] [--temperature T]
 *   [--ridge r] [--test held-out.csv] -o student.slim`
 *
 * The transfer set is data.csv: the teacher scores every row (a .slim model
 * reads its own feature columns; --teacher-column takes scores computed by
 * another tool). --target adds hard labels; an empty target cell marks a row
 * without one (it learns from the teacher alone). The student is written as
 * an ordinary model over the columns it kept (its .slim header names them),
 * so `slimfit predict` scores it on any CSV that has those columns.
 */
import { basename, resolve } from 'node:path';
import { Command } from 'commander';
import { isSlimfitError } from '../errors.js';
import { distill, type DistillResult } from '../distill/distill.js';
import type { Teacher, TeacherKind } from '../distill/teacher.js';
import type { Matrix } from '../types.js';
import { Ctx } from './context.js';
import { streamCsv, type CsvColumns } from './csv.js';
import { inputError, usage } from './errors.js';
import { checkOutputPath, readModel, sha256File, writeModel, type ModelMeta, type SlimModel } from './files.js';

interface DistillFlags {
  teacher?: string;
  teacherColumn?: string;
  teacherKind?: string;
  target?: string;
  features?: string;
  bits?: string;
  sparsity?: string;
  alpha?: string;
  temperature?: string;
  ridge?: string;
  test?: string;
  output: string;
}

export function distillCommand(): Command {
  return new Command('distill')
    .description('distil a teacher (a .slim model, or scores from another tool in a CSV column) into a small student model')
    .argument('<data.csv>', 'the transfer set: rows the teacher scores (labels optional)')
    .option('--teacher <model.slim>', 'the teacher: a model written by `slimfit fit` or `compress` (reads its own feature columns)')
    .option('--teacher-column <col>', "the teacher's scores for each row, computed elsewhere (e.g. a gradient-boosted model's output)")
    .option('--teacher-kind <kind>', "with --teacher-column: 'probability' (default), 'logit' or 'value' (regression)")
    .option('-t, --target <column>', 'hard labels (0/1, or values for regression); an empty cell: no label for that row')
    .option('--features <k>', 'keep the k inputs that best reproduce the teacher (greedy forward selection); default: all')
    .option('--bits <b>', 'quantize the student (GPTQ on its own Hessian over the transfer set), 2..8')
    .option('--sparsity <s>', 'prune this fraction of the student first (OBS / SparseGPT), in [0, 1)')
    .option('--alpha <a>', 'weight of the hard labels against the teacher, in [0, 1] (default 0.5 with --target)')
    .option('--temperature <T>', "softmax temperature of the teacher's soft targets (> 0, default 1; classification)")
    .option('--ridge <r>', "L2 penalty on the student's coefficients (>= 0)", '0')
    .option('--test <held-out.csv>', 'held-out rows (same columns): fidelity to the teacher, agreement, AUC / MSE')
    .requiredOption('-o, --output <student.slim>', 'where to write the student')
    .action(async (file: string, flags: DistillFlags, cmd: Command) => {
      await runDistill(Ctx.of(cmd), file, flags);
    });
}

function num(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw usage(`--${flag} must be a number, got '${v}'`);
  return n;
}

function int(flag: string, v: string | undefined, lo: number, hi: number): number | undefined {
  const n = num(flag, v);
  if (n !== undefined && (!Number.isInteger(n) || n < lo || n > hi)) throw usage(`--${flag} must be an integer from ${lo} to ${hi}, got '${v}'`);
  return n;
}

interface Rows {
  X: Matrix;
  features: string[];
  /** --teacher-column's values. */
  scores: Float64Array | undefined;
  /** --target's values, NaN where the cell is empty. */
  y: Float64Array | undefined;
}

/** Reads the feature columns, the teacher column (as the CSV target) and the label column (kept as text: empty cells allowed). */
async function readRows(file: string, cols: CsvColumns, label: string | undefined): Promise<Rows> {
  const X: number[] = [];
  const scores: number[] = [];
  const y: number[] = [];
  let d = 0;
  const info = await streamCsv(file, { ...cols, ...(label !== undefined ? { keep: [label] } : {}) }, (c) => {
    d = c.X.cols;
    for (let i = 0; i < c.X.data.length; i++) X.push(c.X.data[i]);
    if (c.y) for (let i = 0; i < c.y.length; i++) scores.push(c.y[i]);
    if (label !== undefined) {
      c.kept!.forEach((cells, i) => {
        const raw = cells[0].trim();
        const v = raw === '' ? NaN : Number(raw);
        if (raw !== '' && !Number.isFinite(v)) throw inputError(`${basename(file)} row ${c.rowsSoFar - c.X.rows + i + 1}: '${label}' is '${raw}', not a number (leave the cell empty for a row without a label)`, 'E_CSV');
        y.push(v);
      });
    }
  });
  return { X: { rows: info.rows, cols: d, data: Float64Array.from(X) }, features: info.features, scores: cols.target !== undefined ? Float64Array.from(scores) : undefined, y: label !== undefined ? Float64Array.from(y) : undefined };
}

export async function runDistill(ctx: Ctx, file: string, f: DistillFlags): Promise<void> {
  if ((f.teacher === undefined) === (f.teacherColumn === undefined)) throw usage('give the teacher: --teacher <model.slim> or --teacher-column <col> (one of them)');
  if (f.teacherKind !== undefined && f.teacherColumn === undefined) throw usage('--teacher-kind goes with --teacher-column (a .slim teacher knows its kind)');
  const kind = (f.teacherKind ?? 'probability') as TeacherKind;
  if (!['probability', 'logit', 'value'].includes(kind)) throw usage(`--teacher-kind must be 'probability', 'logit' or 'value', got '${f.teacherKind}'`);
  if (!f.output.toLowerCase().endsWith('.slim')) throw usage(`-o must name a .slim file, got '${f.output}'`);
  if (resolve(f.output) === resolve(file) || (f.teacher !== undefined && resolve(f.output) === resolve(f.teacher))) throw usage('-o would overwrite an input file; pick another name');
  const k = int('features', f.features, 1, 1_000_000);
  const bits = int('bits', f.bits, 2, 8);
  const sparsity = num('sparsity', f.sparsity);
  const alpha = num('alpha', f.alpha);
  const temperature = num('temperature', f.temperature);
  const ridge = num('ridge', f.ridge) ?? 0;
  if (alpha !== undefined && f.target === undefined) throw usage('--alpha weighs the hard labels: give --target too');
  checkOutputPath(f.output);

  let teacher: Teacher;
  let teacherMeta: ModelMeta | undefined;
  let cols: CsvColumns;
  if (f.teacher !== undefined) {
    const t: SlimModel = await readModel(f.teacher);
    if (t.meta.inputs) throw usage(`${basename(f.teacher)} reads raw columns through an input spec (--categorical / --bins / --missing); distill takes a teacher fitted on numeric columns`);
    teacher = t.model as Teacher;
    teacherMeta = t.meta;
    cols = { features: t.meta.features };
  } else {
    cols = { target: f.teacherColumn, ...(f.target !== undefined ? { exclude: [f.target] } : {}) };
    teacher = { scores: new Float64Array(0), kind }; // the scores are read below
  }
  const train = await readRows(file, cols, f.target);
  if (f.target !== undefined && train.features.includes(f.target)) throw usage(`'${f.target}' is one of the teacher's features; it cannot also be the target`);
  const test = f.test !== undefined ? await readRows(f.test, cols, f.target) : undefined;
  if (train.scores) teacher = { scores: train.scores, kind };
  const logistic = f.teacher !== undefined ? teacherMeta!.task === 'logistic' : kind !== 'value';

  const engine = await ctx.engine();
  const t0 = performance.now();
  let r: DistillResult;
  try {
    r = distill(engine, teacher, train.X, {
    ...(train.y ? { y: train.y } : {}),
    ...(alpha !== undefined ? { alpha } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    featureNames: train.features,
    student: { ...(k !== undefined ? { features: k } : {}), ...(bits !== undefined ? { bits } : {}), ...(sparsity !== undefined ? { sparsity } : {}), ridge },
    ...(test ? { Xtest: test.X, ...(test.y && test.y.every((v) => !Number.isNaN(v)) ? { ytest: test.y } : {}), ...(test.scores ? { teacherTest: test.scores } : {}) } : {}),
    });
  } catch (err) {
    // a teacher score out of range is bad data in the file, not a bad flag
    if (isSlimfitError(err) && err.reason.startsWith("the teacher's score")) throw inputError(`${basename(file)}: ${err.reason.replace(/^the teacher's score (\d+) on \w+/, (_m, i: string) => `row ${Number(i) + 1}: the teacher's score`)}`, 'E_INPUT');
    throw err;
  }
  const ms = performance.now() - t0;
  const names = r.featureNames!;
  const recipe = {
    command: 'distill',
    teacher: f.teacher !== undefined ? basename(f.teacher) : { column: f.teacherColumn, kind },
    alpha: train.y ? (alpha ?? 0.5) : 0,
    temperature: temperature ?? 1,
    features: k ?? null,
    bits: bits ?? null,
    sparsity: sparsity ?? 0,
    ridge,
    rows: train.X.rows,
  };
  const meta: ModelMeta = {
    features: names,
    target: f.target ?? f.teacherColumn ?? teacherMeta?.target ?? null,
    task: logistic ? 'logistic' : 'linear',
    recipe,
    inputDigest: await sha256File(file),
    inputName: basename(file),
    ...(r.report ? { statistics: { ...r.report } } : {}),
  };
  const out: SlimModel = r.student === r.floatStudent ? { kind: 'float', model: r.floatStudent, meta } : { kind: 'compressed', model: r.student as Extract<SlimModel, { kind: 'compressed' }>['model'], meta };
  const bytes = await writeModel(f.output, out);
  const labelled = train.y ? train.y.reduce((a, v) => a + (Number.isNaN(v) ? 0 : 1), 0) : 0;
  ctx.result({
    command: 'distill',
    output: f.output,
    bytes,
    task: meta.task,
    rows: train.X.rows,
    labelledRows: labelled,
    teacherFeatures: train.features.length,
    features: names,
    studentBytes: r.bytes,
    selection: r.selection?.map((s) => ({ columns: s.columns.map((j) => train.features[j]), rSquared: s.rSquared })),
    ...(r.report ? { report: r.report } : {}),
    ms,
  });
  ctx.print(`distilled ${logistic ? 'a logistic' : 'a linear'} student from ${f.teacher !== undefined ? basename(f.teacher) : `column '${f.teacherColumn}'`} on ${train.X.rows} rows (${labelled} labelled): ${names.length} of ${train.features.length} features, ${r.bytes} bytes of coefficients`);
  if (r.selection) ctx.print(`kept, in the order chosen: ${r.selection.map((s) => `${s.columns.map((j) => train.features[j]).join('+')} (R² ${s.rSquared.toFixed(4)})`).join(', ')}`);
  if (r.report) {
    const rep = r.report;
    const metric = rep.teacherAuc !== undefined ? `; AUC teacher ${rep.teacherAuc.toFixed(4)}, student ${rep.studentAuc!.toFixed(4)}` : rep.teacherMse !== undefined ? `; MSE teacher ${rep.teacherMse.toPrecision(4)}, student ${rep.studentMse!.toPrecision(4)}` : '';
    ctx.print(`held out (${rep.rows} rows): fidelity R² ${rep.fidelity.toFixed(4)}, agreement ${(100 * rep.agreement).toFixed(1)}% at cutoff ${rep.cutoff.toPrecision(4)}${metric}`);
  }
  ctx.print(`wrote ${f.output} (${bytes} bytes) in ${(ms / 1000).toFixed(2)} s`);
}
