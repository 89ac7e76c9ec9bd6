/**
 * Reading a file's JSON header under limits. JSON.parse builds the whole
 * tree before anything can look at it, so a hostile header nested millions of
 * levels deep, or an object with millions of keys, costs gigabytes and can
 * abort the process (out of memory is not catchable). This module first scans
 * the text once — linear time, memory bounded by the limits — for nesting
 * depth, keys per object, the number of objects and arrays, and repeated keys
 * (JSON.parse keeps the last of two equal keys, so
 * `"kind":"tensors","kind":"linear"` would silently read as linear), and
 * only then parses it.
 *
 * The scan reads a text JSON.parse may still reject: it only counts brackets,
 * commas and object keys outside strings (skipping string contents with their
 * escapes), and leaves syntax errors to JSON.parse.
 */
import { formatError, parseJson } from '../json.js';

export interface JsonLimits {
  /** Containers ({} and []) may nest at most this deep; the outermost object is level 1. */
  maxDepth: number;
  /** An object may hold at most this many keys. */
  maxKeys: number;
  /** The text may hold at most this many containers in all (each costs the parser a heap object, ~100 bytes). */
  maxContainers: number;
}

interface Frame {
  /** Keys seen so far (objects only). */
  keys: Set<string> | undefined;
  /** The next string in this object is a key. */
  expectKey: boolean;
  /** The member name this container is the value of, for messages. */
  name: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The path of the innermost open container, e.g. "model.report" (array levels unnamed). */
function pathOf(stack: Frame[]): string {
  return stack
    .map((f) => f.name)
    .filter(Boolean)
    .join('.');
}

/** The innermost open object, for messages: "the header", or "model.report (header)". */
function where(stack: Frame[], what: string): string {
  return stack.length === 1 ? `the ${what}` : `${pathOf(stack) || 'an array element'} (${what})`;
}

/**
 * Checks `text` against `limits` without building it: E_FORMAT naming `what`
 * ("header") on a container nested too deep, an object with too many keys,
 * too many containers in all, or a key repeated within one object (`topKey`
 * names what the outermost object's keys are, e.g. "tensor").
 */
export function scanJson(text: string, what: string, limits: JsonLimits, topKey = 'key'): void {
  const stack: Frame[] = [];
  let lastKey = '';
  let containers = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let j = i + 1;
      let escaped = false;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === QUOTE) break;
        if (d === BACKSLASH) {
          escaped = true;
          j += 2;
        } else j++;
      }
      if (j >= n) return; // unterminated string: JSON.parse reports it
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        let key: string;
        if (!escaped) key = text.slice(i + 1, j);
        else {
          try {
            key = JSON.parse(text.slice(i, j + 1)) as string;
          } catch {
            return; // a bad escape: JSON.parse reports it
          }
        }
        if (top.keys.has(key)) throw formatError(`${stack.length === 1 ? topKey : 'key'} ${JSON.stringify(key.slice(0, 100))} appears twice in ${where(stack, what)}`);
        if (top.keys.size >= limits.maxKeys) throw formatError(`${where(stack, what)} has more than ${limits.maxKeys} keys`);
        top.keys.add(key);
        top.expectKey = false;
        lastKey = key;
      }
      i = j;
    } else if (c === 0x7b || c === 0x5b) {
      if (stack.length >= limits.maxDepth) throw formatError(`the ${what} is nested more than ${limits.maxDepth} levels deep (in ${pathOf(stack) || 'an array'})`);
      if (++containers > limits.maxContainers) throw formatError(`the ${what} holds more than ${limits.maxContainers} objects and arrays`);
      const parent = stack[stack.length - 1];
      stack.push({ keys: c === 0x7b ? new Set() : undefined, expectKey: c === 0x7b, name: parent?.keys ? lastKey : '' });
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
    } else if (c === 0x2c) {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
    }
  }
}

/** scanJson, then JSON.parse; every failure E_FORMAT naming `what`. */
export function parseBoundedJson(text: string, what: string, limits: JsonLimits, topKey = 'key'): unknown {
  scanJson(text, what, limits, topKey);
  return parseJson(text, what);
}

/**
 * The limits slimfit's readers apply to a file header (.slim and
 * safetensors), and its writers before they write one. Real headers nest at
 * most 3 levels (safetensors) or about 40 (.slim: tagged JSON reports nest at
 * most 32 levels below a few header levels). 2^16 keys per object is a
 * safetensors file of 20,000+ quantized tensors (codes, scales and zero
 * points each a key), where real checkpoints hold a few thousand per file.
 * The .slim tensor table is an array, bounded by the containers: a table
 * entry is 3 containers in 50+ bytes, so a 16 MiB header of tensors stays
 * under 2^20. Measured on a 2-core machine: an object with 2^20 keys costs
 * the scan and JSON.parse 2-3 s, 2^16 keys about 0.2 s; 2^20 containers
 * nested 60 deep about 1 s and under 200 MiB of heap.
 */
export const HEADER_LIMITS: JsonLimits = { maxDepth: 64, maxKeys: 2 ** 16, maxContainers: 2 ** 20 };
