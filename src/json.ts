/**
 * Parsed JSON, read strictly, and slimfit's JSON number convention. Shared by
 * the model schemas (toJSON/fromJSON and the .slim model kinds), the
 * accumulator's JSON and the file codecs, so every reader of a JSON member
 * checks and words a failure the same way: SlimfitError('E_FORMAT') naming
 * the member and what was found instead.
 *
 * Numbers: JSON has no NaN, no infinities, and most serializers print -0 as
 * 0, so a "JSON number" is a number or one of the strings "NaN", "Infinity",
 * "-Infinity", "-0" (docs/FORMAT.md §1.4); encodeNum and decodeNum round-trip
 * every float64 bit-exactly (NaN payloads aside).
 */
import { SlimfitError } from './errors.js';
import { describeValue } from './validate.js';

/** The longest name (feature, target, category level) a model file keeps, in UTF-16 code units. */
export const MAX_NAME_CHARS = 4096;

export type JsonObject = Record<string, unknown>;

/** A JSON number, or a string for NaN / ±Infinity / -0. */
export type JsonNum = number | string;

export function formatError(message: string, details?: Record<string, unknown>): SlimfitError {
  return new SlimfitError('E_FORMAT', message, details);
}

export function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** describeValue for a JSON member: parsed JSON holds no undefined, so undefined means the member is absent. */
export function describeMember(v: unknown): string {
  return v === undefined ? 'nothing (the member is missing)' : describeValue(v);
}

/** JSON.parse with every failure (syntax, nesting depth) as E_FORMAT. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw formatError(`${what} is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

export function getObject(v: unknown, what: string): JsonObject {
  if (!isPlainObject(v)) throw formatError(`${what} must be a JSON object, found ${describeMember(v)}`);
  return v;
}

export function getString(v: unknown, what: string, maxLength = 1 << 16): string {
  if (typeof v !== 'string') throw formatError(`${what} must be a string, found ${describeMember(v)}`);
  if (v.length > maxLength) throw formatError(`${what} is longer than ${maxLength} characters`);
  return v;
}

/** A JSON boolean (true/false, not "false" or 0). */
export function getBool(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') throw formatError(`${what} must be true or false, found ${describeMember(v)}`);
  return v;
}

/** An integer in [min, max] (max defaults to 2^53 - 1). */
export function getInt(v: unknown, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw formatError(`${what} must be an integer in [${min}, ${max}], found ${describeMember(v)}`);
  }
  return v;
}

export function getEnum<T extends string>(v: unknown, what: string, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw formatError(`${what} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, found ${describeMember(v)}`);
  }
  return v as T;
}

export function getArray(v: unknown, what: string, length?: number): unknown[] {
  if (!Array.isArray(v)) throw formatError(`${what} must be an array, found ${describeMember(v)}`);
  if (length !== undefined && v.length !== length) throw formatError(`${what} must have ${length} entries, found ${v.length}`);
  return v;
}

/** Encodes a number so that decodeNum reads it back bit-exactly. */
export function encodeNum(v: number): JsonNum {
  if (Object.is(v, -0)) return '-0';
  return Number.isFinite(v) ? v : String(v);
}

/** A JSON number: a number, or one of the strings "NaN", "Infinity", "-Infinity", "-0". */
export function decodeNum(v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  if (v === '-0') return -0;
  if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return Number(v);
  throw formatError(`${what} must be a number (or "NaN", "Infinity", "-Infinity", "-0"), found ${describeMember(v)}`);
}

/** An array of JSON numbers; a bare number is written as a one-element array. */
export function encodeArr(a: ArrayLike<number> | number): JsonNum[] {
  if (typeof a === 'number') return [encodeNum(a)];
  return Array.from(a, encodeNum);
}

/** An array of exactly `length` JSON numbers. */
export function decodeArr(v: unknown, length: number, what: string): Float64Array {
  const a = getArray(v, what, length);
  return Float64Array.from(a, (x, i) => decodeNum(x, `${what}[${i}]`));
}
