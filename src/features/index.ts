/** Raw inputs: the input spec stored with a model, applying it to raw rows, learning it from data. */
export { InputSpec, MISSING_POLICIES, UNSEEN_POLICIES, type CategoricalInput, type InputColumn, type InputSpecJSON, type MissingPolicy, type NumericInput, type UnseenPolicy } from './inputs.js';
export { RowEncoder, designMatrix, type RawValue } from './encode.js';
export { InputsLearner, quantileCuts, type LearnOptions } from './learn.js';
