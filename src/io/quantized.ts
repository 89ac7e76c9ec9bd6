/**
 * QuantizedTensor parts as files store them, validated the same way on read
 * (E_FORMAT: the file is wrong) and on write (E_SHAPE: the caller's tensor is
 * inconsistent). The layout is the one documented on QuantizedTensor
 * (src/types.ts) and implemented in src/codes.ts.
 */
import { SlimfitError, type SlimfitErrorCode } from '../errors.js';
import type { Granularity, QuantizedTensor, QuantScheme } from '../types.js';
import { packedBytes, quantRange } from '../codes.js';
import { packCodes, unpackCodes } from '../codes.js';
import { getShape, type Dtype } from './binary.js';
import { describeMember, formatError, getArray, getEnum, getInt, isPlainObject } from '../json.js';

/** I8 for symmetric codes at 5..8 bits (one signed code per byte), U8 otherwise (affine, or packed 2..4 bits). */
export function codesDtype(bits: number, scheme: QuantScheme): 'I8' | 'U8' {
  return scheme === 'symmetric' && bits >= 5 ? 'I8' : 'U8';
}

/** Granularity as JSON: "tensor", {"axis": 0|1, "shape": [rows, cols]} or {"block": B}. */
export type GranularityJSON = 'tensor' | { axis: 0 | 1; shape: [number, number] } | { block: number };

export function granularityToJSON(g: Granularity): GranularityJSON {
  if (g === 'tensor') return 'tensor';
  if ('block' in g) return { block: g.block };
  return { axis: g.axis, shape: [g.shape[0], g.shape[1]] };
}

type Fail = (message: string) => SlimfitError;

/** Runs fn; an E_FORMAT it throws is rethrown with `code` (E_SHAPE when checking a caller's input). */
export function recode<T>(code: SlimfitErrorCode, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (code !== 'E_FORMAT' && e instanceof SlimfitError && e.code === 'E_FORMAT') {
      throw new SlimfitError(code, e.reason, e.details ? { ...e.details } : undefined);
    }
    throw e;
  }
}

/** Parses and checks a granularity for `count` elements; returns it (a fresh object) and its group count. */
export function parseGranularity(v: unknown, count: number, what: string): { granularity: Granularity; groups: number } {
  if (v === 'tensor') return { granularity: 'tensor', groups: 1 };
  if (isPlainObject(v) && 'block' in v) {
    const b = getInt(v.block, `${what}.block`, 1);
    if (count % b !== 0) throw formatError(`${what}.block = ${b} does not divide the ${count} elements`);
    return { granularity: { block: b }, groups: count / b };
  }
  if (isPlainObject(v) && 'axis' in v) {
    const axis = getInt(v.axis, `${what}.axis`, 0, 1) as 0 | 1;
    const s = getArray(v.shape, `${what}.shape`, 2);
    const rows = getInt(s[0], `${what}.shape[0]`, 1);
    const cols = getInt(s[1], `${what}.shape[1]`, 1);
    if (rows * cols !== count) throw formatError(`${what}.shape [${rows}, ${cols}] holds ${rows * cols} elements but the tensor has ${count}`);
    return { granularity: { axis, shape: [rows, cols] }, groups: axis === 0 ? rows : cols };
  }
  throw formatError(`${what} must be "tensor", {"axis": 0|1, "shape": [rows, cols]} or {"block": B}, found ${describeMember(v)}`);
}

/**
 * Checks n codes stored at `bits`: each inside the scheme's range, and for
 * packed layouts (2..4 bits) the unused bits zero, so that the bytes are the
 * canonical packing (what packCodes writes).
 */
export function checkCodes(data: Int8Array | Uint8Array, n: number, bits: number, scheme: QuantScheme, what: string, fail: Fail): void {
  if (data.length !== packedBytes(n, bits)) throw fail(`${what} has ${data.length} bytes, expected ${packedBytes(n, bits)} for ${n} codes at ${bits} bits`);
  if (bits === 8) return;
  const codes = unpackCodes(data, n, bits, scheme);
  const { qmin, qmax } = quantRange(bits, scheme);
  for (let i = 0; i < n; i++) {
    const q = codes[i];
    if (q < qmin || q > qmax) throw fail(`${what}: code ${i} is ${q}, outside [${qmin}, ${qmax}] for ${scheme} ${bits}-bit`);
  }
  if (bits <= 4) {
    const again = packCodes(codes, bits, scheme);
    for (let i = 0; i < again.length; i++) {
      if ((again[i] & 0xff) !== (data[i] & 0xff)) throw fail(`${what}: byte ${i} has non-zero unused bits`);
    }
  }
}

export function checkScales(scale: Float32Array, groups: number, what: string, fail: Fail): void {
  if (scale.length !== groups) throw fail(`${what} has ${scale.length} values, expected ${groups} (one per group)`);
  for (let g = 0; g < groups; g++) {
    const s = scale[g];
    if (!(s > 0 && s < Infinity)) throw fail(`${what}[${g}] = ${s}; scales must be finite and > 0`);
  }
}

export function checkZeroPoints(zp: ArrayLike<number> | undefined, groups: number, bits: number, scheme: QuantScheme, what: string, fail: Fail): void {
  if (zp === undefined) {
    if (scheme === 'affine') throw fail(`${what} is missing (the affine scheme needs one zero point per group)`);
    return;
  }
  if (zp.length !== groups) throw fail(`${what} has ${zp.length} values, expected ${groups} (one per group)`);
  const { qmin, qmax } = scheme === 'affine' ? quantRange(bits, scheme) : { qmin: 0, qmax: 0 };
  for (let g = 0; g < groups; g++) {
    const z = zp[g];
    if (!Number.isInteger(z) || z < qmin || z > qmax) throw fail(`${what}[${g}] = ${z}, outside [${qmin}, ${qmax}] for ${scheme} ${bits}-bit`);
  }
}

export interface QuantizedParts {
  bits: unknown;
  scheme: unknown;
  shape: unknown;
  granularity: unknown;
  data: Int8Array | Uint8Array;
  scale: Float32Array;
  zeroPoint?: ArrayLike<number> | undefined;
}

/**
 * Validates the parts of a quantized tensor and assembles a QuantizedTensor
 * (fresh arrays; zero points as Int32Array). `code` is E_FORMAT for a file
 * being read, E_SHAPE for a caller's tensor being written.
 */
export function assembleQuantized(p: QuantizedParts, what: string, code: SlimfitErrorCode): QuantizedTensor {
  return recode(code, () => {
    const fail: Fail = formatError;
    const bits = getInt(p.bits, `${what}.bits`, 2, 8);
    const scheme = getEnum(p.scheme, `${what}.scheme`, ['symmetric', 'affine'] as const);
    const { shape, count: n } = getShape(p.shape, `${what}.shape`);
    if (n < 1) throw fail(`${what}.shape ${JSON.stringify(shape)} has no elements`);
    const { granularity, groups } = parseGranularity(p.granularity, n, `${what}.granularity`);
    const wantI8 = codesDtype(bits, scheme) === 'I8';
    if (wantI8 ? !(p.data instanceof Int8Array) : !(p.data instanceof Uint8Array)) {
      throw fail(`${what} codes must be ${wantI8 ? 'I8 (Int8Array)' : 'U8 (Uint8Array)'} for ${scheme} ${bits}-bit`);
    }
    checkCodes(p.data, n, bits, scheme, `${what} codes`, fail);
    if (!(p.scale instanceof Float32Array)) throw fail(`${what}.scale must be F32 (Float32Array)`);
    checkScales(p.scale, groups, `${what}.scale`, fail);
    checkZeroPoints(p.zeroPoint, groups, bits, scheme, `${what}.zeroPoint`, fail);
    const t: QuantizedTensor = { bits, scheme, shape, granularity, data: p.data.slice(), scale: p.scale.slice() };
    if (p.zeroPoint !== undefined) t.zeroPoint = Int32Array.from(p.zeroPoint);
    return t;
  });
}

/** Duck-typed QuantizedTensor check (for inputs that mix tensor kinds). */
export function isQuantizedTensor(v: unknown): v is QuantizedTensor {
  return isPlainObject(v) && 'bits' in v && 'scale' in v && 'data' in v && 'shape' in v;
}

export type { Dtype };
