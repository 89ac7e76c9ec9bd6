/**
 * Compression: block and per-channel quantize and N:M prune
 * throughput, wasm-simd vs the JS twin and against copy bandwidth; GPTQ and
 * SparseGPT / OBS time for d = 64, 256, 1024.
 * (Part of the bench program: `npm run bench -- compress`, or a part:
 * `npm run bench -- blockquant`, `nm`, `gptq`, `sparsegpt`, `predict`.)
 *
 * predict: CompressedLinearModel.predict (integer codes times features, one
 * multiplication by the scale per group; pruned weights skipped) against
 * dequantize-once-then-float-predict (c.coefficients(), then
 * LinearModel.predict's float64 dot products) and against the float model
 * itself, on n row-major float64 rows. Plain TS in both engines (no kernel),
 * so one backend.
 *
 * Throughput paths:
 *  - zero-copy: input in an `engine.memory.f32` buffer, codes written into an
 *    `engine.memory.i8/u8` buffer (`out`): the kernels plus the per-group
 *    scale pass, no copies. Scales are returned as a small JS array.
 *  - copying: the public API on a JS-heap Float32Array (copy in, codes copied
 *    out); wasm engine only, one row for information.
 *  - N:M kernel: `engine.kernels.nmPruneF32` (2:4 along rows of 1000) on an
 *    `engine.memory.f32` buffer, writing the bitmask and the packed survivors
 *    into linear-memory buffers: the selection, packing and finite check in
 *    one pass (the wasm SIMD kernel vs its pure-TS twin, both bit-identical).
 *  - N:M heap: the public `engine.prune(w, { nm: [2, 4], shape })` on a
 *    JS-heap Float32Array, returning a SparseTensor (copy in, the kernel,
 *    mask and survivors copied out), both engines.
 *
 * GB/s counts the logical bytes read + written once: quantize 4n + n·bits/8 +
 * 4·groups (float32 scales); N:M prune 4n read + (n·N/M)·4 packed survivors +
 * n/8 mask. "x copy" is time-based: t(copy of n float32 with
 * `Float32Array.prototype.set`, the same baseline as the stream family) /
 * t(op), measured in the same group, interleaved with the ops.
 */
import { LinearModel, type CompressModelOptions, type Engine, type F32Buffer, type I8Buffer, type Matrix, type QuantizedTensor, type U8Buffer } from '../src/index.js';
import type { Granularity } from '../src/types.js';
import type { BenchContext, Family } from './context.js';
import { busyRatioNote, fillNormal, fmtMs, fmtNum, fmtPct, fmtRatio, notes, sizeLabel, spreadCells, throughputCells, type Case, type Timing } from './harness.js';

const FAMILY = 'compress';
/** Row length of the per-channel and N:M cases: [n / 1000, 1000] matrices. */
const COLS = 1000;

interface QOp {
  label: string;
  bits: 4 | 8;
  gran: (n: number) => Granularity;
  groups: (n: number) => number;
  /** Also time the copying public API (wasm only). */
  copying?: boolean;
}

const QOPS: QOp[] = [
  { label: 'int8 symmetric, blocks of 32', bits: 8, gran: () => ({ block: 32 }), groups: (n) => n / 32, copying: true },
  { label: 'int8 symmetric, blocks of 64', bits: 8, gran: () => ({ block: 64 }), groups: (n) => n / 64 },
  { label: 'int8 symmetric, blocks of 128', bits: 8, gran: () => ({ block: 128 }), groups: (n) => n / 128 },
  { label: 'int4 symmetric (packed), blocks of 32', bits: 4, gran: () => ({ block: 32 }), groups: (n) => n / 32 },
  { label: `int8 symmetric, per channel (axis 0, [n/${COLS}, ${COLS}])`, bits: 8, gran: (n) => ({ axis: 0, shape: [n / COLS, COLS] }), groups: (n) => n / COLS },
  { label: `int4 symmetric (packed), per channel (axis 0, [n/${COLS}, ${COLS}])`, bits: 4, gran: (n) => ({ axis: 0, shape: [n / COLS, COLS] }), groups: (n) => n / COLS },
];

const qBytes = (o: QOp, n: number): number => 4 * n + (n * o.bits) / 8 + 4 * o.groups(n);

interface Side {
  e: Engine;
  x: F32Buffer;
  q8: I8Buffer;
  q4: U8Buffer;
  /** N:M 2:4 outputs: n/2 packed survivors and the n-bit mask. */
  nmOut: F32Buffer;
  nmMask: U8Buffer;
}

function side(e: Engine, host: Float32Array, n: number): Side {
  const s: Side = { e, x: e.memory.f32(n), q8: e.memory.i8(n), q4: e.memory.u8(Math.ceil(n / 2)), nmOut: e.memory.f32(n / 2), nmMask: e.memory.u8(Math.ceil(n / 8)) };
  s.x.view.set(host); // view derived after the last allocation
  return s;
}

/** The N:M 2:4 kernel alone, rows of COLS, on linear-memory buffers; returns the kept count. */
const nmKernel = (s: Side, n: number): number => s.e.kernels.nmPruneF32(s.x.ptr, n, COLS, 2, 4, s.nmOut.ptr, s.nmMask.ptr);

const zeroCopy = (s: Side, o: QOp, n: number): QuantizedTensor => s.e.quantize(s.x, { bits: o.bits, granularity: o.gran(n), out: o.bits === 8 ? s.q8 : s.q4 });

function bytesEqual(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

function throughput(ctx: BenchContext, rows: string[][]): void {
  // Multiples of 128 · 1000, so every block size and the 1000-wide rows divide n.
  const sizes = ctx.quick ? [128_000, 1_024_000] : [1_024_000, 10_240_000];
  const wantQ = ctx.wants('blockquant');
  const wantNM = ctx.wants('nm');
  if (!wantQ && !wantNM) return;
  const thr = { budgetMs: ctx.quick ? ctx.timing.budgetMs : 600 };
  const slowJs = { minSamples: 3, maxSamples: 7, budgetMs: ctx.quick ? ctx.timing.budgetMs : 600 };
  for (const n of sizes) {
    const host = new Float32Array(n);
    fillNormal(host, 5151);
    const hostDst = new Float32Array(n);
    const W = side(ctx.wasm, host, n);
    const J = side(ctx.js, host, n);
    const nmShape: [number, number] = [n / COLS, COLS];
    try {
      const cases: Case[] = [{ id: 'copy.heap', fn: () => hostDst.set(host), ...thr }];
      if (wantQ) {
        QOPS.forEach((o, i) => {
          // One result check per op and size: codes and scales bit-identical across engines.
          try {
            const a = zeroCopy(W, o, n);
            const ad = (o.bits === 8 ? W.q8 : W.q4).toArray();
            const b = zeroCopy(J, o, n);
            const bd = (o.bits === 8 ? J.q8 : J.q4).toArray();
            const ok = bytesEqual(ad, bd) && bytesEqual(a.scale, b.scale);
            ctx.report.check(FAMILY, `n=${sizeLabel(n)} quantize ${o.label}`, ok, `codes ${bytesEqual(ad, bd) ? 'equal' : 'DIFFER'}, scales ${bytesEqual(a.scale, b.scale) ? 'equal' : 'DIFFER'}`);
          } catch (e) {
            ctx.report.check(FAMILY, `n=${sizeLabel(n)} quantize ${o.label}`, false, `threw: ${(e as Error).message}`);
          }
          cases.push({ id: `q${i}.wasm`, fn: () => void zeroCopy(W, o, n), ...thr });
          cases.push({ id: `q${i}.js`, fn: () => void zeroCopy(J, o, n), ...slowJs });
          if (o.copying) cases.push({ id: `q${i}.copying`, fn: () => void ctx.wasm.quantize(host, { bits: o.bits, granularity: o.gran(n) }), ...thr });
        });
      }
      if (wantNM) {
        try {
          // kernel: mask and packed survivors bit-identical across backends
          const kw = nmKernel(W, n);
          const kj = nmKernel(J, n);
          const same = bytesEqual(W.nmOut.view, J.nmOut.view) && bytesEqual(W.nmMask.view, J.nmMask.view);
          ctx.report.check(FAMILY, `n=${sizeLabel(n)} prune 2:4 kernel`, kw === n / 2 && kj === kw && same, `kept ${kw} vs ${kj} of ${n}, mask and survivors ${same ? 'equal' : 'DIFFER'}`);
          const a = ctx.wasm.prune(host, { nm: [2, 4], shape: nmShape });
          const b = ctx.js.prune(host, { nm: [2, 4], shape: nmShape });
          const ok = a.kept === b.kept && a.kept === n / 2 && bytesEqual(a.data, b.data) && a.format === b.format && bytesEqual(a.data, W.nmOut.view);
          ctx.report.check(FAMILY, `n=${sizeLabel(n)} prune 2:4`, ok, `kept ${a.kept} vs ${b.kept} of ${n} (${a.format}, ${a.bytes} bytes), values ${bytesEqual(a.data, b.data) ? 'equal' : 'DIFFER'}`);
        } catch (e) {
          ctx.report.check(FAMILY, `n=${sizeLabel(n)} prune 2:4`, false, `threw: ${(e as Error).message}`);
        }
        cases.push({ id: 'nmk.wasm', fn: () => void nmKernel(W, n), ...thr });
        cases.push({ id: 'nmk.js', fn: () => void nmKernel(J, n), ...slowJs });
        cases.push({ id: 'nm.wasm', fn: () => void ctx.wasm.prune(host, { nm: [2, 4], shape: nmShape }), ...thr });
        cases.push({ id: 'nm.js', fn: () => void ctx.js.prune(host, { nm: [2, 4], shape: nmShape }), ...slowJs });
      }
      const t = ctx.measure(`compress throughput n=${sizeLabel(n)}`, cases);
      const ch = t.get('copy.heap')!;
      const copyGb = (8 * n) / ch.medianMs / 1e6;
      ctx.report.record({ family: FAMILY, case: 'copy.heap', backend: 'host', params: { n }, timing: ch, derived: { gbps: copyGb } });
      rows.push(['copy n float32 (`dst.set(src)`, the baseline)', 'heap', sizeLabel(n), fmtMs(ch.medianMs), fmtNum(copyGb), '—', '—', '—', '1.00x', fmtPct(ch.spreadPct)]);
      const row = (op: string, path: string, bytes: number, tw: Timing, tj: Timing | undefined, tag: string) => {
        const gb = (x: Timing | undefined) => (x && !x.error ? bytes / x.medianMs / 1e6 : NaN);
        const xJs = tj ? tj.medianMs / tw.medianMs : NaN;
        const xCopy = ch.medianMs / tw.medianMs;
        ctx.report.record({ family: FAMILY, case: `${tag}: ${op} [${path}]`, backend: 'wasm-simd', params: { n, path }, timing: tw, derived: { gbps: gb(tw), xJs, xCopy } });
        if (tj) ctx.report.record({ family: FAMILY, case: `${tag}: ${op} [${path}]`, backend: 'js', params: { n, path }, timing: tj, derived: { gbps: gb(tj), xCopy: ch.medianMs / tj.medianMs } });
        rows.push([
          op,
          path,
          sizeLabel(n),
          ...throughputCells(tw, tj, gb),
          fmtRatio(xJs),
          fmtRatio(xCopy),
          spreadCells(tw, tj),
        ]);
        if (n === sizes[sizes.length - 1]) {
          const busy = busyRatioNote(ch, tw);
          ctx.report.ratio(`${tag} n=${sizeLabel(n)} ${path}: ${op}: wasm ${fmtNum(gb(tw))} GB/s = ${fmtRatio(xCopy)} copy${tj ? `, wasm / js ${fmtRatio(xJs)}` : ''}${busy ? ` (${busy})` : ''}`);
        }
      };
      if (wantQ) {
        QOPS.forEach((o, i) => {
          row(`quantize ${o.label}`, 'zero-copy', qBytes(o, n), t.get(`q${i}.wasm`)!, t.get(`q${i}.js`), 'quantize');
          const tc = t.get(`q${i}.copying`);
          if (tc) row(`quantize ${o.label}`, 'copying', qBytes(o, n), tc, undefined, 'quantize');
        });
      }
      if (wantNM) {
        row('prune N:M 2:4 kernel (bitmask + packed survivors)', 'kernel', 4 * n + 2 * n + n / 8, t.get('nmk.wasm')!, t.get('nmk.js'), 'prune');
        row('prune N:M 2:4 → SparseTensor (bitmask + packed)', 'heap', 4 * n + 2 * n + n / 8, t.get('nm.wasm')!, t.get('nm.js'), 'prune');
      }
    } finally {
      for (const s of [W, J]) for (const b of [s.x, s.q8, s.q4, s.nmOut, s.nmMask]) b.free();
    }
  }
}

/** Correlated inputs (AR(1) across columns, rho 0.9): H = X^T X from `samples` rows, via the wasm gram kernel. */
function hessian(e: Engine, d: number, samples: number, seed: number): Float64Array {
  const z = new Float64Array(samples * d);
  fillNormal(z, seed);
  const rho = 0.9;
  const s = Math.sqrt(1 - rho * rho);
  for (let i = 0; i < samples; i++) {
    for (let j = 1; j < d; j++) z[i * d + j] = rho * z[i * d + j - 1] + s * z[i * d + j];
  }
  return e.gram({ rows: samples, cols: d, data: z }).xtx;
}

function weights(rows: number, d: number, seed: number): Matrix {
  const data = new Float64Array(rows * d);
  fillNormal(data, seed, 0.1);
  return { rows, cols: d, data };
}

function hessianAware(ctx: BenchContext, gRows: string[][], sRows: string[][]): void {
  const wantG = ctx.wants('gptq');
  const wantS = ctx.wants('sparsegpt');
  if (!wantG && !wantS) return;
  const ds = ctx.quick ? [64, 256] : [64, 256, 1024];
  const rowCounts = [1, 16];
  for (const d of ds) {
    const H = hessian(ctx.wasm, d, Math.max(2000, 2 * d), 6000 + d);
    const Ws = rowCounts.map((r) => weights(r, d, 6100 + d + r));
    const slow = { minSamples: 3, maxSamples: ctx.quick ? 3 : 9, budgetMs: ctx.quick ? ctx.timing.budgetMs : 1500 };
    // The JS twin differs only in the Cholesky kernel (the sweeps are plain TS): timed where it is cheap.
    const withJs = d <= 256;
    const cases: Case[] = [];
    Ws.forEach((W, k) => {
      if (wantG) {
        cases.push({ id: `g${k}.wasm`, fn: () => void ctx.wasm.quantizeGPTQ(W, H, { bits: 4 }), ...slow });
        if (withJs) cases.push({ id: `g${k}.js`, fn: () => void ctx.js.quantizeGPTQ(W, H, { bits: 4 }), ...slow });
      }
      if (wantS) {
        cases.push({ id: `s${k}.wasm`, fn: () => void ctx.wasm.pruneSparseGPT(W, H, { sparsity: 0.5 }), ...slow });
        if (withJs) cases.push({ id: `s${k}.js`, fn: () => void ctx.js.pruneSparseGPT(W, H, { sparsity: 0.5 }), ...slow });
      }
    });
    const t = ctx.measure(`GPTQ / SparseGPT d=${d}`, cases);
    Ws.forEach((W, k) => {
      const rows = W.rows;
      const jsCells = (tw: Timing, tj: Timing | undefined): string[] => (tj ? [tj.error ? `error: ${tj.error}` : fmtMs(tj.medianMs), fmtRatio(tj.medianMs / tw.medianMs)] : ['not run', '—']);
      if (wantG) {
        const tw = t.get(`g${k}.wasm`)!;
        const tj = t.get(`g${k}.js`);
        let gain = NaN;
        let agree = '';
        try {
          const a = ctx.wasm.quantizeGPTQ(W, H, { bits: 4 });
          gain = a.report.gainVsRtn;
          if (withJs) {
            const b = ctx.js.quantizeGPTQ(W, H, { bits: 4 });
            const ok = bytesEqual(a.tensor.data, b.tensor.data) && bytesEqual(a.tensor.scale, b.tensor.scale);
            ctx.report.check(FAMILY, `GPTQ d=${d} rows=${rows}`, ok, `codes ${ok ? 'equal' : 'DIFFER'} (wasm vs js twin)`);
            agree = ok ? 'yes' : 'NO';
          }
        } catch (e) {
          ctx.report.check(FAMILY, `GPTQ d=${d} rows=${rows}`, false, `threw: ${(e as Error).message}`);
        }
        ctx.report.record({ family: FAMILY, case: 'quantizeGPTQ 4-bit', backend: 'wasm-simd', params: { d, rows }, timing: tw, derived: { gainVsRtn: gain } });
        if (tj) ctx.report.record({ family: FAMILY, case: 'quantizeGPTQ 4-bit', backend: 'js', params: { d, rows }, timing: tj, derived: {} });
        gRows.push([String(d), String(rows), fmtMs(tw.medianMs), ...jsCells(tw, tj), fmtRatio(gain), agree || '—', fmtPct(tw.spreadPct)]);
        if (d === ds[ds.length - 1]) ctx.report.ratio(`quantizeGPTQ 4-bit d=${d} rows=${rows}: wasm ${fmtMs(tw.medianMs)} (Hessian loss ${fmtRatio(gain)} lower than round-to-nearest)`);
      }
      if (wantS) {
        const tw = t.get(`s${k}.wasm`)!;
        const tj = t.get(`s${k}.js`);
        let method = '?';
        let gain = NaN;
        let agree = '';
        try {
          const a = ctx.wasm.pruneSparseGPT(W, H, { sparsity: 0.5 });
          method = a.report.method;
          gain = a.report.gainVsMagnitude;
          if (withJs) {
            const b = ctx.js.pruneSparseGPT(W, H, { sparsity: 0.5 });
            const e = maxRelDiff(a.tensor.data, b.tensor.data);
            const ok = a.report.method === b.report.method && a.tensor.kept === b.tensor.kept && bytesEqual(a.tensor.bitmask ?? new Uint8Array(0), b.tensor.bitmask ?? new Uint8Array(0)) && e <= 1e-9;
            ctx.report.check(FAMILY, `pruneSparseGPT d=${d} rows=${rows}`, ok, `${a.report.method}; masks ${ok ? 'equal' : 'DIFFER'}, values max rel diff ${e.toExponential(1)} (wasm vs js twin; tolerance 1e-9)`);
            agree = ok ? 'yes' : 'NO';
          }
        } catch (e) {
          ctx.report.check(FAMILY, `pruneSparseGPT d=${d} rows=${rows}`, false, `threw: ${(e as Error).message}`);
        }
        ctx.report.record({ family: FAMILY, case: `pruneSparseGPT 50% (${method})`, backend: 'wasm-simd', params: { d, rows, method }, timing: tw, derived: { gainVsMagnitude: gain } });
        if (tj) ctx.report.record({ family: FAMILY, case: `pruneSparseGPT 50% (${method})`, backend: 'js', params: { d, rows, method }, timing: tj, derived: {} });
        sRows.push([String(d), String(rows), method, fmtMs(tw.medianMs), ...jsCells(tw, tj), fmtRatio(gain), agree || '—', fmtPct(tw.spreadPct)]);
        if (d === ds[ds.length - 1]) ctx.report.ratio(`pruneSparseGPT 50% d=${d} rows=${rows}: ${method}, wasm ${fmtMs(tw.medianMs)} (Hessian loss ${fmtRatio(gain)} lower than magnitude pruning)`);
      }
    });
  }
}

const PREDICT_CONFIGS: { label: string; opts: CompressModelOptions }[] = [
  { label: '4-bit symmetric, blocks of 32', opts: { quantize: { bits: 4, granularity: { block: 32 } } } },
  { label: '8-bit symmetric, per tensor', opts: { quantize: { bits: 8, granularity: 'tensor' } } },
  { label: '50% pruned (magnitude) + 4-bit, blocks of 32', opts: { prune: { sparsity: 0.5 }, quantize: { bits: 4, granularity: { block: 32 } } } },
];

function floatModel(d: number, coef: Float64Array, intercept: number): LinearModel {
  return new LinearModel({ d, outputs: 1, coef, intercept, fitIntercept: true, stats: {} as never });
}

function predictBench(ctx: BenchContext, rows: string[][]): void {
  if (!ctx.wants('predict')) return;
  const n = ctx.quick ? 10_000 : 100_000;
  for (const d of [64, 1024]) {
    const X = { rows: n, cols: d, data: new Float64Array(n * d) };
    fillNormal(X.data, 7100 + d);
    const coef = new Float64Array(d);
    fillNormal(coef, 7200 + d);
    const model = floatModel(d, coef, 0.5);
    const slow = { minSamples: 5, maxSamples: ctx.quick ? 5 : 15, budgetMs: ctx.quick ? ctx.timing.budgetMs : 2000 };
    const cases: Case[] = [{ id: 'float', fn: () => void model.predict(X), ...slow }];
    const made = PREDICT_CONFIGS.map((cfg, k) => {
      const c = ctx.wasm.compressModel(model, cfg.opts);
      const deq = floatModel(d, c.coefficients(), c.intercept[0]);
      // Agreement, with compressModel's stated tolerance: dequantize rounds each (q - z) s to float32
      // (relative 2^-24 per weight), predict keeps the products exact in float64, so per row
      // |compressed - dequantized| <= 2^-23 * sum_j |w_j x_j| (one ulp of float32 of slack).
      const a = c.predict(X);
      const b = deq.predict(X);
      const eff = c.coefficients();
      let worst = 0;
      for (let i = 0; i < n; i++) {
        let mag = 0;
        for (let j = 0; j < d; j++) mag += Math.abs(eff[j] * X.data[i * d + j]);
        worst = Math.max(worst, Math.abs(a[i] - b[i]) / (2 ** -23 * mag + 1e-300));
      }
      ctx.report.check(FAMILY, `predict d=${d} ${cfg.label}`, worst <= 1, `compressed vs dequantize-then-predict: worst |diff| = ${worst.toExponential(2)} of the bound 2^-23 sum|w x| over ${n} rows`);
      cases.push({ id: `c${k}`, fn: () => void c.predict(X), ...slow });
      cases.push({ id: `d${k}`, fn: () => void floatModel(d, c.coefficients(), c.intercept[0]).predict(X), ...slow });
      cases.push({ id: `q${k}`, fn: () => void c.coefficients(), minSamples: 5, maxSamples: 15 });
      return { cfg, c, worst };
    });
    const t = ctx.measure(`predict d=${d} n=${sizeLabel(n)}`, cases);
    const tf = t.get('float')!;
    ctx.report.record({ family: FAMILY, case: 'predict: float model (LinearModel)', backend: 'js', params: { d, n }, timing: tf, derived: { rowsPerS: (n / tf.medianMs) * 1e3 } });
    rows.push([String(d), sizeLabel(n), 'float64 model (no compression)', `${d}`, fmtMs(tf.medianMs), '—', '—', '—', '1.00x', '—', fmtPct(tf.spreadPct)]);
    made.forEach(({ cfg, c, worst }, k) => {
      const tc = t.get(`c${k}`)!;
      const td = t.get(`d${k}`)!;
      const tq = t.get(`q${k}`)!;
      const vsDeq = td.medianMs / tc.medianMs;
      const vsFloat = tf.medianMs / tc.medianMs;
      ctx.report.record({ family: FAMILY, case: `predict: compressed ${cfg.label}`, backend: 'js', params: { d, n }, timing: tc, derived: { rowsPerS: (n / tc.medianMs) * 1e3, xDequantizeThenPredict: vsDeq, xFloat: vsFloat, worstVsTolerance: worst } });
      ctx.report.record({ family: FAMILY, case: `predict: dequantize + float predict ${cfg.label}`, backend: 'js', params: { d, n }, timing: td, derived: { dequantizeMs: tq.medianMs } });
      rows.push([
        String(d),
        sizeLabel(n),
        cfg.label,
        String(c.report().kept),
        fmtMs(tc.medianMs),
        fmtMs(td.medianMs),
        fmtMs(tq.medianMs),
        fmtRatio(vsDeq),
        fmtRatio(vsFloat),
        worst.toExponential(1),
        `${fmtPct(tc.spreadPct)} / ${fmtPct(td.spreadPct)}`,
      ]);
      ctx.report.ratio(`predict d=${d} n=${sizeLabel(n)} ${cfg.label}: compressed ${fmtMs(tc.medianMs)} vs dequantize+predict ${fmtMs(td.medianMs)} (${fmtRatio(vsDeq)}), vs float model ${fmtMs(tf.medianMs)} (${fmtRatio(vsFloat)})`);
    });
  }
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return den > 0 ? num / den : num;
}

export const compressFamily: Family = {
  name: FAMILY,
  tags: ['blockquant', 'nm', 'gptq', 'sparsegpt', 'predict', 'compression'],
  description: 'block / per-channel quantize and N:M prune throughput vs twin and copy; GPTQ and SparseGPT/OBS time; compressed-model predict',
  run(ctx: BenchContext): void {
    const rows: string[][] = [];
    throughput(ctx, rows);
    if (rows.length) {
      ctx.report.table({
        family: FAMILY,
        title: 'compression throughput: block / per-channel quantize, N:M prune (float32 weights ~ N(0, 1))',
        notes: [
          'zero-copy: input and codes in linear memory (`engine.memory` buffers, `out` option); copying: public API on a JS-heap Float32Array (wasm engine only); kernel: `engine.kernels.nmPruneF32` alone on linear-memory buffers (wasm SIMD kernel vs its TS twin); heap: the public N:M prune on a JS-heap Float32Array returning a SparseTensor (copy in, kernel, copies out).',
          'GB/s counts bytes read + written once (f32 = 4 B, int8 = 1 B, int4 = 0.5 B, one f32 scale per group; N:M: 4n read, n/2 packed f32 survivors + n/8 mask written). "x copy" = t(`dst.set(src)` of n float32 on the JS heap) / t(op), same process, interleaved: 1.0x = as fast as one copy of the input.',
          ctx.shareNote(),
        ].filter(Boolean),
        columns: ['op', 'path', 'n', 'wasm', 'GB/s', 'js twin', 'GB/s', 'wasm / js', 'wasm x copy', 'spread (wasm / js)'],
        rows,
      });
    }
    const gRows: string[][] = [];
    const sRows: string[][] = [];
    hessianAware(ctx, gRows, sRows);
    const share = ctx.shareNote();
    const hNote = 'W: rows x d, N(0, 0.1²); H = XᵀX of max(2000, 2d) samples of AR(1) features (rho 0.9), formed once by the wasm gram (not timed). Each call validates W and H, damps (1% of mean diag) and factors H (Cholesky in the engine kernel, triangular inverse in TS), runs the column sweep, and reports the Hessian loss against the naive baseline (also timed). The JS twin is run up to d = 256.';
    if (gRows.length) {
      ctx.report.table({
        family: FAMILY,
        title: "quantizeGPTQ: 4-bit symmetric, one scale per row, blockSize 128 (median time per call)",
        notes: [hNote, share].filter(Boolean),
        columns: ['d', 'rows', 'wasm', 'js twin', 'js / wasm', 'Hessian loss: RTN / GPTQ', 'codes equal (wasm, js)', 'spread (wasm)'],
        rows: gRows,
      });
    }
    if (sRows.length) {
      ctx.report.table({
        family: FAMILY,
        title: "pruneSparseGPT: 50% sparsity, method 'auto' (median time per call)",
        notes: ["'auto' runs exact greedy OBS while rows·d³ <= 2^27 and rows·d² <= 2^22, else SparseGPT with 128-column blocks; the method column is the one its report names.", hNote].filter(Boolean),
        columns: ['d', 'rows', 'method', 'wasm', 'js twin', 'js / wasm', 'Hessian loss: magnitude / this', 'result equal (wasm, js)', 'spread (wasm)'],
        rows: sRows,
      });
    }
    const pRows: string[][] = [];
    predictBench(ctx, pRows);
    if (pRows.length) {
      ctx.report.table({
        family: FAMILY,
        title: 'CompressedLinearModel.predict vs dequantize-then-predict vs the float model (one output; median time per call)',
        notes: [
          'X: n x d row-major Float64Array ~ N(0, 1); model coefficients ~ N(0, 1), intercept 0.5. compressed: `c.predict(X)` from the integer codes (sum of (q - z) x per group of kept weights, times the group scale once; pruned weights skipped). dequantize + predict: `c.coefficients()` (dequantize to float64, dense with zeros where pruned) then `LinearModel.predict` (float64 dot products over all d), timed together; the dequantize alone is its own column. float: the uncompressed `LinearModel.predict`. All plain TS (no wasm kernel), so one backend.',
          '"x" columns = t(other) / t(compressed): above 1.00x the compressed path is faster. worst / tol: the largest |compressed - dequantized| over the rows as a fraction of the stated tolerance 2^-23 sum_j |w_j x_j| (<= 1 passes).',
          ctx.shareNote(),
        ].filter(Boolean),
        columns: ['d', 'n', 'model', 'kept', 'compressed', 'dequantize + predict', 'dequantize alone', 'x dequantize+predict', 'x float model', 'worst / tol', 'spread (compressed / deq)'],
        rows: pRows,
      });
    }
  },
};
