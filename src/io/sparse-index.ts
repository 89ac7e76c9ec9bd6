/**
 * Keep-masks from the two stored index structures (bitmask, CSR), validated:
 * counts, unused bits, row pointers monotone, columns strictly increasing
 * inside a row and in range. Shared by compressed models and sparse tensors.
 */
import { formatError } from '../json.js';
import { setMaskBit } from '../mask.js';

/** Readers rebuild a dense keep-mask and n floats (the model or tensor holds them in memory): refuse more elements than this (2^25), which bounds what a hostile CSR header can make a reader allocate. */
export const MAX_SPARSE_ELEMENTS = 2 ** 25;

function popcount8(b: number): number {
  b = b - ((b >> 1) & 0x55);
  b = (b & 0x33) + ((b >> 2) & 0x33);
  return (b + (b >> 4)) & 0x0f;
}

/** Checks a bitmask of n bits holding exactly `kept` set bits, unused high bits zero; returns a copy. */
export function maskFromBitmask(mask: Uint8Array, n: number, kept: number, what: string): Uint8Array {
  if (mask.length !== (n + 7) >> 3) throw formatError(`${what} has ${mask.length} bytes, expected ${(n + 7) >> 3} for ${n} elements`);
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += popcount8(mask[i]);
  if (n & 7 && mask[mask.length - 1] >> (n & 7)) throw formatError(`${what} has bits set beyond element ${n - 1}`);
  if (count !== kept) throw formatError(`${what} marks ${count} elements as kept, but the header says ${kept}`);
  return mask.slice();
}

/** Checks CSR (rows + 1 pointers, kept column indices) for a rows x cols tensor; returns the keep bitmask. */
export function maskFromCsr(rowPtr: Uint32Array, colIdx: Uint16Array | Uint32Array, rows: number, cols: number, kept: number, what: string): Uint8Array {
  if (rowPtr.length !== rows + 1) throw formatError(`${what} row pointers: ${rowPtr.length} values, expected ${rows + 1}`);
  if (colIdx.length !== kept) throw formatError(`${what} column indices: ${colIdx.length} values, expected ${kept}`);
  if (rowPtr[0] !== 0) throw formatError(`${what} row pointers must start at 0, found ${rowPtr[0]}`);
  if (rowPtr[rows] !== kept) throw formatError(`${what} row pointers must end at ${kept}, found ${rowPtr[rows]}`);
  for (let r = 0; r < rows; r++) {
    if (rowPtr[r + 1] < rowPtr[r]) throw formatError(`${what} row pointers decrease at row ${r} (${rowPtr[r]} then ${rowPtr[r + 1]})`);
  }
  // now 0 = rowPtr[0] <= ... <= rowPtr[rows] = kept: every entry index below is in range
  const n = rows * cols;
  const mask = new Uint8Array((n + 7) >> 3);
  for (let r = 0; r < rows; r++) {
    const a = rowPtr[r];
    const b = rowPtr[r + 1];
    for (let p = a; p < b; p++) {
      const c = colIdx[p];
      if (c >= cols) throw formatError(`${what} column index ${c} at entry ${p} is outside [0, ${cols})`);
      if (p > a && c <= colIdx[p - 1]) throw formatError(`${what} column indices of row ${r} are not strictly increasing at entry ${p}`);
      const i = r * cols + c;
      setMaskBit(mask, i);
    }
  }
  return mask;
}
