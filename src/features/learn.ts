/**
 * Learning an input spec from data, one row at a time, so a file of any size
 * takes one pass in flat memory: categorical levels (every distinct value,
 * sorted, the first the baseline), training means (the fill of a numeric
 * column with missing 'indicator'), missing counts, and quantile cut points
 * for binned columns from a seeded reservoir sample of at most SAMPLE values
 * per column (every value when the column has fewer, so small files get the
 * exact quantiles of the demo's binning, src/data/bins.ts). Rows with a
 * missing cell under missing 'drop' are left out of every statistic, as the
 * fit leaves them out.
 */
import { SlimfitError } from '../errors.js';
import { checkOptions, optionKeys } from '../options.js';
import { rng } from '../random.js';
import { MAX_LEVELS, InputSpec, type InputColumn, type MissingPolicy, type UnseenPolicy } from './inputs.js';
import { NUMBER, isMissing, type RawValue } from './encode.js';

/** Reservoir size per binned column. */
export const SAMPLE = 100_000;

export interface LearnOptions {
  /** Raw columns read as text, one indicator per level. */
  categorical?: readonly string[];
  /** Quantile bins for every numeric column (>= 2); omitted: values as they are. */
  bins?: number;
  /** Default 'error'. */
  missing?: MissingPolicy;
  /** Default 'error'. */
  unseen?: UnseenPolicy;
  /** Reservoir seed (default 1). */
  seed?: number;
}

const LEARN_OPTION_KEYS = /* @__PURE__ */ optionKeys<LearnOptions>()(['categorical', 'bins', 'missing', 'unseen', 'seed']);

/** Cut points at the quantiles 1/bins .. (bins-1)/bins of sorted values, duplicates and the minimum removed. */
export function quantileCuts(sorted: Float64Array, bins: number): number[] {
  const cuts: number[] = [];
  const n = sorted.length;
  if (n === 0) return cuts;
  for (let b = 1; b < bins; b++) {
    const v = sorted[Math.floor((b * n) / bins)];
    // a cut equal to the minimum would leave its lower bin empty
    if (v > sorted[0] && (cuts.length === 0 || v > cuts[cuts.length - 1])) cuts.push(v);
  }
  return cuts;
}

export class InputsLearner {
  readonly names: readonly string[];
  /** Rows seen, rows left out (missing 'drop'). */
  rows = 0;
  dropped = 0;
  /** Missing cells per raw column (in every row seen, dropped ones included). */
  readonly missingCounts: number[];
  private readonly cat: boolean[];
  private readonly opts: Required<Omit<LearnOptions, 'categorical' | 'bins'>> & { bins: number | undefined };
  private readonly levels: Set<string>[];
  private readonly sums: Float64Array;
  private readonly counts: Float64Array;
  private readonly samples: Float64Array[];
  private readonly seen: number[];
  private readonly random: () => number;
  private readonly cells: (number | string | undefined)[];

  constructor(names: readonly string[], options?: LearnOptions | null) {
    const opts = checkOptions('InputsLearner', options, LEARN_OPTION_KEYS);
    const cat = new Set(opts.categorical ?? []);
    for (const c of cat) if (!names.includes(c)) throw new SlimfitError('E_RANGE', `categorical column '${c}' is not among the feature columns (${names.join(', ')})`);
    if (opts.bins !== undefined && (!Number.isInteger(opts.bins) || opts.bins < 2 || opts.bins > 1000)) throw new SlimfitError('E_RANGE', `bins must be an integer from 2 to 1000, got ${String(opts.bins)}`);
    this.names = names.slice();
    this.cat = names.map((n) => cat.has(n));
    this.opts = { missing: opts.missing ?? 'error', unseen: opts.unseen ?? 'error', seed: opts.seed ?? 1, bins: opts.bins };
    this.missingCounts = names.map(() => 0);
    this.levels = names.map(() => new Set<string>());
    this.sums = new Float64Array(names.length);
    this.counts = new Float64Array(names.length);
    const binned = opts.bins !== undefined;
    this.samples = names.map((_, j) => new Float64Array(binned && !this.cat[j] ? 1024 : 0));
    this.seen = names.map(() => 0);
    this.random = rng(this.opts.seed);
    this.cells = new Array(names.length);
  }

  /**
   * Takes one row of raw cells (one per name). false: the row is left out
   * (missing 'drop'). E_RANGE (details.column) for a missing cell under
   * 'error', a numeric cell that is not a number, too many levels.
   */
  observe(cells: readonly RawValue[]): boolean {
    const n = this.names.length;
    this.rows++;
    let incomplete = false;
    for (let j = 0; j < n; j++) {
      const v = cells[j];
      if (isMissing(v)) {
        this.missingCounts[j]++;
        incomplete = true;
        if (this.opts.missing === 'error') {
          throw new SlimfitError('E_RANGE', `missing value in column '${this.names[j]}' (use --missing drop or indicator)`, { column: this.names[j] });
        }
        this.cells[j] = undefined;
        continue;
      }
      if (this.cat[j]) this.cells[j] = typeof v === 'number' ? String(v) : (v as string).trim();
      else if (typeof v === 'number') {
        if (!Number.isFinite(v)) throw new SlimfitError('E_RANGE', `${v} in column '${this.names[j]}' is not a finite number`, { column: this.names[j] });
        this.cells[j] = v;
      } else {
        const s = (v as string).trim();
        const x = Number(s);
        if (!NUMBER.test(s) || !Number.isFinite(x)) {
          throw new SlimfitError('E_RANGE', `'${s.length > 40 ? `${s.slice(0, 40)}...` : s}' in column '${this.names[j]}' is not a number${/[a-z]/i.test(s) ? ` (a text column? add it to --categorical)` : ''}`, { column: this.names[j] });
        }
        this.cells[j] = x;
      }
    }
    if (incomplete && this.opts.missing === 'drop') {
      this.dropped++;
      return false;
    }
    for (let j = 0; j < n; j++) {
      const v = this.cells[j];
      if (v === undefined) continue;
      if (this.cat[j]) {
        const set = this.levels[j];
        if (!set.has(v as string)) {
          if (set.size >= MAX_LEVELS) throw new SlimfitError('E_RANGE', `column '${this.names[j]}' has more than ${MAX_LEVELS} distinct values; is it really categorical?`, { column: this.names[j] });
          set.add(v as string);
        }
      } else {
        this.sums[j] += v as number;
        this.counts[j]++;
        if (this.opts.bins !== undefined) this.sample(j, v as number);
      }
    }
    return true;
  }

  private sample(j: number, x: number): void {
    const k = this.seen[j]++;
    let buf = this.samples[j];
    if (k < SAMPLE) {
      if (k === buf.length) {
        const next = new Float64Array(Math.min(SAMPLE, 2 * buf.length));
        next.set(buf);
        this.samples[j] = buf = next;
      }
      buf[k] = x;
      return;
    }
    // Algorithm R: keep x with probability SAMPLE / (k + 1)
    const r = Math.floor(this.random() * (k + 1));
    if (r < SAMPLE) buf[r] = x;
  }

  /** The spec; E_RANGE when a column has no usable value or no row is left. */
  finish(): InputSpec {
    if (this.rows - this.dropped === 0) throw new SlimfitError('E_RANGE', `no complete rows: every one of the ${this.rows} rows has a missing value`);
    const columns: InputColumn[] = this.names.map((name, j) => {
      const missing = this.opts.missing === 'indicator' && this.missingCounts[j] === 0 ? 'error' : this.opts.missing;
      if (this.cat[j]) {
        const levels = [...this.levels[j]].sort();
        if (levels.length === 0) throw new SlimfitError('E_RANGE', `column '${name}' has no values`, { column: name });
        return { name, type: 'categorical', levels, unseen: this.opts.unseen, missing };
      }
      if (this.counts[j] === 0) throw new SlimfitError('E_RANGE', `column '${name}' has no values`, { column: name });
      if (this.opts.bins !== undefined) {
        const sorted = this.samples[j].slice(0, Math.min(this.seen[j], SAMPLE)).sort();
        const bins = quantileCuts(sorted, this.opts.bins);
        if (bins.length === 0) return { name, type: 'numeric', missing, ...(missing === 'indicator' ? { fill: this.sums[j] / this.counts[j] } : {}) };
        return { name, type: 'numeric', bins, missing };
      }
      return { name, type: 'numeric', missing, ...(missing === 'indicator' ? { fill: this.sums[j] / this.counts[j] } : {}) };
    });
    return new InputSpec(columns);
  }
}
