/**
 * Rounding rules for v = x / s (the scaled value, before the zero point):
 *  - 'half-even'  (default; ONNX QuantizeLinear, IEEE, WASM `nearest`): 2.5 → 2, -2.5 → -2;
 *  - 'half-away'  (llama.cpp's roundf): 2.5 → 3, -2.5 → -3;
 *  - 'floor'      (the source article's truncation towards -Infinity): 2.7 → 2, -2.3 → -3;
 *  - 'stochastic' floor(v + u), u uniform in [0, 1) from a seeded generator:
 *    unbiased (E[q] = v) at the cost of about sqrt(2)x the RMSE of nearest.
 */
import { SlimfitError } from '../errors.js';
import { rng } from '../random.js';
import { roundHalfEven } from '../ops/quant-params.js';

export type Rounding = 'half-even' | 'half-away' | 'floor' | 'stochastic';

export function checkRounding(r: unknown): Rounding {
  if (r !== 'half-even' && r !== 'half-away' && r !== 'floor' && r !== 'stochastic') {
    throw new SlimfitError('E_RANGE', `rounding must be 'half-even', 'half-away', 'floor' or 'stochastic', got ${String(r)}`);
  }
  return r;
}

/** A rounding function; 'stochastic' draws from mulberry32(seed), one draw per call, in call order. */
export function rounder(mode: Rounding, seed = 0): (v: number) => number {
  switch (mode) {
    case 'half-even':
      return roundHalfEven;
    case 'half-away':
      return (v) => {
        // a - floor(a) is exact, unlike floor(a + 0.5) (0.49999999999999994 + 0.5 rounds to 1)
        const a = Math.abs(v);
        const r = Math.floor(a) + (a - Math.floor(a) >= 0.5 ? 1 : 0);
        return v < 0 ? -r : r;
      };
    case 'floor':
      return Math.floor;
    case 'stochastic': {
      const u = rng(seed);
      return (v) => Math.floor(v + u());
    }
  }
}
