/**
 * Progress for long work: a cli-progress bar (items, throughput, ETA) when
 * stderr is a terminal, plain lines otherwise (at most one per `every`
 * milliseconds, plus the last), nothing at all when quiet (--json, --quiet).
 */
import cliProgress from 'cli-progress';
import { dim } from './errors.js';

export interface Progress {
  /** Moves to `value` done (absolute), with an optional note (the current item). */
  update(value: number, note?: string): void;
  /** Adds `by` (default 1). */
  increment(by?: number, note?: string): void;
  /** Ends the bar or writes the final plain line. */
  stop(): void;
  /** A message that does not break the bar. */
  log(line: string): void;
}

export interface ProgressOptions {
  /** What is counted ('models', 'rows'). */
  unit: string;
  /** No output at all. */
  quiet?: boolean;
  /** Force the plain-line mode (default: plain unless stderr is a TTY). */
  plain?: boolean;
  /** Minimum interval between plain lines, ms (default 1000). */
  every?: number;
  stream?: NodeJS.WriteStream;
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '--';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s - 60 * m)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function formatRate(perSec: number, unit: string): string {
  if (!Number.isFinite(perSec)) return `-- ${unit}/s`;
  return `${perSec >= 100 ? Math.round(perSec) : perSec.toPrecision(3)} ${unit}/s`;
}

export function createProgress(label: string, total: number, opts: ProgressOptions): Progress {
  const stream = opts.stream ?? process.stderr;
  const start = performance.now();
  let value = 0;
  let note = '';
  const rate = () => value / Math.max(1e-9, (performance.now() - start) / 1000);
  const eta = () => (value > 0 ? (total - value) / rate() : NaN);

  if (opts.quiet) {
    return { update: (v) => void (value = v), increment: (b = 1) => void (value += b), stop: () => {}, log: () => {} };
  }

  if (!opts.plain && stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${label} {bar} {value}/{total} {unit} | {rate} | ETA {etaf} ${dim('{note}', stream)}`,
        barsize: 24,
        hideCursor: true,
        clearOnComplete: false,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    const payload = () => ({ unit: opts.unit, rate: formatRate(rate(), opts.unit), etaf: formatDuration(eta()), note });
    bar.start(total, 0, payload());
    return {
      update(v, n) {
        value = v;
        if (n !== undefined) note = n;
        bar.update(v, payload());
      },
      increment(by = 1, n) {
        this.update(value + by, n);
      },
      stop() {
        note = '';
        bar.update(value, payload());
        bar.stop();
      },
      log(line) {
        // cli-progress redraws on the next update; clear the bar's line first.
        stream.write(`\r\x1b[2K${line}\n`);
        bar.update(value, payload());
      },
    };
  }

  const every = opts.every ?? 1000;
  let last = -Infinity;
  let lastValue = -1;
  const line = () => {
    lastValue = value;
    last = performance.now();
    const pct = total > 0 ? ` (${((100 * value) / total).toFixed(0)}%)` : '';
    stream.write(`${label}: ${value}/${total} ${opts.unit}${pct}, ${formatRate(rate(), opts.unit)}, ETA ${formatDuration(eta())}\n`);
  };
  return {
    update(v, n) {
      value = v;
      if (n !== undefined) note = n;
      if (performance.now() - last >= every) line();
    },
    increment(by = 1, n) {
      this.update(value + by, n);
    },
    stop() {
      if (lastValue !== value) line();
    },
    log(l) {
      stream.write(`${l}\n`);
    },
  };
}
