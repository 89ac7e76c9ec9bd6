/**
 * Byte-level helpers shared by the .slim and safetensors codecs: dtype
 * tables, little-endian typed-array copies in and out, shape arithmetic
 * without overflow, strict UTF-8. Every failure is a SlimfitError('E_FORMAT')
 * naming what is wrong; the JSON member readers are in src/json.ts.
 */
import { formatError, getArray, getInt } from '../json.js';

/** Element types of the files' tensors (safetensors names; .slim uses a subset). */
export type Dtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'U64' | 'I32' | 'U32' | 'I16' | 'U16' | 'I8' | 'U8' | 'BOOL';

export const DTYPE_SIZE: Readonly<Record<Dtype, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  U64: 8,
  I32: 4,
  U32: 4,
  I16: 2,
  U16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

export function isDtype(v: unknown): v is Dtype {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_SIZE, v);
}

/** Typed arrays the codecs read and write. */
export type NumericArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | BigInt64Array
  | BigUint64Array;

/** The dtype a typed array is written as (Uint8Array -> U8; never BOOL/F16/BF16). */
export function dtypeOf(a: unknown): Dtype | undefined {
  if (a instanceof Float64Array) return 'F64';
  if (a instanceof Float32Array) return 'F32';
  if (a instanceof Int32Array) return 'I32';
  if (a instanceof Uint32Array) return 'U32';
  if (a instanceof Int16Array) return 'I16';
  if (a instanceof Uint16Array) return 'U16';
  if (a instanceof Int8Array) return 'I8';
  if (a instanceof Uint8Array) return 'U8'; // also Buffer and Uint8ClampedArray is not a Uint8Array
  if (a instanceof BigInt64Array) return 'I64';
  if (a instanceof BigUint64Array) return 'U64';
  return undefined;
}

export const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses each `size`-byte element in place (big-endian hosts only). */
function swapInPlace(b: Uint8Array, size: number): void {
  for (let i = 0; i + size <= b.length; i += size) {
    for (let lo = i, hi = i + size - 1; lo < hi; lo++, hi--) {
      const t = b[lo];
      b[lo] = b[hi];
      b[hi] = t;
    }
  }
}

/**
 * Copies `len` bytes at `off` out of `bytes` as a fresh, aligned typed array of
 * `dtype` (little-endian in the file). F16 and BF16 come back as their raw
 * Uint16 bit patterns (see halfToFloat32 / bfloat16ToFloat32); BOOL as Uint8.
 * The caller has checked the range and that len is a multiple of the size.
 */
export function readArray(bytes: Uint8Array, off: number, len: number, dtype: Dtype): NumericArray {
  // Uint8Array's slice, not the argument's own: a Node Buffer's slice is a view into its (pooled) memory, not a copy
  const copy = Uint8Array.prototype.slice.call(bytes, off, off + len);
  const size = DTYPE_SIZE[dtype];
  if (!LITTLE_ENDIAN_HOST && size > 1) swapInPlace(copy, size);
  const n = len / size;
  switch (dtype) {
    case 'F64':
      return new Float64Array(copy.buffer, 0, n);
    case 'F32':
      return new Float32Array(copy.buffer, 0, n);
    case 'I64':
      return new BigInt64Array(copy.buffer, 0, n);
    case 'U64':
      return new BigUint64Array(copy.buffer, 0, n);
    case 'I32':
      return new Int32Array(copy.buffer, 0, n);
    case 'U32':
      return new Uint32Array(copy.buffer, 0, n);
    case 'I16':
      return new Int16Array(copy.buffer, 0, n);
    case 'U16':
    case 'F16':
    case 'BF16':
      return new Uint16Array(copy.buffer, 0, n);
    case 'I8':
      return new Int8Array(copy.buffer, 0, n);
    case 'U8':
    case 'BOOL':
      return copy;
  }
}

/** Writes a typed array's elements little-endian into `out` at `off`. */
export function writeArray(out: Uint8Array, off: number, a: NumericArray): void {
  const src = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  out.set(src, off);
  if (!LITTLE_ENDIAN_HOST && a.BYTES_PER_ELEMENT > 1) swapInPlace(out.subarray(off, off + a.byteLength), a.BYTES_PER_ELEMENT);
}

/** IEEE 754 binary16 bit pattern -> float32 (exact: subnormals, ±0, ±Infinity; NaN stays NaN). */
export function halfToFloat32(h: Uint16Array): Float32Array {
  const out = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) {
    const v = h[i];
    const sign = v & 0x8000 ? -1 : 1;
    const exp = (v >> 10) & 0x1f;
    const man = v & 0x3ff;
    if (exp === 0) out[i] = sign * man * 2 ** -24; // zero and subnormals
    else if (exp === 31) out[i] = man === 0 ? sign * Infinity : NaN;
    else out[i] = sign * (1024 + man) * 2 ** (exp - 25);
  }
  return out;
}

/** bfloat16 bit pattern -> float32: the high half of the float32, bit for bit (NaN payloads included). */
export function bfloat16ToFloat32(h: Uint16Array): Float32Array {
  const bits = new Uint32Array(h.length);
  for (let i = 0; i < h.length; i++) bits[i] = h[i] << 16;
  return new Float32Array(bits.buffer);
}

/** Reads a little-endian u64 as a number; undefined when it is 2^53 or more. */
export function readU64(view: DataView, off: number): number | undefined {
  const lo = view.getUint32(off, true);
  const hi = view.getUint32(off + 4, true);
  if (hi >= 2 ** 21) return undefined;
  return hi * 2 ** 32 + lo;
}

export function writeU64(view: DataView, off: number, v: number): void {
  view.setUint32(off, v % 2 ** 32, true);
  view.setUint32(off + 4, Math.floor(v / 2 ** 32), true);
}

export function align(v: number, to: number): number {
  return Math.ceil(v / to) * to;
}

/**
 * A shape: an array of integers in [0, 2^53); returns the element count, or
 * throws when the product reaches 2^53 (no silent overflow).
 */
export function getShape(v: unknown, what: string, maxRank = 16): { shape: number[]; count: number } {
  const a = getArray(v, what);
  if (a.length > maxRank) throw formatError(`${what} has ${a.length} dimensions (at most ${maxRank})`);
  const shape = a.map((x, i) => getInt(x, `${what}[${i}]`));
  return { shape, count: shapeCount(shape, what) };
}

export function shapeCount(shape: readonly number[], what: string): number {
  let count = 1;
  for (const s of shape) {
    count *= s;
    if (count > Number.MAX_SAFE_INTEGER) throw formatError(`${what} ${JSON.stringify(shape)} has too many elements`);
  }
  return count;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Decodes UTF-8 strictly (invalid sequences are an error, not U+FFFD). */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw formatError(`${what} is not valid UTF-8`);
  }
}
