/**
 * slimFileBytes: how long a .slim file would be, without writing it (for
 * size reports: the demo table, `slimfit report`).
 */
import { prepareSlim, type EncodeSlimOptions } from './slim.js';
import type { SlimContent } from './slim-content.js';
import { layoutV2 } from './slim-v2.js';

/**
 * The length in bytes of the file encodeSlim(content, opts) writes in format
 * version 2, computed synchronously (everything but the checksum's value).
 * With provenance (not stripped) the length depends on the date and the
 * options recorded, so it is exact for the same opts.provenance.created.
 */
export function slimFileBytes(content: SlimContent, opts: Omit<EncodeSlimOptions, 'formatVersion'> = {}): number {
  const { header, w } = prepareSlim(content, { ...opts, formatVersion: 2 });
  return layoutV2(header, w).length;
}

