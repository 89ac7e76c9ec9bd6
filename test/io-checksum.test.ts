/** CRC-32C against an independent implementation, hash-wasm's CRC-32 with the Castagnoli polynomial (the check value is in io-files.test.ts). */
import { createCRC32 } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../src/io/checksum.js';
import { rng } from './helpers/harness.js';

describe('crc32c', () => {
  it('equals hash-wasm CRC-32 (polynomial 0x82F63B78) at every length 0..100 and a few large ones (both paths), at any byte offset', async () => {
    const peer = await createCRC32(0x82f63b78);
    const r = rng(7);
    const big = new Uint8Array((1 << 20) + 37);
    for (let i = 0; i < big.length; i++) big[i] = Math.floor(r() * 256);
    const lengths = [...Array.from({ length: 101 }, (_, i) => i), 255, 4096, 65537, (1 << 20) - 3, (1 << 20) + 5]; // the last one takes the hash-wasm path
    for (const n of lengths) {
      for (const off of [0, 1, 3]) {
        const v = big.subarray(off, off + n);
        peer.init();
        peer.update(v);
        expect(await crc32c(v), `n = ${n}, offset ${off}`).toBe(parseInt(peer.digest('hex'), 16) >>> 0);
      }
    }
  });
});
