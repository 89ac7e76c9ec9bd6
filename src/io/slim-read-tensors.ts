/** The reader of the tensors kind. */
import type { TensorReader } from './slim-container.js';
import type { DecodedSlimContent } from './slim-content.js';
import type { SlimHeader } from './slim-header.js';
import { decodeTensors } from './slim-tensors.js';

export function readTensorsKind(h: SlimHeader, r: TensorReader): DecodedSlimContent {
  return { kind: 'tensors', tensors: decodeTensors(h.objects!, r) };
}
