/**
 * decodeSlim for the scoring entry (slimfit/score): the same checks and
 * result as slim.ts's, but the readers of the other kinds than the float
 * ones (whose reader is in the entry) are dynamic imports, fetched only for
 * a file of such a kind: one chunk for the compressed-linear/logistic kinds,
 * the main use of a scoring page, one for the reduced-rank and tensors kinds
 * (measured: a compressed file 30.3 KB against 32.6 KB with one chunk for
 * all; the reduced-rank and tensors files 33.2 KB, the modules they share
 * with the compressed reader being a chunk of their own). Nothing here may
 * be exported from the package's main entries: a module a dynamic import
 * shares with an entry's static graph is loaded by that entry eagerly.
 */
import { decodeSlimWith, type KindReader } from './slim-decode.js';
import type { SlimKind } from './slim-header.js';
import { readPlainKind } from './slim-read-plain.js';
import type { DecodedSlim } from './slim.js';

async function lazyReader(kind: SlimKind): Promise<KindReader> {
  switch (kind) {
    case 'linear':
    case 'logistic':
      return readPlainKind;
    case 'compressed-linear':
    case 'compressed-logistic':
      return (await import('./slim-read-compressed.js')).readCompressedKind;
    default:
      return (await import('./slim-read-other.js')).readOtherKind;
  }
}

/** Decodes a .slim file, validating everything; anything wrong is SlimfitError('E_FORMAT') saying what (as slim.ts decodeSlim). */
export function decodeSlim(input: Uint8Array): Promise<DecodedSlim> {
  return decodeSlimWith(input, lazyReader);
}
