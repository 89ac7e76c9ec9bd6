/**
 * decodeSlim of the scoring entry (slimfit/score: the readers of the non-float
 * kinds loaded on demand) against the main one: the same result for every
 * kind, the same E_FORMAT for a corrupt file.
 */
import { describe, expect, it } from 'vitest';
import { compressModel, compressReducedRank, decodeSlim, encodeSlim, fitLinear, fitLogistic, init, reducedRank, type SlimContent } from '../src/core.js';
import * as score from '../src/score.js';

const X = [[1, 2], [2, 1], [3, 5], [4, 3], [5, 6], [6, 2], [7, 7], [8, 1]];
const y = [1, 2, 4, 3.5, 6, 4, 8, 5];
const yBin = [0, 1, 0, 1, 1, 0, 1, 0];
const Y = X.map(([a, b]) => [a + b, a - b, 2 * a]);

describe('slimfit/score decodeSlim', () => {
  it('decodes every kind as the main decodeSlim does', async () => {
    const e = await init({ backend: 'js', warmUp: false });
    const lin = fitLinear(e, X, y);
    const logit = fitLogistic(e, X, yBin, { ridge: 1 });
    const rr = reducedRank(e, X, Y, 1);
    const contents: SlimContent[] = [
      { kind: 'linear', model: lin },
      { kind: 'logistic', model: logit },
      { kind: 'compressed-linear', model: compressModel(e, lin, { quantize: { bits: 4 } }) },
      { kind: 'compressed-logistic', model: compressModel(e, logit, { quantize: { bits: 3 } }) },
      { kind: 'reduced-rank', model: rr },
      { kind: 'compressed-reduced-rank', model: compressReducedRank(e, rr, { bits: 4 }) },
      { kind: 'tensors', tensors: { w: new Float64Array([1, 2, 3]) } },
    ];
    for (const c of contents) {
      const bytes = await encodeSlim(c, { provenance: { created: '2025-01-31T12:00:00.000Z' } });
      const a = await decodeSlim(bytes);
      const b = await score.decodeSlim(bytes);
      expect(b.kind).toBe(c.kind);
      expect(b).toEqual(a);
      if ('model' in a && 'model' in b) expect(b.model.predict(X)).toEqual(a.model.predict(X));
    }
  });

  it('a corrupt file is the same E_FORMAT', async () => {
    const e = await init({ backend: 'js', warmUp: false });
    const bytes = await encodeSlim({ kind: 'logistic', model: fitLogistic(e, X, yBin, { ridge: 1 }) });
    bytes[bytes.length - 10] ^= 0xff;
    const a = await decodeSlim(bytes).catch((err: unknown) => err);
    const b = await score.decodeSlim(bytes).catch((err: unknown) => err);
    expect(b).toMatchObject({ code: 'E_FORMAT' });
    expect((b as Error).message).toBe((a as Error).message);
  });
});
