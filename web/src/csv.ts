/**
 * The page's CSV reader: a header row, then records, read by csv-parse
 * (fields may be quoted ("a, b", doubled quotes inside), lines end in LF or
 * CRLF, blank lines are skipped, a byte-order mark is dropped). Columns whose every cell is a finite number
 * become Float64Arrays; the rest are listed as skipped (the demo fits numeric
 * columns only). Errors are SlimfitError('E_FORMAT') naming the line.
 */
import { parse } from 'csv-parse/browser/esm/sync';
import { SlimfitError } from '../../src/errors.js';

export interface CsvTable {
  columns: Map<string, Float64Array>;
  skipped: string[];
  rows: number;
}

/** Splits the text into records of raw fields (csv-parse's browser build; the checks on their shape are parseCsv's). */
export function csvRecords(text: string): string[][] {
  try {
    return parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, record_delimiter: ['\r\n', '\n', '\r'] }) as string[][];
  } catch (e) {
    const err = e as { code?: string; lines?: number; message?: string };
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') throw new SlimfitError('E_FORMAT', `CSV: a quoted field opened before line ${err.lines ?? '?'} is never closed`);
    throw new SlimfitError('E_FORMAT', `CSV: ${err.message ?? String(e)}`);
  }
}

export function parseCsv(text: string): CsvTable {
  const recs = csvRecords(text);
  if (recs.length < 2) throw new SlimfitError('E_FORMAT', 'CSV: a header row and at least one data row are needed');
  const header = recs[0].map((h) => h.trim());
  const seen = new Set<string>();
  header.forEach((h, j) => {
    if (h === '') throw new SlimfitError('E_FORMAT', `CSV: column ${j + 1} has no name`);
    if (seen.has(h)) throw new SlimfitError('E_FORMAT', `CSV: the column name '${h}' appears twice`);
    seen.add(h);
  });
  const n = recs.length - 1;
  const data = header.map(() => new Float64Array(n));
  const numeric = header.map(() => true);
  for (let i = 0; i < n; i++) {
    const r = recs[i + 1];
    if (r.length !== header.length) throw new SlimfitError('E_FORMAT', `CSV: data row ${i + 1} has ${r.length} fields, the header ${header.length}`);
    for (let j = 0; j < r.length; j++) {
      if (!numeric[j]) continue;
      const s = r[j].trim();
      const v = s === '' ? NaN : Number(s);
      if (Number.isFinite(v)) data[j][i] = v;
      else numeric[j] = false;
    }
  }
  const columns = new Map<string, Float64Array>();
  const skipped: string[] = [];
  header.forEach((h, j) => (numeric[j] ? columns.set(h, data[j]) : skipped.push(h)));
  return { columns, skipped, rows: n };
}
