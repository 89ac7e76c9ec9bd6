/**
 * An independent .slim reader and writer for tests that build files the
 * library would not write: parse a file into preamble fields, header JSON
 * and data section; build one back in the same format version, optionally
 * from raw header text (version 1: preamble, space-padded header, data;
 * version 2: preamble, the header deflated by node:zlib against the
 * dictionary, data), with the CRC-32C straight from hash-wasm.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { crc32 } from 'hash-wasm';
import { HEADER_DICTIONARY } from '../../src/io/slim-v2-dictionary.js';

const DICT = HEADER_DICTIONARY;

export interface SlimParts {
  major: number;
  minor: number;
  header: Record<string, any>;
  data: Uint8Array;
}

export async function crc32c(b: Uint8Array): Promise<number> {
  return parseInt(await crc32(b, 0x82f63b78), 16) >>> 0;
}

export function parseSlim(file: Uint8Array): SlimParts {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (v.getUint16(8, true) === 2) {
    const Z = v.getUint32(16, true);
    return {
      major: 2,
      minor: v.getUint16(10, true),
      header: JSON.parse(inflateRawSync(file.subarray(20, 20 + Z), { dictionary: DICT }).toString('utf8')) as Record<string, unknown>,
      data: file.slice(20 + Z, file.length - 4),
    };
  }
  const H = v.getUint32(12, true);
  const D = v.getUint32(16, true);
  return {
    major: v.getUint16(8, true),
    minor: v.getUint16(10, true),
    header: JSON.parse(new TextDecoder().decode(file.subarray(24, 24 + H))) as Record<string, unknown>,
    data: file.slice(24 + H, 24 + H + D),
  };
}

/**
 * Overrides for files the library would not write: `headerText` replaces the
 * JSON of `p.header` (e.g. to repeat a key, which JSON.stringify cannot);
 * version 1: `H` / `D` / `Dhi` the stored header and data lengths; version 2:
 * `stream` the deflated header, `U` / `Z` the stored lengths.
 */
export interface SlimOverrides {
  headerText?: string | Uint8Array;
  H?: number;
  D?: number;
  Dhi?: number;
  stream?: Uint8Array;
  U?: number;
  Z?: number;
}

/** The file of `p` in its format version; a string `o` is the header text. */
export async function buildSlim(p: SlimParts, o: string | SlimOverrides = {}): Promise<Uint8Array> {
  const opts = typeof o === 'string' ? { headerText: o } : o;
  const json = typeof opts.headerText === 'string' || opts.headerText === undefined ? new TextEncoder().encode(opts.headerText ?? JSON.stringify(p.header)) : opts.headerText;
  if (p.major === 2) {
    const z = opts.stream ?? deflateRawSync(json, { dictionary: DICT, level: 9 });
    const out = new Uint8Array(20 + z.length + p.data.length + 4);
    const v = new DataView(out.buffer);
    out.set([0x89, 0x53, 0x4c, 0x49, 0x4d, 0x0d, 0x0a, 0x1a]);
    v.setUint16(8, 2, true);
    v.setUint16(10, p.minor, true);
    v.setUint32(12, opts.U ?? json.length, true);
    v.setUint32(16, opts.Z ?? z.length, true);
    out.set(z, 20);
    out.set(p.data, 20 + z.length);
    v.setUint32(out.length - 4, await crc32c(out.subarray(0, out.length - 4)), true);
    return out;
  }
  const H = Math.ceil((24 + json.length) / 16) * 16 - 24;
  const out = new Uint8Array(24 + H + p.data.length + 4);
  const v = new DataView(out.buffer);
  out.set([0x89, 0x53, 0x4c, 0x49, 0x4d, 0x0d, 0x0a, 0x1a]);
  v.setUint16(8, p.major, true);
  v.setUint16(10, p.minor, true);
  v.setUint32(12, opts.H ?? H, true);
  v.setUint32(16, opts.D ?? p.data.length, true);
  v.setUint32(20, opts.Dhi ?? 0, true);
  out.set(json, 24);
  out.fill(0x20, 24 + json.length, 24 + H);
  out.set(p.data, 24 + H);
  v.setUint32(out.length - 4, await crc32c(out.subarray(0, out.length - 4)), true);
  return out;
}

/** A file's bytes with the checksum recomputed (for mutants that should get past the CRC). */
export async function reseal(file: Uint8Array): Promise<Uint8Array> {
  const out = file.slice();
  if (out.length >= 28) new DataView(out.buffer).setUint32(out.length - 4, await crc32c(out.subarray(0, out.length - 4)), true);
  return out;
}

/** Raw safetensors bytes from header text (space-padded to 8 bytes, as the format allows) and a buffer. */
export function rawSafetensors(header: string, buffer: Uint8Array = new Uint8Array(4)): Uint8Array {
  const h = new TextEncoder().encode(header.padEnd(Math.ceil(header.length / 8) * 8, ' '));
  const out = new Uint8Array(8 + h.length + buffer.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(buffer, 8 + h.length);
  return out;
}
