/**
 * Inflating a .slim version 2 header with fflate: raw DEFLATE (RFC 1951)
 * against the preset dictionary, for runtimes without DecompressionStream
 * 'deflate-raw' (elsewhere inflate-primed.ts does it). Loaded on demand by
 * slim-v2.ts (a dynamic import), and it imports nothing of slimfit, so
 * bundlers keep it in a chunk of its own (with fflate's inflate, about 2 KB
 * gzipped). The output buffer
 * is sized from the preamble's U (capped at 16 MiB) plus one byte: a stream
 * that would inflate to more stops there, so no decompression bomb allocates
 * past the cap. Errors are plain Errors; slim-v2.ts words them.
 */
import { inflateSync } from 'fflate';

/**
 * At most `length + 1` bytes inflated from `stored` against `dictionary`
 * (one byte past `length` tells "exactly length" from "more"). The caller
 * passes the dictionary, so it stays in the caller's chunk instead of one
 * shared with this lazy module.
 */
export function inflateHeader(stored: Uint8Array, length: number, dictionary: Uint8Array): Uint8Array {
  return inflateSync(stored, { out: new Uint8Array(length + 1), dictionary });
}
