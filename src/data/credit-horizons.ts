/**
 * A multi-output target for the built-in credit data: expected loss (k$) at
 * 12 monthly horizons, driven by three latent factors of the bureau
 * features, each with its own term structure over the horizon:
 *   risk      (debt-to-income, utilisation, delinquencies, inquiries, history)
 *             loads 1 - exp(-h / 3): defaults arrive early, then level off;
 *   exposure  (loan amount) loads h / 12: the balance at risk builds up;
 *   recovery  (income, age) loads -(h / 12)^2: cures and recoveries come late.
 * So the true 8 x 12 coefficient matrix has rank 3, and a reduced-rank fit
 * should need three latent scores where least squares stores all 12 outputs.
 * Each horizon adds its own noise (sd 0.4), seeded.
 */
import { SlimfitError } from '../errors.js';
import type { Matrix } from '../types.js';
import { normal, rng } from '../random.js';
import { CREDIT_FEATURES } from './credit.js';

export const HORIZONS = 12;
export const HORIZON_NAMES: readonly string[] = Array.from({ length: HORIZONS }, (_, h) => `el_m${h + 1}`);

/** Per raw feature (CREDIT_FEATURES order): the weights of the three latent factors. */
const FACTORS: readonly (readonly number[])[] = [
  [0, 2.4, 1.9, 0.42, 0.16, -0.045, 0, 0], // risk
  [0, 0, 0, 0, 0, 0, 0, 0.38], // exposure
  [0.03, 0, 0, 0, 0, 0, 0.02, 0], // recovery
];

/** The factor loadings at horizon h = 1..12. */
function loadings(h: number): [number, number, number] {
  return [1 - Math.exp(-h / 3), h / 12, -((h / 12) ** 2)];
}

/** Expected loss at 12 horizons (n x 12 row-major) for raw credit features X (n x 8, creditDataset's X). */
export function creditHorizons(X: Matrix, seed = 2025): { names: readonly string[]; Y: Float64Array; trueRank: 3 } {
  const d = CREDIT_FEATURES.length;
  if (X.cols !== d) throw new SlimfitError('E_SHAPE', `creditHorizons needs the ${d} raw credit features, got ${X.cols} columns`);
  const z = normal(rng(seed));
  const n = X.rows;
  const Y = new Float64Array(n * HORIZONS);
  const L = Array.from({ length: HORIZONS }, (_, h) => loadings(h + 1));
  const f = new Float64Array(3);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += FACTORS[k][j] * X.data[i * d + j];
      f[k] = s;
    }
    for (let h = 0; h < HORIZONS; h++) Y[i * HORIZONS + h] = 0.5 + L[h][0] * f[0] + L[h][1] * f[1] + L[h][2] * f[2] + 0.4 * z();
  }
  return { names: HORIZON_NAMES, Y, trueRank: 3 };
}
