/**
 * solveSPD(): (A + ridge I) X = B by Cholesky, for symmetric positive
 * definite A (d*d) and B with one or several right-hand sides (d*k).
 */
import { SlimfitError } from '../errors.js';
import { assertOption, toMatrix, toVector, type MatrixInput } from '../validate.js';
import { checkOptions, optionKeys } from '../options.js';
import { bufferPtr, WasmBuffer, type F64Buffer } from '../engine/buffers.js';
import { checkFinite, type Core } from '../engine/core.js';
import { Scope } from '../engine/scope.js';
import type { BufferMatrix } from './gram.js';
import { pivotLost } from './pivot.js';
import { assertSymmetric } from './symmetry.js';

export interface SolveOptions {
  /** Added to the diagonal before factoring (>= 0). Default 0. */
  ridge?: number;
  /**
   * Write the solution (d*k) into this engine.memory.f64 buffer (zero copy)
   * and return `out.view`, a live view valid until the next allocation. It is
   * written only after the factorisation succeeded, and may be b itself.
   */
  out?: F64Buffer;
}

const SOLVE_OPTION_KEYS = /* @__PURE__ */ optionKeys<SolveOptions>()(['ridge', 'out']);

/** A: d*d row-major, as a Float64Array, number[][], { rows, cols, data } or an engine.memory.f64 buffer (read in place). */
export type SolveA = Float64Array | MatrixInput | F64Buffer | BufferMatrix;
/** b: d*k row-major right-hand sides, as numbers or an engine.memory.f64 buffer (read in place). */
export type SolveB = ArrayLike<number> | F64Buffer;

/** A square matrix in linear memory: its pointer and d. */
function squareBuffer(core: Core, A: F64Buffer | BufferMatrix): { ptr: number; d: number } {
  if (A instanceof WasmBuffer) {
    const d = Math.round(Math.sqrt(A.length));
    if (d * d !== A.length || d === 0) throw new SlimfitError('E_SHAPE', `A has ${A.length} values, which is not d*d for any d >= 1`);
    return { ptr: bufferPtr(core.arena, A, 'A', { kinds: ['f64'], length: d * d }), d };
  }
  const { rows, cols } = A;
  if (!Number.isInteger(rows) || rows < 1 || rows !== cols) throw new SlimfitError('E_SHAPE', `A must be square with d >= 1, got ${String(rows)} x ${String(cols)}`);
  return { ptr: bufferPtr(core.arena, A.data, 'A.data', { kinds: ['f64'], minLength: rows * cols }), d: rows };
}

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

/**
 * A pivot is rejected when it is not > 0 (the kernel's test) or when it is
 * below d * eps * its original diagonal: cancellation then has wiped out
 * every significant digit (exactly collinear columns leave such rounding
 * residue instead of an exact 0), and the solve would be noise.
 */
function firstBadPivot(a: Float64Array, d: number, ridge: number, kernelPivot: number, L: Float64Array): number {
  const end = kernelPivot >= 0 ? kernelPivot : d;
  for (let j = 0; j < end; j++) if (pivotLost(L[j * d + j], a[j * d + j], d, ridge)) return j;
  return kernelPivot;
}

export function solveSPD(core: Core, A: SolveA, b: SolveB, options?: SolveOptions | null): Float64Array {
  const opts = checkOptions('solveSPD', options, SOLVE_OPTION_KEYS);
  const ridge = opts.ridge === undefined ? 0 : opts.ridge; // null is a bad value, not the default
  assertOption(ridge, 'ridge', 0, Number.MAX_VALUE);
  // A and b may live in linear memory (read in place, never modified) or on the JS heap.
  const aBuf = A instanceof WasmBuffer || (typeof A === 'object' && A !== null && (A as BufferMatrix).data instanceof WasmBuffer);
  const sq = aBuf ? squareBuffer(core, A as F64Buffer | BufferMatrix) : undefined;
  const host = sq ? undefined : toSquare(A as Float64Array | MatrixInput);
  const d = sq ? sq.d : host!.d;
  const bBuf = b instanceof WasmBuffer;
  const rhs = bBuf ? undefined : toVector(b, 'b');
  const bLen = bBuf ? b.length : rhs!.length;
  if (bLen === 0 || bLen % d !== 0) {
    throw new SlimfitError('E_SHAPE', `b has ${bLen} values; it must hold d*k values (d = ${d}, k >= 1 right-hand sides, row-major)`);
  }
  const bSrc = bBuf ? bufferPtr(core.arena, b, 'b', { kinds: ['f64'], length: bLen }) : -1;
  const k = bLen / d;
  // out is checked (this engine's, live, kind, length) before anything is read or written.
  const op = opts.out === undefined ? -1 : bufferPtr(core.arena, opts.out, 'out', { kinds: ['f64'], length: d * k });
  const mem = core.arena.memory;
  const s = new Scope(core.arena);
  try {
    // The factor and the solution are formed in temporaries (Cholesky works in
    // place), so A and b are never modified and out is written only on success.
    const ap = sq ? s.cloneIn(sq.ptr, d * d * 8) : s.copyIn(host!.a);
    const bp = bBuf ? s.cloneIn(bSrc, bLen * 8) : s.copyIn(rhs!);
    checkFinite(core, ap, d * d, 'f64', 'A', 0, d);
    if (bBuf) checkFinite(core, bp, bLen, 'f64', 'b');
    // The original A, viewed after the last allocation (growth detaches views).
    const original = (): Float64Array => (sq ? new Float64Array(mem.buffer, sq.ptr, d * d) : host!.a);
    assertSymmetric(original(), d, 'A');
    const kernelPivot = core.kernels.choleskyF64(ap, d, ridge);
    const pivot = firstBadPivot(original(), d, ridge, kernelPivot, new Float64Array(mem.buffer, ap, d * d));
    if (pivot >= 0) {
      throw new SlimfitError(
        'E_SINGULAR',
        `A${ridge > 0 ? ' + ridge*I' : ''} is not positive definite: Cholesky pivot ${pivot} (0-based) is not > 0, so row/column ${pivot} depends on the ones before it; remove collinear columns or pass a ridge > 0`,
        { pivot },
      );
    }
    core.kernels.cholSolveF64(ap, d, bp, k);
    // A and b are finite and A passed the pivot test, so a non-finite solution is an overflow.
    const x = new Float64Array(mem.buffer, bp, d * k);
    for (let i = 0; i < x.length; i++) {
      if (x[i] - x[i] !== 0) {
        throw new SlimfitError('E_RANGE', `the solution overflows float64 at index ${i} (${x[i]}): A is too close to singular for b's magnitude; rescale A and b, or pass a ridge > 0`, { index: i });
      }
    }
    if (opts.out) {
      new Uint8Array(mem.buffer).copyWithin(op, bp, bp + d * k * 8);
      return opts.out.view;
    }
    return new Float64Array(mem.buffer, bp, d * k).slice();
  } finally {
    s.release();
  }
}
