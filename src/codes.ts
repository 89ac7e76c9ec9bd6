/**
 * Integer codes: their ranges and their packing into QuantizedTensor.data, the
 * layout documented on QuantizedTensor (src/types.ts) and produced by the
 * quantize kernel: bits 5..8 one code per byte (Int8Array for symmetric,
 * Uint8Array for affine); bits 3..4 two per byte, bits 2 four per byte,
 * element i in the low bits first, stored as (q & (2^slot - 1)) in a
 * Uint8Array; unused bits are 0. Pure layout, shared by quantization, the
 * compressed model and the file formats.
 */
import type { QuantScheme } from './types.js';

export interface QuantRange {
  qmin: number;
  qmax: number;
}

/**
 * symmetric: the signed range of `bits` bits, [-2^(b-1), 2^(b-1) - 1];
 * affine: [0, 2^b - 1].
 */
export function quantRange(bits: number, scheme: QuantScheme): QuantRange {
  return scheme === 'symmetric' ? { qmin: -(2 ** (bits - 1)), qmax: 2 ** (bits - 1) - 1 } : { qmin: 0, qmax: 2 ** bits - 1 };
}

/** Bytes used by n packed values: 4 per byte at 2 bits, 2 per byte at 3-4 bits, else 1. */
export function packedBytes(n: number, bits: number): number {
  if (bits <= 2) return Math.ceil(n / 4);
  if (bits <= 4) return Math.ceil(n / 2);
  return n;
}

function slotOf(bits: number): number {
  return bits <= 2 ? 2 : bits <= 4 ? 4 : 8;
}

/** Packs codes (already clamped into the scheme's range) into the stored layout. */
export function packCodes(q: Int32Array, bits: number, scheme: QuantScheme): Int8Array | Uint8Array {
  const n = q.length;
  const slot = slotOf(bits);
  if (slot === 8) return scheme === 'symmetric' ? new Int8Array(q) : new Uint8Array(q);
  const out = new Uint8Array(packedBytes(n, bits));
  const per = 8 / slot;
  const lowMask = (1 << slot) - 1;
  for (let i = 0; i < n; i++) out[(i / per) | 0] |= (q[i] & lowMask) << ((i % per) * slot);
  return out;
}

/** Unpacks n codes; symmetric codes are sign-extended. */
export function unpackCodes(data: Int8Array | Uint8Array, n: number, bits: number, scheme: QuantScheme): Int32Array {
  const slot = slotOf(bits);
  const out = new Int32Array(n);
  if (slot === 8) {
    for (let i = 0; i < n; i++) out[i] = data[i];
    return out;
  }
  const per = 8 / slot;
  const lowMask = (1 << slot) - 1;
  const signBit = 1 << (slot - 1);
  for (let i = 0; i < n; i++) {
    let v = ((data[(i / per) | 0] & 0xff) >> ((i % per) * slot)) & lowMask;
    if (scheme === 'symmetric' && v & signBit) v -= 1 << slot;
    out[i] = v;
  }
  return out;
}
