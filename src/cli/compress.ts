/**
 * `slimfit compress model.slim|weights.safetensors --bits 4 [--sparsity 0.5]
 *   [--method rtn|gptq|qat] [--calib data.csv] -o out.slim|out.safetensors`
 * (qat: --calib holds the training rows with the target; see compress-qat.ts)
 */
import { basename, resolve } from 'node:path';
import { Command } from 'commander';
import type { CompressedLinearModel } from '../compress/compressed-model.js';
import type { Engine } from '../engine/engine.js';
import type { Matrix } from '../types.js';
import { Ctx, formatBytes } from './context.js';
import { readCsv } from './csv.js';
import { modelColumns } from './inputs.js';
import { inputError, usage } from './errors.js';
import { checkOutputPath, decodeModel, kindOfPath, readInput, sha256Bytes, sha256File, writeFileAtomic, writeModel, type ModelMeta, type SlimModel } from './files.js';
import { addRecipeOptions, applyRecipe, describeRecipe, parseRecipe, recipeDigest, recipeRecord, type Recipe, type RecipeFlags } from './recipe.js';
import { describeQat, trainOnGrid, type QatSummary } from './compress-qat.js';
import { compressedModelToSafetensors, compressWeightsFile, META_INPUT_DIGEST, META_RECIPE, META_RECIPE_DIGEST, META_SOURCE } from './weights.js';

export function compressCommand(): Command {
  const cmd = new Command('compress')
    .description('prune and/or quantize a fitted model (.slim) or the float tensors of a .safetensors file')
    .argument('<input>', 'a float model written by `slimfit fit` (.slim), or weights (.safetensors)')
    .requiredOption('-o, --output <file>', 'where to write the result: .slim, or .safetensors (I8/U8 codes + scales, for other tools)')
    .option('--strip', 'smallest .slim: leave out provenance, statistics and the step reports (the model predicts the same)');
  return addRecipeOptions(cmd).action(async (input: string, flags: RecipeFlags & { output: string; strip?: boolean }, c: Command) => {
    await runCompress(Ctx.of(c), input, flags);
  });
}

/** What compressing one model gives (also what batch workers return). */
export interface CompressSummary {
  input: string;
  output: string;
  kind: 'model' | 'weights';
  recipe: string;
  bytesIn: number;
  bytesOut: number;
  /** Coefficient / tensor storage: float64 (model) or source dtype (weights) vs compressed. */
  floatBytes: number;
  compressedBytes: number;
  ratio: number;
  coefRmse: number;
  /** Models: 'features' when the codes were rounded in the features' units (rtn with --calib), else 'raw'. */
  units?: 'raw' | 'features';
  /** What the compression could not do well and how to fix it (stderr lines; in the --json result). */
  warnings: string[];
  ms: number;
  /** --method qat: the training losses and whether optimality was proved. */
  qat?: QatSummary;
}

/** Compresses one float model file; the caller validated the recipe. Used by `compress` and batch workers. */
export async function compressModelFile(
  engine: Engine,
  input: string,
  output: string,
  recipe: Recipe,
  opts: {
    inputBytes?: Uint8Array;
    inputDigest?: string;
    /** Calibration rows (gptq's Hessian; every method's intercept correction), given what the model reads (default: read recipe.calib). */
    calibLoader?: (meta: ModelMeta) => Promise<Matrix>;
    calibDigest?: string;
    /** fsync before rename (default true). */
    fsync?: boolean;
    /** Blocking file calls (worker threads). */
    sync?: boolean;
    /** .slim output without provenance, statistics or step reports. */
    strip?: boolean;
  } = {},
): Promise<CompressSummary> {
  const t0 = performance.now();
  const bytes = opts.inputBytes ?? (await readInput(input));
  const src = await decodeModel(bytes, basename(input));
  if (src.kind === 'compressed') throw inputError(`${basename(input)} is already compressed (${String(src.meta.recipe.method)}); compress the float model instead`, 'E_INPUT');
  if (src.kind === 'reduced-rank') throw inputError(`${basename(input)} is a reduced-rank model; compress takes linear and logistic models (the API's compressReducedRank quantizes its encoder and decoder)`, 'E_INPUT');
  const model = src.model;
  let calib: Matrix | undefined;
  let qat: QatSummary | undefined;
  if (recipe.method === 'qat') {
    if (opts.calibLoader) throw usage('--method qat reads the target column from --calib; batch does not run it (use compress)');
  } else if (recipe.calib !== undefined) {
    calib = opts.calibLoader ? await opts.calibLoader(src.meta) : (await readCsv(recipe.calib!, modelColumns(src.meta))).X;
    if (calib.cols !== model.d) throw usage(`--calib has ${calib.cols} columns but the model has ${model.d} features`);
  }
  let c: CompressedLinearModel;
  if (recipe.method === 'qat') ({ model: c, summary: qat } = await trainOnGrid(engine, model, src.meta, recipe));
  else c = applyRecipe(engine, model, recipe, calib);
  const rec = recipeRecord(recipe, opts.calibDigest);
  const out: SlimModel = {
    kind: 'compressed',
    model: c,
    meta: {
      ...src.meta,
      recipe: rec,
      inputDigest: opts.inputDigest ?? (await sha256Bytes(bytes)),
      inputName: basename(input),
      recipeDigest: await recipeDigest(rec),
    },
  };
  let bytesOut: number;
  if (kindOfPath(output) === 'safetensors') {
    const meta = out.meta;
    const extra: Record<string, string> = { [META_INPUT_DIGEST]: meta.inputDigest!, [META_SOURCE]: basename(input), [META_RECIPE]: JSON.stringify(rec), [META_RECIPE_DIGEST]: meta.recipeDigest! };
    const st = compressedModelToSafetensors(c, meta, extra);
    await writeFileAtomic(output, st, { fsync: opts.fsync !== false, sync: Boolean(opts.sync) });
    bytesOut = st.byteLength;
  } else {
    bytesOut = await writeModel(output, out, { fsync: opts.fsync !== false, sync: Boolean(opts.sync), strip: opts.strip === true });
  }
  const r = c.report();
  return {
    input,
    output,
    kind: 'model',
    recipe: describeRecipe(recipe),
    bytesIn: bytes.byteLength,
    bytesOut,
    floatBytes: r.floatBytes,
    compressedBytes: r.bytes,
    ratio: r.ratio,
    coefRmse: r.coefRmse,
    units: r.units,
    warnings: r.warnings,
    ms: performance.now() - t0,
    ...(qat ? { qat } : {}),
  };
}

export async function runCompress(ctx: Ctx, input: string, flags: RecipeFlags & { output: string; strip?: boolean }): Promise<void> {
  const recipe = parseRecipe(flags);
  const inKind = kindOfPath(input);
  const outKind = kindOfPath(flags.output);
  if (inKind === undefined) throw usage(`don't know how to read '${input}': expected a .slim model or a .safetensors file`);
  if (outKind === undefined) throw usage(`-o must end in .slim or .safetensors, got '${flags.output}'`);
  if (resolve(input) === resolve(flags.output)) throw usage('-o would overwrite the input file; pick another name');
  if (flags.strip && outKind !== 'slim') throw usage('--strip applies to .slim output only');
  checkOutputPath(flags.output);
  const engine = await ctx.engine();
  let s: CompressSummary;
  if (inKind === 'slim') {
    const calibDigest = recipe.calib !== undefined ? await sha256File(recipe.calib) : undefined;
    s = await compressModelFile(engine, input, flags.output, recipe, { ...(calibDigest ? { calibDigest } : {}), ...(flags.strip ? { strip: true } : {}) });
  } else {
    s = await compressWeightsFile(engine, input, flags.output, recipe, { log: (l) => ctx.note(l) });
  }
  ctx.result({ command: 'compress', ...s });
  // shown under --quiet too: a warning is about the result, not the progress
  if (!ctx.json) for (const w of s.warnings) process.stderr.write(`slimfit: warning: ${w}\n`);
  ctx.print(
    `${basename(input)} -> ${s.output}: ${s.recipe}; ${s.kind === 'model' ? 'coefficients' : 'tensors'} ${formatBytes(s.floatBytes)} -> ${formatBytes(s.compressedBytes)} (${s.ratio.toFixed(1)}x), coefficient RMSE ${s.coefRmse.toPrecision(3)}${s.units === 'features' ? "; rounded in the features' units" : ''}; file ${formatBytes(s.bytesOut)}`,
  );
  if (s.qat) ctx.print(describeQat(s.qat));
}
