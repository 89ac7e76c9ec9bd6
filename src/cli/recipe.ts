/**
 * Compression options shared by `compress`, `batch` and the demo: flag
 * parsing and validation (conflicts are usage errors), and applying a recipe
 * to a model.
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import type { CompressedLinearModel } from '../compress/compressed-model.js';
import { compressModel, type CompressModelOptions, type LinearModelLike } from '../compress/model.js';
import type { Engine } from '../engine/engine.js';
import type { Matrix } from '../types.js';
import { usage } from './errors.js';
import { sha256Bytes } from './files.js';

export type GranularityFlag = 'tensor' | 'row' | { block: number };

export interface Recipe {
  /** 'qat': trained on the grid from --calib rows with the target (fitQuantized), not a compressModel method. */
  method: 'rtn' | 'gptq' | 'qat';
  /** 2..8; omitted: coefficients stay float64 (pruning only). */
  bits?: number;
  /** Fraction pruned, in (0, 1). */
  sparsity?: number;
  /** N:M semi-structured pruning (keep N of every M). */
  nm?: [number, number];
  granularity: GranularityFlag;
  scheme: 'symmetric' | 'affine';
  /** Calibration CSV: gptq's Hessian; for every method the intercept correction (and rtn's units-aware grid). */
  calib?: string;
  damp?: number;
}

/** Raw flag values as commander gives them. */
export interface RecipeFlags {
  bits?: string;
  sparsity?: string;
  nm?: string;
  method?: string;
  granularity?: string;
  scheme?: string;
  calib?: string;
  damp?: string;
}

/** The compression flags of `compress` and `batch`; `batch` refuses qat with a pointer to `compress` (each model would need its own training data), and its help says so. */
export function addRecipeOptions(cmd: Command, opts: { qat?: boolean } = {}): Command {
  const qat = opts.qat ?? true;
  const method = qat
    ? 'rtn: round to nearest / magnitude pruning (data optional: --calib); gptq: Hessian-aware GPTQ + OBS/SparseGPT, needs --calib; qat: train on the integer grid from --calib (with the target column), optimality proved where the search finishes'
    : 'rtn: round to nearest / magnitude pruning (data optional: --calib); gptq: Hessian-aware GPTQ + OBS/SparseGPT, needs --calib (qat: `slimfit compress` only)';
  return cmd
    .addOption(new Option('--bits <n>', 'quantize the coefficients to n bits (2..8): 8 is 8x smaller than float64, 4 is 16x'))
    .addOption(new Option('--sparsity <f>', 'prune this fraction of the coefficients first (0 < f < 1)'))
    .addOption(new Option('--nm <n:m>', 'semi-structured pruning: keep n of every m coefficients (e.g. 2:4)').conflicts('sparsity'))
    .addOption(new Option('--method <name>', method).choices(['rtn', 'gptq', 'qat']).default('rtn'))
    .addOption(new Option('--granularity <g>', "one scale per 'tensor', per 'row' (output) or per 'block:N' coefficients (N divides d)").default('row'))
    .addOption(new Option('--scheme <s>', 'symmetric (signed codes, zero point 0) or affine (unsigned codes + zero point)').choices(['symmetric', 'affine']).default('symmetric'))
    .addOption(new Option('--calib <csv>', 'calibration data (the model\'s feature columns; never the test data): gptq needs it; rtn and magnitude pruning use it to correct the intercept and to quantize in the features\' units'))
    .addOption(new Option('--damp <f>', 'gptq damping, a fraction of the mean Hessian diagonal (default 0.01)'));
}

function num(flag: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw usage(`--${flag} must be a number, got '${v}'`);
  return n;
}

export function parseRecipe(f: RecipeFlags): Recipe {
  const method = (f.method ?? 'rtn') as Recipe['method'];
  const r: Recipe = { method, granularity: 'row', scheme: (f.scheme ?? 'symmetric') as Recipe['scheme'] };
  if (f.bits !== undefined) {
    const b = num('bits', f.bits);
    if (!Number.isInteger(b) || b < 2 || b > 8) throw usage(`--bits must be an integer from 2 to 8, got ${f.bits}`);
    r.bits = b;
  }
  if (f.sparsity !== undefined) {
    const s = num('sparsity', f.sparsity);
    if (!(s > 0 && s < 1)) throw usage(`--sparsity must be between 0 and 1 (exclusive), got ${f.sparsity}`);
    r.sparsity = s;
  }
  if (f.nm !== undefined) {
    const m = /^(\d+):(\d+)$/.exec(f.nm.trim());
    if (!m || +m[1] < 1 || +m[1] >= +m[2]) throw usage(`--nm must look like 2:4 (keep n of every m, n < m), got '${f.nm}'`);
    r.nm = [+m[1], +m[2]];
  }
  if (r.bits === undefined && r.sparsity === undefined && r.nm === undefined) throw usage('nothing to do: give --bits and/or --sparsity (or --nm)');
  const g = (f.granularity ?? 'row').trim();
  if (g === 'tensor' || g === 'row') r.granularity = g;
  else {
    const m = /^block:(\d+)$/.exec(g);
    if (!m || +m[1] < 1) throw usage(`--granularity must be tensor, row or block:N, got '${g}'`);
    r.granularity = { block: +m[1] };
  }
  if (f.granularity !== undefined && f.granularity !== 'row' && r.bits === undefined) throw usage('--granularity only applies with --bits');
  if (f.scheme !== undefined && f.scheme !== 'symmetric' && r.bits === undefined) throw usage('--scheme only applies with --bits');
  if (method === 'gptq' && f.calib === undefined) throw usage('--method gptq needs calibration data: add --calib data.csv');
  if (method === 'qat') {
    if (f.calib === undefined) throw usage("--method qat trains on data: add --calib train.csv (the model's feature columns and its target)");
    if (r.bits === undefined) throw usage('--method qat needs --bits');
    if (r.sparsity !== undefined || r.nm !== undefined) throw usage('--method qat does not prune: leave out --sparsity / --nm');
  }
  if (f.calib !== undefined) r.calib = f.calib;
  if (f.damp !== undefined) {
    if (method !== 'gptq') throw usage('--damp is only used by --method gptq');
    const dmp = num('damp', f.damp);
    if (!(dmp >= 0 && dmp <= 1)) throw usage(`--damp must be in [0, 1], got ${f.damp}`);
    r.damp = dmp;
  }
  return r;
}

/** Short human name: 'gptq 4-bit, 50% pruned (row)'. */
export function describeRecipe(r: Recipe): string {
  const parts: string[] = [r.method];
  if (r.bits !== undefined) {
    const g = typeof r.granularity === 'object' ? `block ${r.granularity.block}` : `per-${r.granularity}`;
    parts.push(`${r.bits}-bit ${g}${r.scheme === 'affine' ? ' affine' : ''}`);
  }
  if (r.sparsity !== undefined) parts.push(`${+(r.sparsity * 100).toFixed(2)}% pruned`);
  if (r.nm) parts.push(`${r.nm[0]}:${r.nm[1]} pruned`);
  return parts.join(', ');
}

/** The recipe as it is recorded in output files (no paths that vary between machines). */
export function recipeRecord(r: Recipe, calibDigest?: string): Record<string, unknown> {
  return {
    command: 'compress',
    method: r.method,
    bits: r.bits ?? null,
    sparsity: r.sparsity ?? null,
    nm: r.nm ?? null,
    granularity: r.granularity,
    scheme: r.scheme,
    damp: r.damp ?? null,
    calibDigest: calibDigest ?? null,
  };
}

export function compressOptions(r: Recipe, d: number, calib?: Matrix): CompressModelOptions {
  if (typeof r.granularity === 'object' && d % r.granularity.block !== 0) {
    throw usage(`--granularity block:${r.granularity.block} does not divide the model's ${d} coefficients; pick a divisor of ${d}`);
  }
  if (r.method === 'qat') throw usage('--method qat trains from data; it has no compressModel options');
  const o: CompressModelOptions = { method: r.method };
  if (r.bits !== undefined) o.quantize = { bits: r.bits, scheme: r.scheme, granularity: r.granularity };
  if (r.sparsity !== undefined) o.prune = { sparsity: r.sparsity };
  if (r.nm !== undefined) o.prune = { nm: r.nm };
  if (calib) o.X = calib;
  if (r.damp !== undefined) o.damp = r.damp;
  return o;
}

export function applyRecipe(engine: Engine, model: LinearModelLike, r: Recipe, calib?: Matrix): CompressedLinearModel {
  if (r.method === 'qat') throw usage('--method qat needs the target column too: it runs through compress, not batch');
  return compressModel(engine, model, compressOptions(r, model.d, calib));
}

/** sha256 of the recorded recipe (batch resume: an output made with other options is redone). */
export function recipeDigest(record: Record<string, unknown>): Promise<string> {
  return sha256Bytes(JSON.stringify(record));
}
