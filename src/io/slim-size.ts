/**
 * slimFileBytes: how long a .slim file would be, without writing it (for
 * size reports: the demo table, `slimfit report`).
 */
import { prepareSlim, type EncodeSlimOptions } from './slim.js';
import type { SlimContent } from './slim-content.js';
import { layoutV2 } from './slim-v2.js';
import { checkOptions, optionKeys } from '../options.js';

const SLIM_FILE_BYTES_OPTION_KEYS = /* @__PURE__ */ optionKeys<Omit<EncodeSlimOptions, 'formatVersion'>>()(['provenance', 'features', 'targets', 'inputs', 'statistics', 'strip']);

/**
 * The length in bytes of the file encodeSlim(content, opts) writes in format
 * version 2, computed synchronously (everything but the checksum's value).
 * With provenance (not stripped) the length depends on the date and the
 * options recorded, so it is exact for the same opts.provenance.created.
 */
export function slimFileBytes(content: SlimContent, opts?: Omit<EncodeSlimOptions, 'formatVersion'> | null): number {
  const checked = checkOptions('slimFileBytes', opts, SLIM_FILE_BYTES_OPTION_KEYS);
  const { header, w } = prepareSlim(content, { ...checked, formatVersion: 2 });
  return layoutV2(header, w).length;
}

