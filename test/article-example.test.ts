/**
 * The source article's worked example, as README.md shows it: X = [1..5], y = 2x. The normal
 * equations give theta = [2]; pruning at 0.5 keeps it; 4-bit quantization with the article's fixed
 * step 2^(b-1) = 8 turns 2 into 0, while slimfit's default max-abs scale keeps 2 exactly.
 *
 * The README block is the test (its `// =>` comments are the expectations); here it runs on both
 * backends, as test/docs-examples.test.ts runs it on the default one.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINE_BACKENDS } from './helpers/engines.js';
import { fencedBlocks, ROOT, runBlock } from './helpers/doc-examples.js';

const block = fencedBlocks(join(ROOT, 'README.md')).find((b) => b.lang === 'ts' && b.code.includes('engine.gram([[1], [2], [3], [4], [5]]'));

describe("the article's example (README.md)", () => {
  it('is in the README', () => {
    expect(block, 'README.md has no ts block with the article example').toBeDefined();
  });
  for (const backend of ENGINE_BACKENDS) {
    it(`fits, prunes and quantizes theta = [2] (${backend})`, async () => {
      expect(await runBlock([block!], backend)).toBeGreaterThanOrEqual(6);
    });
  }
});
