/**
 * A fitted reduced-rank regression: Y ≈ intercept + (X encoder) decoder, the
 * d x q coefficient matrix B_r = encoder decoder of rank r, stored as its two
 * factors (d r + r q numbers instead of d q). Plain data, independent of the
 * engine that fitted it; toJSON()/fromJSON() round-trip every number
 * bit-exactly. The fields are src/models/reduced-rank-schema.ts, shared with
 * the .slim "reduced-rank" kind.
 */
import { SlimfitError } from '../errors.js';
import { formatError, isPlainObject, parseJson, type JsonNum } from '../json.js';
import { INLINE_ARRAYS } from '../models/fields.js';
import { readReducedRank, writeReducedRank, type ReducedRankFields, type ReducedRankStats } from '../models/reduced-rank-schema.js';
import { toMatrix, type MatrixInput } from '../validate.js';

export interface ReducedRankModelJSON {
  format: 'slimfit.reduced-rank';
  version: 1;
  d: number;
  outputs: number;
  rank: number;
  fitIntercept: boolean;
  ridge: JsonNum;
  encoder: JsonNum[];
  decoder: JsonNum[];
  intercept: JsonNum[];
  singularValues: JsonNum[];
  stats: { n: JsonNum; rankBy: ReducedRankStats['rankBy']; sse: JsonNum[]; gcv: JsonNum[]; bic: JsonNum[] };
}

export class ReducedRankModel {
  /** Number of X columns. */
  readonly d: number;
  /** Number of outputs q. */
  readonly outputs: number;
  readonly rank: number;
  /** d x rank row-major (encoder[j * rank + k]): X encoder are the rank latent scores. */
  readonly encoder: Float64Array;
  /** rank x outputs row-major (decoder[k * outputs + t]): orthonormal rows V_r^T. */
  readonly decoder: Float64Array;
  /** Float64Array(outputs); zeros when fitted without an intercept. */
  readonly intercept: Float64Array;
  readonly fitIntercept: boolean;
  readonly ridge: number;
  /** The min(d, q) largest singular values of the centred fitted values, largest first. */
  readonly singularValues: Float64Array;
  readonly stats: ReducedRankStats;

  constructor(init: ReducedRankFields) {
    this.d = init.d;
    this.outputs = init.outputs;
    this.rank = init.rank;
    this.encoder = init.encoder;
    this.decoder = init.decoder;
    this.intercept = init.intercept;
    this.fitIntercept = init.fitIntercept;
    this.ridge = init.ridge;
    this.singularValues = init.singularValues;
    this.stats = init.stats;
  }

  /** The d x q coefficient matrix encoder decoder (row-major, coef[j * q + t]), as a LinearModel's coef. */
  get coef(): Float64Array {
    const { d, rank: r, outputs: q, encoder: E, decoder: D } = this;
    const B = new Float64Array(d * q);
    for (let j = 0; j < d; j++) for (let k = 0; k < r; k++) for (let t = 0; t < q; t++) B[j * q + t] += E[j * r + k] * D[k * q + t];
    return B;
  }

  /** The rank latent scores X encoder (n x rank row-major). */
  encode(X: MatrixInput): Float64Array {
    const M = toMatrix(X, 'X', { allowEmpty: true });
    if (M.cols !== this.d && M.rows > 0) throw new SlimfitError('E_SHAPE', `X has ${M.cols} columns but the model was fitted on ${this.d}`);
    const { rows: n, data } = M;
    const { d, rank: r, encoder: E } = this;
    const Z = new Float64Array(n * r);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) {
      const x = data[i * d + j];
      if (x !== 0) for (let k = 0; k < r; k++) Z[i * r + k] += x * E[j * r + k];
    }
    return Z;
  }

  /** Predictions for X (n x d): n * outputs values, row-major (out[i * q + t]). */
  predict(X: MatrixInput): Float64Array {
    const Z = this.encode(X);
    const { rank: r, outputs: q, decoder: D, intercept: b0 } = this;
    const n = Z.length / r;
    const out = new Float64Array(n * q);
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < q; t++) {
        let v = b0[t];
        for (let k = 0; k < r; k++) v += Z[i * r + k] * D[k * q + t];
        out[i * q + t] = v;
      }
    }
    return out;
  }

  /** Bytes of the float64 factors and intercepts: 8 (d r + r q + q). */
  get bytes(): number {
    return 8 * (this.d * this.rank + this.rank * this.outputs + this.outputs);
  }

  /** E_SHAPE when the model is inconsistent (built by hand with wrong lengths). */
  toJSON(): ReducedRankModelJSON {
    return { format: 'slimfit.reduced-rank', version: 1, ...writeReducedRank(this, INLINE_ARRAYS) } as unknown as ReducedRankModelJSON;
  }

  /** Rebuilds a model from toJSON() output (or its JSON string); E_FORMAT on anything malformed. */
  static fromJSON(json: ReducedRankModelJSON | string): ReducedRankModel {
    const j = typeof json === 'string' ? parseJson(json, 'model JSON') : json;
    if (!isPlainObject(j) || j.format !== 'slimfit.reduced-rank' || j.version !== 1) {
      throw formatError('not a slimfit reduced-rank model (expected format "slimfit.reduced-rank", version 1)');
    }
    return new ReducedRankModel(readReducedRank(j, INLINE_ARRAYS, ''));
  }
}
