/**
 * The .slim container's bytes (format version 1): laying out the tensors, writing preamble,
 * padded header, data section and CRC-32C; and on read, opening the file
 * (preamble, checksum) and handing out the tensors of its table, each checked
 * for dtype and shape, so that the content codecs see names, not offsets.
 * Reading the header and its table is slim-header.ts.
 */
import { SlimfitError, isSlimfitError } from '../errors.js';
import { formatError, type JsonObject } from '../json.js';
import { shapeError, type TensorSink, type TensorSource } from '../models/fields.js';
import { align, dtypeOf, readArray, sameShape, writeArray, writeU64, type NumericArray } from './binary.js';
import { crc32c, hex32 } from './checksum.js';
import { HEADER_LIMITS, scanJson } from './json-scan.js';
import {
  CHECKSUM_BYTES,
  MAX_HEADER_BYTES,
  MAX_NAME_LENGTH,
  PREAMBLE_BYTES,
  SLIM_ALIGN,
  SLIM_MAGIC,
  elementBudget,
  parsePreamble,
  type SlimDtype,
  type SlimPreamble,
  type SlimTensorEntry,
} from './slim-header.js';

/** Collects the tensors of a file being written, in table order; E_SHAPE on a bad name, a repeated name or data that does not match. */
export class TensorWriter implements TensorSink {
  readonly list: { name: string; dtype: SlimDtype; shape: number[]; data: NumericArray }[] = [];
  private readonly names = new Set<string>();
  private elements = 0;

  /** Counts elements the file's objects decode to (what TensorReader.claim counts on read). */
  claim(elements: number): void {
    this.elements += elements;
  }

  get claimed(): number {
    return this.elements;
  }

  add(name: string, dtype: SlimDtype, shape: number[], data: NumericArray): void {
    if (name.length === 0 || name.length > MAX_NAME_LENGTH) throw shapeError(`tensor name ${JSON.stringify(name.slice(0, 40))} must have 1 to ${MAX_NAME_LENGTH} characters`);
    if (this.names.has(name)) throw shapeError(`two tensors would be named ${JSON.stringify(name)}; rename one`);
    if (dtypeOf(data) !== dtype) throw shapeError(`tensor ${JSON.stringify(name)}: data is ${dtypeOf(data) ?? 'not a typed array'}, expected ${dtype}`);
    const count = shape.reduce((a, b) => a * b, 1);
    if (count !== data.length) throw shapeError(`tensor ${JSON.stringify(name)}: shape ${JSON.stringify(shape)} holds ${count} values but the data has ${data.length}`);
    this.names.add(name);
    this.list.push({ name, dtype, shape, data });
  }
}

/**
 * The file's bytes: `header` (every member but `tensors`, which is the
 * layout of `w`'s tensors, appended last), tensors at 16-byte aligned
 * offsets, then the CRC-32C.
 */
export async function writeContainer(header: JsonObject, w: TensorWriter): Promise<Uint8Array> {
  let off = 0;
  const table = w.list.map((t) => {
    off = align(off, SLIM_ALIGN);
    const begin = off;
    off += t.data.byteLength;
    return { name: t.name, dtype: t.dtype, shape: t.shape, offsets: [begin, off] };
  });
  const dataBytes = align(off, SLIM_ALIGN);
  const text = JSON.stringify({ ...header, tensors: table });
  const json = new TextEncoder().encode(text);
  const headerBytes = align(PREAMBLE_BYTES + json.length, SLIM_ALIGN) - PREAMBLE_BYTES;
  if (headerBytes > MAX_HEADER_BYTES) throw new SlimfitError('E_RANGE', `the header would take ${headerBytes} bytes, over the ${MAX_HEADER_BYTES}-byte limit (too many tensors, or very large statistics/options)`);
  const dataStart = PREAMBLE_BYTES + headerBytes;
  const total = dataStart + dataBytes + CHECKSUM_BYTES;
  checkReadable(text, w, total);
  const out = startFile(total, 1); // this writer is format version 1.0 (version 2: slim-v2.ts)
  const view = new DataView(out.buffer);
  view.setUint32(12, headerBytes, true);
  writeU64(view, 16, dataBytes);
  out.set(json, PREAMBLE_BYTES);
  out.fill(0x20, PREAMBLE_BYTES + json.length, dataStart);
  w.list.forEach((t, i) => writeArray(out, dataStart + table[i].offsets[0], t.data));
  const crc = await crc32c(out.subarray(0, total - CHECKSUM_BYTES));
  view.setUint32(total - CHECKSUM_BYTES, crc, true);
  return out;
}

/** A zeroed file of `total` bytes with the magic and format version `major`.0 written; E_MEMORY when it cannot be allocated. */
export function startFile(total: number, major: 1 | 2): Uint8Array {
  let out: Uint8Array;
  try {
    out = new Uint8Array(total);
  } catch {
    throw new SlimfitError('E_MEMORY', `cannot allocate ${total} bytes for the file`);
  }
  out.set(SLIM_MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint16(8, major, true);
  view.setUint16(10, 0, true);
  return out;
}

/** E_RANGE unless a reader would accept this header text and element count: the writers of both versions refuse what the readers refuse. */
export function checkReadable(text: string, w: TensorWriter, totalBytes: number): void {
  try {
    scanJson(text, 'header', HEADER_LIMITS);
  } catch (e) {
    throw new SlimfitError('E_RANGE', `cannot write this file: ${(e as SlimfitError).reason}`);
  }
  if (w.claimed > elementBudget(totalBytes)) {
    throw new SlimfitError('E_RANGE', `the tensors hold ${w.claimed} elements, more than a ${totalBytes}-byte file may decode to (${elementBudget(totalBytes)}: 2^25 + 8 per byte); split them over several files`);
  }
}

/** Hands out the tensors of a file's table by name; finish() checks that every one was taken. */
export class TensorReader implements TensorSource {
  private readonly byName = new Map<string, SlimTensorEntry>();
  private readonly used = new Set<string>();
  private claimed = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly dataStart: number,
    tensors: SlimTensorEntry[],
  ) {
    for (const t of tensors) this.byName.set(t.name, t);
  }

  /** Counts `elements` that `what` decodes to against the file's elementBudget, before they are allocated. */
  claim(elements: number, what: string): void {
    this.claimed += elements;
    const budget = elementBudget(this.bytes.length);
    if (this.claimed > budget) {
      throw formatError(`${what} would bring the file's tensors to ${this.claimed} elements, more than a ${this.bytes.length}-byte file may decode to (${budget}: 2^25 + 8 per byte)`);
    }
  }

  /** The entry `name`, checked for dtype and (when given) shape. */
  entry(name: string, dtypes: readonly SlimDtype[], shape?: readonly number[]): SlimTensorEntry {
    const t = this.byName.get(name);
    if (t === undefined) throw formatError(`tensor ${JSON.stringify(name)} is missing`);
    if (!dtypes.includes(t.dtype)) throw formatError(`tensor ${JSON.stringify(name)} is ${t.dtype}, expected ${dtypes.join(' or ')}`);
    if (shape !== undefined && !sameShape(t.shape, shape)) throw formatError(`tensor ${JSON.stringify(name)} has shape ${JSON.stringify(t.shape)}, expected ${JSON.stringify(shape)}`);
    return t;
  }

  /** A fresh, aligned copy of the entry's elements. */
  read(t: SlimTensorEntry): NumericArray {
    if (this.used.has(t.name)) throw formatError(`tensor ${JSON.stringify(t.name)} is used twice (each table entry belongs to exactly one object)`);
    this.used.add(t.name);
    const [b, e] = t.offsets;
    return readArray(this.bytes, this.dataStart + b, e - b, t.dtype);
  }

  take(name: string, dtypes: readonly SlimDtype[], shape?: readonly number[]): NumericArray {
    return this.read(this.entry(name, dtypes, shape));
  }

  /** Every tensor in the table must have been read. */
  finish(): void {
    for (const name of this.byName.keys()) if (!this.used.has(name)) throw formatError(`unexpected tensor ${JSON.stringify(name)} for this kind of file`);
  }
}

/** Runs a reader step; anything that is not already a SlimfitError becomes E_FORMAT (a safety net: no RangeError/TypeError escapes). */
export function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isSlimfitError(e)) throw e;
    throw formatError(`malformed .slim file (${e instanceof Error ? `${e.name}: ${e.message}` : String(e)})`);
  }
}

export interface OpenedSlim {
  bytes: Uint8Array;
  pre: SlimPreamble;
  /** The stored and the computed CRC-32C, 8 hex digits each. */
  checksum: { stored: string; computed: string; ok: boolean };
  /** "checksum mismatch (stored crc32c …, computed …)". */
  mismatch: string;
}

/** Checks the input type and the preamble, and computes the checksum (not compared: inspectSlim reports a mismatch, decodeSlim throws). */
export async function openContainer(input: Uint8Array): Promise<OpenedSlim> {
  let bytes: Uint8Array;
  if (input instanceof Uint8Array) bytes = input;
  else if ((input as unknown) instanceof ArrayBuffer) bytes = new Uint8Array(input as unknown as ArrayBuffer);
  else throw formatError(`expected the file's bytes as a Uint8Array, got ${Object.prototype.toString.call(input)}`);
  const pre = guarded(() => parsePreamble(bytes));
  const computed = await crc32c(bytes.subarray(0, pre.fileBytes - CHECKSUM_BYTES));
  const checksum = { stored: hex32(pre.storedChecksum), computed: hex32(computed), ok: computed === pre.storedChecksum };
  return { bytes, pre, checksum, mismatch: `checksum mismatch (stored crc32c ${checksum.stored}, computed ${checksum.computed})` };
}
