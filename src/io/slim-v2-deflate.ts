/**
 * Deflating a .slim version 2 header: raw DEFLATE (RFC 1951), level 9,
 * against the preset dictionary. A module of its own, importing nothing else
 * of slimfit: a bundle that reads files but never calls encodeSlim keeps
 * slim-v2.ts and drops this import, and with it fflate's deflate (the
 * reading path's inflate comes from slim-v2-inflate.ts, loaded on demand).
 */
import { deflateSync } from 'fflate';
import { HEADER_DICTIONARY } from './slim-v2-dictionary.js';

export function deflateHeader(json: Uint8Array): Uint8Array {
  return deflateSync(json, { level: 9, dictionary: HEADER_DICTIONARY });
}
