/**
 * Every file the command line reads or writes goes through here: models
 * (.slim), weight files (.safetensors), digests and atomic writes. One small
 * module, so the on-disk formats (src/io/) are wired in one place.
 */
import { accessSync, constants, mkdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { cleanupTempFiles, openAtomic, parseTempName, sha256File, writeFileAtomic as ioWriteFileAtomic, type AtomicStream, type AtomicWriteOptions as WriteOptions } from '../io/files.js';
import { sha256Hex } from '../io/checksum.js';
import type { CompressedLinearModel } from '../compress/compressed-model.js';
import { SlimfitError, isSlimfitError } from '../errors.js';
import type { LinearModel } from '../fit/model.js';
import { LogisticModel } from '../fit/logistic-model.js';
import { ReducedRankModel } from '../fit/reduced-rank-model.js';
import type { CompressedReducedRankModel } from '../compress/compressed-reduced-rank.js';
import { decodeSlim, encodeSlim, type DecodedSlim, type SlimContent } from '../io/slim.js';
import { slimFileBytes } from '../io/slim-size.js';
import { SLIMFIT_VERSION } from '../io/version.js';
import { InputSpec } from '../features/inputs.js';
import { CliError, EXIT, inputError, writeProblem } from './errors.js';

export const VERSION = SLIMFIT_VERSION;

/** What a model file says about where the model came from. */
export interface ModelMeta {
  /** Feature (column) names, in coefficient order. */
  features: string[];
  /** The response column, when known. */
  target: string | null;
  /** The response columns of a multi-output model (reduced rank), when known. */
  targets?: string[];
  task: 'linear' | 'logistic';
  /** How it was made: { command: 'fit', ridge } or { command: 'compress', method, bits, sparsity, ... }. */
  recipe: Record<string, unknown>;
  /** sha256 (hex) of the file it was made from. */
  inputDigest?: string;
  inputName?: string;
  /** sha256 of the recipe (batch resume recomputes when options change). */
  recipeDigest?: string;
  /** Results kept in the header's `statistics` (written only; e.g. the demo's test AUC / MSE). */
  statistics?: Record<string, unknown>;
  /** How raw CSV columns become `features` (fit --categorical / --bins / --missing); kept by compress. */
  inputs?: InputSpec;
}

export type SlimModel =
  | { kind: 'float'; model: LinearModel | LogisticModel; meta: ModelMeta }
  | { kind: 'compressed'; model: CompressedLinearModel; meta: ModelMeta }
  /** fit --targets a,b,c --rank: meta.targets names the outputs. */
  | { kind: 'reduced-rank'; model: ReducedRankModel | CompressedReducedRankModel; meta: ModelMeta };

export type FileKind = 'slim' | 'safetensors';

/** Which format a path names, by extension (.slim / .safetensors), else undefined. */
export function kindOfPath(path: string): FileKind | undefined {
  const p = path.toLowerCase();
  if (p.endsWith('.slim')) return 'slim';
  if (p.endsWith('.safetensors')) return 'safetensors';
  return undefined;
}

/** sha256 of bytes or a string's UTF-8 (hex), on one cached hasher. */
export function sha256Bytes(bytes: Uint8Array | string): Promise<string> {
  return sha256Hex(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes);
}

/** The atomic write, its temp names and the Ctrl-C cleanup live in src/io/files.ts. */
export { cleanupTempFiles, parseTempName, sha256File, type WriteOptions };

/**
 * Fails fast, before any work, when `path` cannot be written as an output:
 * its folder is missing, is not a folder or cannot be written to (read-only
 * file system, permissions), or `path` itself is a folder. (Otherwise the
 * error would surface only at the end, naming the temp file.)
 */
export function checkOutputPath(path: string): void {
  const dir = dirname(path);
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(dir);
  } catch {
    throw outputError(path, `${writeProblem('ENOENT', path)!} (create it first)`);
  }
  if (!st.isDirectory()) throw outputError(path, `${dir} is not a folder`);
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw outputError(path, writeProblem('EISDIR', path)!);
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw writeError(e, path);
  }
}

/**
 * Creates the output folder `dir` (and its parents) before any work, or
 * fails with the real reason. A recursive mkdir reports ENOENT whenever a
 * parent is missing, even where that parent cannot be made because the disk
 * is read-only or not writable: the cause is found by creating the first
 * missing folder under the nearest one that exists.
 */
export async function makeOutputDir(dir: string): Promise<void> {
  const fail = (why: string) => new CliError('E_OUTPUT', `cannot create the folder ${dir}: ${why}`, EXIT.INPUT);
  const statOf = (p: string) => {
    try {
      return statSync(p);
    } catch {
      return undefined;
    }
  };
  const existing = statOf(dir);
  if (existing !== undefined && !existing.isDirectory()) throw fail(`${dir} is a file`);
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw fail(writeProblem(code, dir) ?? String(code));
    let child = dir;
    let parent = dirname(dir);
    let st = statOf(parent);
    while (st === undefined && dirname(parent) !== parent) {
      child = parent;
      parent = dirname(parent);
      st = statOf(parent);
    }
    if (st !== undefined && !st.isDirectory()) throw fail(`${parent} is not a folder`);
    try {
      mkdirSync(child);
    } catch (cause) {
      const why = writeProblem((cause as NodeJS.ErrnoException).code, child);
      throw fail(why === undefined ? String((cause as NodeJS.ErrnoException).code) : `${why}${why.includes(parent) ? '' : ` (${parent})`}`);
    }
    await mkdir(dir, { recursive: true });
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw fail(writeProblem((e as NodeJS.ErrnoException).code, `${dir}/x`) ?? String((e as NodeJS.ErrnoException).code));
  }
}

function outputError(path: string, why: string): CliError {
  return new CliError('E_OUTPUT', `cannot write ${path}: ${why}`, EXIT.INPUT);
}

/** A failed write as one line about `path`, never about the temp file it went through. */
function writeError(e: unknown, path: string): unknown {
  const why = writeProblem((e as NodeJS.ErrnoException | undefined)?.code, path);
  return why === undefined ? e : outputError(path, why);
}

/**
 * src/io's atomic write (temp file in the same folder, fsync unless told not
 * to, rename; Ctrl-C or a crash leaves the old file or the new one, never a
 * partial one), with failures as one line about `path`, never the temp file.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string, opts: WriteOptions = {}): Promise<void> {
  try {
    await ioWriteFileAtomic(path, bytes, opts);
  } catch (e) {
    throw writeError(e, path);
  }
}

/** src/io's streaming atomic output, with failures as one line about `path`. */
export async function openOutput(path: string): Promise<AtomicStream> {
  const wrap = async (p: Promise<void>) => {
    try {
      await p;
    } catch (e) {
      throw writeError(e, path);
    }
  };
  let out: AtomicStream;
  try {
    out = await openAtomic(path);
  } catch (e) {
    throw writeError(e, path);
  }
  return { write: (t) => wrap(out.write(t)), commit: () => wrap(out.commit()), abort: () => out.abort() };
}

// ---------------------------------------------------------------- .slim models (src/io/slim.ts)

/**
 * What the CLI records in provenance.options besides the recipe. Feature and
 * target names go in the header's own `features` / `targets` members (where
 * FORMAT.md tells other readers to look); files written before that kept them
 * here, and are still read.
 */
interface CliOptions extends Record<string, unknown> {
  features?: string[];
  target?: string | null;
  recipeDigest?: string;
}

function slimKind(m: SlimModel): SlimContent {
  if (m.kind === 'compressed') return { kind: m.model.task === 'logistic' ? 'compressed-logistic' : 'compressed-linear', model: m.model };
  if (m.kind === 'reduced-rank') return m.model instanceof ReducedRankModel ? { kind: 'reduced-rank', model: m.model } : { kind: 'compressed-reduced-rank', model: m.model };
  return m.model instanceof LogisticModel ? { kind: 'logistic', model: m.model } : { kind: 'linear', model: m.model as LinearModel };
}

/** The length of the file `slimfit compress --strip` (or `fit`, for a float model) would write for `m`, without writing it. */
export function strippedFileBytes(m: SlimModel): number {
  const outputs = (m.model as { outputs?: number }).outputs ?? 1;
  return slimFileBytes(slimKind(m), { features: m.meta.features, ...(m.meta.target !== null && outputs === 1 ? { targets: [m.meta.target] } : {}), strip: true });
}

/** The bytes of a model file; `strip`: no provenance, statistics or step reports (EncodeSlimOptions.strip). */
export async function encodeModel(m: SlimModel, opts: { strip?: boolean } = {}): Promise<Uint8Array> {
  if (m.meta.features.length !== m.model.d) throw new SlimfitError('E_SHAPE', `${m.meta.features.length} feature names for a model with ${m.model.d} features`);
  const options: CliOptions = { ...m.meta.recipe, ...(m.meta.recipeDigest ? { recipeDigest: m.meta.recipeDigest } : {}) };
  const outputs = (m.model as { outputs?: number }).outputs ?? 1;
  return encodeSlim(slimKind(m), {
    features: m.meta.features,
    ...(m.meta.target !== null && outputs === 1 ? { targets: [m.meta.target] } : m.meta.targets?.length === outputs ? { targets: m.meta.targets } : {}),
    provenance: { ...(m.meta.inputDigest ? { inputDigest: m.meta.inputDigest } : {}), ...(m.meta.inputName ? { source: m.meta.inputName } : {}), options },
    ...(m.meta.statistics ? { statistics: m.meta.statistics } : {}),
    ...(opts.strip ? { strip: true } : {}),
    ...(m.meta.inputs ? { inputs: m.meta.inputs } : {}),
  });
}

function metaOf(d: DecodedSlim): ModelMeta {
  const o = (d.header.provenance?.options ?? {}) as Partial<CliOptions>;
  const { features, target, recipeDigest, ...recipe } = o;
  const dim = d.kind === 'tensors' ? 0 : d.model.d;
  const listed = d.header.features ?? features;
  const names = Array.isArray(listed) && listed.length === dim && listed.every((f) => typeof f === 'string') ? listed : Array.from({ length: dim }, (_, j) => `x${j + 1}`);
  const tgt = d.header.targets?.length === 1 ? d.header.targets[0] : target;
  const meta: ModelMeta = {
    features: names,
    target: typeof tgt === 'string' ? tgt : null,
    task: d.kind === 'logistic' || d.kind === 'compressed-logistic' ? 'logistic' : 'linear',
    recipe,
  };
  if (d.header.provenance?.inputDigest) meta.inputDigest = d.header.provenance.inputDigest;
  if (d.header.provenance?.source) meta.inputName = d.header.provenance.source;
  if (typeof recipeDigest === 'string') meta.recipeDigest = recipeDigest;
  const inputs = InputSpec.fromSlim(d as DecodedSlim & { model?: { d: number } });
  if (inputs) meta.inputs = inputs;
  return meta;
}

/** Decodes a model file (E_FORMAT for anything corrupt; a tensors file is refused here). */
export async function decodeModel(bytes: Uint8Array, name = 'model'): Promise<SlimModel> {
  let d: DecodedSlim;
  try {
    d = await decodeSlim(bytes);
  } catch (e) {
    throw prefixed(e, name);
  }
  let meta: ModelMeta;
  try {
    meta = metaOf(d);
  } catch (e) {
    throw prefixed(e, name);
  }
  switch (d.kind) {
    case 'linear':
    case 'logistic':
      return { kind: 'float', model: d.model, meta };
    case 'compressed-linear':
    case 'compressed-logistic':
      return { kind: 'compressed', model: d.model, meta };
    case 'reduced-rank':
    case 'compressed-reduced-rank':
      return { kind: 'reduced-rank', model: d.model, meta: { ...meta, ...(d.header.targets ? { targets: d.header.targets } : {}) } };
    case 'tensors':
      throw inputError(`${name} holds tensors, not a model (see slimfit inspect ${name})`, 'E_INPUT');
  }
}

/** Names the file in an E_FORMAT message ("model.slim: checksum mismatch ..."). */
export function prefixed(e: unknown, name: string): unknown {
  if (isSlimfitError(e)) return new SlimfitError(e.code, `${name}: ${e.reason}`, e.details as Record<string, unknown> | undefined);
  return e;
}

export async function writeModel(path: string, m: SlimModel, opts: WriteOptions & { strip?: boolean } = {}): Promise<number> {
  const bytes = await encodeModel(m, { strip: opts.strip === true });
  await writeFileAtomic(path, bytes, opts);
  return bytes.byteLength;
}

export async function readModel(path: string): Promise<SlimModel> {
  const bytes = await readInput(path);
  return decodeModel(bytes, basename(path));
}

/** Reads a whole input file with blocking calls (worker threads), with a clear error for a folder. */
export function readInputSync(path: string): Uint8Array {
  if (statSync(path).isDirectory()) throw inputError(`${path} is a directory; expected a file`);
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Reads a whole input file, with a clear error for a folder. */
export async function readInput(path: string): Promise<Uint8Array> {
  const st = await stat(path);
  if (st.isDirectory()) throw inputError(`${path} is a directory; expected a file`);
  return new Uint8Array(await readFile(path));
}

