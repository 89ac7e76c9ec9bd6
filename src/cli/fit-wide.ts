/**
 * `slimfit fit` least squares on designs that may be wide: while a ridge fit
 * has seen fewer rows than columns it keeps the rows (they cost less than the
 * d x d co-moments would: n d < d^2), and if the file ends that way it fits
 * them by fitLinear, which solves the n x n dual. Once the rows reach the
 * columns it hands them to the streaming accumulator as before. Without a
 * ridge the accumulator is created at the first chunk, so a design too wide
 * for memory is refused at once (E_MEMORY) instead of after the whole file.
 *
 * Memory limit: the library's default (4 GiB) or 3/4 of this machine's RAM,
 * whichever is less (os.totalmem()).
 */
import { totalmem } from 'node:os';
import { isSlimfitError, SlimfitError } from '../errors.js';
import { linearAccumulator, type LinearAccumulator } from '../fit/accumulator.js';
import { fitLinear } from '../fit/linear.js';
import { DEFAULT_MAX_MEMORY_BYTES, formatBytes } from '../fit/memory.js';
import type { LinearModel } from '../fit/model.js';
import type { Matrix } from '../types.js';
import type { Engine } from '../engine/engine.js';

export function cliMemoryLimit(): number {
  return Math.min(DEFAULT_MAX_MEMORY_BYTES, Math.floor(0.75 * totalmem()));
}

export interface WideOptions {
  intercept: boolean;
  ridge: number;
  accurate: boolean;
  /** Private-fit clipping bounds: always streamed (the private path has no dual). */
  privacy?: { boundX: number; boundY: number };
  limit: number;
}

/** The CLI's words for a memory refusal: flags, not API options. */
function cliMemoryError(e: unknown, d: number, ridge: number, accurate = false): unknown {
  if (!isSlimfitError(e, 'E_MEMORY')) return e;
  const why = e.reason.replace(/;.*$/, '').replace(/, beyond maxMemoryBytes = \d+ \(([^)]*)\)/, ', beyond the limit of $1');
  const way = accurate
    ? 'drop --accurate (with fewer rows than columns and --ridge the fit then solves the rows x rows dual), or drop columns (--features / --exclude)'
    : ridge > 0
      ? 'drop columns (--features / --exclude)'
      : 'drop columns (--features / --exclude), or add --ridge r (r > 0): with fewer rows than columns the fit then solves the rows x rows dual';
  return new SlimfitError('E_MEMORY', `${why} (the limit here: 4 GiB or 3/4 of this machine's memory, whichever is less); ${way}`, { ...(e.details as object), d });
}

export class WideLinearFit {
  private acc: LinearAccumulator | undefined;
  private held: { X: Matrix; y: Float64Array }[] | undefined = [];
  private heldRows = 0;
  constructor(
    private readonly engine: Engine,
    private readonly o: WideOptions,
  ) {}

  /** True when the rows are held for a dual fit (fewer than the columns so far). */
  get holding(): boolean {
    return this.held !== undefined && this.acc === undefined;
  }

  add(X: Matrix, y: Float64Array): void {
    const d = X.cols;
    const hold = this.o.ridge > 0 && !this.o.privacy;
    if (this.held && hold && this.heldRows + X.rows < d) {
      const bytes = 8 * (this.heldRows + X.rows) * (d + 1);
      if (bytes > this.o.limit) throw cliMemoryError(new SlimfitError('E_MEMORY', `holding ${this.heldRows + X.rows} rows of ${d} columns needs ~${formatBytes(bytes)}`), d, 0);
      // the chunk's arrays may be reused by the reader: copy
      this.held.push({ X: { rows: X.rows, cols: d, data: Float64Array.from(X.data.subarray(0, X.rows * d)) }, y: Float64Array.from(y.subarray(0, X.rows)) });
      this.heldRows += X.rows;
      return;
    }
    if (!this.acc) {
      try {
        this.acc = linearAccumulator(this.engine, d, {
          intercept: this.o.intercept,
          maxMemoryBytes: this.o.limit,
          ...(this.o.accurate ? { accuracy: 'accurate' as const } : {}),
          ...(this.o.privacy ? { privacy: this.o.privacy } : {}),
        });
      } catch (e) {
        throw cliMemoryError(e, d, this.o.ridge);
      }
      for (const h of this.held ?? []) this.acc.add(h.X, h.y);
      this.held = undefined;
    }
    this.acc.add(X, y);
  }

  /** The streamed accumulator (undefined while rows are held or nothing was added). */
  get accumulator(): LinearAccumulator | undefined {
    return this.acc;
  }

  /** Fits the held rows (fewer than the columns, ridge > 0): the n x n dual. */
  fitHeld(): LinearModel<number> {
    const parts = this.held ?? [];
    const d = parts[0]?.X.cols ?? 0;
    const n = this.heldRows;
    const data = new Float64Array(n * d);
    const y = new Float64Array(n);
    let at = 0;
    for (const p of parts) {
      data.set(p.X.data, at * d);
      y.set(p.y, at);
      at += p.X.rows;
    }
    this.held = undefined;
    try {
      return fitLinear(this.engine, { rows: n, cols: d, data }, y, {
        intercept: this.o.intercept,
        ridge: this.o.ridge,
        maxMemoryBytes: this.o.limit,
        ...(this.o.accurate ? { accuracy: 'accurate' as const } : {}),
      }) as LinearModel<number>;
    } catch (e) {
      throw cliMemoryError(e, d, this.o.ridge, this.o.accurate);
    }
  }
}
