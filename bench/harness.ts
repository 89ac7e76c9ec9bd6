/**
 * Timing harness for the benchmark program (DESIGN habit 10: benchmarks are a
 * program, not timed tests; medians and ratios, never single timings).
 *
 * - Every case is warmed up first (V8 runs a function's first calls in a
 *   baseline tier, 3-4x slower for big wasm kernels).
 * - Cheap cases repeat the call `reps` times per sample so that one sample
 *   lasts at least `minSampleMs`: the timer's resolution and the call
 *   overhead stop mattering.
 * - The cases of one group are sampled *interleaved* (round robin: A B C A B
 *   C ...), so slow drifts of a shared, noisy machine hit every case alike and
 *   the ratios between them stay honest.
 * - The reported figure is the median per-call time; the spread column is the
 *   inter-quartile range relative to the median.
 */
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface TimingOptions {
  /** A sample lasts at least this long (cheap calls are repeated). */
  minSampleMs: number;
  /** Time to spend sampling one case (after warm-up and calibration). */
  budgetMs: number;
  /** Samples per case, at least / at most (the budget picks in between). */
  minSamples: number;
  maxSamples: number;
  /** Warm-up: keep calling until this many calls AND this many ms (or 1 call if one call is slower than warmMs). */
  warmCalls: number;
  warmMs: number;
}

export const FULL_TIMING: TimingOptions = { minSampleMs: 20, budgetMs: 1000, minSamples: 5, maxSamples: 21, warmCalls: 3, warmMs: 60 };
export const QUICK_TIMING: TimingOptions = { minSampleMs: 5, budgetMs: 150, minSamples: 3, maxSamples: 7, warmCalls: 2, warmMs: 10 };

export interface Case {
  id: string;
  /** The operation timed: one call = one operation. */
  fn: () => void;
  /** Replaces the default warm-up (e.g. the same kernel on a small input when one call takes seconds). */
  warm?: () => void;
  /** Per-case overrides of the group's options (e.g. fewer samples for a slow baseline). */
  minSamples?: number;
  maxSamples?: number;
  budgetMs?: number;
}

export interface Timing {
  id: string;
  /** Median time of one call. */
  medianMs: number;
  p25Ms: number;
  p75Ms: number;
  minMs: number;
  maxMs: number;
  /** (p75 - p25) / median, in percent. */
  spreadPct: number;
  samples: number;
  /** Calls per sample. */
  reps: number;
  /**
   * Process CPU time / wall time while sampling, in percent: about 100 when
   * this single-threaded bench had a core to itself, lower when the machine
   * was busy and it was descheduled (then the times are inflated).
   */
  cpuPct: number;
  /**
   * Median process CPU time per call (user + system, all threads). Less
   * sensitive to being descheduled on a busy machine than the wall time, but
   * it also counts V8's helper threads (GC, compiler); wall time is the figure.
   */
  cpuMedianMs: number;
  error?: string;
}

const now = (): number => performance.now();

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(id: string, perCall: number[], reps: number, cpuPct = NaN, cpuPerCall: number[] = []): Timing {
  const s = [...perCall].sort((a, b) => a - b);
  const cs = [...cpuPerCall].sort((a, b) => a - b);
  const med = quantile(s, 0.5);
  const p25 = quantile(s, 0.25);
  const p75 = quantile(s, 0.75);
  return {
    id,
    medianMs: med,
    p25Ms: p25,
    p75Ms: p75,
    minMs: s[0] ?? NaN,
    maxMs: s[s.length - 1] ?? NaN,
    spreadPct: med > 0 ? ((p75 - p25) / med) * 100 : NaN,
    samples: s.length,
    reps,
    cpuPct,
    cpuMedianMs: quantile(cs, 0.5),
  };
}

function errorTiming(id: string, e: unknown): Timing {
  const msg = e instanceof Error ? `${(e as { code?: string }).code ? `${(e as { code?: string }).code}: ` : ''}${e.message}` : String(e);
  return { id, medianMs: NaN, p25Ms: NaN, p75Ms: NaN, minMs: NaN, maxMs: NaN, spreadPct: NaN, samples: 0, reps: 0, cpuPct: NaN, cpuMedianMs: NaN, error: msg.split('\n')[0].slice(0, 160) };
}

interface Plan {
  c: Case;
  reps: number;
  target: number;
  samples: number[];
  cpuSamples: number[];
  wallMs: number;
  cpuMs: number;
  error?: unknown;
}

/**
 * Times every case of a group, interleaved. Returns one Timing per case, in
 * order; a case that throws gets `error` set (and NaN times) instead of
 * stopping the bench.
 */
export function measureGroup(cases: Case[], opts: TimingOptions): Timing[] {
  const plans: Plan[] = cases.map((c) => ({ c, reps: 1, target: 0, samples: [], cpuSamples: [], wallMs: 0, cpuMs: 0 }));
  // Warm-up and calibration, case by case.
  for (const p of plans) {
    try {
      const { c } = p;
      if (c.warm) {
        for (let i = 0; i < opts.warmCalls; i++) c.warm();
      } else {
        const t0 = now();
        let calls = 0;
        do {
          c.fn();
          calls++;
        } while (calls < opts.warmCalls && now() - t0 < opts.warmMs);
      }
      // Calibrate on one timed call; if it is long enough it is a sample.
      const t0 = now();
      c.fn();
      const t1 = Math.max(now() - t0, 1e-4);
      if (t1 >= opts.minSampleMs) {
        p.reps = 1;
        p.samples.push(t1);
      } else {
        p.reps = Math.min(1_000_000, Math.ceil((opts.minSampleMs / t1) * 1.1));
      }
      const budget = c.budgetMs ?? opts.budgetMs;
      const minS = c.minSamples ?? opts.minSamples;
      const maxS = c.maxSamples ?? opts.maxSamples;
      p.target = Math.max(minS, Math.min(maxS, Math.floor(budget / (p.reps * t1))));
    } catch (e) {
      p.error = e;
    }
  }
  // Interleaved sampling.
  const rounds = Math.max(0, ...plans.map((p) => p.target));
  for (let r = 0; r < rounds; r++) {
    for (const p of plans) {
      if (p.error !== undefined || p.samples.length >= p.target) continue;
      try {
        const { fn } = p.c;
        const reps = p.reps;
        const c0 = process.cpuUsage();
        const t0 = now();
        for (let i = 0; i < reps; i++) fn();
        const dt = now() - t0;
        const c1 = process.cpuUsage(c0);
        const cpu = (c1.user + c1.system) / 1000;
        p.samples.push(dt / reps);
        p.cpuSamples.push(cpu / reps);
        p.wallMs += dt;
        p.cpuMs += cpu;
      } catch (e) {
        p.error = e;
      }
    }
  }
  return plans.map((p) => (p.error !== undefined ? errorTiming(p.c.id, p.error) : summarize(p.c.id, p.samples, p.reps, p.wallMs > 0 ? (100 * p.cpuMs) / p.wallMs : NaN, p.cpuSamples)));
}

/** Below this CPU share a case's wall times are flagged as inflated by other load. */
export const BUSY_CPU_PCT = 85;

/**
 * A floor note for a case timed while the machine was busy: the same figure
 * computed from the CPU-time median (what the code would do on a quiet core).
 */
export function busyNote(t: Timing | undefined, figure: (ms: number) => string): string | undefined {
  if (!t || t.error || !(t.cpuPct < BUSY_CPU_PCT)) return undefined;
  return `busy machine: this case had a core ${t.cpuPct.toFixed(0)}% of its wall time; on CPU time: ${figure(t.cpuMedianMs)}`;
}

/** The same for a ratio slow / fast of two cases (e.g. js / wasm, copy / op). */
export function busyRatioNote(slow: Timing | undefined, fast: Timing | undefined): string | undefined {
  if (!slow || !fast || slow.error || fast.error) return undefined;
  if (!(slow.cpuPct < BUSY_CPU_PCT || fast.cpuPct < BUSY_CPU_PCT)) return undefined;
  return `busy machine (core shares ${fast.cpuPct.toFixed(0)}% / ${slow.cpuPct.toFixed(0)}%); on CPU time: ${fmtRatio(slow.cpuMedianMs / fast.cpuMedianMs)}`;
}

/** Joins optional notes. */
export function notes(...n: (string | undefined)[]): { note?: string } {
  const s = n.filter((x): x is string => !!x).join('; ');
  return s ? { note: s } : {};
}

// ---------------------------------------------------------------------------
// Deterministic data.

/** xoshiro128** : a small seeded PRNG, uniform in [0, 1). */
export function rng(seed = 0x5eed): () => number {
  let a = seed >>> 0 || 1;
  let b = 0x9e3779b9;
  let c = 0x243f6a88;
  let d = 0xb7e15162;
  const next = (): number => {
    const t = b << 9;
    let r = Math.imul(b, 5);
    r = Math.imul((r << 7) | (r >>> 25), 9);
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = (d << 11) | (d >>> 21);
    return (r >>> 0) / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

/** Fills `a` with uniform values in [lo, hi). */
export function fillUniform(a: Float32Array | Float64Array, seed: number, lo = -1, hi = 1): void {
  const r = rng(seed);
  const w = hi - lo;
  for (let i = 0; i < a.length; i++) a[i] = lo + w * r();
}

/** Fills `a` with standard normal values (Box-Muller): weights look like this. */
export function fillNormal(a: Float32Array | Float64Array, seed: number, sd = 1): void {
  const r = rng(seed);
  for (let i = 0; i < a.length; i += 2) {
    const u = 1 - r();
    const v = r();
    const m = sd * Math.sqrt(-2 * Math.log(u));
    a[i] = m * Math.cos(2 * Math.PI * v);
    if (i + 1 < a.length) a[i + 1] = m * Math.sin(2 * Math.PI * v);
  }
}

// ---------------------------------------------------------------------------
// Machine line.

export interface MachineInfo {
  cpu: string;
  cores: number;
  memGiB: number;
  os: string;
  node: string;
  v8: string;
  date: string;
  git: string;
  /** 1-minute load average when the run started. */
  load1: number;
}

function cpuModel(): string {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const m = /^model name\s*:\s*(.+)$/m.exec(info);
    const mhz = /^cpu MHz\s*:\s*([\d.]+)$/m.exec(info);
    const flags = /^flags\s*:\s*(.+)$/m.exec(info)?.[1]?.split(/\s+/) ?? [];
    const simd = ['avx512f', 'avx2', 'sse4_2'].find((f) => flags.includes(f));
    if (m) return `${m[1].trim()}${mhz ? ` @ ${Math.round(Number(mhz[1]))} MHz` : ''}${simd ? ` (${simd})` : ''}`;
  } catch {
    /* not Linux */
  }
  return os.cpus()[0]?.model?.trim() || 'unknown CPU';
}

function gitLine(): string {
  try {
    const head = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execSync('git status --porcelain', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() !== '';
    return `${head}${dirty ? ' + uncommitted changes' : ''}`;
  } catch {
    return 'no commit yet';
  }
}

export function machineInfo(): MachineInfo {
  return {
    cpu: cpuModel(),
    cores: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    date: new Date().toISOString(),
    git: gitLine(),
    load1: os.loadavg()[0],
  };
}

export function machineLine(m: MachineInfo): string {
  return `${m.cpu}, ${m.cores} vCPU, ${m.memGiB} GiB RAM, ${m.os}; Node ${m.node} (V8 ${m.v8}); ${m.date}; git ${m.git}`;
}

// ---------------------------------------------------------------------------
// Number formatting.

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  if (ms >= 0.01) return `${(ms * 1000).toFixed(1)} µs`;
  return `${(ms * 1000).toFixed(2)} µs`;
}

export function fmtNum(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return '—';
  if (Math.abs(x) >= 100) return x.toFixed(0);
  if (Math.abs(x) >= 10) return x.toFixed(1);
  return x.toFixed(digits);
}

export function fmtRatio(x: number): string {
  return Number.isFinite(x) ? `${fmtNum(x)}x` : '—';
}

export function fmtPct(x: number): string {
  return Number.isFinite(x) ? `±${x < 10 ? x.toFixed(1) : x.toFixed(0)}%` : '—';
}

/**
 * The cells a throughput table shows for one op on both engines: wasm time,
 * wasm GB/s, twin time, twin GB/s (dashes where the twin was not run).
 */
export function throughputCells(tw: Timing, tj: Timing | undefined, gbps: (t: Timing | undefined) => number): string[] {
  return [
    tw.error ? `error: ${tw.error}` : fmtMs(tw.medianMs),
    fmtNum(gbps(tw)),
    tj ? (tj.error ? `error: ${tj.error}` : fmtMs(tj.medianMs)) : '—',
    fmtNum(gbps(tj)),
  ];
}

/** The spread cell for one op: wasm's, and the twin's when it ran. */
export function spreadCells(tw: Timing, tj: Timing | undefined): string {
  return tj ? `${fmtPct(tw.spreadPct)} / ${fmtPct(tj.spreadPct)}` : fmtPct(tw.spreadPct);
}

/** A time cell: median, with the spread and sample count when asked. */
export function fmtTiming(t: Timing | undefined): string {
  if (!t) return '—';
  if (t.error) return `error: ${t.error}`;
  return fmtMs(t.medianMs);
}

export function sizeLabel(n: number): string {
  const e = Math.log10(n);
  if (n >= 1000 && Number.isInteger(e)) return `1e${e}`;
  return n.toLocaleString('en-US');
}
