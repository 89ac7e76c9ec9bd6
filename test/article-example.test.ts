/**
 * The source article's worked example: X = [1..5], y = 2x. The normal
 * equations give theta = [2]; pruning at 0.5 keeps it; 4-bit quantization with
 * the article's fixed step 2^(b-1) = 8 turns 2 into 0, while slimfit's default
 * max-abs scale keeps 2 exactly.
 */
import { describe, expect, it } from 'vitest';
import { ENGINE_BACKENDS, engine } from './helpers/engines.js';

for (const backend of ENGINE_BACKENDS) {
  describe(`the article's example (${backend})`, () => {
    it('fits, prunes and quantizes theta = [2]', async () => {
      const e = await engine(backend);
      const X = [[1], [2], [3], [4], [5]];
      const y = [2, 4, 6, 8, 10];
      const { xtx, xty } = e.gram(X, y);
      expect(Array.from(xtx)).toEqual([55]);
      expect(Array.from(xty!)).toEqual([110]);
      const theta = e.solveSPD(xtx, xty!);
      expect(theta[0]).toBeCloseTo(2, 14);

      const pruned = e.prune(theta, { threshold: 0.5 });
      expect(pruned.kept).toBe(1);
      expect(pruned.values[0]).toBe(theta[0]);

      // slimfit default: s = max|theta| / 7 for 4 bits; 2 comes back exactly.
      const q = e.quantize(theta, { bits: 4 });
      expect(q.scale[0]).toBe(Math.fround(2 / 7));
      expect(Array.from(e.dequantize(q))).toEqual([2]);

      // the article's arithmetic: round(theta / 2^(b-1)) * 2^(b-1) with b = 4.
      const article = e.quantize(theta, { bits: 4, scale: 2 ** 3 });
      expect(Array.from(e.dequantize(article))).toEqual([0]);
    });
  });
}
