/**
 * Streaming float32 kernels: max-abs, prune, quantize, dequantize, at n = 1e6
 * and 1e7, wasm-simd vs the JS twin, and against copy bandwidth.
 * (Part of the bench program: run it with `npm run bench -- stream`.)
 *
 * Paths:
 *  - zero-copy: input and output in linear memory (engine.memory buffers and
 *    the `out` options): what the floors talk about.
 *  - copying: the public API on JS-heap Float32Arrays (copy in, copy out);
 *    wasm engine only.
 *  - kernel: the raw kernel on linear memory (no finite check, no max-abs
 *    pass, no allocation): shows what the API adds.
 *
 * Throughput (GB/s) counts the logical bytes read + written once: max-abs 4n;
 * prune 4n + 4n + n/8 (mask); quantize 4n + n·bits/8; dequantize n·bits/8 +
 * 4n; copy 4n + 4n. "x copy" is time-based: t(copy of n float32 with
 * `Float32Array.prototype.set`) / t(op), so 1.0 means "as fast as copying the
 * input once"; it is measured in the same process, interleaved with the ops.
 */
import { spawnSync } from 'node:child_process';
import type { Engine, F32Buffer, I8Buffer, QuantizedTensor, U8Buffer } from '../src/index.js';
import { floorF32 } from '../src/ops/f32.js';
import type { BenchContext, Family } from './context.js';
import { busyRatioNote, fillNormal, fmtMs, fmtNum, fmtPct, fmtRatio, notes, sizeLabel, spreadCells, throughputCells, type Case, type Timing } from './harness.js';

const FAMILY = 'stream';
export const STREAM_FLOOR_N = 1e7;
export const ZC_FLOOR_X_COPY = 0.8;
export const ZC_FLOOR_X_JS = 8;
export const COPY_API_FLOOR_X_COPY = 0.3;
/** N(0, 1) weights: |w| <= 0.6745 for half of them, so prune keeps ~50%. */
const PRUNE_THRESHOLD = 0.6745;

interface Side {
  e: Engine;
  x: F32Buffer;
  out: F32Buffer;
  q8: I8Buffer;
  q4: U8Buffer;
  mask: U8Buffer;
  /** f32[0] maxabs output, f32[1] scale for the raw quantize kernel. */
  small: F32Buffer;
  /** q8/q4 metadata (scale etc.), filled by a first quantize call. */
  meta8?: QuantizedTensor;
  meta4?: QuantizedTensor;
}

function side(e: Engine, host: Float32Array, n: number): Side {
  const s: Side = {
    e,
    x: e.memory.f32(n),
    out: e.memory.f32(n),
    q8: e.memory.i8(n),
    q4: e.memory.u8(Math.ceil(n / 2)),
    mask: e.memory.u8(Math.ceil(n / 8)),
    small: e.memory.f32(4),
  };
  s.x.view.set(host); // view derived after the last allocation
  return s;
}

function freeSide(s: Side): void {
  for (const b of [s.x, s.out, s.q8, s.q4, s.mask, s.small]) b.free();
}

function bytesEqual(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

interface Op {
  /** Row label: op and its parameters. */
  op: string;
  path: 'zero-copy' | 'copying' | 'kernel' | 'buffer in, fresh result';
  tag: 'maxabs' | 'prune' | 'quantize' | 'dequantize';
  /** Bytes read + written. */
  bytes: (n: number) => number;
  wasm: (s: Side, n: number) => void;
  /** Absent: wasm only. */
  js?: (s: Side, n: number) => void;
  /** Floors on this row at n = 1e7. */
  floorXCopy?: number;
  floorXJs?: number;
}

/** The quantized tensor with its codes read in place from linear memory (a fresh view per call). */
function q8tensor(s: Side): QuantizedTensor {
  return { ...s.meta8!, data: s.q8.view };
}
function q4tensor(s: Side): QuantizedTensor {
  return { ...s.meta4!, data: s.q4.view };
}

function ops(host: Float32Array, heapQ8: () => QuantizedTensor | undefined): Op[] {
  const t = PRUNE_THRESHOLD;
  const tf = floorF32(t); // the kernel ABI takes the largest f32 <= t, as engine.prune passes it
  return [
    {
      op: 'max-abs (per tensor)',
      path: 'kernel',
      tag: 'maxabs',
      bytes: (n) => 4 * n,
      wasm: (s, n) => s.e.kernels.segMaxAbsF32(s.x.ptr, n, n, s.small.ptr),
      js: (s, n) => s.e.kernels.segMaxAbsF32(s.x.ptr, n, n, s.small.ptr),
    },
    {
      op: `prune |w| <= ${t} (+ mask)`,
      path: 'zero-copy',
      tag: 'prune',
      bytes: (n) => 8 * n + n / 8,
      wasm: (s) => void s.e.prune(s.x, { threshold: t, out: s.out }),
      js: (s) => void s.e.prune(s.x, { threshold: t, out: s.out }),
      floorXCopy: ZC_FLOOR_X_COPY,
      floorXJs: ZC_FLOOR_X_JS,
    },
    {
      op: `prune |w| <= ${t} (+ mask)`,
      path: 'copying',
      tag: 'prune',
      bytes: (n) => 8 * n + n / 8,
      wasm: (s) => void s.e.prune(host, { threshold: t }),
    },
    {
      op: `prune |w| <= ${t} (+ mask)`,
      path: 'kernel',
      tag: 'prune',
      bytes: (n) => 8 * n + n / 8,
      wasm: (s, n) => void s.e.kernels.pruneF32(s.x.ptr, n, tf, s.out.ptr, s.mask.ptr),
      js: (s, n) => void s.e.kernels.pruneF32(s.x.ptr, n, tf, s.out.ptr, s.mask.ptr),
    },
    {
      op: 'quantize int8 symmetric, per tensor',
      path: 'zero-copy',
      tag: 'quantize',
      bytes: (n) => 5 * n,
      wasm: (s) => void s.e.quantize(s.x, { bits: 8, out: s.q8 }),
      js: (s) => void s.e.quantize(s.x, { bits: 8, out: s.q8 }),
      floorXCopy: ZC_FLOOR_X_COPY,
      floorXJs: ZC_FLOOR_X_JS,
    },
    {
      op: 'quantize int8 symmetric, per tensor',
      path: 'copying',
      tag: 'quantize',
      bytes: (n) => 5 * n,
      wasm: (s) => void s.e.quantize(host, { bits: 8 }),
      floorXCopy: COPY_API_FLOOR_X_COPY,
    },
    {
      op: 'quantize int8 symmetric, per tensor',
      path: 'buffer in, fresh result',
      tag: 'quantize',
      bytes: (n) => 5 * n,
      wasm: (s) => void s.e.quantize(s.x, { bits: 8 }),
      js: (s) => void s.e.quantize(s.x, { bits: 8 }),
    },
    {
      op: 'quantize int8 symmetric, per tensor',
      path: 'kernel',
      tag: 'quantize',
      bytes: (n) => 5 * n,
      wasm: (s, n) => s.e.kernels.quantizeF32(s.x.ptr, n, n, s.small.ptr + 4, 0, -128, 127, 8, s.q8.ptr),
      js: (s, n) => s.e.kernels.quantizeF32(s.x.ptr, n, n, s.small.ptr + 4, 0, -128, 127, 8, s.q8.ptr),
    },
    {
      op: 'quantize int4 symmetric (packed), per tensor',
      path: 'zero-copy',
      tag: 'quantize',
      bytes: (n) => 4.5 * n,
      wasm: (s) => void s.e.quantize(s.x, { bits: 4, out: s.q4 }),
      js: (s) => void s.e.quantize(s.x, { bits: 4, out: s.q4 }),
    },
    {
      op: 'quantize int8 symmetric, blocks of 32',
      path: 'zero-copy',
      tag: 'quantize',
      bytes: (n) => 5 * n + n / 8, // + one f32 scale per 32 values
      wasm: (s) => void s.e.quantize(s.x, { bits: 8, granularity: { block: 32 }, out: s.q8 }),
      js: (s) => void s.e.quantize(s.x, { bits: 8, granularity: { block: 32 }, out: s.q8 }),
    },
    {
      op: 'dequantize int8, per tensor',
      path: 'zero-copy',
      tag: 'dequantize',
      bytes: (n) => 5 * n,
      wasm: (s) => void s.e.dequantize(q8tensor(s), { out: s.out }),
      js: (s) => void s.e.dequantize(q8tensor(s), { out: s.out }),
    },
    {
      op: 'dequantize int8, per tensor',
      path: 'copying',
      tag: 'dequantize',
      bytes: (n) => 5 * n,
      wasm: (s) => {
        const q = heapQ8();
        if (!q) throw new Error('no quantized tensor to dequantize (quantize failed)');
        s.e.dequantize(q);
      },
    },
    {
      op: 'dequantize int4 (packed), per tensor',
      path: 'zero-copy',
      tag: 'dequantize',
      bytes: (n) => 4.5 * n,
      wasm: (s) => void s.e.dequantize(q4tensor(s), { out: s.out }),
      js: (s) => void s.e.dequantize(q4tensor(s), { out: s.out }),
    },
  ];
}

/** Runs each op once on both sides and compares the outputs (integer outputs must be bit-identical). */
function checkOutputs(ctx: BenchContext, n: number, W: Side, J: Side): void {
  const label = `n=${sizeLabel(n)}`;
  const tryCheck = (name: string, f: () => [boolean, string]) => {
    try {
      const [ok, detail] = f();
      ctx.report.check(FAMILY, `${label} ${name}`, ok, detail);
    } catch (e) {
      ctx.report.check(FAMILY, `${label} ${name}`, false, `threw: ${(e as Error).message}`);
    }
  };
  if (ctx.wants('maxabs')) {
    tryCheck('max-abs', () => {
      W.e.kernels.segMaxAbsF32(W.x.ptr, n, n, W.small.ptr);
      J.e.kernels.segMaxAbsF32(J.x.ptr, n, n, J.small.ptr);
      const a = W.small.view[0];
      const b = J.small.view[0];
      return [Object.is(a, b), `wasm ${a}, js ${b}`];
    });
  }
  if (ctx.wants('prune')) {
    tryCheck('prune', () => {
      const a = W.e.prune(W.x, { threshold: PRUNE_THRESHOLD, out: W.out });
      const aVals = W.out.toArray();
      const b = J.e.prune(J.x, { threshold: PRUNE_THRESHOLD, out: J.out });
      const bVals = J.out.toArray();
      const ok = a.kept === b.kept && bytesEqual(a.mask, b.mask) && bytesEqual(aVals, bVals);
      return [ok, `kept ${a.kept} vs ${b.kept} of ${n} (${((100 * a.kept) / n).toFixed(1)}%), masks ${bytesEqual(a.mask, b.mask) ? 'equal' : 'DIFFER'}, values ${bytesEqual(aVals, bVals) ? 'equal' : 'DIFFER'}`];
    });
  }
  if (ctx.wants('quantize') || ctx.wants('dequantize')) {
    const cases: [string, (s: Side) => QuantizedTensor, (s: Side) => ArrayBufferView][] = [
      ['quantize int8', (s) => s.e.quantize(s.x, { bits: 8, out: s.q8 }), (s) => s.q8.toArray()],
      ['quantize int4', (s) => s.e.quantize(s.x, { bits: 4, out: s.q4 }), (s) => s.q4.toArray()],
      ['quantize int8 block 32', (s) => s.e.quantize(s.x, { bits: 8, granularity: { block: 32 }, out: s.q8 }), (s) => s.q8.toArray()],
    ];
    for (const [name, run, data] of cases) {
      tryCheck(name, () => {
        const a = run(W);
        const ad = data(W);
        const b = run(J);
        const bd = data(J);
        const ok = bytesEqual(ad, bd) && bytesEqual(a.scale, b.scale);
        return [ok, `codes ${bytesEqual(ad, bd) ? 'equal' : 'DIFFER'}, scales ${bytesEqual(a.scale, b.scale) ? 'equal' : 'DIFFER'}`];
      });
    }
    tryCheck('dequantize int8', () => {
      const qa = W.e.quantize(W.x, { bits: 8, out: W.q8 });
      W.e.dequantize({ ...qa, data: W.q8.view }, { out: W.out });
      const a = W.out.toArray();
      const qb = J.e.quantize(J.x, { bits: 8, out: J.q8 });
      J.e.dequantize({ ...qb, data: J.q8.view }, { out: J.out });
      const b = J.out.toArray();
      return [bytesEqual(a, b), `values ${bytesEqual(a, b) ? 'equal' : 'DIFFER'}`];
    });
  }
}

export const streamFamily: Family = {
  name: FAMILY,
  tags: ['kernels', 'maxabs', 'prune', 'quantize', 'dequantize', 'copy', 'firstcall'],
  description: 'max-abs, prune, quantize, dequantize of 1e6 and 1e7 float32 vs copy bandwidth; first call after init()',
  run(ctx: BenchContext): void {
    if (ctx.wants('firstcall')) firstCallPart(ctx);
    // `bench firstcall` alone: nothing else from this family
    if (ctx.asked('firstcall') && ![FAMILY, 'kernels', 'maxabs', 'prune', 'quantize', 'dequantize', 'copy'].some((t) => ctx.asked(t))) return;
    const sizes = ctx.quick ? [1e5, 1e6] : [1e6, 1e7];
    const copyRows: string[][] = [];
    const rows: string[][] = [];
    for (const n of sizes) {
      const host = new Float32Array(n);
      fillNormal(host, 4242);
      const hostDst = new Float32Array(n);
      const W = side(ctx.wasm, host, n);
      const J = side(ctx.js, host, n);
      const linDst = ctx.wasm.memory.f32(n);
      let heapQ8: QuantizedTensor | undefined;
      try {
        checkOutputs(ctx, n, W, J);
        // Metadata for the dequantize cases, and the raw kernel's scale.
        for (const s of [W, J]) {
          try {
            s.meta8 = s.e.quantize(s.x, { bits: 8, out: s.q8 });
            s.meta4 = s.e.quantize(s.x, { bits: 4, out: s.q4 });
            s.small.view[1] = s.meta8.scale[0];
          } catch (e) {
            ctx.log(`  quantize failed on ${s.e.backend}: ${(e as Error).message}`);
          }
        }
        try {
          heapQ8 = ctx.wasm.quantize(host, { bits: 8 });
        } catch {
          heapQ8 = undefined;
        }
        const list = ops(host, () => heapQ8).filter((o) => ctx.wants(o.tag));
        const cases: Case[] = [
          { id: 'copy.heap', fn: () => hostDst.set(host) },
          // What a copying API pays for each result: a fresh array (first-touch page faults) + the copy.
          { id: 'copy.slice', fn: () => void host.slice(), minSamples: 3, maxSamples: 9 },
          {
            id: 'copy.linear',
            fn: () => {
              const b = ctx.wasm.arena.memory.buffer;
              new Float32Array(b, linDst.ptr, n).set(new Float32Array(b, W.x.ptr, n));
            },
          },
        ];
        const slowJs = { minSamples: 3, maxSamples: 9 };
        list.forEach((o, i) => {
          cases.push({ id: `${i}.wasm`, fn: () => o.wasm(W, n) });
          const jsFn = o.js;
          if (jsFn) cases.push({ id: `${i}.js`, fn: () => jsFn(J, n), ...slowJs });
        });
        const t = ctx.measure(`streaming n=${sizeLabel(n)}`, cases);
        const ch = t.get('copy.heap')!;
        const cl = t.get('copy.linear')!;
        const cs = t.get('copy.slice')!;
        const copyBytes = 8 * n;
        copyRows.push([
          sizeLabel(n),
          fmtMs(ch.medianMs),
          fmtNum(copyBytes / ch.medianMs / 1e6),
          fmtMs(cl.medianMs),
          fmtNum(copyBytes / cl.medianMs / 1e6),
          fmtMs(cs.medianMs),
          fmtNum(copyBytes / cs.medianMs / 1e6),
          `${fmtPct(ch.spreadPct)} / ${fmtPct(cl.spreadPct)} / ${fmtPct(cs.spreadPct)}`,
        ]);
        for (const [id, x] of [
          ['copy.heap', ch],
          ['copy.linear', cl],
          ['copy.slice', cs],
        ] as const) {
          ctx.report.record({ family: FAMILY, case: id, backend: 'host', params: { n }, timing: x, derived: { gbps: copyBytes / x.medianMs / 1e6 } });
        }
        list.forEach((o, i) => {
          const tw = t.get(`${i}.wasm`)!;
          const tj: Timing | undefined = o.js ? t.get(`${i}.js`) : undefined;
          const bytes = o.bytes(n);
          const gb = (x: Timing | undefined) => (x ? bytes / x.medianMs / 1e6 : NaN);
          const xJs = tj ? tj.medianMs / tw.medianMs : NaN;
          const xCopy = ch.medianMs / tw.medianMs;
          const xCopyLin = cl.medianMs / tw.medianMs;
          ctx.report.record({
            family: FAMILY,
            case: `${o.tag}: ${o.op} [${o.path}]`,
            backend: 'wasm-simd',
            params: { n, path: o.path },
            timing: tw,
            derived: { gbps: gb(tw), xJs, xCopy, xCopyLinear: xCopyLin },
          });
          if (tj) {
            ctx.report.record({
              family: FAMILY,
              case: `${o.tag}: ${o.op} [${o.path}]`,
              backend: 'js',
              params: { n, path: o.path },
              timing: tj,
              derived: { gbps: gb(tj), xCopy: ch.medianMs / tj.medianMs },
            });
          }
          rows.push([
            o.op,
            o.path,
            sizeLabel(n),
            ...throughputCells(tw, tj, gb),
            fmtRatio(xJs),
            fmtRatio(xCopy),
            fmtRatio(xCopyLin),
            spreadCells(tw, tj),
          ]);
          if (n === sizes[sizes.length - 1]) {
            ctx.report.ratio(
              `${o.tag} n=${sizeLabel(n)} ${o.path}: ${o.op}: wasm ${fmtNum(gb(tw))} GB/s = ${fmtRatio(xCopy)} copy${tj ? `, wasm / js ${fmtRatio(xJs)}` : ''}`,
            );
          }
          if (n === STREAM_FLOOR_N) {
            const name = `${o.op} [${o.path}] n=${sizeLabel(n)}`;
            if (o.floorXCopy !== undefined) {
              ctx.report.floor({
                family: FAMILY,
                name: `${name}: wasm vs copy bandwidth`,
                target: `>= ${o.floorXCopy}x copy`,
                value: `${fmtRatio(xCopy)} copy (${fmtNum(gb(tw))} GB/s; heap copy ${fmtMs(ch.medianMs)}, op ${fmtMs(tw.medianMs)})`,
                ok: tw.error || ch.error ? null : xCopy >= o.floorXCopy,
                ...notes(busyRatioNote(ch, tw)),
              });
            }
            if (o.floorXJs !== undefined) {
              ctx.report.floor({
                family: FAMILY,
                name: `${name}: wasm / js twin`,
                target: `>= ${o.floorXJs}x`,
                value: fmtRatio(xJs),
                ok: tw.error || !tj || tj.error ? null : xJs >= o.floorXJs,
                ...notes(busyRatioNote(tj, tw)),
              });
            }
          }
        });
      } finally {
        freeSide(W);
        freeSide(J);
        linDst.free();
      }
    }
    const share = ctx.shareNote();
    ctx.report.table({
      family: FAMILY,
      title: 'copy bandwidth: n float32',
      notes: [
        "GB/s counts 4n bytes read + 4n written. heap: `dst.set(src)`, two preallocated JS-heap Float32Arrays (the \"copy\" every \"x copy\" ratio refers to); linear: the same between two views of the wasm engine's linear memory; slice: `src.slice()`, a fresh array each call, so it adds what allocating a result costs (zeroing and first-touch page faults; this is what a copying API pays for each result it returns).",
      ],
      columns: ['n', 'heap set', 'GB/s', 'linear-memory set', 'GB/s', 'slice (alloc + copy)', 'GB/s', 'spread'],
      rows: copyRows,
    });
    ctx.report.table({
      family: FAMILY,
      title: 'streaming float32 kernels: max-abs, prune, quantize, dequantize',
      notes: [
        'zero-copy: input and output in linear memory (`engine.memory` buffers, `out` option); buffer in, fresh result: input in linear memory, no `out` (the codes come back in a new array); copying: public API on JS-heap Float32Arrays (wasm engine only); kernel: raw `engine.kernels.*` call (no finite check, no scale pass).',
        'GB/s counts bytes read + written once (f32 = 4 B, int8 = 1 B, int4 = 0.5 B, mask = 1/8 B per value). "x copy" = t(copying n float32 with `TypedArray.set`) / t(op), wasm engine, same process, interleaved: 1.0x = as fast as one copy of the input.',
        `Weights ~ N(0, 1); prune threshold ${PRUNE_THRESHOLD} keeps ~50%.`,
        share,
      ].filter(Boolean),
      columns: ['op', 'path', 'n', 'wasm', 'GB/s', 'js twin', 'GB/s', 'wasm / js', 'wasm x copy (heap)', 'wasm x copy (linear)', 'spread (wasm / js)'],
      rows,
    });
  },
};

// ------------------------------------------------------- first call after init

/**
 * The child program: a fresh V8 (nothing compiled, nothing tiered up) that
 * runs init(), builds its inputs (untimed; the quantize output buffer is
 * written once so its first-touch page faults are not counted), then times
 * the first call and REPS more. Prints one JSON line.
 */
const FIRST_CALL_CHILD = `
const { init } = await import(process.env.SLIMFIT_INDEX);
const op = process.env.SLIMFIT_OP;
const reps = Number(process.env.SLIMFIT_REPS);
const t0 = performance.now();
const e = await init({ backend: 'wasm' });
const initMs = performance.now() - t0;
let seed = 12345;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296) * 2 - 1;
let run;
if (op === 'gram') {
  const n = 100000, d = 64, X = e.memory.f64(n * d), v = X.view;
  for (let i = 0; i < v.length; i++) v[i] = rnd();
  run = () => e.gram({ rows: n, cols: d, data: X });
} else if (op === 'solve') {
  const d = 1024, A = new Float64Array(d * d), b = new Float64Array(d);
  for (let i = 0; i < d; i++) { b[i] = rnd(); for (let j = 0; j <= i; j++) A[i * d + j] = A[j * d + i] = i === j ? d : rnd() * 0.5; }
  run = () => e.solveSPD(A, b);
} else {
  const n = 1e7, W = e.memory.f32(n), O = e.memory.i8(n);
  const v = W.view; for (let i = 0; i < n; i++) v[i] = rnd();
  O.view.fill(1);
  run = () => e.quantize(W, { bits: 8, out: O });
}
const ms = [];
for (let r = 0; r <= reps; r++) { const c = performance.now(); run(); ms.push(performance.now() - c); }
console.log(JSON.stringify({ initMs, ms }));
`;

interface FirstCallRun {
  initMs: number;
  ms: number[];
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * "First call after init vs median": each op in PROCS fresh processes (the
 * bench process itself has long since run everything). Shows whether init()'s
 * warm-up leaves the first real call running optimised (TurboFan) code.
 */
function firstCallPart(ctx: BenchContext): void {
  const procs = ctx.quick ? 3 : 7;
  const reps = ctx.quick ? 5 : 9;
  const index = new URL('../src/index.js', import.meta.url).href;
  const ops = [
    ['gram', 'engine.gram zero-copy, n = 1e5, d = 64'],
    ['solve', 'engine.solveSPD, d = 1024'],
    ['quantize', 'engine.quantize zero-copy, 1e7 float32 -> int8'],
  ] as const;
  const rows: string[][] = [];
  ctx.log(`  first call after init: ${ops.length} ops x ${procs} fresh processes ...`);
  for (const [op, label] of ops) {
    const runs: FirstCallRun[] = [];
    let error = '';
    for (let p = 0; p < procs; p++) {
      // Same loader flags as this process (tsx), so the child imports the same sources.
      const r = spawnSync(process.execPath, [...process.execArgv, '--input-type=module', '-e', FIRST_CALL_CHILD], {
        env: { ...process.env, SLIMFIT_INDEX: index, SLIMFIT_OP: op, SLIMFIT_REPS: String(reps) },
        encoding: 'utf8',
        timeout: 120_000,
      });
      const line = r.stdout?.trim().split('\n').pop() ?? '';
      try {
        runs.push(JSON.parse(line) as FirstCallRun);
      } catch {
        error = (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').slice(-3).join(' ');
      }
    }
    if (runs.length === 0) {
      rows.push([label, `error: ${error}`]);
      continue;
    }
    const init = median(runs.map((r) => r.initMs));
    const first = median(runs.map((r) => r.ms[0]));
    const steady = median(runs.map((r) => median(r.ms.slice(1))));
    const worst = Math.max(...runs.map((r) => r.ms[0]));
    rows.push([label, fmtMs(init), fmtMs(first), fmtMs(worst), fmtMs(steady), fmtRatio(first / steady), `${runs.length} x (1 + ${reps})`]);
    ctx.report.ratio(`first call after init: ${label}: first ${fmtMs(first)} vs median ${fmtMs(steady)} -> ${fmtRatio(first / steady)} (init ${fmtMs(init)})`);
  }
  ctx.report.table({
    family: FAMILY,
    title: 'first call after init() vs median (wasm engine, fresh process each)',
    notes: [
      `Each op runs in ${procs} fresh Node processes: init(), inputs built (untimed), then the first call and ${reps} more are timed. "first" is the median over processes of the first call, "worst first" the slowest of them, "median" the median over processes of each one's median of the later calls; init is the median init() time (compile + instantiate + warm-up).`,
      'init() warms every kernel past V8\'s wasm tiering budget and waits (bounded) for the TurboFan code (src/engine/warmup.ts); without that the first call runs in the baseline tier (Liftoff), 2-4x slower.',
      'The quantize output buffer is written once before timing, so first-touch page faults of fresh memory (a cost of the buffer, not of the kernel) are not in "first".',
      'What remains of solveSPD\'s first-call excess is not wasm tiering (the same with `node --no-liftoff`): its first call also grows linear memory for the 8 MB copy of A (first-touch page faults) and runs the JS-side checks (finite, symmetry) before V8 has optimised them.',
    ],
    columns: ['op', 'init', 'first', 'worst first', 'median', 'first / median', 'samples'],
    rows,
  });
}
