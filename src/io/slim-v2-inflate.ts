/**
 * Inflating a .slim version 2 header: raw DEFLATE (RFC 1951) against the
 * preset dictionary. Loaded on demand by slim-v2.ts (a dynamic import), so a
 * page that never reads a file does not carry the inflater, and it imports
 * nothing else of slimfit, so bundlers keep it in a chunk of its own (with
 * fflate's inflate and the dictionary, about 3 KB gzipped). The output buffer
 * is sized from the preamble's U (capped at 16 MiB) plus one byte: a stream
 * that would inflate to more stops there, so no decompression bomb allocates
 * past the cap. Errors are plain Errors; slim-v2.ts words them.
 */
import { inflateSync } from 'fflate';
import { HEADER_DICTIONARY } from './slim-v2-dictionary.js';

/** At most `length + 1` bytes inflated from `stored` (one byte past `length` tells "exactly length" from "more"). */
export function inflateHeader(stored: Uint8Array, length: number): Uint8Array {
  return inflateSync(stored, { out: new Uint8Array(length + 1), dictionary: HEADER_DICTIONARY });
}
