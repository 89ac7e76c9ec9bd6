/**
 * `slimfit fit data.csv --target y [--logistic] [--ridge r] [--features a,b | --exclude c,d] -o model.slim`
 *
 * Least squares streams the CSV through a mergeable accumulator (memory
 * independent of the number of rows); logistic regression (IRLS) needs the
 * rows in memory and reads them once.
 *
 * With --categorical, --bins or --missing other than 'error', a first pass
 * learns the input spec (levels, quantile cuts from a seeded reservoir
 * sample, training means, missing counts: flat memory, so streaming fits stay
 * streaming) and the second pass fits on the design columns it gives; the
 * spec is stored in the model, so `slimfit predict` reads the same raw columns.
 *
 * --epsilon makes the fit differentially private (docs/PRIVACY.md): least
 * squares by AdaSSP (--delta, --bound-x, --bound-y; rows clipped as they
 * stream), logistic regression by objective perturbation (--bound-x). A
 * private model's file carries no digest of the input (a hash of the exact
 * rows would let anyone holding a candidate data set test it) and the
 * command prints no training-data statistics.
 */
import { basename, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { isSlimfitError, SlimfitError } from '../errors.js';
import { fitLogistic } from '../fit/logistic.js';
import type { LinearModel } from '../fit/model.js';
import type { LogisticModel } from '../fit/logistic-model.js';
import type { Matrix } from '../types.js';
import { Ctx } from './context.js';
import { parseDelimiter, readCsv, streamCsv } from './csv.js';
import { inputError, usage, yellow } from './errors.js';
import { checkOutputPath, sha256File, writeModel, type ModelMeta } from './files.js';
import { coefficientRows, coefficientTable, degenerateFitWarnings, separatingColumns, separationAdvice, trainingRankMetrics, type RankMetrics } from './fit-summary.js';
import { createProgress, formatDuration } from './progress.js';
import type { InputSpec, MissingPolicy, UnseenPolicy } from '../features/inputs.js';
import { MISSING_POLICIES, UNSEEN_POLICIES } from '../features/inputs.js';
import type { LearnOptions } from '../features/learn.js';
import { learningPass, specEncoder } from './inputs.js';
import { runFitReducedRank } from './fit-reduced-rank.js';
import { cliMemoryLimit, WideLinearFit } from './fit-wide.js';
import { expectedFitSeconds } from '../fit/memory.js';
import { runFitQueue } from './fit-queue.js';

export interface FitFlags {
  target?: string;
  targets?: string;
  rank?: string;
  logistic?: boolean;
  ridge?: string;
  features?: string;
  exclude?: string;
  intercept: boolean;
  output: string;
  delimiter?: string;
  accurate?: boolean;
  all?: boolean;
  categorical?: string;
  missing?: string;
  bins?: string;
  unseen?: string;
  epsilon?: string;
  delta?: string;
  boundX?: string;
  boundY?: string;
  privacyMethod?: string;
  noiseSeed?: string;
}

export function fitCommand(): Command {
  return new Command('fit')
    .description('fit a linear (least squares) or logistic model to a CSV file with a header row')
    .argument('<data.csv...>', 'training data: a header row, then one numeric row per observation (several shards with --queue)')
    .option('--queue <redis-url>', 'least squares on shards: each CSV to a `slimfit worker` through Redis (redis://host:port[/db]); the accumulators are merged here')
    .option('-t, --target <column>', 'the column to predict')
    .option('--targets <a,b,c>', 'several columns to predict at once, by reduced-rank regression (needs --rank)')
    .option('--rank <r>', "with --targets: the rank of the coefficient matrix, an integer from 1 to min(features, targets), or 'gcv' / 'bic' to choose it")
    .option('--logistic', 'logistic regression (target must be 0/1), e.g. default / no default')
    .option('--ridge <r>', 'L2 penalty on the coefficients (>= 0), in the units of the features', '0')
    .option('--features <a,b,c>', 'feature columns to use, comma separated (default: every column except the target)')
    .addOption(new Option('--exclude <a,b,c>', 'columns that are not features (ids, other targets), comma separated').conflicts('features'))
    .option('--no-intercept', 'fit without an intercept')
    .option('--delimiter <c>', "field separator: ',', ';', 'tab', '|' (default: detected from the header row; with one other than ',' decimal commas are read)")
    .option('--accurate', 'least squares: double-double moments, for ill-conditioned designs (slower)')
    .option('--all', 'print every coefficient (default: the first 25)')
    .option('--categorical <a,b,c>', 'text columns: one 0/1 column per level but the first (stored in the model, applied by predict)')
    .option('--unseen <policy>', "a level predict has not seen in fitting: 'error' (default) or 'baseline' (coded as the first level)")
    .option('--missing <policy>', "empty cells: 'error' (default), 'drop' (skip the row) or 'indicator' (a 0/1 column; numbers take the training mean)")
    .option('--bins <n>', 'quantile bins for every numeric feature (one 0/1 column per cut, as the demo scorecard); cuts from the data, stored in the model')
    .option('--epsilon <e>', 'differentially private fit with privacy loss epsilon > 0 (docs/PRIVACY.md)')
    .option('--delta <d>', 'private least squares: delta in (0, 1), well below 1/rows', '1e-6')
    .option('--bound-x <b>', 'private fits: bound on each row\'s L2 norm over the features (rows beyond it are scaled down); from the units, not the data')
    .option('--bound-y <b>', 'private least squares: bound on |target| (values beyond it are clipped)')
    .option('--privacy-method <m>', "private least squares: 'adassp' (default, private ridge) or 'ssp'")
    .option('--noise-seed <n>', 'private fits: reproducible noise for tests and audits (the model is then NOT private against whoever knows the seed)')
    .requiredOption('-o, --output <model.slim>', 'where to write the fitted model')
    .addOption(new Option('--chunk-rows <n>').hideHelp().default('65536'))
    .action(async (files: string[], flags: FitFlags & { chunkRows: string; queue?: string }, cmd: Command) => {
      if (flags.queue !== undefined) return runFitQueue(Ctx.of(cmd), files, { ...flags, queue: flags.queue });
      if (files.length > 1) throw usage(`fit takes one CSV file, got ${files.length} (shards of one data set: add --queue redis://... and run \`slimfit worker\`)`);
      await runFit(Ctx.of(cmd), files[0], flags, Number(flags.chunkRows));
    });
}

/**
 * The engine's fit errors (E_SINGULAR, E_SEPARATION, ...) speak the API (0-based column
 * indices, `ridge > 0`, `intercept: false`); on the command line they name the
 * CSV columns and the flags.
 */
export function cliFitError(e: unknown, names: readonly string[], separationHelp?: string): unknown {
  if (!isSlimfitError(e)) return e;
  let reason = e.reason;
  // Separation: the API's "pass ridge > 0 ..." would lead to a degenerate fit with a tiny ridge; say what helps.
  if (e.code === 'E_SEPARATION' && separationHelp !== undefined) reason = reason.replace(/; pass ridge > 0.*$/, `; ${separationHelp}`);
  const msg = reason
    .replace(/\bcreate the accumulator with \{ accuracy: 'accurate' \} \(double-double moments\)/g, 'add --accurate (double-double moments, slower)')
    .replace(/\bcolumn\(s\)/g, 'feature(s)')
    .replace(/\bcolumn (\d+)/g, (m, j: string) => (names[+j] !== undefined ? `'${names[+j]}'` : m))
    .replace(/\bfit with intercept: false\b/g, 'fit with --no-intercept')
    .replace(/\bpass ridge > 0( \(e\.g\. ([^)]+)\))?/g, (_m, _g, eg?: string) => `add --ridge ${eg ?? '1e-3'} (any value > 0)`)
    .replace(/\bor check y\b/g, 'or check the target column');
  return new SlimfitError(e.code, msg, e.details as Record<string, unknown> | undefined);
}

/** The input-spec options, or undefined when none is given (the columns are read as numbers, as always). */
function learnOptions(f: FitFlags): (LearnOptions & { missing: MissingPolicy; unseen: UnseenPolicy }) | undefined {
  const categorical = f.categorical
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (categorical !== undefined && categorical.length === 0) throw usage('--categorical is empty; list column names separated by commas');
  const missing = (f.missing ?? 'error') as MissingPolicy;
  if (!MISSING_POLICIES.includes(missing)) throw usage(`--missing must be one of ${MISSING_POLICIES.join(', ')}, got '${f.missing}'`);
  const unseen = (f.unseen ?? 'error') as UnseenPolicy;
  if (!UNSEEN_POLICIES.includes(unseen)) throw usage(`--unseen must be one of ${UNSEEN_POLICIES.join(', ')}, got '${f.unseen}'`);
  let bins: number | undefined;
  if (f.bins !== undefined) {
    bins = Number(f.bins);
    if (!Number.isInteger(bins) || bins < 2 || bins > 1000 || f.bins.trim() === '') throw usage(`--bins must be an integer from 2 to 1000, got '${f.bins}'`);
  }
  if (categorical === undefined && bins === undefined && missing === 'error') {
    if (f.unseen !== undefined) throw usage('--unseen applies to --categorical columns');
    return undefined;
  }
  if (f.unseen !== undefined && categorical === undefined) throw usage('--unseen applies to --categorical columns');
  return { ...(categorical ? { categorical } : {}), ...(bins !== undefined ? { bins } : {}), missing, unseen };
}

interface CliPrivacy {
  epsilon: number;
  delta: number;
  boundX: number;
  boundY: number;
  method: 'adassp' | 'ssp';
  seed: number | undefined;
}

function positiveFlag(flag: string, v: string | undefined): number {
  const x = Number(v);
  if (v === undefined || v.trim() === '' || !Number.isFinite(x) || !(x > 0)) throw usage(`--${flag} must be a number > 0, got '${v}'`);
  return x;
}

/** The private-fit flags, checked; undefined without --epsilon. */
function privacyFlags(f: FitFlags, ridge: number): CliPrivacy | undefined {
  const given = f.boundX !== undefined || f.boundY !== undefined || f.privacyMethod !== undefined || f.noiseSeed !== undefined;
  if (f.epsilon === undefined) {
    if (given) throw usage('--bound-x, --bound-y, --privacy-method and --noise-seed apply to private fits: add --epsilon');
    return undefined;
  }
  const epsilon = positiveFlag('epsilon', f.epsilon);
  if (ridge !== 0) throw usage('--ridge cannot be combined with --epsilon: the private fit chooses its own (AdaSSP) or uses none');
  if (f.accurate) throw usage('--accurate cannot be combined with --epsilon: no extra digits survive the noise');
  if (f.boundX === undefined) throw usage('--epsilon needs --bound-x: a bound on each row\'s norm taken from the units or the encoding, never from the data');
  const boundX = positiveFlag('bound-x', f.boundX);
  const delta = Number(f.delta);
  if (!(delta > 0 && delta < 1)) throw usage(`--delta must be in (0, 1), got '${f.delta}'`);
  let boundY = NaN;
  if (f.logistic) {
    if (f.boundY !== undefined) throw usage('--bound-y applies to least squares; a 0/1 target is bounded already');
    if (f.privacyMethod !== undefined) throw usage('--privacy-method applies to least squares; logistic regression uses objective perturbation');
  } else {
    if (f.boundY === undefined) throw usage('--epsilon needs --bound-y for least squares: a bound on |target| from its units, never from the data');
    boundY = positiveFlag('bound-y', f.boundY);
  }
  const method = (f.privacyMethod ?? 'adassp') as 'adassp' | 'ssp';
  if (method !== 'adassp' && method !== 'ssp') throw usage(`--privacy-method must be 'adassp' or 'ssp', got '${f.privacyMethod}'`);
  let seed: number | undefined;
  if (f.noiseSeed !== undefined) {
    seed = Number(f.noiseSeed);
    if (!Number.isSafeInteger(seed) || seed < 0 || f.noiseSeed.trim() === '') throw usage(`--noise-seed must be an integer >= 0, got '${f.noiseSeed}'`);
  }
  return { epsilon, delta, boundX, boundY, method, seed };
}

export async function runFit(ctx: Ctx, file: string, f: FitFlags, chunkRows = 65536): Promise<void> {
  const ridge = Number(f.ridge ?? 0);
  if (!Number.isFinite(ridge) || ridge < 0 || (f.ridge ?? '').trim() === '') throw usage(`--ridge must be a number >= 0, got '${f.ridge}'`);
  const dp = privacyFlags(f, ridge);
  if (!f.output.toLowerCase().endsWith('.slim')) throw usage(`-o must name a .slim file, got '${f.output}'`);
  if (resolve(f.output) === resolve(file)) throw usage('-o would overwrite the input file');
  checkOutputPath(f.output);
  const features = f.features
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (features !== undefined && features.length === 0) throw usage('--features is empty; list column names separated by commas');
  const exclude = f.exclude
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const delimiter = f.delimiter !== undefined ? parseDelimiter(f.delimiter) : undefined;
  if (f.targets !== undefined || f.rank !== undefined) {
    const targets = f.targets
      ?.split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (targets === undefined) throw usage('--rank applies to --targets a,b,c (several outputs)');
    if (targets.length === 0) throw usage('--targets is empty; list column names separated by commas');
    if (f.rank === undefined) throw usage("--targets needs --rank: an integer, 'gcv' or 'bic'");
    const bad = f.target !== undefined ? '--target' : f.logistic ? '--logistic' : f.accurate ? '--accurate' : learnOptions(f) !== undefined ? '--categorical / --bins / --missing' : undefined;
    if (bad !== undefined) throw usage(`${bad} does not combine with --targets`);
    return runFitReducedRank(ctx, file, { targets, rank: f.rank, ridge, intercept: f.intercept, output: f.output, ...(features ? { features } : {}), ...(exclude ? { exclude } : {}), ...(delimiter ? { delimiter } : {}) });
  }
  if (f.target === undefined) throw usage("required option '-t, --target <column>' not specified (or --targets a,b,c --rank r for several)");
  const target = f.target;
  if (f.accurate && f.logistic) throw usage('--accurate applies to least squares; logistic regression (IRLS) already solves in float64 from the rows');
  const learn = learnOptions(f);
  const cols = { target, ...(features ? { features } : {}), ...(exclude ? { exclude } : {}), binaryTarget: Boolean(f.logistic), dropMissingTarget: learn?.missing === 'drop', ...(delimiter ? { delimiter } : {}) };

  const engine = await ctx.engine();
  const t0 = performance.now();
  const size = (await stat(file)).size;
  const mib = (b: number) => Math.round(b / 2 ** 20);
  const bar = size > 8 * 2 ** 20 ? createProgress(`reading ${basename(file)}`, mib(size), { unit: 'MiB', quiet: ctx.progressQuiet }) : undefined;

  let inputs: InputSpec | undefined;
  let learned: { missing: Record<string, number>; dropped: number } | undefined;
  if (learn) {
    const pass = learningPass(learn);
    const scan = size > 8 * 2 ** 20 ? createProgress(`scanning ${basename(file)}`, mib(size), { unit: 'MiB', quiet: ctx.progressQuiet }) : undefined;
    await streamCsv(file, { ...cols, encoder: pass }, (c) => scan?.update(mib(c.bytesSoFar)), chunkRows);
    scan?.stop();
    const l = pass.learner();
    try {
      inputs = l.finish();
    } catch (e) {
      throw isSlimfitError(e) ? usage(`${basename(file)}: ${e.reason}`) : e;
    }
    // dropped: set from the fitting pass (rows with a missing feature or, under drop, a missing target)
    learned = { missing: Object.fromEntries(l.names.map((n, j) => [n, l.missingCounts[j]])), dropped: 0 };
  }
  const readCols = inputs ? { ...cols, features: inputs.names, encoder: specEncoder(inputs) } : cols;

  let model: LinearModel | LogisticModel;
  let rows: number;
  let names: string[];
  let delimiterUsed: string;
  let rank: RankMetrics | undefined;
  let warnings: string[] = [];
  if (f.logistic) {
    const t = await readCsv(file, readCols, (_r, bytes) => bar?.update(mib(bytes)));
    bar?.stop();
    rows = t.rows;
    if (learned) learned.dropped = t.dropped;
    names = inputs ? [...inputs.features] : t.features;
    delimiterUsed = t.delimiter;
    const y = t.y!;
    let pos = 0;
    for (let i = 0; i < y.length; i++) pos += y[i];
    // One class only is bad data (nothing to model), not a bad flag.
    if (pos === 0 || pos === y.length) throw inputError(`${basename(file)}: every '${target}' value is ${pos === 0 ? 0 : 1}; logistic regression needs rows of both classes`, 'E_INPUT');
    try {
      const seed = dp?.seed !== undefined ? { seed: dp.seed } : {};
      model = dp ? fitLogistic(engine, t.X, y, { intercept: f.intercept, privacy: { epsilon: dp.epsilon, boundX: dp.boundX, ...seed } }) : fitLogistic(engine, t.X, y, { ridge, intercept: f.intercept });
    } catch (e) {
      throw cliFitError(e, names, isSlimfitError(e, 'E_SEPARATION') ? separationHelp(t.X, y, names) : undefined);
    }
    if (!dp) {
      rank = trainingRankMetrics(model, t.X, y);
      warnings = degenerateFitWarnings(model, t.X, y, names);
    }
  } else {
    const wide = new WideLinearFit(engine, { intercept: f.intercept, ridge, accurate: Boolean(f.accurate), ...(dp ? { privacy: { boundX: dp.boundX, boundY: dp.boundY } } : {}), limit: cliMemoryLimit() });
    const info = await streamCsv(
      file,
      readCols,
      (c) => {
        wide.add(c.X, c.y!);
        bar?.update(mib(c.bytesSoFar));
      },
      chunkRows,
    );
    bar?.stop();
    const acc = wide.accumulator;
    rows = info.rows;
    if (learned) learned.dropped = info.dropped;
    names = inputs ? [...inputs.features] : info.features;
    delimiterUsed = info.delimiter;
    try {
      const solving = solvingProgress(ctx, info.rows, names.length, ridge, wide.holding);
      if (wide.holding) model = wide.fitHeld();
      else model = dp ? acc!.fit({ privacy: { epsilon: dp.epsilon, delta: dp.delta, method: dp.method, ...(dp.seed !== undefined ? { seed: dp.seed } : {}) } }) : acc!.fit({ ridge });
      solving?.done();
    } catch (e) {
      throw cliFitError(e, names);
    }
  }
  // the spec's levels, cuts and means come from the exact rows: say so rather than imply they are private
  if (dp && inputs) warnings.push('the input spec (categorical levels, quantile cuts, training means) was learned from the rows without privacy; only the coefficients are private (docs/PRIVACY.md)');
  const ms = performance.now() - t0;
  const logistic = f.logistic === true;
  const meta: ModelMeta = {
    features: names,
    target,
    task: logistic ? 'logistic' : 'linear',
    recipe: { command: 'fit', ridge, intercept: f.intercept, rows, ...(dp ? { privacy: privacyRecipe(dp, logistic) } : {}), ...(learn ? { inputs: { categorical: learn.categorical ?? [], bins: learn.bins ?? null, missing: learn.missing, unseen: learn.unseen } } : {}) },
    ...(dp ? {} : { inputDigest: await sha256File(file) }),
    inputName: basename(file),
    ...(inputs ? { inputs } : {}),
  };
  const bytes = await writeModel(f.output, { kind: 'float', model, meta });

  const table = coefficientRows(model, names, logistic);
  const statName = logistic ? 'zValue' : 'tValue';
  const coefJson = (r: (typeof table.rows)[number]) => ({ feature: r.feature, coef: r.coef, stdError: r.stdError, [statName]: r.statistic, pValue: r.pValue });
  const stat1 = logistic
    ? { iterations: (model as LogisticModel).stats.iterations, converged: (model as LogisticModel).stats.converged, deviance: (model as LogisticModel).stats.deviance, nullDeviance: (model as LogisticModel).stats.nullDeviance, aic: (model as LogisticModel).stats.aic }
    : { rSquared: (model as LinearModel).stats.rSquared as number, residualSd: (model as LinearModel).stats.residualSd as number, dof: (model as LinearModel).stats.dof, method: (model as LinearModel).stats.method };
  ctx.result({
    command: 'fit',
    output: f.output,
    bytes,
    task: meta.task,
    rows,
    features: names,
    delimiter: delimiterUsed,
    intercept: model.intercept,
    ...(table.intercept ? { interceptStdError: table.intercept.stdError, [`intercept${logistic ? 'Z' : 'T'}Value`]: table.intercept.statistic, interceptPValue: table.intercept.pValue } : {}),
    coefficients: table.rows.map(coefJson),
    stats: stat1,
    ...(model.stats.privacy ? { privacy: model.stats.privacy } : {}),
    ...(rank ? { training: rank } : {}),
    ...(learned ? { missing: learned.missing, droppedRows: learned.dropped } : {}),
    warnings,
    ms,
  });

  if (delimiterUsed !== ',' && f.delimiter === undefined) ctx.note(`read ${basename(file)} as ${delimiterUsed === '\t' ? 'tab' : delimiterUsed}-separated (detected from the header row; --delimiter sets it)`);
  const head = logistic
    ? `logistic regression (IRLS, ${(stat1 as { iterations: number }).iterations} iterations${(stat1 as { converged: boolean }).converged ? '' : ', NOT converged'}), deviance ${(stat1 as { deviance: number }).deviance.toFixed(1)}, AIC ${(stat1 as { aic: number }).aic.toFixed(1)}`
    : `least squares (${(stat1 as { method: string }).method}), R² ${(stat1 as { rSquared: number }).rSquared.toFixed(4)}, residual SD ${(stat1 as { residualSd: number }).residualSd.toPrecision(4)}`;
  const pr = model.stats.privacy;
  if (pr) {
    const what = logistic ? `logistic regression, private (objective perturbation, epsilon ${pr.epsilon})` : `least squares, private (${pr.mechanism}, epsilon ${pr.epsilon}, delta ${pr.delta}), ridge ${pr.ridge.toPrecision(4)}`;
    ctx.print(`fitted ${target} on ${names.length} features, ${rows} rows: ${what}; ${pr.clippedRows} rows clipped to the bounds${pr.seeded ? '; seeded noise: NOT private' : ''}`);
    ctx.print('standard errors and training statistics are not shown: they would come from the exact rows, not the private release');
  } else ctx.print(`fitted ${target} on ${names.length} features, ${rows} rows: ${head}${ridge > 0 ? `, ridge ${ridge}` : ''}`);
  if (learned) {
    const withMissing = Object.entries(learned.missing).filter(([, c]) => c > 0);
    const what = withMissing.length === 0 ? 'no missing values' : `missing values: ${withMissing.map(([n, c]) => `${n} ${c}`).join(', ')}`;
    ctx.print(`inputs: ${inputs!.columns.length} raw columns -> ${names.length} design columns; ${what}${learned.dropped > 0 ? `; ${learned.dropped} rows dropped (--missing drop)` : ''}`);
  }
  if (rank) ctx.print(`on the training rows: AUC ${rank.auc.toFixed(4)}, Gini ${rank.gini.toFixed(4)}, KS ${rank.ks.toFixed(4)}`);
  ctx.print(coefficientTable(table, logistic, Boolean(f.all)));
  ctx.print(`wrote ${f.output} (${bytes} bytes) in ${(ms / 1000).toFixed(2)} s`);
  // A warning is printed even under --quiet (it is about the result, not the work); under --json it is in the result.
  if (!ctx.json) for (const w of warnings) process.stderr.write(`slimfit: ${yellow('warning')} ${w}\n`);
}

/**
 * A stage note (stderr, not under --json / --quiet) before a solve expected to
 * take over ~2 s, and its time after: the solve runs synchronously, so there
 * is no moving bar, but the user sees what is running and how long it should take.
 */
function solvingProgress(ctx: Ctx, n: number, d: number, ridge: number, dual: boolean): { done(): void } | undefined {
  // streamed fits formed their Gram while reading: only the solve is left
  const s = expectedFitSeconds(dual ? n : 0, d, ridge, dual);
  if (!(s > 2)) return undefined;
  const t0 = performance.now();
  ctx.note(`solving ${dual ? `the ${n} x ${n} dual` : `the ${d} x ${d} normal equations`} (~${formatDuration(s)} expected)...`);
  return { done: () => ctx.note(`solved in ${formatDuration((performance.now() - t0) / 1000)}`) };
}

/** What the file's recipe says of a private fit (never the seed: it would let anyone remove the noise). */
function privacyRecipe(dp: CliPrivacy, logistic: boolean): Record<string, unknown> {
  return logistic
    ? { mechanism: 'objective-perturbation', epsilon: dp.epsilon, boundX: dp.boundX, seeded: dp.seed !== undefined }
    : { mechanism: dp.method, epsilon: dp.epsilon, delta: dp.delta, boundX: dp.boundX, boundY: dp.boundY, seeded: dp.seed !== undefined };
}

/** The E_SEPARATION hint in flags: the columns that alone separate the classes, and a ridge that matters. */
function separationHelp(X: Matrix, y: Float64Array, names: readonly string[]): string {
  return separationAdvice(separatingColumns(X, y, names), X.rows);
}
