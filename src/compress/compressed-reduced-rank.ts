/**
 * CompressedReducedRankModel: a reduced-rank model whose two factors are
 * compressed linear maps: the encoder (d inputs -> rank scores, no
 * intercept) and the decoder (rank scores -> q outputs, with the
 * intercepts), each a CompressedLinearModel predicting from its integer
 * codes. predict(X) = decoder.predict(encoder.predict(X)). Holds no engine.
 */
import { SlimfitError } from '../errors.js';
import type { MatrixInput } from '../validate.js';
import { CompressedLinearModel } from './compressed-model.js';

export class CompressedReducedRankModel {
  readonly d: number;
  readonly outputs: number;
  readonly rank: number;
  /** d -> rank, intercept 0. */
  readonly encoder: CompressedLinearModel;
  /** rank -> outputs, with the intercepts. */
  readonly decoder: CompressedLinearModel;

  constructor(encoder: CompressedLinearModel, decoder: CompressedLinearModel) {
    if (!(encoder instanceof CompressedLinearModel) || !(decoder instanceof CompressedLinearModel)) throw new SlimfitError('E_SHAPE', 'encoder and decoder must be CompressedLinearModels');
    if (encoder.task !== 'linear' || decoder.task !== 'linear') throw new SlimfitError('E_SHAPE', "encoder and decoder must be linear maps (task 'linear')");
    if (decoder.d !== encoder.outputs) throw new SlimfitError('E_SHAPE', `the decoder reads ${decoder.d} scores but the encoder gives ${encoder.outputs}`);
    if (encoder.intercept.some((v) => v !== 0)) throw new SlimfitError('E_SHAPE', 'the encoder has no intercept (the decoder carries them)');
    this.d = encoder.d;
    this.rank = encoder.outputs;
    this.outputs = decoder.outputs;
    this.encoder = encoder;
    this.decoder = decoder;
  }

  /** n * outputs values, row-major. */
  predict(X: MatrixInput): Float64Array {
    const Z = this.encoder.predict(X);
    return this.decoder.predict({ rows: Z.length / this.rank, cols: this.rank, data: Z });
  }

  /** Both factors' stored bytes (codes, scales, index, float64 intercepts: the encoder's rank zeros included). */
  get bytes(): number {
    return this.encoder.bytes + this.decoder.bytes;
  }
}
