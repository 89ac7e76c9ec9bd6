/** The reader of the compressed-linear and compressed-logistic kinds. */
import { formatError } from '../json.js';
import { readCompressed } from '../models/compressed-schema.js';
import type { TensorReader } from './slim-container.js';
import type { DecodedSlimContent } from './slim-content.js';
import type { SlimHeader } from './slim-header.js';

export function readCompressedKind(h: SlimHeader, r: TensorReader): DecodedSlimContent {
  const kind = h.kind as 'compressed-linear' | 'compressed-logistic';
  if (kind === 'compressed-logistic' && h.model!.outputs !== 1) throw formatError(`a compressed-logistic model has one output, but model.outputs is ${JSON.stringify(h.model!.outputs)}`);
  return { kind, model: readCompressed(h.model!, r, kind === 'compressed-logistic' ? 'logistic' : 'linear') };
}
