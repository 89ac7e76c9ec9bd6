/**
 * The .slim file: one model (linear, logistic, compressed) or a set of named
 * tensors, with a JSON header, little-endian tensors and a CRC-32C. Byte
 * layout and header schema: docs/FORMAT.md. Format version 2 (the default)
 * stores the header deflated and the tensors packed; version 1 (read, and
 * written on request for older readers) stores plain JSON and 16-byte aligned
 * tensors. This module is the API (encodeSlim, decodeSlim, and the re-exported
 * inspectSlim and isSlim; slimFileBytes is slim-size.ts); the pieces are
 *   slim-header.ts     constants, types, reading the preamble, header and table
 *   slim-container.ts  writing version 1; tensors in and out by name; checksum
 *   slim-v2*.ts        version 2: preamble, writing, the header's DEFLATE dictionary and inflater
 *   slim-content.ts    the kinds: models through src/models/ schemas, tensors
 *   slim-tensors.ts    the "tensors" kind
 *   slim-inspect.ts    inspectSlim
 *
 * Reading validates everything — magic, version, lengths, checksum, every
 * header field's type, the tensor table (offsets in range, aligned,
 * non-overlapping, sizes matching shapes and dtypes), then each model's own
 * invariants (code ranges, canonical packing, scales finite and > 0, index
 * structures consistent) — and answers anything wrong with
 * SlimfitError('E_FORMAT') saying what; the optional input spec (`inputs`)
 * is returned as stored and checked by InputSpec.fromSlim, the only code
 * that interprets it. A decoded model is bit-identical to
 * the one written: same coefficients, codes, scales and predictions.
 */
import { SlimfitError } from '../errors.js';
import { checkOptions, optionKeys } from '../options.js';
import { MAX_NAME_CHARS, formatError, isPlainObject, type JsonObject } from '../json.js';
import { TensorWriter, writeContainer } from './slim-container.js';
import { contentDims, decodeKind, encodeContent, type DecodedSlimContent, type SlimContent } from './slim-content.js';
import { decodeSlimWith } from './slim-decode.js';
import { isIsoDate, type SlimProvenance } from './slim-header.js';
import { writeContainerV2 } from './slim-v2.js';
import { taggedOrNull } from './tagged-json.js';
import { SLIMFIT_VERSION } from './version.js';
import { writeInputs, type InputSpec } from '../features/inputs.js';

export type { SlimContent, DecodedSlimContent } from './slim-content.js';
export type { DenseArray, DenseTensor, SlimTensor, SlimTensorInput } from './slim-tensors.js';
export { inspectSlim, type SlimInfo, type SlimTensorInfo } from './slim-inspect.js';
export { isSlim } from './slim-header.js';

export interface SlimProvenanceInput {
  /** Defaults to now. */
  created?: string | Date;
  /** Recommended: lowercase hex SHA-256 of the input file (sha256Hex). */
  inputDigest?: string;
  source?: string;
  /** Settings the file was made with (JSON-able; non-finite numbers and typed arrays survive). */
  options?: Record<string, unknown>;
}

export interface EncodeSlimOptions {
  provenance?: SlimProvenanceInput;
  /** Names of the model's d input columns, in order (e.g. the CSV header). Model kinds: exactly d names. */
  features?: string[];
  /** Names of the model's outputs (e.g. the CSV target column). Model kinds: exactly `outputs` names (1 for logistic). */
  targets?: string[];
  /**
   * How raw columns become the model's d input columns (categorical levels, bins, missing values);
   * stored as the header member `inputs`. Its design columns must be the model's d (and `features`, when given).
   */
  inputs?: InputSpec;
  /** Free-form results to keep with the file (e.g. { auc: 0.81, mse: 0.02 }); JSON-able, non-finite numbers and typed arrays survive. */
  statistics?: Record<string, unknown>;
  /**
   * Leave out what scoring does not need: the provenance and the statistics
   * (both ignored when given), and for compressed models the pruning and
   * quantization step reports (report.prune, report.quantize; the method,
   * sparsity, coefRmse and interceptShift stay). The model, its feature and
   * target names are kept: a stripped model predicts identically. Format
   * version 2 only (version 1 requires a provenance).
   */
  strip?: boolean;
  /** 2 (default): compact header, packed tensors. 1: for slimfit versions that read only version 1. */
  formatVersion?: 1 | 2;
}

export interface SlimHeaderInfo {
  formatVersion: { major: number; minor: number };
  /** Absent when the file was written with strip. */
  provenance: SlimProvenance | undefined;
  features: string[] | undefined;
  targets: string[] | undefined;
  statistics: Record<string, unknown> | undefined;
  /**
   * The header member `inputs` as stored (JSON), for files written with an input spec; undefined
   * otherwise (the inputs are the d numeric features). InputSpec.fromSlim(decoded) validates it
   * against the model (E_FORMAT) and gives the spec: decodeSlim leaves it to that call, so a page
   * that scores plain models carries none of the spec's code.
   */
  inputs: unknown;
  fileBytes: number;
}

export type DecodedSlim = DecodedSlimContent & { header: SlimHeaderInfo };

const ENCODE_SLIM_OPTION_KEYS = /* @__PURE__ */ optionKeys<EncodeSlimOptions>()(['provenance', 'features', 'targets', 'inputs', 'statistics', 'strip', 'formatVersion']);
const PROVENANCE_KEYS = /* @__PURE__ */ optionKeys<SlimProvenanceInput>()(['created', 'inputDigest', 'source', 'options']);

function provenanceOf(p: SlimProvenanceInput | undefined): SlimProvenance {
  if (p !== undefined) checkOptions('encodeSlim', p, PROVENANCE_KEYS, 'provenance');
  const created = p?.created === undefined ? new Date() : p.created;
  const iso = created instanceof Date ? (Number.isNaN(created.getTime()) ? 'Invalid Date' : created.toISOString()) : created;
  if (typeof iso !== 'string' || !isIsoDate(iso)) throw new SlimfitError('E_RANGE', `provenance.created must be a Date or an ISO 8601 string (e.g. "2025-01-31T12:00:00.000Z"), got ${String(created)}`);
  const out: SlimProvenance = { slimfit: SLIMFIT_VERSION, created: iso };
  if (p?.inputDigest !== undefined) {
    if (typeof p.inputDigest !== 'string' || p.inputDigest.length > 1024) throw new SlimfitError('E_RANGE', 'provenance.inputDigest must be a string of at most 1024 characters');
    out.inputDigest = p.inputDigest;
  }
  if (p?.source !== undefined) {
    if (typeof p.source !== 'string' || p.source.length > 4096) throw new SlimfitError('E_RANGE', 'provenance.source must be a string of at most 4096 characters');
    out.source = p.source;
  }
  if (p?.options !== undefined) {
    if (!isPlainObject(p.options)) throw new SlimfitError('E_RANGE', 'provenance.options must be a plain object');
    out.options = taggedOrNull(p.options, 'provenance.options') as Record<string, unknown>;
  }
  return out;
}

/** The header (without its table) and the tensors of a file; E_SHAPE / E_RANGE as encodeSlim. For slim-size.ts. */
export function prepareSlim(content: SlimContent, options?: EncodeSlimOptions | null): { header: JsonObject; w: TensorWriter; version: 1 | 2 } {
  const opts = checkOptions('encodeSlim', options, ENCODE_SLIM_OPTION_KEYS);
  if (typeof content !== 'object' || content === null) throw new SlimfitError('E_SHAPE', 'content must be { kind, model } or { kind: "tensors", tensors }');
  const version = opts.formatVersion ?? 2;
  if (version !== 1 && version !== 2) throw new SlimfitError('E_RANGE', `formatVersion must be 1 or 2, got ${String(version)}`);
  const strip = opts.strip === true;
  if (strip && version === 1) throw new SlimfitError('E_RANGE', 'strip needs format version 2: version 1 requires a provenance');
  const w = new TensorWriter();
  const header: JsonObject = { format: 'slimfit', kind: content.kind, ...encodeContent(content, w) };
  const dims = contentDims(content);
  for (const key of ['features', 'targets'] as const) {
    const names = opts[key];
    if (names === undefined) continue;
    if (!Array.isArray(names) || !names.every((x) => typeof x === 'string' && x.length <= MAX_NAME_CHARS)) throw new SlimfitError('E_RANGE', `${key} must be an array of strings`);
    const want = dims && (key === 'features' ? dims.d : dims.outputs);
    if (want !== undefined && names.length !== want) throw new SlimfitError('E_SHAPE', `${key} has ${names.length} names but the model has ${want} ${key === 'features' ? 'input columns' : 'outputs'}`);
    header[key] = names.slice();
  }
  if (opts.inputs !== undefined) {
    if (dims === undefined) throw new SlimfitError('E_SHAPE', 'inputs apply to a model, not to tensors');
    header.inputs = writeInputs(opts.inputs, dims.d, header.features as string[] | undefined);
  }
  if (strip) {
    const report = isPlainObject(header.model) ? header.model.report : undefined;
    if (isPlainObject(report)) Object.assign(report, { prune: null, quantize: null });
    return { header, w, version };
  }
  header.provenance = provenanceOf(opts.provenance);
  if (opts.statistics !== undefined) {
    if (!isPlainObject(opts.statistics)) throw new SlimfitError('E_RANGE', 'statistics must be a plain object');
    header.statistics = taggedOrNull(opts.statistics, 'statistics');
  }
  return { header, w, version };
}

/**
 * Encodes a model or a set of tensors as a .slim file (format version 2
 * unless opts.formatVersion is 1). Asynchronous because a large file's
 * CRC-32C comes from a WebAssembly module compiled on first use. Throws
 * E_SHAPE / E_RANGE when the content is inconsistent (e.g. a model with
 * incomplete stats, a tensor whose shape does not match its data).
 */
export async function encodeSlim(content: SlimContent, options?: EncodeSlimOptions | null): Promise<Uint8Array> {
  const { header, w, version } = prepareSlim(content, options);
  return version === 1 ? writeContainer(header, w) : writeContainerV2(header, w);
}

/**
 * Decodes a .slim file, validating everything (see the module comment);
 * anything wrong is SlimfitError('E_FORMAT') with a message saying what.
 */
export async function decodeSlim(input: Uint8Array): Promise<DecodedSlim> {
  return decodeSlimWith(input, () => decodeKind);
}
