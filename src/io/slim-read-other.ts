/** The readers of every kind but the float ones, in one module: what slimfit/score loads for a compressed, reduced-rank or tensors file. */
import type { TensorReader } from './slim-container.js';
import type { DecodedSlimContent } from './slim-content.js';
import type { SlimHeader } from './slim-header.js';
import { readCompressedKind } from './slim-read-compressed.js';
import { readReducedRankKind } from './slim-read-reduced-rank.js';
import { readTensorsKind } from './slim-read-tensors.js';

export function readOtherKind(h: SlimHeader, r: TensorReader): DecodedSlimContent {
  if (h.kind === 'compressed-linear' || h.kind === 'compressed-logistic') return readCompressedKind(h, r);
  if (h.kind === 'reduced-rank' || h.kind === 'compressed-reduced-rank') return readReducedRankKind(h, r);
  return readTensorsKind(h, r);
}
