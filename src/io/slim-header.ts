/**
 * The .slim container: preamble, header JSON and tensor table — constants,
 * types and the validation every reader runs before it touches a tensor.
 * docs/FORMAT.md is the byte-exact description; keep the two in step.
 * Version 2 (what slimfit writes) differs in its preamble and data layout:
 * slim-v2-preamble.ts; the header JSON and the table checks are shared.
 * Version 1, read and still writable with { formatVersion: 1 }:
 *
 *   offset        size  field
 *   0             8     magic 89 53 4C 49 4D 0D 0A 1A  ("\x89SLIM\r\n\x1a")
 *   8             2     format major version, u16 LE (1)
 *   10            2     format minor version, u16 LE (0)
 *   12            4     H: header length in bytes, u32 LE (includes padding)
 *   16            8     D: data section length in bytes, u64 LE (multiple of 16)
 *   24            H     header: UTF-8 JSON object, padded with spaces so 24 + H is a multiple of 16
 *   24 + H        D     data section: tensors at 16-byte aligned offsets, zero padding between
 *   24 + H + D    4     CRC-32C of bytes [0, 24 + H + D), u32 LE
 */
import { DTYPE_SIZE, align, decodeUtf8, getShape, readU64, type Dtype } from './binary.js';
import { describeMember, formatError, getArray, getEnum, getInt, getObject, getString, isPlainObject, type JsonObject } from '../json.js';
import { HEADER_LIMITS, parseBoundedJson } from './json-scan.js';
import { fromTaggedJSON } from './tagged-json.js';
import { parsePreambleV2 } from './slim-v2-preamble.js';

export const SLIM_MAGIC = Uint8Array.of(0x89, 0x53, 0x4c, 0x49, 0x4d, 0x0d, 0x0a, 0x1a);
/** The newest format version this slimfit reads, and the one encodeSlim writes by default. */
export const SLIM_VERSION_MAJOR = 2;
export const SLIM_VERSION_MINOR = 0;
export const PREAMBLE_BYTES = 24;
export const CHECKSUM_BYTES = 4;
/** Tensor offsets (relative to the data section) and the data section start are multiples of this. */
export const SLIM_ALIGN = 16;
/** Readers refuse headers longer than this (16 MiB). */
export const MAX_HEADER_BYTES = 16 * 1024 * 1024;
/**
 * The elements a file's tensors may decode to, in all: 2^25 plus 8 per byte
 * of the file. Dense and quantized tensors hold at least 1/8 byte per element
 * (2-bit codes: 1/4), and so does a bitmask index; only a CSR index with
 * empty rows claims more elements than it has bytes, and each sparse tensor
 * is decoded densely. The 2^25 lets any one tensor a writer can make through;
 * the rest bounds the work of a file of many mostly-empty CSR tensors by its
 * length (a 16 MiB header: about 1.7e8 elements, under a second on a
 * 2-core machine; a 2^25-element CSR tensor decodes in about 0.15 s).
 */
export function elementBudget(fileBytes: number): number {
  return 2 ** 25 + 8 * fileBytes;
}
import { MAX_NAME_LENGTH, SLIM_DTYPES, type SlimDtype } from './slim-dtypes.js';
export { MAX_NAME_LENGTH, SLIM_DTYPES, type SlimDtype };

export const SLIM_KINDS = ['linear', 'logistic', 'compressed-linear', 'compressed-logistic', 'reduced-rank', 'compressed-reduced-rank', 'tensors'] as const;
export type SlimKind = (typeof SLIM_KINDS)[number];

/** Where a file came from. */
export interface SlimProvenance {
  /** The slimfit version that wrote the file. */
  slimfit: string;
  /** When it was written, ISO 8601 (e.g. "2025-01-31T12:00:00.000Z"). */
  created: string;
  /** A digest of the input the file was made from (recommended: lowercase hex SHA-256 of the input file, see sha256Hex). */
  inputDigest?: string;
  /** The input's name (e.g. a file name). */
  source?: string;
  /** The settings the file was made with (e.g. compression options), any JSON object. */
  options?: Record<string, unknown>;
}

export interface SlimTensorEntry {
  name: string;
  dtype: SlimDtype;
  shape: number[];
  /** Element count (product of shape). */
  count: number;
  /** [begin, end) relative to the data section. */
  offsets: [number, number];
}

export interface SlimPreamble {
  major: number;
  minor: number;
  headerBytes: number;
  dataBytes: number;
  dataStart: number;
  /** Total file length the preamble describes: 24 + H + D + 4 (version 2: the file's length). */
  fileBytes: number;
  storedChecksum: number;
  /** Version 2: the header's length once inflated (headerBytes is the stored DEFLATE stream). */
  inflatedHeaderBytes?: number;
}

export interface SlimHeader {
  kind: SlimKind;
  /** Absent from a stripped (version 2) file. */
  provenance: SlimProvenance | undefined;
  features: string[] | undefined;
  targets: string[] | undefined;
  statistics: Record<string, unknown> | undefined;
  /** Kind-specific description ("model" for model kinds, absent for tensors). */
  model: JsonObject | undefined;
  /** Tensor objects ("tensors" kind only). */
  objects: unknown[] | undefined;
  tensors: SlimTensorEntry[];
  /** The parsed JSON, as read. */
  raw: JsonObject;
}

/** Checks magic, version, lengths against the byte count; everything before the checksum. */
export function parsePreamble(bytes: Uint8Array): SlimPreamble {
  const n = bytes.length;
  for (let i = 0; i < Math.min(n, SLIM_MAGIC.length); i++) {
    if (bytes[i] !== SLIM_MAGIC[i]) throw formatError('not a .slim file (bad magic bytes; a .slim file starts with 89 53 4C 49 4D 0D 0A 1A)');
  }
  if (n < PREAMBLE_BYTES + CHECKSUM_BYTES) throw formatError(`truncated .slim file: ${n} bytes, shorter than the ${PREAMBLE_BYTES + CHECKSUM_BYTES}-byte minimum`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = view.getUint16(8, true);
  const minor = view.getUint16(10, true);
  if (major > SLIM_VERSION_MAJOR) {
    throw formatError(`this .slim file uses format version ${major}.${minor}, newer than this slimfit reads (${SLIM_VERSION_MAJOR}.x); upgrade slimfit to read it`, { major, minor });
  }
  if (major < 1) throw formatError(`unsupported .slim format version ${major}.${minor}`, { major, minor });
  if (major === 2) return parsePreambleV2(bytes, minor, MAX_HEADER_BYTES);
  const headerBytes = view.getUint32(12, true);
  if (headerBytes < 2) throw formatError(`header length ${headerBytes} is too small to hold a JSON object`);
  if (headerBytes > MAX_HEADER_BYTES) throw formatError(`header length ${headerBytes} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if ((PREAMBLE_BYTES + headerBytes) % SLIM_ALIGN !== 0) throw formatError(`header length ${headerBytes} does not end the header on a ${SLIM_ALIGN}-byte boundary`);
  const dataBytes = readU64(view, 16);
  if (dataBytes === undefined) throw formatError('data section length is 2^53 bytes or more');
  if (dataBytes % SLIM_ALIGN !== 0) throw formatError(`data section length ${dataBytes} is not a multiple of ${SLIM_ALIGN}`);
  const dataStart = PREAMBLE_BYTES + headerBytes;
  const fileBytes = dataStart + dataBytes + CHECKSUM_BYTES;
  if (n < fileBytes) throw formatError(`truncated .slim file: ${n} bytes, but its preamble describes ${fileBytes}`, { bytes: n, expected: fileBytes });
  if (n > fileBytes) throw formatError(`${n - fileBytes} unexpected bytes after the checksum (the preamble describes ${fileBytes} bytes)`, { bytes: n, expected: fileBytes });
  const storedChecksum = view.getUint32(fileBytes - CHECKSUM_BYTES, true);
  return { major, minor, headerBytes, dataBytes, dataStart, fileBytes, storedChecksum };
}

/**
 * ISO 8601 as files carry it: a calendar date `YYYY-MM-DD`, optionally with a
 * time `THH:MM`, `:SS`, a fraction and a zone (`Z` or `±HH:MM`), naming a day
 * and time that exist. Date.parse alone accepts "1", "2020", "foo 12" and "-0"
 * (and, in V8, February 30th: the day is checked against its month here).
 */
const ISO_DATE = /^(\d{4})-(\d\d)-(\d\d)(T\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:\d\d)?)?$/;

export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m || Number.isNaN(Date.parse(s))) return false;
  const day = new Date(0);
  day.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return day.getUTCDate() === Number(m[3]);
}

function parseProvenance(v: unknown): SlimProvenance {
  const p = getObject(v, 'header.provenance');
  const slimfit = getString(p.slimfit, 'header.provenance.slimfit', 256);
  const created = getString(p.created, 'header.provenance.created', 64);
  if (!isIsoDate(created)) throw formatError(`header.provenance.created ${JSON.stringify(created)} is not an ISO 8601 date (e.g. "2025-01-31T12:00:00.000Z")`);
  const out: SlimProvenance = { slimfit, created };
  if (p.inputDigest !== undefined) out.inputDigest = getString(p.inputDigest, 'header.provenance.inputDigest', 1024);
  if (p.source !== undefined) out.source = getString(p.source, 'header.provenance.source', 4096);
  if (p.options !== undefined) out.options = fromTaggedJSON(getObject(p.options, 'header.provenance.options'), 'header.provenance.options') as Record<string, unknown>;
  return out;
}

/** `packed` (version 2): entries have no offsets; they follow one another from 0 in table order, without padding. */
function parseTensorTable(v: unknown, dataBytes: number, packed: boolean): SlimTensorEntry[] {
  const list = getArray(v, 'header.tensors');
  const names = new Set<string>();
  let next = 0;
  const out: SlimTensorEntry[] = list.map((e, i) => {
    const what = `header.tensors[${i}]`;
    const t = getObject(e, what);
    const name = getString(t.name, `${what}.name`, MAX_NAME_LENGTH);
    if (name.length === 0) throw formatError(`${what}.name is empty`);
    if (names.has(name)) throw formatError(`tensor ${JSON.stringify(name)} appears twice in the tensor table`);
    names.add(name);
    const tw = `tensor ${JSON.stringify(name)}`;
    const dtype = getEnum(t.dtype, `${tw} dtype`, SLIM_DTYPES);
    const { shape, count } = getShape(t.shape, `${tw} shape`);
    if (packed) {
      const begin = next;
      next += count * DTYPE_SIZE[dtype];
      if (next > dataBytes) throw formatError(`${tw} would end at ${next}, past the ${dataBytes}-byte data section`);
      return { name, dtype, shape, count, offsets: [begin, next] as [number, number] };
    }
    const off = getArray(t.offsets, `${tw} offsets`, 2);
    const begin = getInt(off[0], `${tw} offsets[0]`);
    const end = getInt(off[1], `${tw} offsets[1]`);
    if (end < begin) throw formatError(`${tw} offsets [${begin}, ${end}) end before they begin`);
    if (begin % SLIM_ALIGN !== 0) throw formatError(`${tw} starts at ${begin}, not a multiple of ${SLIM_ALIGN}`);
    if (end > dataBytes) throw formatError(`${tw} offsets [${begin}, ${end}) run past the ${dataBytes}-byte data section`);
    const want = count * DTYPE_SIZE[dtype];
    if (end - begin !== want) {
      throw formatError(`${tw} holds ${end - begin} bytes but shape ${JSON.stringify(shape)} of ${dtype} needs ${want}`);
    }
    return { name, dtype, shape, count, offsets: [begin, end] as [number, number] };
  });
  if (packed) {
    if (next !== dataBytes) throw formatError(`data section is ${dataBytes} bytes but its tensors take ${next}`);
    return out;
  }
  const sorted = out.slice().sort((a, b) => a.offsets[0] - b.offsets[0] || a.offsets[1] - b.offsets[1]);
  let maxEnd = 0;
  for (let i = 0; i < sorted.length; i++) {
    const t = sorted[i];
    if (i > 0 && t.offsets[0] < sorted[i - 1].offsets[1]) {
      const p = sorted[i - 1];
      throw formatError(`tensors ${JSON.stringify(p.name)} [${p.offsets[0]}, ${p.offsets[1]}) and ${JSON.stringify(t.name)} [${t.offsets[0]}, ${t.offsets[1]}) overlap`);
    }
    maxEnd = Math.max(maxEnd, t.offsets[1]);
  }
  if (dataBytes !== align(maxEnd, SLIM_ALIGN)) {
    throw formatError(`data section is ${dataBytes} bytes but its tensors end at ${maxEnd} (expected ${align(maxEnd, SLIM_ALIGN)} with padding)`);
  }
  return out;
}

/** Parses and validates the header JSON `hb` (slim-v2.ts headerJsonBytes) and its tensor table (not the kind-specific content). */
export function parseHeader(hb: Uint8Array, pre: SlimPreamble): SlimHeader {
  if (hb[0] !== 0x7b) throw formatError('header does not start with "{"');
  const raw = parseBoundedJson(decodeUtf8(hb, 'header'), 'header', HEADER_LIMITS);
  if (!isPlainObject(raw)) throw formatError(`header must be a JSON object, found ${describeMember(raw)}`);
  if (raw.format !== 'slimfit') throw formatError(`header.format must be "slimfit", found ${describeMember(raw.format)}`);
  const kind = getEnum(raw.kind, 'header.kind', SLIM_KINDS);
  const provenance = raw.provenance === undefined && pre.major >= 2 ? undefined : parseProvenance(raw.provenance);
  const statistics = raw.statistics === undefined ? undefined : (fromTaggedJSON(getObject(raw.statistics, 'header.statistics'), 'header.statistics') as Record<string, unknown>);
  const names = (key: 'features' | 'targets'): string[] | undefined =>
    raw[key] === undefined ? undefined : getArray(raw[key], `header.${key}`).map((x, i) => getString(x, `header.${key}[${i}]`, 4096));
  const features = names('features');
  const targets = names('targets');
  const tensors = parseTensorTable(raw.tensors, pre.dataBytes, pre.major >= 2);
  let model: JsonObject | undefined;
  let objects: unknown[] | undefined;
  if (kind === 'tensors') {
    objects = getArray(raw.objects, 'header.objects');
  } else {
    model = getObject(raw.model, 'header.model');
  }
  return { kind, provenance, features, targets, statistics, model, objects, tensors, raw };
}

/** True when the bytes start with the .slim magic (cheap sniffing, e.g. to pick a reader by content). */
export function isSlim(bytes: Uint8Array): boolean {
  return bytes.length >= SLIM_MAGIC.length && SLIM_MAGIC.every((b, i) => bytes[i] === b);
}

