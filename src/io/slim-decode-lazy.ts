/**
 * decodeSlim for the scoring entry (slimfit/score): the same checks and
 * result as slim.ts's, but the reader of the compressed, reduced-rank and
 * tensors kinds is a dynamic import, fetched only for a file of such a kind
 * (the float kinds' reader is in the entry). One chunk for all of them: the
 * readers share most of their code, and separate chunks measured larger for
 * every kind (the shared modules split into more chunks, each gzipped apart). Nothing here may be exported from the
 * package's main entries: a module a dynamic import shares with an entry's
 * static graph is loaded by that entry eagerly.
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
    default:
      return (await import('./slim-read-other.js')).readOtherKind;
  }
}

/** Decodes a .slim file, validating everything; anything wrong is SlimfitError('E_FORMAT') saying what (as slim.ts decodeSlim). */
export function decodeSlim(input: Uint8Array): Promise<DecodedSlim> {
  return decodeSlimWith(input, lazyReader);
}
