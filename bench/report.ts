/**
 * Collects what the bench families measure and writes it out: markdown tables
 * to stdout and bench/RESULTS.md, every raw timing to bench/results.json, and
 * the floor checks (a loud `FLOOR MISSED:` line for each one missed; missing a
 * floor never fails the bench).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { machineLine, type MachineInfo, type Timing } from './harness.js';

export interface Table {
  family: string;
  title: string;
  /** Lines printed under the title (conventions, units, what "x copy" means). */
  notes: string[];
  columns: string[];
  rows: string[][];
}

export interface Floor {
  family: string;
  /** What is checked, e.g. "gram d=64: wasm GFLOP/s". */
  name: string;
  /** The target in words, e.g. ">= 12 GFLOP/s". */
  target: string;
  /** The measured value in words. */
  value: string;
  /** null: could not be measured (error or filtered). */
  ok: boolean | null;
  note?: string;
}

export interface Check {
  family: string;
  name: string;
  ok: boolean;
  detail: string;
}

/** One timed case with its parameters and derived throughput. */
export interface Measurement {
  family: string;
  case: string;
  backend?: 'wasm-simd' | 'js' | 'host';
  params: Record<string, number | string>;
  timing: Timing;
  /** e.g. { gflops, gbps, xJs, xCopy } */
  derived: Record<string, number>;
}

export interface RunMeta {
  machine: MachineInfo;
  command: string;
  args: string[];
  quick: boolean;
  filters: string[];
  partial: boolean;
  timing: Record<string, number>;
  durationS?: number;
  noise?: { load1Start: number; load1End: number; cpuShareMedianPct: number; cpuShareMinPct: number };
}

export class Report {
  readonly tables: Table[] = [];
  readonly floors: Floor[] = [];
  readonly checks: Check[] = [];
  readonly measurements: Measurement[] = [];
  readonly notes: string[] = [];
  /** One-line ratio summaries ("gram d=64: wasm / js 20.4x ..."), quoted at the top of RESULTS.md. */
  readonly ratios: string[] = [];
  constructor(readonly meta: RunMeta) {}

  table(t: Table): void {
    this.tables.push(t);
    process.stdout.write(`\n${renderTable(t)}\n`);
  }

  floor(f: Floor): void {
    this.floors.push(f);
  }

  check(family: string, name: string, ok: boolean, detail: string): void {
    this.checks.push({ family, name, ok, detail });
    if (!ok) console.log(`CHECK FAILED: ${family} ${name}: ${detail}`);
  }

  ratio(line: string): void {
    this.ratios.push(line);
  }

  record(m: Measurement): void {
    this.measurements.push(m);
  }

  /** Loud lines for the floors, printed at the end of the run. */
  floorLines(): string[] {
    return this.floors.map((f) => {
      const tag = f.ok === true ? 'floor ok:    ' : f.ok === false ? 'FLOOR MISSED:' : 'FLOOR UNMEASURED:';
      return `${tag} ${f.name}: ${f.value} (target ${f.target})${f.note ? ` — ${f.note}` : ''}`;
    });
  }

  markdown(): string {
    const m = this.meta;
    const out: string[] = [];
    out.push('# slimfit benchmark results');
    out.push('');
    out.push(`- Machine: ${machineLine(m.machine)}`);
    out.push(`- Node: ${m.machine.node}`);
    out.push(`- Date: ${m.machine.date}`);
    out.push(`- Command: \`${m.command}\`${m.partial ? ' (PARTIAL run: not every family / size ran)' : ''}`);
    if (m.durationS !== undefined) out.push(`- Wall time of the run: ${m.durationS.toFixed(0)} s`);
    if (m.noise) {
      out.push(
        `- Noise: 1-min load average ${m.noise.load1Start.toFixed(1)} at the start, ${m.noise.load1End.toFixed(1)} at the end (${m.machine.cores} vCPU); this single-threaded process had a core for ${m.noise.cpuShareMedianPct.toFixed(0)}% of the sampling time (median over cases; worst case ${m.noise.cpuShareMinPct.toFixed(0)}%; 100% = undisturbed).`,
      );
    }
    out.push(
      `- Method: one process, both engines (\`init({ backend: 'wasm' })\` and \`init({ backend: 'js' })\`) side by side; every case warmed up, cheap calls repeated so a sample lasts >= ${m.timing.minSampleMs} ms, cases of a table sampled interleaved (round robin), ${m.timing.minSamples}-${m.timing.maxSamples} samples each (slow baselines: at least 3); figures are medians, "spread" is the inter-quartile range / median. The machine is shared and noisy: compare ratios, not single timings.`,
    );
    for (const n of this.notes) out.push(`- ${n}`);
    out.push('');
    if (this.ratios.length > 0) {
      out.push('## Ratio lines');
      out.push('');
      out.push('```');
      for (const r of this.ratios) out.push(r);
      out.push('```');
      out.push('');
    }
    const floors = this.floorLines();
    if (floors.length > 0) {
      out.push('## Floors');
      out.push('');
      out.push('| | check | measured | target | note |');
      out.push('|---|---|---|---|---|');
      for (const f of this.floors) {
        const mark = f.ok === true ? 'ok' : f.ok === false ? '**MISSED**' : 'unmeasured';
        out.push(`| ${[mark, f.name, f.value, f.target, f.note ?? ''].map(cell).join(' | ')} |`);
      }
      out.push('');
    }
    for (const t of this.tables) {
      out.push(renderTable(t));
      out.push('');
    }
    const failed = this.checks.filter((c) => !c.ok);
    out.push('## Result checks (wasm vs js twin on the timed inputs)');
    out.push('');
    if (this.checks.length === 0) out.push('none ran');
    else if (failed.length === 0) out.push(`all ${this.checks.length} agree (integer outputs bit-identical, floats within the stated tolerance)`);
    else for (const c of failed) out.push(`- **FAILED** ${c.family} ${c.name}: ${c.detail}`);
    out.push('');
    return out.join('\n');
  }

  json(): unknown {
    return {
      meta: this.meta,
      ratios: this.ratios,
      floors: this.floors,
      checks: this.checks,
      measurements: this.measurements,
      tables: this.tables,
    };
  }

  write(mdPath: string, jsonPath: string): void {
    mkdirSync(dirname(mdPath), { recursive: true });
    writeFileSync(mdPath, this.markdown());
    writeFileSync(jsonPath, `${JSON.stringify(this.json(), jsonNumbers, 2)}\n`);
  }
}

/** JSON cannot hold NaN/Infinity: write null, and round long fractions. */
function jsonNumbers(_k: string, v: unknown): unknown {
  if (typeof v !== 'number') return v;
  if (!Number.isFinite(v)) return null;
  if (Number.isInteger(v)) return v;
  return Number(v.toPrecision(6));
}

/** A markdown table cell: pipes escaped. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

export function renderTable(t: Table): string {
  const lines: string[] = [];
  lines.push(`### ${t.title}`);
  lines.push('');
  for (const n of t.notes) lines.push(`${n}  `);
  if (t.notes.length > 0) lines.push('');
  lines.push(`| ${t.columns.join(' | ')} |`);
  lines.push(`|${t.columns.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
  for (const r of t.rows) lines.push(`| ${r.map(cell).join(' | ')} |`);
  return lines.join('\n');
}
