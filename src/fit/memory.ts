/**
 * What a least-squares fit will need, estimated before anything large is
 * allocated, so a design that cannot fit is refused at once (E_MEMORY naming
 * the estimate and the way out) instead of growing for minutes and failing
 * or swapping.
 *
 * "Available" is a limit the caller controls: `maxMemoryBytes` (default
 * DEFAULT_MAX_MEMORY_BYTES, 4 GiB: the size of a wasm32 linear memory, so a
 * fit that passes the check on its defaults never needs more than one
 * engine's whole address space again in plain JS arrays). The CLI lowers it
 * to what the machine has (src/cli/fit.ts). Independently of the limit, the
 * d x d matrices that pass through a kernel must fit one linear-memory block
 * (MAX_ALLOC_BYTES, 1 GiB) — the arena refuses beyond that whatever the limit.
 *
 * The estimates count the float64 arrays alive at the peak of each path
 * (the counts below, from linear.ts / normal.ts / accurate.ts / dual.ts),
 * plus the input itself only where a path copies it. They are upper bounds
 * up to garbage-collection timing (a dead temporary may still be resident),
 * not measurements; test/fit-memory.test.ts checks the refusals and the
 * dual path's footprint.
 */
import { SlimfitError } from '../errors.js';
import { MAX_ALLOC_BYTES } from '../engine/arena.js';
import { assertOption } from '../validate.js';

/** Default `maxMemoryBytes`: 4 GiB. */
export const DEFAULT_MAX_MEMORY_BYTES = 2 ** 32;

/**
 * float64 p x p arrays alive at the fast path's peak: the Gram in linear memory
 * and its copy (2), the ridged copy, the equilibrated matrix and the [c | I]
 * right-hand sides (3), the solve's staging and result in linear memory and
 * its copy (3), the inverse in two scalings (2), the ridge-corrected and the
 * intercept-bordered covariance (2).
 */
export const FAST_PATH_MATRICES = 12;
/** The double-double path: Gram (hi, lo), factor (hi, lo), inverse (hi, lo), the covariance and a working copy. */
export const ACCURATE_PATH_MATRICES = 8;

/** Memory a primal (d x d normal-equation) fit needs, bytes. */
export function primalBytes(d: number, m: number, intercept: boolean, accuracy: 'fast' | 'accurate'): number {
  const p = d + (intercept ? 1 : 0);
  const k = accuracy === 'accurate' ? ACCURATE_PATH_MATRICES : FAST_PATH_MATRICES;
  return 8 * (k * p * (p + m) + 4 * p * m);
}

/**
 * Memory the n x n dual fit needs (dual.ts), bytes: the weighted centred
 * design transposed (d x n, a copy of X's size) and staged once through the
 * Gram kernel, K and its ridged, equilibrated copy, the solve's staging, the
 * n x n matrices of the statistics (about 6 n x n), and d-length vectors.
 */
export function dualBytes(n: number, d: number, m: number): number {
  return 8 * (2 * n * d + 10 * n * n + 4 * d * m + 4 * n * m + 4 * d);
}

/** Memory a linear accumulator holds for d columns and m outputs (hi and lo co-moments, one chunk's Gram and its copy). */
export function accumulatorBytes(d: number, m: number): number {
  const q = d + m;
  return 8 * 4 * q * q;
}

export function formatBytes(b: number): string {
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toFixed(1)} GiB`;
  if (b >= 2 ** 20) return `${(b / 2 ** 20).toFixed(1)} MiB`;
  if (b >= 2 ** 10) return `${(b / 2 ** 10).toFixed(1)} KiB`;
  return `${b} bytes`;
}

/** The `maxMemoryBytes` option, checked: a positive number of bytes (default DEFAULT_MAX_MEMORY_BYTES). */
export function resolveMemoryLimit(v: number | undefined): number {
  if (v === undefined) return DEFAULT_MAX_MEMORY_BYTES;
  assertOption(v, 'maxMemoryBytes', 1, Number.MAX_VALUE);
  return v;
}

/**
 * Throws E_MEMORY when `need` exceeds `limit` or a single `block` exceeds
 * the 1 GiB linear-memory block: `what` says what the bytes are for, `wayOut`
 * what the caller can do instead. details: { bytes, limit, block }.
 */
export function checkMemory(what: string, need: number, limit: number, block: number, wayOut: string): void {
  if (need <= limit && block <= MAX_ALLOC_BYTES) return;
  const why =
    block > MAX_ALLOC_BYTES
      ? `its ${formatBytes(block)} matrix exceeds the ${formatBytes(MAX_ALLOC_BYTES)} a single WebAssembly buffer can hold`
      : `beyond maxMemoryBytes = ${limit} (${formatBytes(limit)})`;
  throw new SlimfitError('E_MEMORY', `${what} needs ~${formatBytes(need)}, ${why}; ${wayOut}`, { bytes: need, limit, block });
}

/**
 * A rough expected wall time of a least-squares fit of n rows and d columns,
 * seconds, for progress messages only: the primal's Gram (n d^2 in the SIMD
 * kernel) and solve (d^3, plus a plain-JS d^3 ridge covariance when ridge > 0),
 * or the dual's n^2 d Gram and statistics and n^3 solve. The constants are
 * from one 2-core x86 machine (bench/RESULTS.md, scaling): expect a factor
 * of 2-3 either way elsewhere.
 */
export function expectedFitSeconds(n: number, d: number, ridge: number, dual: boolean): number {
  if (dual) return 3e-9 * n * n * d + 3e-9 * n * n * n;
  return 1e-9 * n * d * d + (ridge > 0 ? 5e-9 : 2.5e-9) * d * d * d;
}
