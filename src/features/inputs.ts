/**
 * The input spec: how the raw columns of a table (a CSV file, records) become
 * the model's d design columns, so that a model fitted on text, binned or
 * incomplete columns scores raw rows the same way. Stored with the model
 * (the .slim header member `inputs`, docs/FORMAT.md; toJSON/fromJSON here).
 *
 * Per raw column, in order, the design columns it gives:
 *  - numeric:     its value (`name`);
 *  - numeric with bins (ascending cut points): one indicator per cut,
 *                 `name>=cut` = value >= cut (cumulative coding, the lowest bin the reference);
 *  - categorical: one indicator per level but the first (the baseline, all zeros, so the
 *                 indicators are not collinear with the intercept), `name=level`;
 *  - then, with missing 'indicator', `name:missing` (1 where the cell is missing).
 * A missing cell (empty, null, undefined or NaN) is refused ('error'), makes the row
 * unusable ('drop': a fit skips it, scoring gives no score), or sets the indicator
 * ('indicator': a numeric value then takes `fill`, the training mean; bin and level
 * indicators are all 0). A categorical value not among the levels is refused
 * (unseen 'error') or coded as the baseline (unseen 'baseline').
 */
import { SlimfitError } from '../errors.js';
import { designMatrix, type RawValue } from './encode.js';
import type { Matrix } from '../types.js';
import { MAX_NAME_CHARS, formatError, isPlainObject, parseJson, type JsonObject } from '../json.js';

export const MISSING_POLICIES = ['error', 'drop', 'indicator'] as const;
export type MissingPolicy = (typeof MISSING_POLICIES)[number];
export const UNSEEN_POLICIES = ['error', 'baseline'] as const;
export type UnseenPolicy = (typeof UNSEEN_POLICIES)[number];

/** Most levels a categorical column may have, and most cuts a binned one. */
export const MAX_LEVELS = 1000;
export const MAX_CUTS = 1000;
/** Most raw columns a spec may read. */
export const MAX_COLUMNS = 100_000;

export interface NumericInput {
  name: string;
  type: 'numeric';
  /** Ascending cut points; omitted: the value itself is the design column. */
  bins?: number[];
  missing: MissingPolicy;
  /** With missing 'indicator' and no bins: the value a missing cell takes (the training mean). */
  fill?: number;
}

export interface CategoricalInput {
  name: string;
  type: 'categorical';
  /** levels[0] is the baseline (no column); the rest get one indicator each, in this order. */
  levels: string[];
  unseen: UnseenPolicy;
  missing: MissingPolicy;
}

export type InputColumn = NumericInput | CategoricalInput;

export interface InputSpecJSON {
  format: 'slimfit.inputs';
  version: 1;
  columns: InputColumn[];
}

function rangeError(message: string): SlimfitError {
  return new SlimfitError('E_RANGE', message);
}

/** The design column names one raw column gives, in order. */
function designNames(c: InputColumn): string[] {
  const out: string[] = [];
  if (c.type === 'categorical') for (let l = 1; l < c.levels.length; l++) out.push(`${c.name}=${c.levels[l]}`);
  else if (c.bins) for (const cut of c.bins) out.push(`${c.name}>=${String(cut)}`);
  else out.push(c.name);
  if (c.missing === 'indicator') out.push(`${c.name}:missing`);
  return out;
}

/** Checks one column; `fail` makes the error (E_RANGE for a spec built in code, E_FORMAT for one read from a file). */
function checkColumn(c: unknown, at: string, fail: (m: string) => SlimfitError): InputColumn {
  if (!isPlainObject(c)) throw fail(`${at} must be an object`);
  const name = c.name;
  if (typeof name !== 'string' || name === '' || name.length > MAX_NAME_CHARS) throw fail(`${at}.name must be a non-empty string of at most ${MAX_NAME_CHARS} characters`);
  const missing = c.missing === undefined ? 'error' : c.missing;
  if (!MISSING_POLICIES.includes(missing as MissingPolicy)) throw fail(`${at}.missing must be one of ${MISSING_POLICIES.join(', ')}, got ${JSON.stringify(missing)}`);
  if (c.type === 'numeric') {
    const out: NumericInput = { name, type: 'numeric', missing: missing as MissingPolicy };
    if (c.bins !== undefined) {
      if (!Array.isArray(c.bins) || c.bins.length === 0 || c.bins.length > MAX_CUTS) throw fail(`${at}.bins must be an array of 1 to ${MAX_CUTS} cut points`);
      c.bins.forEach((v, i) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw fail(`${at}.bins[${i}] must be a finite number`);
        if (i > 0 && !(v > (c.bins as number[])[i - 1])) throw fail(`${at}.bins must be strictly ascending (bins[${i}] = ${v})`);
      });
      out.bins = (c.bins as number[]).slice();
    }
    if (c.fill !== undefined) {
      if (typeof c.fill !== 'number' || !Number.isFinite(c.fill)) throw fail(`${at}.fill must be a finite number`);
      if (missing !== 'indicator' || out.bins) throw fail(`${at}.fill applies to an unbinned column with missing "indicator"`);
      out.fill = c.fill;
    } else if (missing === 'indicator' && !out.bins) throw fail(`${at}.fill is required: the value a missing cell takes with missing "indicator"`);
    return out;
  }
  if (c.type === 'categorical') {
    const levels = c.levels;
    if (!Array.isArray(levels) || levels.length < 1 || levels.length > MAX_LEVELS) throw fail(`${at}.levels must be an array of 1 to ${MAX_LEVELS} strings`);
    const seen = new Set<string>();
    levels.forEach((l, i) => {
      if (typeof l !== 'string' || l === '' || l.length > MAX_NAME_CHARS) throw fail(`${at}.levels[${i}] must be a non-empty string of at most ${MAX_NAME_CHARS} characters`);
      if (seen.has(l)) throw fail(`${at}.levels lists ${JSON.stringify(l)} twice`);
      seen.add(l);
    });
    const unseen = c.unseen === undefined ? 'error' : c.unseen;
    if (!UNSEEN_POLICIES.includes(unseen as UnseenPolicy)) throw fail(`${at}.unseen must be one of ${UNSEEN_POLICIES.join(', ')}, got ${JSON.stringify(unseen)}`);
    return { name, type: 'categorical', levels: (levels as string[]).slice(), unseen: unseen as UnseenPolicy, missing: missing as MissingPolicy };
  }
  throw fail(`${at}.type must be "numeric" or "categorical", got ${JSON.stringify(c.type)}`);
}

/** A validated input spec: the raw columns it reads and the design columns (`features`) it gives. */
export class InputSpec {
  readonly columns: readonly InputColumn[];
  /** The design column names, in the model's coefficient order. */
  readonly features: readonly string[];
  /** Per raw column, its first design column. */
  readonly offsets: readonly number[];

  /** E_RANGE on an inconsistent spec (unknown type or policy, unsorted bins, repeated names or levels). */
  constructor(columns: readonly unknown[], fail: (m: string) => SlimfitError = rangeError) {
    if (!Array.isArray(columns) || columns.length === 0 || columns.length > MAX_COLUMNS) throw fail(`inputs.columns must be an array of 1 to ${MAX_COLUMNS} columns`);
    const cols = columns.map((c, i) => checkColumn(c, `inputs.columns[${i}]`, fail));
    const names = new Set<string>();
    const features: string[] = [];
    const offsets: number[] = [];
    for (const c of cols) {
      if (names.has(c.name)) throw fail(`inputs.columns names '${c.name}' twice`);
      names.add(c.name);
      offsets.push(features.length);
      features.push(...designNames(c));
    }
    const dup = features.find((f, i) => features.indexOf(f) !== i);
    if (dup !== undefined) throw fail(`inputs give the design column '${dup}' twice; rename a column or a level`);
    this.columns = cols;
    this.features = features;
    this.offsets = offsets;
  }

  /** Number of design columns (the model's d). */
  get d(): number {
    return this.features.length;
  }

  /** The raw column names, in order. */
  get names(): string[] {
    return this.columns.map((c) => c.name);
  }

  /** designMatrix(this, rows): raw records or arrays to the design matrix, `skipped` the rows with no design row. */
  design(rows: readonly (Readonly<Record<string, RawValue>> | readonly RawValue[])[]): { X: Matrix; skipped: number[] } {
    return designMatrix(this, rows);
  }

  toJSON(): InputSpecJSON {
    return { format: 'slimfit.inputs', version: 1, columns: this.columns.map((c) => ({ ...c })) as InputColumn[] };
  }

  /**
   * The spec a decoded .slim file holds (decodeSlim(bytes)), checked against its model: the design
   * columns are the model's d and match header.features. undefined when the file has none;
   * E_FORMAT when it is malformed.
   */
  static fromSlim(decoded: { model?: { d: number }; header: { inputs: unknown; features: readonly string[] | undefined } }): InputSpec | undefined {
    if (decoded.header.inputs === undefined) return undefined;
    return readInputs(decoded.header.inputs, decoded.model?.d, decoded.header.features);
  }

  /** Rebuilds a spec from toJSON() output (or its JSON string); E_FORMAT on anything malformed. */
  static fromJSON(json: InputSpecJSON | string): InputSpec {
    const j: unknown = typeof json === 'string' ? parseJson(json, 'input spec JSON') : json;
    if (!isPlainObject(j) || j.format !== 'slimfit.inputs' || j.version !== 1) throw formatError('not a slimfit input spec (expected format "slimfit.inputs", version 1)');
    return new InputSpec(j.columns as unknown[], formatError);
  }
}

/** A spec gives the model's d columns, named as header.features when both are there. */
function checkDims(spec: InputSpec, d: number | undefined, features: readonly string[] | undefined, fail: (m: string) => SlimfitError): InputSpec {
  if (d === undefined) throw fail('inputs apply to a model, not to tensors');
  if (spec.d !== d) throw fail(`inputs give ${spec.d} design columns but the model has ${d} input columns`);
  const j = features ? features.findIndex((f, i) => f !== spec.features[i]) : -1;
  if (j >= 0) throw fail(`inputs name design column ${j} '${spec.features[j]}' but features[${j}] is '${features![j]}'`);
  return spec;
}

/** The .slim header member `{ "columns": [...] }` of a spec for a model with d input columns; E_SHAPE when they disagree. */
export function writeInputs(spec: InputSpec, d: number, features: readonly string[] | undefined): JsonObject {
  if (!(spec instanceof InputSpec)) throw rangeError('inputs must be an InputSpec');
  checkDims(spec, d, features, (m) => new SlimfitError('E_SHAPE', m));
  return { columns: spec.toJSON().columns as unknown as JsonObject[] };
}

/** Reads the .slim header member (d: the model's input columns, undefined for tensors); E_FORMAT on anything malformed. */
export function readInputs(v: unknown, d: number | undefined, features: readonly string[] | undefined): InputSpec {
  if (!isPlainObject(v)) throw formatError('header.inputs must be an object');
  return checkDims(new InputSpec(v.columns as unknown[], (m) => formatError(`header.${m}`)), d, features, formatError);
}
