/**
 * The preamble of a .slim version 2 file (docs/FORMAT.md §1.12):
 *
 *   offset      size  field
 *   0           8     magic (as version 1)
 *   8           2     format major version, u16 LE (2)
 *   10          2     format minor version, u16 LE (0)
 *   12          4     U: header length once inflated, u32 LE (2 .. 16 MiB)
 *   16          4     Z: stored header length, u32 LE
 *   20          Z     header: raw DEFLATE stream (RFC 1951, preset dictionary) of U bytes of UTF-8 JSON
 *   20 + Z      D     data section: the tensors back to back in table order, no padding
 *   20 + Z + D  4     CRC-32C of bytes [0, 20 + Z + D), u32 LE
 *
 * D is what remains: file length - 24 - Z; the tensor table must account for
 * it exactly. Only types are imported from slim-header.ts (which dispatches
 * here by major version), so there is no import cycle.
 */
import { formatError } from '../json.js';
import type { SlimPreamble } from './slim-header.js';

export const V2_PREAMBLE_BYTES = 20;
/** Preamble and checksum: a v2 file is at least this long. */
export const V2_FIXED_BYTES = V2_PREAMBLE_BYTES + 4;
/**
 * DEFLATE cannot expand a stream by more than 1032:1 (a 258-byte match in
 * about 2 bits), so a header claiming more is refused before inflating.
 */
export const MAX_DEFLATE_RATIO = 1032;

/** The lengths of a version 2 file; magic and version are already checked. */
export function parsePreambleV2(bytes: Uint8Array, minor: number, maxHeaderBytes: number): SlimPreamble {
  const n = bytes.length;
  if (n < V2_FIXED_BYTES) throw formatError(`truncated .slim file: ${n} bytes, shorter than the ${V2_FIXED_BYTES}-byte minimum of format version 2`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const inflatedHeaderBytes = view.getUint32(12, true);
  const headerBytes = view.getUint32(16, true);
  if (inflatedHeaderBytes < 2) throw formatError(`header length ${inflatedHeaderBytes} is too small to hold a JSON object`);
  if (inflatedHeaderBytes > maxHeaderBytes) throw formatError(`header length ${inflatedHeaderBytes} exceeds the ${maxHeaderBytes}-byte limit`);
  if (headerBytes < 1) throw formatError('the stored header is empty');
  if (headerBytes > n - V2_FIXED_BYTES) throw formatError(`truncated .slim file: ${n} bytes, but its preamble describes a ${headerBytes}-byte stored header`, { bytes: n, expected: V2_FIXED_BYTES + headerBytes });
  if (inflatedHeaderBytes > headerBytes * MAX_DEFLATE_RATIO) {
    throw formatError(`a ${headerBytes}-byte DEFLATE stream cannot inflate to the ${inflatedHeaderBytes} bytes the preamble claims`);
  }
  const dataStart = V2_PREAMBLE_BYTES + headerBytes;
  return {
    major: 2,
    minor,
    headerBytes,
    inflatedHeaderBytes,
    dataBytes: n - V2_FIXED_BYTES - headerBytes,
    dataStart,
    fileBytes: n,
    storedChecksum: view.getUint32(n - 4, true),
  };
}
