/** The header inflater on DecompressionStream (a stored block carries the dictionary) against fflate's, which takes the dictionary directly. */
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { inflatePrimed } from '../src/io/inflate-primed.js';
import { HEADER_DICTIONARY } from '../src/io/slim-v2-dictionary.js';
import { inflateHeader } from '../src/io/slim-v2-inflate.js';

const header = (k: number) => new TextEncoder().encode(JSON.stringify({ format: 'slimfit', kind: 'logistic', model: { d: k, fitIntercept: true }, tensors: Array.from({ length: k }, (_, i) => ({ name: `t${i}`, dtype: 'F64', shape: [i] })) }));

describe('inflatePrimed', () => {
  it('inflates what the writer deflates against the dictionary, as fflate does, and refers back into the dictionary', async () => {
    for (const k of [0, 1, 7, 300]) {
      const json = header(k);
      const stored = deflateSync(json, { level: 9, dictionary: HEADER_DICTIONARY });
      const withoutDict = deflateSync(json, { level: 9 });
      if (k === 1) expect(stored.length).toBeLessThan(withoutDict.length); // the dictionary is really used
      const out = await inflatePrimed(stored, HEADER_DICTIONARY, json.length);
      expect(out).toEqual(json);
      expect(out).toEqual(inflateHeader(stored, json.length, HEADER_DICTIONARY));
    }
  });

  it('stops one byte past the stated length (no allocation past the cap) and rejects a corrupt stream', async () => {
    const big = new Uint8Array(1 << 20).fill(0x20);
    const stored = deflateSync(big, { level: 9, dictionary: HEADER_DICTIONARY });
    expect((await inflatePrimed(stored, HEADER_DICTIONARY, 100))!.length).toBe(101);
    expect((await inflatePrimed(stored, HEADER_DICTIONARY, big.length))!.length).toBe(big.length);
    const bad = Uint8Array.of(0xff, 0xff, 0xff, 0xff);
    await expect(inflatePrimed(bad, HEADER_DICTIONARY, 10)).rejects.toThrow();
  });

  it('is undefined without DecompressionStream (the caller loads fflate then)', async () => {
    const saved = globalThis.DecompressionStream;
    try {
      (globalThis as { DecompressionStream?: unknown }).DecompressionStream = undefined;
      expect(await inflatePrimed(new Uint8Array(1), HEADER_DICTIONARY, 1)).toBeUndefined();
    } finally {
      globalThis.DecompressionStream = saved;
    }
  });
});
