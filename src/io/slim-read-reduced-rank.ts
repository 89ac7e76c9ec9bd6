/** The reader of the reduced-rank and compressed-reduced-rank kinds. */
import { ReducedRankModel } from '../fit/reduced-rank-model.js';
import { arraysFromTensors } from '../models/fields.js';
import { readCompressedReducedRank } from '../models/compressed-reduced-rank-schema.js';
import { readReducedRank } from '../models/reduced-rank-schema.js';
import type { TensorReader } from './slim-container.js';
import type { DecodedSlimContent } from './slim-content.js';
import type { SlimHeader } from './slim-header.js';

export function readReducedRankKind(h: SlimHeader, r: TensorReader): DecodedSlimContent {
  return h.kind === 'reduced-rank'
    ? { kind: 'reduced-rank', model: new ReducedRankModel(readReducedRank(h.model!, arraysFromTensors(r), 'model.')) }
    : { kind: 'compressed-reduced-rank', model: readCompressedReducedRank(h.model!, r) };
}
