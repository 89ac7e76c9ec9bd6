/** The readers of the reduced-rank, compressed-reduced-rank and tensors kinds, in one module: what slimfit/score loads for such a file (the compressed-linear/logistic reader is a chunk of its own). */
import type { TensorReader } from './slim-container.js';
import type { DecodedSlimContent } from './slim-content.js';
import type { SlimHeader } from './slim-header.js';
import { readReducedRankKind } from './slim-read-reduced-rank.js';
import { readTensorsKind } from './slim-read-tensors.js';

export function readOtherKind(h: SlimHeader, r: TensorReader): DecodedSlimContent {
  if (h.kind === 'reduced-rank' || h.kind === 'compressed-reduced-rank') return readReducedRankKind(h, r);
  return readTensorsKind(h, r);
}
