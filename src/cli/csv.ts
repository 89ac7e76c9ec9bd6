/**
 * Streaming CSV input for the command line: csv-parse reads the file in
 * chunks (header row first), every cell of the columns in use is parsed as a
 * number, strictly, and the first bad one is reported with its file, line and
 * column. Rows are handed on in chunks of `chunkRows`, so a caller that
 * accumulates (a streaming least-squares fit) never holds the whole file.
 *
 * The file may be gzip-compressed (recognised by its magic bytes, not its
 * name, and decompressed as it streams); the field separator is detected
 * from the header row unless given (`,` `;` tab `|`), and with a separator
 * other than the comma a decimal comma (`3,25`) reads as a decimal point.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse, CsvError } from 'csv-parse';
import { isSlimfitError } from '../errors.js';
import type { Matrix } from '../types.js';
import { inputError, usage } from './errors.js';
import { MAX_NAME_CHARS } from '../json.js';

/**
 * Turns the raw cells of the feature columns (text, in `features` order) into
 * `width` design values at out[at ..]; false: the row is incomplete. Thrown
 * SlimfitErrors with `details.column` are reported at the cell's line and column.
 */
export interface CellEncoder {
  /** Called once with the resolved feature columns, before `width` is read. */
  start?(features: readonly string[]): void;
  readonly width: number;
  encode(cells: readonly string[], out: Float64Array, at: number): boolean;
}

export interface CsvColumns {
  /** The response column; omitted: no y. */
  target?: string;
  /** Feature columns, in this order; omitted: every column except the target (and `exclude`). */
  features?: readonly string[];
  /** Columns that are not features (ids, other targets), when `features` is omitted. */
  exclude?: readonly string[];
  /** true: the target must be 0 or 1 (logistic regression). */
  binaryTarget?: boolean;
  /** The field separator (one character); omitted: detected from the header row. */
  delimiter?: string;
  /** Feature cells go through this (text, empty cells) instead of being parsed as numbers. */
  encoder?: CellEncoder;
  /** An incomplete row (encoder false): 'drop' it (default) or 'mark' it in CsvChunk.incomplete. */
  incomplete?: 'drop' | 'mark';
  /** An empty target cell leaves the row out (counted in `dropped`) instead of failing (fit --missing drop). */
  dropMissingTarget?: boolean;
  /** Columns carried through as text (CsvChunk.kept), e.g. ids. */
  keep?: readonly string[];
}

export interface CsvChunk {
  X: Matrix;
  y: Float64Array | undefined;
  /** Rows read so far, this chunk included. */
  rowsSoFar: number;
  /** Bytes of the file consumed so far (for progress). */
  bytesSoFar: number;
  /** With incomplete 'mark': 1 for a row the encoder could not complete (its X row is not meaningful). */
  incomplete?: Uint8Array;
  /** The `keep` columns' cells, per row. */
  kept?: string[][];
}

export interface CsvInfo {
  header: string[];
  /** The field separator used (given or detected). */
  delimiter: string;
  features: string[];
  target: string | undefined;
  rows: number;
  /** Rows left out (incomplete 'drop', dropMissingTarget); not counted in `rows`. */
  dropped: number;
  bytes: number;
}

export interface CsvTable extends CsvInfo {
  X: Matrix;
  y: Float64Array | undefined;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** A number written with a decimal comma (one comma, no point): read only when the separator is not a comma. */
const DECIMAL_COMMA = /^[+-]?(?:\d+,\d*|,\d+)(?:[eE][+-]?\d+)?$/;
const OUT_OF_RANGE = (raw: string) => `'${printable(raw)}' is out of the float64 range`;

/** A cell as float64: NaN when it is not a number, ±Infinity beyond the float64 range. */
function cellValue(raw: string, decimalComma: boolean): number {
  const s = decimalComma && DECIMAL_COMMA.test(raw) ? raw.replace(',', '.') : raw;
  return NUMBER.test(s) ? Number(s) : NaN;
}

/** The separators looked for in a header row (the first, ',', wins a tie). */
const SEPARATORS = [',', ';', '\t', '|'] as const;

/** `--delimiter` as one character: `,` `;` `|`, `tab` or `\t` for a tab, or any other single character. */
export function parseDelimiter(flag: string): string {
  const d = flag === 'tab' || flag === '\\t' ? '\t' : flag;
  if ([...d].length !== 1 || d === '"' || d === '\n' || d === '\r') throw usage(`--delimiter must be one character (',', ';', 'tab', '|', ...), got '${printable(flag)}'`);
  return d;
}

/** The separator a header row uses: the candidate that occurs most often outside quotes (ties and none: ','). */
export function detectDelimiter(headerLine: string): string {
  const count = new Map<string, number>(SEPARATORS.map((c) => [c, 0]));
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && count.has(ch)) count.set(ch, count.get(ch)! + 1);
  }
  let best = ',';
  for (const c of SEPARATORS) if (count.get(c)! > count.get(best)!) best = c;
  return best;
}

const shownDelimiter = (d: string) => (d === '\t' ? 'tab' : d);

/** Compressed or archive formats recognised by their first bytes (gzip is read; these are refused). */
const REFUSED_MAGIC: { name: string; bytes: number[] }[] = [
  { name: 'a zip archive', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'xz-compressed', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { name: 'zstd-compressed', bytes: [0x28, 0xb5, 0x2f, 0xfd] },
];
const startsWith = (b: Uint8Array, magic: number[]) => magic.every((m, i) => b[i] === m);

/** The first bytes of a file (fewer when it is shorter). */
async function firstBytes(file: string, n: number): Promise<Uint8Array> {
  const fh = await open(file);
  try {
    const b = new Uint8Array(n);
    const { bytesRead } = await fh.read(b, 0, n, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Levenshtein distance, for "did you mean" on a mistyped column name. */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = t;
    }
  }
  return prev[b.length];
}

/** "did you mean 'x'?" when one header name is close to `name`. */
export function suggest(name: string, header: readonly string[]): string {
  let best: string | undefined;
  let bestD = Infinity;
  for (const h of header) {
    const d = distance(name.toLowerCase(), h.toLowerCase());
    if (d < bestD) [best, bestD] = [h, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? ` (did you mean '${best}'?)` : '';
}

/** A one-column header holding another separator: the --delimiter given does not match the file. */
function delimiterHint(header: readonly string[]): string {
  if (header.length !== 1) return '';
  const sep = SEPARATORS.find((c) => header[0].includes(c));
  return sep ? ` (the header row looks ${shownDelimiter(sep)}-separated: try --delimiter ${sep === '\t' ? 'tab' : `'${sep}'`})` : '';
}

function listColumns(header: readonly string[]): string {
  const shown = header.slice(0, 30).join(', ');
  return header.length > 30 ? `${shown}, ... (${header.length} in all)` : shown;
}

/** Resolves the feature and target columns against the header, with errors that list what exists. */
export function resolveColumns(file: string, header: string[], cols: CsvColumns): { features: string[]; featureIdx: number[]; targetIdx: number } {
  const name = basename(file);
  const seen = new Map<string, number>();
  header.forEach((h, i) => {
    if (h === '') throw inputError(`${name}: column ${i + 1} of the header row has no name`, 'E_CSV');
    if (seen.has(h)) throw inputError(`${name}: column '${h}' appears twice in the header row (columns ${seen.get(h)! + 1} and ${i + 1})`, 'E_CSV');
    seen.set(h, i);
  });
  const find = (c: string, role: string) => {
    const i = seen.get(c);
    if (i === undefined) throw inputError(`${name} has no ${role} column '${c}'${suggest(c, header)}; its columns are: ${listColumns(header)}${delimiterHint(header)}`, 'E_COLUMN');
    return i;
  };
  const targetIdx = cols.target !== undefined ? find(cols.target, 'target') : -1;
  // A model file keeps names up to MAX_NAME_CHARS: a longer one must fail here, not after the fit.
  const tooLong = (c: string, role: string) => {
    if (c.length > MAX_NAME_CHARS) throw inputError(`${name}: the ${role} column '${printable(c)}' has a name of ${c.length} characters; a model keeps names of at most ${MAX_NAME_CHARS} (shorten it in the header row)`, 'E_COLUMN');
  };
  if (cols.target !== undefined) tooLong(cols.target, 'target');
  let features: string[];
  if (cols.features !== undefined) {
    features = [...cols.features];
    const dup = features.find((f, i) => features.indexOf(f) !== i);
    if (dup !== undefined) throw usage(`--features lists '${dup}' twice`);
    if (cols.target !== undefined && features.includes(cols.target)) throw usage(`'${cols.target}' is the target; it cannot also be a feature`);
  } else {
    const drop = new Set(cols.exclude ?? []);
    for (const c of drop) find(c, 'excluded');
    features = header.filter((h) => h !== cols.target && !drop.has(h));
  }
  if (features.length === 0) throw inputError(`${name} has no feature columns besides the target '${cols.target}'${cols.exclude?.length ? ' and the excluded ones' : ''}`, 'E_COLUMN');
  const missing = features.filter((f) => !seen.has(f));
  if (missing.length > 0) {
    const hint = delimiterHint(header);
    const listed = missing.slice(0, 8).map((m) => `'${m}'`).join(', ');
    const what =
      missing.length === 1
        ? `feature column '${missing[0]}'${suggest(missing[0], header)}`
        : missing.length === features.length && missing.length > 8
          ? `feature columns at all: none of the ${features.length} wanted (${listed}, ...)`
          : `feature columns ${listed}${missing.length > 8 ? `, ... (${missing.length} missing)` : ''}`;
    throw inputError(`${name} has no ${what}; its columns are: ${listColumns(header)}${hint}`, 'E_COLUMN');
  }
  for (const f of features) tooLong(f, 'feature');
  return { features, featureIdx: features.map((f) => seen.get(f)!), targetIdx };
}

/** A cell or field as it can be shown on one line: control characters escaped, at most 40 characters. */
export function printable(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const s = raw.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}

function cellError(file: string, line: number, column: string, raw: string, why?: string): Error {
  const shown = printable(raw);
  const reason = why ?? (raw.trim() === '' ? 'empty cell (a missing value: fit with --missing drop or --missing indicator)' : `'${shown}' is not a number`);
  return inputError(`${basename(file)} line ${line}, column '${column}': ${reason}`, 'E_CSV');
}

/**
 * Streams `file`, calling onChunk for every `chunkRows` rows (and the rest at
 * the end). Resolves with what was read. Errors: E_CSV (line and column),
 * E_COLUMN (lists the columns that exist), or Node's ENOENT / EACCES.
 */
export async function streamCsv(file: string, cols: CsvColumns, onChunk: (c: CsvChunk) => void | Promise<void>, chunkRows = 65536): Promise<CsvInfo> {
  const st = await stat(file);
  if (st.isDirectory()) throw inputError(`${file} is a directory; expected a CSV file`);
  const name = basename(file);
  const magic = await firstBytes(file, 8);
  const refused = REFUSED_MAGIC.find((m) => startsWith(magic, m.bytes));
  if (refused) throw inputError(`${name} is ${refused.name}, not CSV text: decompress it first (slimfit reads CSV, plain or gzip-compressed)`, 'E_CSV');
  const gzip = startsWith(magic, [0x1f, 0x8b]);
  const input = createReadStream(file);
  // Progress counts the bytes of the file as stored (compressed, for gzip), so it matches the file size.
  let bytes = 0;
  input.on('data', (b) => (bytes += b.length));
  const text: Readable = gzip ? pipeline(input, createGunzip(), () => {}) : input;
  const decodeError = (e: unknown) =>
    gzip && typeof (e as NodeJS.ErrnoException).code === 'string' && (e as NodeJS.ErrnoException).code!.startsWith('Z_')
      ? inputError(`${name}: not a readable gzip file (${(e as Error).message})`, 'E_CSV')
      : e;
  // The header row decides the separator: read up to its end (or 1 MiB) before the parser starts.
  const it = text[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let head = Buffer.alloc(0);
  let ended = false;
  try {
    while (!head.includes(10) && head.length < 2 ** 20) {
      const r = await it.next();
      if (r.done) {
        ended = true;
        break;
      }
      head = Buffer.concat([head, r.value]);
    }
  } catch (e) {
    input.destroy();
    throw decodeError(e);
  }
  const nl = head.indexOf(10);
  const headerLine = head.subarray(0, nl < 0 ? head.length : nl).toString('utf8');
  if (headerLine.includes('\0')) {
    input.destroy();
    throw inputError(`${name} holds binary data, not CSV text (a header row, then one row per observation)`, 'E_CSV');
  }
  const delimiter = cols.delimiter ?? detectDelimiter(headerLine);
  const decimalComma = delimiter !== ',';
  const rest = async function* () {
    yield head;
    if (ended) return;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  };
  const parser = parse({ bom: true, delimiter, skip_empty_lines: true, trim: true, info: true, relax_column_count: false, comment_no_infix: false });
  pipeline(Readable.from(rest()), parser, () => {});
  let header: string[] | undefined;
  let featureIdx: number[] = [];
  let targetIdx = -1;
  let features: string[] = [];
  let d = 0;
  let buf = new Float64Array(0);
  let ybuf = new Float64Array(0);
  let k = 0;
  let rows = 0;
  let dropped = 0;
  const enc = cols.encoder;
  let cells: string[] = [];
  let keepIdx: number[] = [];
  let kept: string[][] | undefined;
  let mark: Uint8Array | undefined;
  // A chunk handler that returns a promise (a write) is awaited before reading on: memory stays flat.
  const flush = async () => {
    if (k === 0) return;
    await onChunk({
      X: { rows: k, cols: d, data: buf.subarray(0, k * d) },
      y: targetIdx >= 0 ? ybuf.subarray(0, k) : undefined,
      rowsSoFar: rows,
      bytesSoFar: bytes,
      ...(mark ? { incomplete: mark.subarray(0, k) } : {}),
      ...(kept ? { kept: kept.slice(0, k) } : {}),
    });
    k = 0;
  };
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const { record, info } = rec;
      if (header === undefined) {
        header = record;
        ({ features, featureIdx, targetIdx } = resolveColumns(file, header, cols));
        enc?.start?.(features);
        d = enc ? enc.width : features.length;
        cells = new Array<string>(featureIdx.length);
        if (cols.keep) {
          const h = header;
          keepIdx = cols.keep.map((c) => {
            const i = h.indexOf(c);
            if (i < 0) throw inputError(`${name} has no column '${c}' to keep${suggest(c, h)}; its columns are: ${listColumns(h)}`, 'E_COLUMN');
            return i;
          });
          kept = new Array<string[]>(chunkRows);
        }
        if (cols.incomplete === 'mark') mark = new Uint8Array(chunkRows);
        buf = new Float64Array(chunkRows * d);
        ybuf = new Float64Array(chunkRows);
        continue;
      }
      const line = info.lines;
      if (cols.dropMissingTarget && targetIdx >= 0 && record[targetIdx].trim() === '') {
        dropped++;
        continue;
      }
      if (enc) {
        // a decimal comma becomes a point in number-like cells only, so text levels reach the encoder as written
        for (let j = 0; j < featureIdx.length; j++) {
          const raw = record[featureIdx[j]];
          cells[j] = decimalComma && DECIMAL_COMMA.test(raw) ? raw.replace(',', '.') : raw;
        }
        let complete: boolean;
        try {
          complete = enc.encode(cells, buf, k * d);
        } catch (e) {
          const column = isSlimfitError(e) ? (e.details as { column?: unknown } | undefined)?.column : undefined;
          if (typeof column !== 'string') throw e;
          throw inputError(`${name} line ${line}, column '${column}': ${(e as { reason: string }).reason}`, 'E_CSV');
        }
        if (!complete && cols.incomplete !== 'mark') {
          dropped++;
          continue;
        }
        if (mark) mark[k] = complete ? 0 : 1;
      } else {
        for (let j = 0; j < d; j++) {
          const raw = record[featureIdx[j]];
          const v = cellValue(raw, decimalComma);
          if (!Number.isFinite(v)) throw cellError(file, line, features[j], raw, Number.isNaN(v) ? undefined : OUT_OF_RANGE(raw));
          buf[k * d + j] = v;
        }
      }
      if (kept) kept[k] = keepIdx.map((i) => record[i]);
      if (targetIdx >= 0) {
        const raw = record[targetIdx];
        const v = cellValue(raw, decimalComma);
        if (!Number.isFinite(v)) throw cellError(file, line, cols.target!, raw, Number.isNaN(v) ? undefined : OUT_OF_RANGE(raw));
        if (cols.binaryTarget && v !== 0 && v !== 1) throw cellError(file, line, cols.target!, raw, `'${raw}' is not 0 or 1 (a logistic target must be 0/1)`);
        ybuf[k] = v;
      }
      k++;
      rows++;
      if (k === chunkRows) await flush();
    }
  } catch (e) {
    input.destroy();
    if (e instanceof CsvError) throw csvError(name, e, delimiter, headerLine);
    throw decodeError(e);
  }
  if (header === undefined) throw inputError(`${name} is empty; expected a header row, then one row per observation`, 'E_CSV');
  if (rows === 0) throw inputError(dropped > 0 ? `${name}: every one of its ${dropped} rows has a missing value (--missing drop)` : `${name} has a header row but no data rows`, 'E_CSV');
  await flush();
  return { header, delimiter, features, target: cols.target, rows, dropped, bytes: st.size };
}

function csvError(name: string, e: CsvError, delimiter: string, headerLine: string): Error {
  const ctx = e as unknown as { lines?: number; record?: string[]; code: string };
  const line = typeof ctx.lines === 'number' ? ` line ${ctx.lines}` : '';
  if (e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
    const m = /expect(?:ed)? (\d+).*got (\d+)/i.exec(e.message);
    const detail = m ? `${m[2]} fields where the header has ${m[1]}` : 'a different number of fields than the header';
    const other = SEPARATORS.find((c) => c !== delimiter && headerLine.includes(c));
    const hint = other !== undefined && !headerLine.includes(delimiter) ? delimiterHint([headerLine]) : ` (fields separated by '${shownDelimiter(delimiter)}'; --delimiter sets another separator)`;
    return inputError(`${name}${line}: ${detail}${hint}`, 'E_CSV');
  }
  // csv-parse quotes the offending value (JSON-escaped, possibly long or binary): keep the message short.
  const msg = e.message
    .replace(/^Invalid (Record Length|Closing Quote|Opening Quote): /, '')
    .replace(/, value is (".*")$/s, (_m, v: string) => {
      let raw = v;
      try {
        raw = JSON.parse(v) as string;
      } catch {
        /* keep as is */
      }
      return `, value is '${printable(raw)}'`;
    })
    .replace(/\s+/g, ' ');
  return inputError(`${name}${line}: unreadable CSV (${msg})`, 'E_CSV');
}

/** Reads the whole file into one matrix (rows grow by doubling). */
export async function readCsv(file: string, cols: CsvColumns, onProgress?: (rows: number, bytes: number) => void): Promise<CsvTable> {
  let X = new Float64Array(0);
  let y = new Float64Array(0);
  let n = 0;
  let d = 0;
  const info = await streamCsv(file, cols, (c) => {
    d = c.X.cols;
    const need = (n + c.X.rows) * d;
    if (need > X.length) {
      const nx = new Float64Array(Math.max(need, X.length * 2));
      nx.set(X.subarray(0, n * d));
      X = nx;
      if (c.y) {
        const ny = new Float64Array(Math.max(n + c.X.rows, y.length * 2));
        ny.set(y.subarray(0, n));
        y = ny;
      }
    }
    X.set(c.X.data, n * d);
    if (c.y) y.set(c.y, n);
    n += c.X.rows;
    onProgress?.(c.rowsSoFar, c.bytesSoFar);
  });
  return { ...info, X: { rows: n, cols: d, data: X.slice(0, n * d) }, y: info.target !== undefined ? y.slice(0, n) : undefined };
}
