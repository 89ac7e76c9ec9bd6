/**
 * .slim format version 2, the compact container (docs/FORMAT.md §1.12): the
 * same header JSON as version 1 (same members, same model schemas), stored
 * as one raw DEFLATE stream against a preset dictionary, and the tensors
 * packed back to back without alignment padding; the table lists name, dtype
 * and shape, the offsets follow from the order. The layout is synchronous up
 * to the checksum, so slim-size.ts can count a file's bytes without writing
 * it. The preamble is read in slim-v2-preamble.ts. The header inflates on
 * the runtime's DecompressionStream (inflate-primed.ts); where it has none
 * for 'deflate-raw', on fflate's inflate (slim-v2-inflate.ts, loaded only
 * then); the deflater is a static import, which bundlers drop from
 * bundles that never encode (it sits in a module of its own).
 */
import { SlimfitError } from '../errors.js';
import { formatError, type JsonObject } from '../json.js';
import { DTYPE_SIZE, isDtype, writeArray } from './binary.js';
import { HEADER_LIMITS, parseBoundedJson } from './json-scan.js';
import { crc32c } from './checksum.js';
import { checkReadable, startFile, type TensorWriter } from './slim-container.js';
import { CHECKSUM_BYTES, MAX_HEADER_BYTES, PREAMBLE_BYTES, type SlimPreamble } from './slim-header.js';
import { deflateHeader } from './slim-v2-deflate.js';
import { HEADER_DICTIONARY } from './slim-v2-dictionary.js';
import { inflatePrimed } from './inflate-primed.js';
import { V2_FIXED_BYTES, V2_PREAMBLE_BYTES } from './slim-v2-preamble.js';

/** The file's bytes with the checksum slot still zero: `header` (every member but `tensors`, which is `w`'s table, appended last), then the packed tensors. */
export function layoutV2(header: JsonObject, w: TensorWriter): Uint8Array {
  const table = w.list.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape }));
  const text = JSON.stringify({ ...header, tensors: table });
  const json = new TextEncoder().encode(text);
  if (json.length > MAX_HEADER_BYTES) throw new SlimfitError('E_RANGE', `the header would take ${json.length} bytes, over the ${MAX_HEADER_BYTES}-byte limit (too many tensors, or very large statistics/options)`);
  const stored = deflateHeader(json);
  const dataBytes = w.list.reduce((s, t) => s + t.data.byteLength, 0);
  const total = V2_FIXED_BYTES + stored.length + dataBytes;
  checkReadable(text, w, total);
  const out = startFile(total, 2);
  const view = new DataView(out.buffer);
  view.setUint32(12, json.length, true);
  view.setUint32(16, stored.length, true);
  out.set(stored, V2_PREAMBLE_BYTES);
  let off = V2_PREAMBLE_BYTES + stored.length;
  for (const t of w.list) {
    writeArray(out, off, t.data);
    off += t.data.byteLength;
  }
  return out;
}

/** layoutV2 with its CRC-32C. */
export async function writeContainerV2(header: JsonObject, w: TensorWriter): Promise<Uint8Array> {
  const out = layoutV2(header, w);
  const crc = await crc32c(out.subarray(0, out.length - CHECKSUM_BYTES));
  new DataView(out.buffer).setUint32(out.length - CHECKSUM_BYTES, crc, true);
  return out;
}

/**
 * Why a version 2 file's checksum does not match, when the reason is that it
 * was cut short: its length is not stored (the data section is what
 * remains), so a truncated download shows up as a checksum mismatch; the
 * header, if it still inflates, says how long the file should be. Undefined
 * when that cannot be told.
 */
export async function truncation(bytes: Uint8Array, pre: SlimPreamble): Promise<string | undefined> {
  if (pre.major !== 2) return undefined;
  try {
    const text = new TextDecoder().decode(await headerJsonBytes(bytes, pre));
    const raw = parseBoundedJson(text, 'header', HEADER_LIMITS) as { tensors: { dtype: string; shape: number[] }[] };
    let need = 0;
    for (const t of raw.tensors) need += isDtype(t.dtype) ? DTYPE_SIZE[t.dtype] * t.shape.reduce((a, b) => a * b, 1) : NaN;
    const want = V2_FIXED_BYTES + pre.headerBytes + need;
    return want > bytes.length ? `truncated .slim file: ${bytes.length} bytes, but its header describes ${want}` : undefined;
  } catch {
    return undefined;
  }
}

/** The header's JSON bytes: in place for version 1, inflated for version 2; E_FORMAT when the stream is invalid or inflates to another length than U. */
export async function headerJsonBytes(bytes: Uint8Array, pre: SlimPreamble): Promise<Uint8Array> {
  if (pre.major === 1) return bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + pre.headerBytes);
  const length = pre.inflatedHeaderBytes!;
  const stored = bytes.subarray(V2_PREAMBLE_BYTES, V2_PREAMBLE_BYTES + pre.headerBytes);
  let out: Uint8Array;
  try {
    // The runtime's DecompressionStream where it has 'deflate-raw'; else fflate's inflater, a chunk loaded only then.
    out = (await inflatePrimed(stored, HEADER_DICTIONARY, length)) ?? (await import('./slim-v2-inflate.js')).inflateHeader(stored, length, HEADER_DICTIONARY);
  } catch (e) {
    throw formatError(`the header is not a valid DEFLATE stream (${e instanceof Error ? e.message : String(e)})`);
  }
  if (out.length > length) throw formatError(`the header inflates to more than the ${length} bytes the preamble says`);
  if (out.length < length) throw formatError(`the header inflates to ${out.length} bytes, but the preamble says ${length}`);
  return out;
}
