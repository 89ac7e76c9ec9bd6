/** Node file helpers: atomic writes and digests. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32c, sha256Hex } from '../src/io/index.js';
import { cleanupTempFiles, sha256File, tempPathFor, writeFileAtomic } from '../src/io/files.js';

const dir = mkdtempSync(join(tmpdir(), 'slimfit-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('files', () => {
  it('writeFileAtomic writes, replaces, and leaves no temporary file', async () => {
    const p = join(dir, 'out.bin');
    await writeFileAtomic(p, Uint8Array.of(1, 2, 3));
    expect(Array.from(readFileSync(p))).toEqual([1, 2, 3]);
    await writeFileAtomic(p, new Uint8Array(100_000).fill(7));
    expect(readFileSync(p).length).toBe(100_000);
    expect(readdirSync(dir)).toEqual(['out.bin']);
    const t = tempPathFor(p);
    expect(t.startsWith(join(dir, '.out.bin.'))).toBe(true);
    expect(t.endsWith('.tmp')).toBe(true);
  });

  it('a failed write leaves the target untouched and no temporary file', async () => {
    const p = join(dir, 'missing-dir', 'x.slim');
    await expect(writeFileAtomic(p, Uint8Array.of(1))).rejects.toThrow(/ENOENT/);
    // renaming onto a directory fails after the temporary file was written and synced
    const asDir = join(dir, 'adir');
    mkdirSync(join(asDir, 'inner'), { recursive: true });
    await expect(writeFileAtomic(asDir, Uint8Array.of(9))).rejects.toThrow();
    const target = join(dir, 'keep.bin');
    writeFileSync(target, 'old');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readFileSync(target, 'utf8')).toBe('old');
    cleanupTempFiles(); // nothing in flight: a no-op
  });

  it('digests: sha256Hex and sha256File agree with the standard vectors; crc32c check value', async () => {
    const abc = new TextEncoder().encode('abc');
    expect(await sha256Hex(abc)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const p = join(dir, 'abc.txt');
    writeFileSync(p, 'abc');
    expect(await sha256File(p)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const big = new Uint8Array(3_000_001).map((_, i) => (i * 31) & 0xff);
    writeFileSync(join(dir, 'big.bin'), big);
    expect(await sha256File(join(dir, 'big.bin'))).toBe(await sha256Hex(big));
    expect(await crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(await crc32c(new Uint8Array(0))).toBe(0);
    expect(await crc32c(big.subarray(5, 1000))).toBe(await crc32c(big.slice(5, 1000)));
  });
});
