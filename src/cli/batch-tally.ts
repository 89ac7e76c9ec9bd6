/**
 * The results of one batch run, counted as they come (for progress) and
 * summarised in input order at the end: shared by the local pool and the
 * queue driver, so both report a run the same way.
 */
import type { BatchProgress, BatchSummary } from './batch-pool.js';
import type { BatchTaskResult } from './batch-worker.js';

export interface BatchTally {
  /** Counts one finished input and reports progress. */
  record(r: BatchTaskResult): void;
  /** The summary, results in the order of `inputs`; `seconds` from `t0` (performance.now()). */
  summary(inputs: readonly string[], t0: number, run: { interrupted: boolean; workers: number }): BatchSummary;
}

export function batchTally(total: number, onProgress?: (p: BatchProgress) => void): BatchTally {
  const results: BatchTaskResult[] = [];
  let written = 0;
  let skipped = 0;
  let failed = 0;
  return {
    record(r) {
      results.push(r);
      if (r.status === 'written') written++;
      else if (r.status === 'skipped') skipped++;
      else failed++;
      onProgress?.({ total, done: written + skipped + failed, written, skipped, failed, last: r });
    },
    summary(inputs, t0, run) {
      const seconds = (performance.now() - t0) / 1000;
      const order = new Map(inputs.map((p, i) => [p, i]));
      results.sort((a, b) => order.get(a.input)! - order.get(b.input)!);
      return {
        total,
        written,
        skipped,
        failed,
        interrupted: run.interrupted,
        workers: run.workers,
        seconds,
        throughput: written / seconds,
        results,
        failures: results.filter((r): r is Extract<BatchTaskResult, { status: 'failed' }> => r.status === 'failed'),
      };
    },
  };
}
