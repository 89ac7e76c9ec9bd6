/**
 * Checksums and digests, from hash-wasm (WebAssembly, Node and browsers).
 *
 * CRC-32C (Castagnoli): reflected polynomial 0x82F63B78, initial value
 * 0xFFFFFFFF, final XOR 0xFFFFFFFF — the CRC of iSCSI, ext4, Btrfs, LevelDB
 * and Snappy framing; check value crc32c("123456789") = 0xE3069283. hash-wasm's
 * `crc32(data, polynomial)` computes it when given that polynomial. Its API is
 * asynchronous (the WebAssembly module is compiled on first use), so one
 * hasher is created once and reused; init/update/digest are synchronous, so
 * concurrent callers cannot interleave inside one computation.
 */
import { createCRC32, createSHA256, type IHasher } from 'hash-wasm';

/** Reflected CRC-32C polynomial. */
export const CRC32C_POLYNOMIAL = 0x82f63b78;

let crcHasher: Promise<IHasher> | undefined;
let shaHasher: Promise<IHasher> | undefined;

function crcInstance(): Promise<IHasher> {
  crcHasher ??= createCRC32(CRC32C_POLYNOMIAL).catch((e: unknown) => {
    crcHasher = undefined; // let a later call retry
    throw e;
  });
  return crcHasher;
}

function shaInstance(): Promise<IHasher> {
  shaHasher ??= createSHA256().catch((e: unknown) => {
    shaHasher = undefined;
    throw e;
  });
  return shaHasher;
}

/** CRC-32C of `bytes` as an unsigned 32-bit integer. */
export async function crc32c(bytes: Uint8Array): Promise<number> {
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
  const h = await createSHA256();
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
