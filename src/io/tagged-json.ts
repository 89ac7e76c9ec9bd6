/**
 * "Tagged JSON": plain JSON for report objects that hold typed arrays and
 * non-finite numbers, decoded back to equal values (same typed-array types,
 * same bits). Rules (documented in docs/FORMAT.md):
 *  - strings, booleans, null, finite numbers other than -0: themselves;
 *  - NaN, Infinity, -Infinity, -0: {"$num": "NaN" | "Infinity" | "-Infinity" | "-0"};
 *  - Float64Array / Float32Array / Int32Array / Uint8Array:
 *    {"$f64" | "$f32" | "$i32" | "$u8": [elements]}, elements as finite numbers
 *    or the strings "NaN", "Infinity", "-Infinity", "-0";
 *  - arrays: arrays (undefined elements become null); plain objects: objects,
 *    properties whose value is undefined omitted; a Date: its ISO 8601 string.
 *  Anything else (functions, Maps, class instances, BigInt) cannot be stored.
 * An object whose only key starts with "$" is a tag; other "$" keys are not allowed.
 */
import { SlimfitError } from '../errors.js';
import { decodeNum, describeMember, encodeNum, formatError, isPlainObject } from '../json.js';

const MAX_DEPTH = 32;

export function toTaggedJSON(v: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new Error('report nested too deeply');
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0) ? v : { $num: encodeNum(v) };
  if (v instanceof Float64Array) return { $f64: Array.from(v, encodeNum) };
  if (v instanceof Float32Array) return { $f32: Array.from(v, encodeNum) };
  if (v instanceof Int32Array) return { $i32: Array.from(v) };
  if (v instanceof Uint8Array) return { $u8: Array.from(v) };
  if (Array.isArray(v)) return v.map((x) => toTaggedJSON(x === undefined ? null : x, depth + 1));
  if (v instanceof Date) return v.toISOString();
  const proto: unknown = typeof v === 'object' ? Object.getPrototypeOf(v) : undefined;
  if (isPlainObject(v) && (proto === Object.prototype || proto === null)) {
    const out = Object.create(null) as Record<string, unknown>; // "__proto__" stays a plain key
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) continue;
      if (k.startsWith('$')) throw new Error(`report key ${k} starts with "$"`);
      out[k] = toTaggedJSON(x, depth + 1);
    }
    return out;
  }
  throw new Error(`cannot store a ${Object.prototype.toString.call(v)} in a report`);
}

export function fromTaggedJSON(v: unknown, what: string, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw formatError(`${what} is nested more than ${MAX_DEPTH} levels deep`);
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  if (Array.isArray(v)) return v.map((x, i) => fromTaggedJSON(x, `${what}[${i}]`, depth + 1));
  if (!isPlainObject(v)) throw formatError(`${what} is ${describeMember(v)}`);
  const keys = Object.keys(v);
  if (keys.length === 1 && keys[0].startsWith('$')) {
    const tag = keys[0];
    const x = v[tag];
    if (tag === '$num') return decodeNum(x, `${what}.$num`);
    if (!Array.isArray(x)) throw formatError(`${what}.${tag} must be an array`);
    const nums = x.map((e, i) => decodeNum(e, `${what}.${tag}[${i}]`));
    switch (tag) {
      case '$f64':
        return Float64Array.from(nums);
      case '$f32': {
        const a = Float32Array.from(nums);
        if (a.some((e, i) => !Object.is(e, nums[i]) && !(Number.isNaN(e) && Number.isNaN(nums[i])))) throw formatError(`${what}.$f32 holds a value that is not a float32`);
        return a;
      }
      case '$i32':
      case '$u8': {
        const [lo, hi] = tag === '$i32' ? [-(2 ** 31), 2 ** 31 - 1] : [0, 255];
        nums.forEach((e, i) => {
          if (!Number.isInteger(e) || e < lo || e > hi) throw formatError(`${what}.${tag}[${i}] = ${e} is not an integer in [${lo}, ${hi}]`);
        });
        return tag === '$i32' ? Int32Array.from(nums) : Uint8Array.from(nums);
      }
      default:
        throw formatError(`${what} has an unknown tag ${JSON.stringify(tag)}`);
    }
  }
  const entries: [string, unknown][] = [];
  for (const k of keys) {
    if (k.startsWith('$')) throw formatError(`${what} has a key ${JSON.stringify(k)} starting with "$" next to others`);
    entries.push([k, fromTaggedJSON(v[k], `${what}.${k}`, depth + 1)]);
  }
  return Object.fromEntries(entries); // CreateDataProperty: a "__proto__" key stays an own property
}

/** toTaggedJSON for a value a caller hands to a writer: null for undefined, E_RANGE naming `what` when it cannot be stored. */
export function taggedOrNull(v: unknown, what: string): unknown {
  if (v === undefined) return null;
  try {
    return toTaggedJSON(v);
  } catch (e) {
    throw new SlimfitError('E_RANGE', `${what} cannot be stored: ${(e as Error).message}`);
  }
}
