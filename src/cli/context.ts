/**
 * What every command shares: the global flags (--json, --quiet, --debug),
 * where human text and machine output go, and the engine (one per process).
 */
import type { Command } from 'commander';
import type { Engine } from '../engine/engine.js';
import { init } from '../engine/init.js';

export interface GlobalFlags {
  json?: boolean;
  quiet?: boolean;
  debug?: boolean;
  color?: boolean;
}

export class Ctx {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly debug: boolean;
  constructor(flags: GlobalFlags) {
    this.json = Boolean(flags.json);
    this.quiet = Boolean(flags.quiet);
    this.debug = Boolean(flags.debug);
  }

  static of(cmd: Command): Ctx {
    return new Ctx(cmd.optsWithGlobals<GlobalFlags>());
  }

  /** Human output (stdout), suppressed under --json. */
  print(text: string): void {
    if (!this.json) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Notes about the work (stderr), suppressed under --json and --quiet. */
  note(text: string): void {
    if (!this.json && !this.quiet) process.stderr.write(`${text}\n`);
  }

  /** Progress output is quiet under --json / --quiet. */
  get progressQuiet(): boolean {
    return this.json || this.quiet;
  }

  /** The machine-readable result (stdout, one JSON line) under --json. */
  result(obj: unknown): void {
    if (this.json) process.stdout.write(`${JSON.stringify({ ok: true, ...(obj as object) }, jsonReplacer)}\n`);
  }

  engine(): Promise<Engine> {
    return init();
  }
}

/** Typed arrays become plain arrays; non-finite numbers become strings. */
export function jsonReplacer(_k: string, v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}

/** Fixed-width text table: the first `left` columns (or the listed ones) left-aligned, the rest right-aligned. */
export function textTable(head: string[], rows: string[][], left: number | number[] = 1): string {
  const isLeft = (i: number) => (typeof left === 'number' ? i < left : left.includes(i));
  // A loop, not Math.max(...rows): a spread of 125,000+ rows overflows the call stack.
  const widths = head.map((h) => h.length);
  for (const r of rows) for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i], (r[i] ?? '').length);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (isLeft(i) ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/**
 * Signed differences for one table column, all in one format: fixed with
 * enough decimals for two significant digits of the smallest nonzero value
 * (at least 4, at most 8), else (values under 1e-7) every entry in
 * exponential form. Zero is '0'; a NaN is ''.
 */
export function signedColumn(values: readonly number[]): string[] {
  const nonzero = values.filter((v) => v !== 0 && Number.isFinite(v)).map(Math.abs);
  const smallest = nonzero.length ? Math.min(...nonzero) : 1;
  const decimals = Math.max(4, Math.ceil(-Math.log10(smallest)) + 1);
  const exp = decimals > 8;
  return values.map((v) => {
    if (Number.isNaN(v)) return '';
    if (v === 0) return '0';
    return `${v > 0 ? '+' : ''}${exp ? v.toExponential(2) : v.toFixed(decimals)}`;
  });
}

