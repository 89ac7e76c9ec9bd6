/**
 * Warm-up: make the first real kernel call after init() run optimised code.
 *
 * What V8 does (Node 20 = V8 11.3; the mechanism is unchanged in later
 * versions, the constants differ): a wasm
 * function is compiled lazily, on its first call, by the baseline compiler
 * Liftoff, whose code on these SIMD loops is 2-4x slower than TurboFan's.
 * Tier-up is dynamic and per function: Liftoff code subtracts the machine-code
 * bytes it runs from that function's tiering budget at every loop back edge
 * and return (`--wasm-tiering-budget`, 1.8e6 by default). When the budget runs
 * out, the function is queued for TurboFan on a background thread, and calls
 * that start after the new code is published run it. There is no on-stack
 * replacement: a call that starts in Liftoff ends in Liftoff. A few tiny calls
 * (the previous warm-up) spend almost none of the budget, so the first big
 * call ran wholly in Liftoff (gram n = 1e5, d = 64: ~3x its steady time).
 *
 * So warm-up does two things:
 *  1. Trigger: it runs every kernel, on inputs small enough to stay in cache,
 *     until each wasm function on the hot paths has used up its budget with a
 *     wide margin (measured: ~0.1 ms of Liftoff time per kernel suffices; we
 *     run 0.3 ms, counting work by the fastest call so preemption cannot fake
 *     it). One kernel can call several wasm functions (gram: pack, the tile
 *     kernel, xtyChunk), each with its own budget, so the probes cover every
 *     path that does real work (packed bit widths, N:M runs, sampled select).
 *  2. Wait, bounded: it re-times one probe per wasm function whose TurboFan
 *     code is measurably faster (>= ~1.8x here) and counts it done once the
 *     probe runs in under TIERED_FRACTION of its Liftoff time, sleeping
 *     (Atomics.wait) between rounds so the compile threads get the CPU. It
 *     returns when all are done, when none has finished for STALL_MS, or at
 *     DEADLINE_MS; compilation carries on in the background either way.
 *
 * No process-wide V8 flags: `--no-liftoff` or `--no-wasm-dynamic-tiering` (via
 * v8.setFlagsFromString) would also do it, but for every module in the process,
 * and only if set before the module is compiled.
 *
 * The JS twin runs the trigger phase only, on 16x smaller inputs and capped at
 * JS_CAP_MS: V8's JS tiers have on-stack replacement, so a long first call
 * optimises itself mid-loop anyway; the warm-up spares the hot loops the
 * interpreter and collects their type feedback.
 */
import type { Core } from './core.js';

/**
 * The warm-up's scratch blocks, released together. Not scope.ts's Scope: this
 * lazy chunk then imports no module of the eager code, so a bundler does not
 * split the engine's buffers and errors into shared chunks of their own.
 */
interface Scratch {
  alloc(bytes: number): number;
}

/** Liftoff time (by the fastest call) each probe runs for in the trigger phase (ms). */
const TRIGGER_MS = 0.3;
/** The same for the JS twin (ms), on 16x smaller inputs. */
const TRIGGER_MS_JS = 0.2;
/** The JS twin's whole warm-up stops starting new probes after this long (ms). */
const JS_CAP_MS = 40;
/** Calls per probe in the trigger phase, at least (call 0 includes the lazy compile). */
const TRIGGER_MIN_CALLS = 3;
/** Calls per probe in the trigger phase, at most. */
const TRIGGER_MAX_CALLS = 200;
/** A probe counts as tiered up once it runs in under this fraction of its Liftoff time. */
const TIERED_FRACTION = 0.65;
/** The whole warm-up returns by this long after it started, whatever is still compiling (ms). */
const DEADLINE_MS = 100;
/** Stop waiting when no watched probe has tiered up for this long (ms). */
const STALL_MS = 20;
/** Sleep between poll rounds (ms). */
const POLL_SLEEP_MS = 1;

interface Probe {
  readonly run: () => void;
  /**
   * Whether the wait watches this probe. false where TurboFan is less than
   * ~1.6x faster on it (too close to tell the tiers apart by time), or where an
   * earlier probe already spent the budget of the same wasm functions (its
   * "Liftoff time" might then be TurboFan's). It is still run to spend budget.
   */
  readonly watch: boolean;
}

const now = (): number => performance.now();

let sleepCell: Int32Array | undefined;
function sleep(ms: number): void {
  try {
    sleepCell ??= new Int32Array(new SharedArrayBuffer(4));
    Atomics.wait(sleepCell, 0, 0, ms);
  } catch {
    // No SharedArrayBuffer, or Atomics.wait refused (a browser's main thread): spin.
    const end = now() + ms;
    while (now() < end);
  }
}

export function warmUp(core: Core): void {
  const t0 = now();
  const wasm = (core.kernels as { memory?: unknown }).memory instanceof WebAssembly.Memory;
  const target = wasm ? TRIGGER_MS : TRIGGER_MS_JS;
  const blocks: number[] = [];
  const s: Scratch = { alloc: (bytes) => (blocks.push(core.arena.alloc(bytes)), blocks[blocks.length - 1]) };
  try {
    const probes = makeProbes(core, s, !wasm);
    // 1. Trigger: spend each probe's budget; work is counted by the fastest
    //    call, so a call slowed by preemption does not count for more.
    const base = new Map<Probe, number>();
    for (const p of probes) {
      if (!wasm && now() - t0 >= JS_CAP_MS) break;
      let best = Infinity;
      for (let i = 0; i < TRIGGER_MAX_CALLS; i++) {
        const c = now();
        p.run();
        const e = now() - c;
        // already running TurboFan code (an earlier probe or call spent the budget): done
        if (i >= TRIGGER_MIN_CALLS && e < TIERED_FRACTION * best) break;
        if (i > 0 && e < best) best = e;
        if (i + 1 >= TRIGGER_MIN_CALLS && i * best >= target) break;
      }
      base.set(p, best);
    }
    // 2. Wait (WebAssembly only), bounded, for the background compiles.
    const pending = new Set(wasm ? probes.filter((p) => p.watch) : []);
    let progress = now();
    while (pending.size > 0) {
      const t = now();
      if (t - t0 >= DEADLINE_MS || t - progress >= STALL_MS) break;
      for (const p of pending) {
        // One call: noise only ever slows a call, so it cannot fake a tier-up.
        const c = now();
        p.run();
        if (now() - c < TIERED_FRACTION * base.get(p)!) {
          pending.delete(p);
          progress = now();
        }
      }
      if (pending.size > 0) sleep(POLL_SLEEP_MS);
    }
  } finally {
    for (let i = blocks.length - 1; i >= 0; i--) core.arena.release(blocks[i]);
  }
}

/** Finite, varied values: a short pattern, then doubled by native copies (this runs before any JIT). */
function fill(v: Float32Array | Float64Array, f: number, m: number): void {
  const P = Math.min(v.length, 1024);
  for (let i = 0; i < P; i++) v[i] = Math.sin(i * f) * (1 + (i % m));
  for (let len = P; len < v.length; len *= 2) v.copyWithin(len, 0, Math.min(len, v.length - len));
}

/**
 * One small call per kernel path (tens of microseconds optimised), together
 * reaching every wasm function that does real work. In-place kernels get their
 * input restored before each call, so repeated runs do the same work and never
 * drift into denormals. About 2.7 MB of scratch, released after warm-up.
 */
function makeProbes(core: Core, s: Scratch, small = false): Probe[] {
  const k = core.kernels;
  // small (the JS twin): inputs 16x smaller; the twin's loops need no budget
  // spent, only to leave the interpreter and collect type feedback.
  const BIG = small ? 4096 : 1 << 17; // wasm kthAbs samples (its own loops) from 2^17 elements up
  const N32 = small ? 2048 : 32768;
  const N64 = small ? 1024 : 16384;
  const GN = small ? 128 : 512; // gram rows
  const GD = small ? 16 : 32; // gram columns
  const CD = small ? 32 : 96; // cholesky order
  const CK = 8; // right-hand sides

  const f64 = s.alloc(BIG * 8);
  const f32 = s.alloc(BIG * 4);
  const out = s.alloc(BIG * 8); // outputs and scratch, either type
  const mask = s.alloc(N32 / 8);
  const q = s.alloc(N32);
  const sc = s.alloc(64);
  const red = s.alloc(64);
  const COLS = 64; // per-column (axis 1) probes
  const csc = s.alloc(COLS * 4);
  const y = s.alloc(GN * 8);
  const xtx = s.alloc(GD * GD * 8);
  const xty = s.alloc(GD * 16 * 8);
  const mu = s.alloc(GD * 8);
  const inv = s.alloc(GD * 8);
  const gscr = s.alloc(Math.max(16, k.gramScratchBytes(GD)));
  const spd = s.alloc(CD * CD * 8);
  const a = s.alloc(CD * CD * 8);
  const l = s.alloc(CD * CD * 8);
  const b0 = s.alloc(CD * CK * 8);
  const b = s.alloc(CD * CK * 8);
  // a compressed-row design: GN rows of 6 columns each (of GD), f64 values (the path that reads them)
  const NZ = 6;
  const zs = s.alloc((GN + 1) * 4);
  const zc = s.alloc(GN * NZ * 4);
  // No allocation after this point, so the views below stay attached.
  const buf = core.arena.memory.buffer;
  fill(new Float64Array(buf, f64, BIG), 0.61, 5);
  fill(new Float32Array(buf, f32, BIG), 0.37, 7);
  fill(new Float64Array(buf, y, GN), 0.11, 3);
  new Float64Array(buf, mu, GD).fill(0.1);
  new Float64Array(buf, inv, GD).fill(0.9);
  // SPD (diagonally dominant) A for the factorisation; an arbitrary
  // well-conditioned lower-triangular L for the solves, made in JS so that no
  // kernel runs (and spends budget) before its own probe takes its base time.
  const vs = new Float64Array(buf, spd, CD * CD);
  const vl = new Float64Array(buf, l, CD * CD);
  for (let i = 0; i < CD; i++) {
    for (let j = 0; j < CD; j++) {
      const t = (((i + j) * 37) % 19) / 19 - 0.5; // symmetric, in [-0.5, 0.5)
      vs[i * CD + j] = i === j ? CD + 1 : t;
      vl[i * CD + j] = i === j ? 2 + (i % 3) : j < i ? t * 0.02 : 0;
    }
  }
  fill(new Float64Array(buf, b0, CD * CK), 0.7, 3);
  const vzs = new Int32Array(buf, zs, GN + 1);
  const vzc = new Int32Array(buf, zc, GN * NZ);
  for (let i = 0; i <= GN; i++) vzs[i] = i * NZ;
  for (let i = 0; i < GN * NZ; i++) vzc[i] = ((i % NZ) * (GD / NZ) + (i % 3)) | 0; // ascending within a row, < GD
  const va = new Float64Array(buf, a, CD * CD);
  const vb0 = new Float64Array(buf, b0, CD * CK);
  const vb = new Float64Array(buf, b, CD * CK);
  const vsc = new Float32Array(buf, sc, 16);
  vsc[0] = 7 / 127; // 8-bit codes
  vsc[1] = 1; // 4-bit: -8..7
  vsc[2] = 3; // 2-bit: -2..1
  new Float32Array(buf, csc, COLS).fill(7 / 127);
  const vxtx = new Float64Array(buf, xtx, GD * GD);
  const vxty = new Float64Array(buf, xty, GD * 16);
  const gram = (d: number, m: number, centred: boolean) => () => {
    vxtx.fill(0);
    vxty.fill(0);
    if (centred) k.gramCentredF64(f64, GN, d, mu, inv, y, m, 0, xtx, xty, gscr);
    else k.gramF64(f64, GN, d, m === 1 ? y : f64, m, 0, xtx, xty, gscr);
  };

  // Order matters where probes share wasm functions: the watched one comes first.
  // The compiles are queued in this order.
  return [
    // Not watched (TurboFan is only ~1.3x faster on these probes, though 2x on
    // big inputs), so queued for TurboFan first, while the wait watches the rest.
    { run: () => k.quantizeF32(f32, N32, N32, sc, 0, -128, 127, 8, q), watch: false },
    { run: () => k.quantizeF32(f32, N32, N32, sc + 4, 0, -8, 7, 4, q), watch: false },
    { run: () => k.quantizeF32(f32, N32, N32, sc + 8, 0, -2, 1, 2, q), watch: false },
    { run: () => k.dequantizeF32(q, N32, N32, sc + 4, 0, 4, 1, out), watch: true },
    { run: () => k.dequantizeF32(q, N32, N32, sc, 0, 8, 1, out), watch: false },
    { run: () => k.quantizeColsF32(f32, N32, COLS, csc, 0, -128, 127, 8, q), watch: false },
    { run: () => k.dequantizeColsF32(q, N32, COLS, csc, 0, 8, 1, out), watch: false },
    { run: () => k.colMaxAbsF32(f32, N32, COLS, out), watch: false },
    { run: () => k.colMinMaxF32(f32, N32, COLS, out, out + COLS * 4), watch: false },
    { run: gram(GD, 1, false), watch: true },
    { run: gram(GD, 1, true), watch: false },
    // X^T Y with 16 right-hand sides: enough work for xtyChunk's own budget
    { run: gram(8, 16, false), watch: false },
    {
      run: () => {
        va.set(vs);
        k.choleskyF64(a, CD, 0);
      },
      watch: true,
    },
    {
      run: () => {
        vb.set(vb0);
        k.cholSolveF64(l, CD, b, CK);
      },
      watch: true,
    },
    { run: () => k.colStatsF64(f64, GN, GD, 0, out, out + GD * 8, out + 2 * GD * 8), watch: true },
    {
      run: () => {
        vxtx.fill(0);
        k.nonzeroGramF64(zs, zc, f64, GN, GD, y, y, xtx, out, out + GD * 8);
      },
      watch: false,
    },
    { run: () => void k.findNonFiniteF32(f32, N32), watch: true },
    { run: () => void k.findNonFiniteF64(f64, N64), watch: false },
    { run: () => k.segMaxAbsF32(f32, N32, N32, red), watch: true },
    { run: () => k.segMaxAbsF64(f64, N64, N64, red), watch: true },
    { run: () => k.segMinMaxF32(f32, N32, N32, red, red + 16), watch: true },
    { run: () => k.segMinMaxF64(f64, N64, N64, red, red + 16), watch: true },
    { run: () => k.segNormF32(f32, N32, 64, 2, out), watch: true },
    { run: () => k.segNormF64(f64, N64, 64, 2, out), watch: true },
    { run: () => void k.pruneF32(f32, N32, 0.5, out, mask), watch: true },
    { run: () => void k.pruneF64(f64, N64, 0.5, out, mask), watch: true },
    { run: () => void k.nmPruneF32(f32, N32, 0, 2, 4, out, mask), watch: true },
    { run: () => void k.nmPruneF32(f32, N32, 0, 4, 8, out, mask), watch: false },
    { run: () => void k.nmPruneF32(f32, N32, 0, 4, 16, out, mask), watch: false },
    { run: () => void k.nmPruneF64(f64, N64, 0, 2, 4, out, mask), watch: false },
    { run: () => void k.kthAbsF32(f32, BIG, BIG >> 1, out), watch: true },
    { run: () => void k.kthAbsF64(f64, BIG, BIG >> 1, out), watch: true },
  ];
}
