/**
 * Applying an input spec: raw cells (strings from a CSV file, or numbers and
 * strings from records) to design rows. RowEncoder does one row into a
 * caller's buffer (the command line streams chunks through it); designMatrix
 * does a batch of records for library users. Browser-safe, no engine.
 */
import { SlimfitError } from '../errors.js';
import type { Matrix } from '../types.js';
import { InputSpec, type InputColumn } from './inputs.js';

/** A raw cell: CSV text, a number, or missing (null, undefined, '' or NaN). */
export type RawValue = string | number | null | undefined;

/** A decimal number as the CSV reader accepts it (no hex, no 'Infinity', no spaces inside). */
export const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A cell that cannot be encoded: E_RANGE, `details.column` names the raw column. */
function cellError(column: string, reason: string): SlimfitError {
  return new SlimfitError('E_RANGE', reason, { column });
}

/** Missing: null, undefined, an empty (or blank) string, NaN. */
export function isMissing(v: RawValue): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '') || (typeof v === 'number' && Number.isNaN(v));
}

/** A shown value: at most 40 characters. */
function shown(v: string): string {
  return v.length > 40 ? `${v.slice(0, 40)}...` : v;
}

export class RowEncoder {
  readonly spec: InputSpec;
  private readonly levels: (Map<string, number> | undefined)[];

  constructor(spec: InputSpec) {
    if (!(spec instanceof InputSpec)) throw new SlimfitError('E_RANGE', 'spec must be an InputSpec');
    this.spec = spec;
    this.levels = spec.columns.map((c) => (c.type === 'categorical' ? new Map(c.levels.map((l, i) => [l, i])) : undefined));
  }

  /** Design columns per row. */
  get d(): number {
    return this.spec.d;
  }

  /**
   * Writes the design row of `cells` (one per spec column, in its order) to
   * out[at .. at + d). false: a column with missing 'drop' is missing (the
   * row has no design row; what was written is garbage). E_RANGE for a missing
   * cell under 'error', a value that is not a number in a numeric column, or
   * an unseen level under 'error'; `details.column` names the column.
   */
  encode(cells: readonly RawValue[], out: Float64Array, at: number): boolean {
    const cols = this.spec.columns;
    let p = at;
    for (let c = 0; c < cols.length; c++) {
      const col = cols[c];
      const v = cells[c];
      const width = this.width(c);
      if (isMissing(v)) {
        if (col.missing === 'error') throw cellError(col.name, `missing value in column '${col.name}' (the model was fitted with missing: error; refit with --missing drop or indicator, or fill the cell)`);
        if (col.missing === 'drop') return false;
        for (let k = 0; k < width - 1; k++) out[p + k] = 0;
        if (col.type === 'numeric' && !col.bins) out[p] = col.fill!;
        out[p + width - 1] = 1;
        p += width;
        continue;
      }
      if (col.type === 'numeric') {
        const x = this.number(col, v!);
        if (col.bins) for (let k = 0; k < col.bins.length; k++) out[p + k] = x >= col.bins[k] ? 1 : 0;
        else out[p] = x;
      } else {
        const s = typeof v === 'number' ? String(v) : (v as string).trim();
        const level = this.levels[c]!.get(s);
        if (level === undefined && col.unseen === 'error') {
          throw cellError(col.name, `'${shown(s)}' is not a level of column '${col.name}' seen in fitting (${col.levels.length} levels: ${col.levels.slice(0, 8).join(', ')}${col.levels.length > 8 ? ', ...' : ''}); refit, or fit with --unseen baseline`);
        }
        for (let k = 1; k < col.levels.length; k++) out[p + k - 1] = level === k ? 1 : 0;
      }
      if (col.missing === 'indicator') out[p + width - 1] = 0;
      p += width;
    }
    return true;
  }

  /** Design columns raw column c gives. */
  width(c: number): number {
    const offsets = this.spec.offsets;
    return (c + 1 < offsets.length ? offsets[c + 1] : this.spec.d) - offsets[c];
  }

  private number(col: InputColumn, v: string | number): number {
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw cellError(col.name, `${v} in column '${col.name}' is not a finite number`);
      return v;
    }
    const s = v.trim();
    const x = Number(s);
    if (!NUMBER.test(s)) throw cellError(col.name, `'${shown(s)}' in column '${col.name}' is not a number${/[a-z]/i.test(s) ? ' (a text column? fit it with --categorical)' : ''}`);
    if (!Number.isFinite(x)) throw cellError(col.name, `'${shown(s)}' in column '${col.name}' is out of the float64 range`);
    return x;
  }
}

/**
 * The design matrix of raw rows: each row a record keyed by raw column name,
 * or an array in the spec's column order. Rows with a missing value in a
 * 'drop' column have no design row: `skipped` lists their indices, and X
 * holds the others in order. E_RANGE names the row and column of a cell that
 * cannot be encoded.
 */
export function designMatrix(spec: InputSpec, rows: readonly (Readonly<Record<string, RawValue>> | readonly RawValue[])[]): { X: Matrix; skipped: number[] } {
  const enc = new RowEncoder(spec);
  if (!Array.isArray(rows)) throw new SlimfitError('E_SHAPE', 'rows must be an array of records or arrays');
  const d = enc.d;
  const names = spec.names;
  const data = new Float64Array(rows.length * d);
  const skipped: number[] = [];
  let k = 0;
  const cells: RawValue[] = new Array<RawValue>(names.length);
  rows.forEach((row, i) => {
    if (Array.isArray(row)) {
      if (row.length !== names.length) throw new SlimfitError('E_SHAPE', `row ${i} has ${row.length} values but the spec reads ${names.length} columns (${names.join(', ')})`);
      for (let c = 0; c < names.length; c++) cells[c] = row[c] as RawValue;
    } else if (typeof row === 'object' && row !== null) {
      const rec = row as Readonly<Record<string, RawValue>>;
      for (let c = 0; c < names.length; c++) {
        if (!(names[c] in rec)) throw new SlimfitError('E_SHAPE', `row ${i} has no column '${names[c]}' (the spec reads ${names.join(', ')})`);
        cells[c] = rec[names[c]];
      }
    } else throw new SlimfitError('E_SHAPE', `row ${i} must be a record or an array`);
    try {
      if (enc.encode(cells, data, k * d)) k++;
      else skipped.push(i);
    } catch (e) {
      if (e instanceof SlimfitError) throw new SlimfitError(e.code, `row ${i}: ${e.reason}`, e.details as Record<string, unknown> | undefined);
      throw e;
    }
  });
  return { X: { rows: k, cols: d, data: data.slice(0, k * d) }, skipped };
}
