/**
 * Deflating a .slim version 2 header: raw DEFLATE (RFC 1951), level 9,
 * against the preset dictionary. Imports nothing else of slimfit, so a
 * bundle that only reads files never carries it: slim-v2.ts loads it on
 * demand, slim-size.ts (not on the reading path) imports it statically.
 */
import { deflateSync } from 'fflate';
import { HEADER_DICTIONARY } from './slim-v2-dictionary.js';

export function deflateHeader(json: Uint8Array): Uint8Array {
  return deflateSync(json, { level: 9, dictionary: HEADER_DICTIONARY });
}
