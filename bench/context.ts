/**
 * What every bench family gets: both engines, the timing options, the report
 * and the filter. A family is one file (bench/kernels-*.ts, later bench/fit.ts)
 * exporting a `Family`; bench/run.ts lists them.
 */
import os from 'node:os';
import type { Engine } from '../src/index.js';
import type { Case, Timing, TimingOptions } from './harness.js';
import { measureGroup } from './harness.js';
import type { Report } from './report.js';

export interface BenchContext {
  wasm: Engine;
  js: Engine;
  quick: boolean;
  timing: TimingOptions;
  report: Report;
  /** Whether a sub-benchmark tagged `tag` (e.g. 'prune') was asked for. */
  wants(tag: string): boolean;
  /** Whether `tag` was named explicitly on the command line (opt-in extras that the full run skips). */
  asked(tag: string): boolean;
  /** CPU share (%) of every timed case so far (shared across families). */
  cpuShares: number[];
  /** Progress line on stderr (tables go to stdout). */
  log(msg: string): void;
  /** A table note with the core share of the cases measured since the last call (noise indicator). */
  shareNote(): string;
  /** measureGroup with the run's timing options, logged. */
  measure(label: string, cases: Case[]): Map<string, Timing>;
}

export interface Family {
  /** Filter name: `npm run bench -- gram`. */
  name: string;
  /** Other filter words that select this family (and, through ctx.wants, its parts). */
  tags: string[];
  description: string;
  run(ctx: BenchContext): Promise<void> | void;
}

export function makeContext(base: Omit<BenchContext, 'measure' | 'wants' | 'asked' | 'shareNote'>, filters: string[], family: Family): BenchContext {
  const all = filters.length === 0 || filters.includes(family.name);
  let since: number[] = [];
  const ctx: BenchContext = {
    ...base,
    shareNote(): string {
      const v = since;
      since = [];
      if (v.length === 0) return '';
      const lo = Math.round(Math.min(...v));
      const hi = Math.round(Math.max(...v));
      return `Core share while sampling: ${lo}-${hi}% over these cases (process CPU time / wall time; 100% = undisturbed, above 100% = V8 helper threads; below ~85% the wall times are inflated by other load).`;
    },
    wants: (tag: string) => all || filters.includes(tag),
    asked: (tag: string) => filters.includes(tag),
    measure(label: string, cases: Case[]): Map<string, Timing> {
      const t0 = performance.now();
      ctx.log(`  ${label}: ${cases.length} cases ...`);
      const res = measureGroup(cases, ctx.timing);
      const cpu = res.map((t) => t.cpuPct).filter(Number.isFinite);
      const minCpu = cpu.length ? Math.min(...cpu) : NaN;
      ctx.log(`  ${label}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s; CPU share while sampling ${cpu.length ? `${Math.round(minCpu)}-${Math.round(Math.max(...cpu))}%` : 'n/a'}, load ${os.loadavg()[0].toFixed(1)}`);
      ctx.cpuShares.push(...cpu);
      since.push(...cpu);
      const map = new Map<string, Timing>();
      for (const t of res) {
        map.set(t.id, t);
        if (t.error) ctx.log(`  ERROR in ${t.id}: ${t.error}`);
      }
      return map;
    },
  };
  return ctx;
}

export function selected(family: Family, filters: string[]): boolean {
  return filters.length === 0 || filters.includes(family.name) || family.tags.some((t) => filters.includes(t));
}
