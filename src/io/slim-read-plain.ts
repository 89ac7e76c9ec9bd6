/** The reader of the linear and logistic kinds (float coefficients, no compression). */
import { LinearModel } from '../fit/model.js';
import { LogisticModel } from '../fit/logistic-model.js';
import { arraysFromTensors } from '../models/fields.js';
import { readLinear } from '../models/linear-schema.js';
import { readLogistic } from '../models/logistic-schema.js';
import type { TensorReader } from './slim-container.js';
import type { DecodedSlimContent } from './slim-content.js';
import type { SlimHeader } from './slim-header.js';

export function readPlainKind(h: SlimHeader, r: TensorReader): DecodedSlimContent {
  return h.kind === 'linear'
    ? { kind: 'linear', model: new LinearModel(readLinear(h.model!, arraysFromTensors(r), 'model.')) }
    : { kind: 'logistic', model: new LogisticModel(readLogistic(h.model!, arraysFromTensors(r), 'model.')) };
}
