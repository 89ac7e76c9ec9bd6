/**
 * Checksums and digests.
 *
 * CRC-32C (Castagnoli): reflected polynomial 0x82F63B78, initial value
 * 0xFFFFFFFF, final XOR 0xFFFFFFFF — the CRC of iSCSI, ext4, Btrfs, LevelDB
 * and Snappy framing; check value crc32c("123456789") = 0xE3069283.
 * Inputs up to CRC_JS_MAX_BYTES go through the table-driven loop below
 * (slice-by-4, ~0.2 KB gzipped), so a scoring bundle that reads model files
 * carries no second WebAssembly module and no CommonJS wrapper; larger ones
 * through hash-wasm's CRC (WebAssembly, several times faster), loaded on first
 * need. SHA-256 comes from hash-wasm too. Its API is asynchronous (each module
 * is compiled on first use), so one hasher of each kind is created once and
 * reused; init/update/digest are synchronous, so concurrent callers cannot
 * interleave inside one computation.
 */
import type { IHasher } from 'hash-wasm';

/** Above this, hash-wasm's CRC pays for loading it. */
const CRC_JS_MAX_BYTES = 1 << 20;
const CRC32C_POLYNOMIAL = 0x82f63b78;

/** Slice-by-4 tables: T[k * 256 + b] is the CRC of byte b followed by k zero bytes. */
let tables: Uint32Array | undefined;

function crcTables(): Uint32Array {
  if (tables) return tables;
  const t = new Uint32Array(4 * 256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ CRC32C_POLYNOMIAL : c >>> 1;
    t[b] = c;
  }
  for (let i = 256; i < 1024; i++) t[i] = (t[i - 256] >>> 8) ^ t[t[i - 256] & 0xff];
  return (tables = t);
}

function crc32cJs(bytes: Uint8Array): number {
  const t = crcTables();
  let c = 0xffffffff;
  let i = 0;
  for (const end = bytes.length - 3; i < end; i += 4) {
    c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    c = t[768 + (c & 0xff)] ^ t[512 + ((c >>> 8) & 0xff)] ^ t[256 + ((c >>> 16) & 0xff)] ^ t[c >>> 24];
  }
  for (; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A hasher made on first use and reused; a failed creation is not kept, so a later call retries. */
function lazyHasher(make: () => Promise<IHasher>): () => Promise<IHasher> {
  let p: Promise<IHasher> | undefined;
  return () =>
    (p ??= make().catch((e: unknown) => {
      p = undefined;
      throw e;
    }));
}

const shaInstance = /* @__PURE__ */ lazyHasher(async () => (await import('hash-wasm')).createSHA256());
const crcInstance = /* @__PURE__ */ lazyHasher(async () => (await import('hash-wasm')).createCRC32(CRC32C_POLYNOMIAL));

/** CRC-32C of `bytes` as an unsigned 32-bit integer. */
export async function crc32c(bytes: Uint8Array): Promise<number> {
  if (bytes.length <= CRC_JS_MAX_BYTES) return crc32cJs(bytes);
  const h = await crcInstance();
  h.init();
  h.update(bytes);
  return parseInt(h.digest('hex'), 16) >>> 0;
}

/** Lowercase hex SHA-256 of `bytes` (64 characters), e.g. for `provenance.inputDigest`. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const h = await shaInstance();
  h.init();
  h.update(bytes);
  return h.digest('hex');
}

/**
 * A streaming SHA-256 (for files read in chunks). Each call gets its own
 * hasher, so several can be in flight at once.
 */
export async function createSha256(): Promise<{ update(chunk: Uint8Array): void; hex(): string }> {
  const h = await (await import('hash-wasm')).createSHA256();
  h.init();
  return {
    update: (chunk) => void h.update(chunk),
    hex: () => h.digest('hex'),
  };
}

/** 8 lowercase hex digits. */
export function hex32(v: number): string {
  return (v >>> 0).toString(16).padStart(8, '0');
}
