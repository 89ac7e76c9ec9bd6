/**
 * A small RFC 4180 reader for the page: a header row, then records; fields
 * may be quoted ("a, b", doubled quotes inside), lines end in LF or CRLF,
 * blank lines are skipped. Columns whose every cell is a finite number
 * become Float64Arrays; the rest are listed as skipped (the demo fits numeric
 * columns only). Errors are SlimfitError('E_FORMAT') naming the line.
 */
import { SlimfitError } from '../../src/errors.js';

export interface CsvTable {
  columns: Map<string, Float64Array>;
  skipped: string[];
  rows: number;
}

/** Splits the text into records of raw fields. */
export function csvRecords(text: string): string[][] {
  const out: string[][] = [];
  let rec: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte-order mark is not part of the first name
  const endRecord = () => {
    rec.push(field);
    field = '';
    if (!(rec.length === 1 && rec[0] === '')) out.push(rec);
    rec = [];
  };
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      rec.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
    } else field += ch;
  }
  if (quoted) throw new SlimfitError('E_FORMAT', `CSV: a quoted field opened before line ${line} is never closed`);
  if (field !== '' || rec.length > 0) endRecord();
  return out;
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
