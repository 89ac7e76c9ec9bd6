/**
 * engine.solveSPD: (A + ridge I) X = B by Cholesky, for symmetric positive
 * definite A (d*d) and B with one or several right-hand sides (d*k).
 */
import { SlimfitError } from '../errors.js';
import { assertOption, toMatrix, toVector, type MatrixInput } from '../validate.js';
import { checkFinite, type Core } from '../engine/core.js';
import { Scope } from '../engine/scope.js';

export interface SolveOptions {
  /** Added to the diagonal before factoring (>= 0). Default 0. */
  ridge?: number;
}

/** Relative asymmetry tolerated (rounding in a caller's own accumulation). */
const SYMMETRY_TOL = 1e-10;

function toSquare(A: Float64Array | MatrixInput): { a: Float64Array; d: number } {
  if (A instanceof Float64Array) {
    const d = Math.round(Math.sqrt(A.length));
    if (d * d !== A.length || d === 0) throw new SlimfitError('E_SHAPE', `A has ${A.length} values, which is not d*d for any d >= 1`);
    return { a: A, d };
  }
  const M = toMatrix(A, 'A', { skipFiniteCheck: true });
  if (M.rows !== M.cols) throw new SlimfitError('E_SHAPE', `A must be square, got ${M.rows} x ${M.cols}`);
  return { a: M.data, d: M.rows };
}

function assertSymmetric(a: Float64Array, d: number): void {
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]!));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      if (Math.abs(a[i * d + j]! - a[j * d + i]!) > SYMMETRY_TOL * scale) {
        throw new SlimfitError('E_SHAPE', `A is not symmetric: A[${i}][${j}] = ${a[i * d + j]} but A[${j}][${i}] = ${a[j * d + i]}; pass (A + A^T) / 2`, {
          row: i,
          col: j,
        });
      }
    }
  }
}

/**
 * A pivot is rejected when it is not > 0 (the kernel's test) or when it is
 * below d * eps * its original diagonal: cancellation then has wiped out
 * every significant digit (exactly collinear columns leave such rounding
 * residue instead of an exact 0), and the solve would be noise.
 */
function firstBadPivot(a: Float64Array, d: number, ridge: number, kernelPivot: number, L: Float64Array): number {
  const end = kernelPivot >= 0 ? kernelPivot : d;
  const tol = d * Number.EPSILON;
  for (let j = 0; j < end; j++) {
    const ljj = L[j * d + j]!;
    if (ljj * ljj <= tol * (a[j * d + j]! + ridge)) return j;
  }
  return kernelPivot;
}

export function solveSPD(core: Core, A: Float64Array | MatrixInput, b: ArrayLike<number>, opts: SolveOptions = {}): Float64Array {
  const ridge = opts.ridge ?? 0;
  assertOption(ridge, 'ridge', 0, Number.MAX_VALUE);
  const { a, d } = toSquare(A);
  const rhs = toVector(b, 'b');
  if (rhs.length === 0 || rhs.length % d !== 0) {
    throw new SlimfitError('E_SHAPE', `b has ${rhs.length} values; it must hold d*k values (d = ${d}, k >= 1 right-hand sides, row-major)`);
  }
  const k = rhs.length / d;
  const s = new Scope(core.arena);
  try {
    const ap = s.copyIn(a);
    checkFinite(core, ap, d * d, 'f64', 'A', 0, d);
    assertSymmetric(a, d);
    const bp = s.copyIn(rhs);
    const kernelPivot = core.kernels.choleskyF64(ap, d, ridge);
    const pivot = firstBadPivot(a, d, ridge, kernelPivot, new Float64Array(core.arena.memory.buffer, ap, d * d));
    if (pivot >= 0) {
      throw new SlimfitError(
        'E_SINGULAR',
        `A${ridge > 0 ? ' + ridge*I' : ''} is not positive definite: Cholesky pivot ${pivot} (0-based) is not > 0, so row/column ${pivot} depends on the ones before it; remove collinear columns or pass a ridge > 0`,
        { pivot },
      );
    }
    core.kernels.cholSolveF64(ap, d, bp, k);
    return new Float64Array(core.arena.memory.buffer, bp, d * k).slice();
  } finally {
    s.release();
  }
}
