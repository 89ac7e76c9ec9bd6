/**
 * A/B timing of raw kernels across builds of the module, in one process:
 * `npx tsx bench/kernels-ab.ts [--quick] A.wasm B.wasm ...` (default: the
 * current build/release.wasm). Each build gets its own instance and memory,
 * filled with the same N(0, 1) float32 / float64 values; the builds' calls are
 * interleaved round by round so machine noise hits all of them alike. Prints
 * the median time per call of every case for every build and the ratio of
 * each build's median to the first's (< 1: faster than the first).
 * Kernels a build does not export are skipped for it ("-").
 */
import { readFileSync } from 'node:fs';

interface Instance {
  name: string;
  ex: Record<string, unknown> & { memory: WebAssembly.Memory; heapBase(): number };
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const files = args.filter((a) => !a.startsWith('--'));
if (files.length === 0) files.push('build/release.wasm');

const N = 1 << 20; // values per input array
const ROUNDS = quick ? 7 : 21;

// Deterministic N(0, 1) values (Box-Muller on a 32-bit LCG).
const host64 = new Float64Array(N);
{
  let s = 12345;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  for (let i = 0; i < N; i += 2) {
    const r = Math.sqrt(-2 * Math.log(u()));
    const t = 2 * Math.PI * u();
    host64[i] = r * Math.cos(t);
    if (i + 1 < N) host64[i + 1] = r * Math.sin(t);
  }
}
const host32 = Float32Array.from(host64);

// Layout in every instance: x32 | x64 | out (8N bytes) | mask | small params | gram scratch (2 MiB).
function load(file: string): Instance & { x32: number; x64: number; out: number; mask: number; par: number; scr: number } {
  const mod = new WebAssembly.Module(readFileSync(file));
  const ex = new WebAssembly.Instance(mod, {}).exports as Instance['ex'];
  const base = (ex.heapBase() + 63) & ~63;
  const x32 = base;
  const x64 = x32 + 4 * N;
  const out = x64 + 8 * N;
  const mask = out + 8 * N;
  const par = mask + N;
  const scr = par + 64 * 1024;
  const end = scr + (2 << 20);
  const need = Math.ceil(end / 65536) - ex.memory.buffer.byteLength / 65536;
  if (need > 0) ex.memory.grow(need);
  new Float32Array(ex.memory.buffer, x32, N).set(host32);
  new Float64Array(ex.memory.buffer, x64, N).set(host64);
  return { name: file, ex, x32, x64, out, mask, par, scr };
}

const inst = files.map(load);
type Inst = (typeof inst)[number];

interface Case {
  name: string;
  kernel: string;
  run: (k: Inst) => void;
}

const call = (k: Inst, name: string, ...a: number[]) => (k.ex[name] as (...v: number[]) => number)(...a);

const cases: Case[] = [];
for (const seg of [N, 64, 7]) {
  const sl = seg === N ? 'n' : String(seg);
  for (const t of ['F32', 'F64'] as const) {
    const x = (k: Inst) => (t === 'F32' ? k.x32 : k.x64);
    cases.push({ name: `segMaxAbs${t} seg=${sl}`, kernel: `segMaxAbs${t}`, run: (k) => call(k, `segMaxAbs${t}`, x(k), N, seg, k.out) });
    cases.push({ name: `segMinMax${t} seg=${sl}`, kernel: `segMinMax${t}`, run: (k) => call(k, `segMinMax${t}`, x(k), N, seg, k.out, k.out + 4 * N) });
    for (const p of [1, 2]) {
      cases.push({ name: `segNorm${t} p=${p} seg=${sl}`, kernel: `segNorm${t}`, run: (k) => call(k, `segNorm${t}`, x(k), N, seg, p, k.out) });
    }
  }
}
for (const t of ['F32', 'F64'] as const) {
  for (const [keep, m] of [[2, 4], [4, 8], [2, 8], [4, 16], [8, 32], [3, 6]] as const) {
    const x = (k: Inst) => (t === 'F32' ? k.x32 : k.x64);
    cases.push({ name: `nmPrune${t} ${keep}:${m}`, kernel: `nmPrune${t}`, run: (k) => call(k, `nmPrune${t}`, x(k), N, 1000, keep, m, k.out, k.mask) });
  }
}
// quantize / dequantize, per tensor and per row of 1024 (scales at par)
for (const bits of [8, 4, 2]) {
  for (const seg of [N, 1024]) {
    const sl = seg === N ? 'n' : String(seg);
    const prep = (k: Inst) => new Float32Array(k.ex.memory.buffer, k.par, N / seg).fill(0.05);
    cases.push({
      name: `quantizeF32 ${bits}b seg=${sl}`,
      kernel: 'quantizeF32',
      run: (k) => {
        prep(k);
        call(k, 'quantizeF32', k.x32, N, seg, k.par, 0, -(2 ** (bits - 1)), 2 ** (bits - 1) - 1, bits, k.mask);
      },
    });
    cases.push({ name: `dequantizeF32 ${bits}b seg=${sl}`, kernel: 'dequantizeF32', run: (k) => call(k, 'dequantizeF32', k.mask, N, seg, k.par, 0, bits, 1, k.out) });
  }
}
for (const bits of [8, 4]) {
  const cols = 1000;
  const prep = (k: Inst) => new Float32Array(k.ex.memory.buffer, k.par, cols).fill(0.05);
  cases.push({
    name: `quantizeColsF32 ${bits}b cols=${cols}`,
    kernel: 'quantizeColsF32',
    run: (k) => {
      prep(k);
      call(k, 'quantizeColsF32', k.x32, N, cols, k.par, 0, -(2 ** (bits - 1)), 2 ** (bits - 1) - 1, bits, k.mask);
    },
  });
  cases.push({ name: `dequantizeColsF32 ${bits}b cols=${cols}`, kernel: 'dequantizeColsF32', run: (k) => call(k, 'dequantizeColsF32', k.mask, N, cols, k.par, 0, bits, 1, k.out) });
}

// The rest of the ABI, so that an A/B run covers every kernel: finite checks,
// threshold prune, k-th largest, column statistics, X^T X (plain and centred)
// and the Cholesky factor / solve. X is the float64 input seen as n x d.
for (const t of ['F32', 'F64'] as const) {
  const x = (k: Inst) => (t === 'F32' ? k.x32 : k.x64);
  cases.push({ name: `findNonFinite${t}`, kernel: `findNonFinite${t}`, run: (k) => call(k, `findNonFinite${t}`, x(k), N) });
  cases.push({ name: `prune${t} |w| <= 0.6745`, kernel: `prune${t}`, run: (k) => call(k, `prune${t}`, x(k), N, 0.6745, k.out, k.mask) });
  cases.push({ name: `kthAbs${t} k = n/2`, kernel: `kthAbs${t}`, run: (k) => call(k, `kthAbs${t}`, x(k), N, N >> 1, k.out) });
}
for (const d of [16, 64, 256]) {
  const n = Math.floor(N / d);
  cases.push({ name: `colStatsF64 d=${d}`, kernel: 'colStatsF64', run: (k) => call(k, 'colStatsF64', k.x64, n, d, 0, k.par, k.par + 8 * d, k.par + 16 * d) });
  cases.push({
    name: `gramF64 d=${d}`,
    kernel: 'gramF64',
    run: (k) => {
      new Float64Array(k.ex.memory.buffer, k.out, d * d).fill(0);
      call(k, 'gramF64', k.x64, n, d, 0, 0, 0, k.out, 0, k.scr);
    },
  });
  cases.push({
    name: `gramCentredF64 d=${d}`,
    kernel: 'gramCentredF64',
    run: (k) => {
      const buf = k.ex.memory.buffer;
      new Float64Array(buf, k.par, d).fill(0.01);
      new Float64Array(buf, k.par + 8 * d, d).fill(0.9);
      new Float64Array(buf, k.out, d * d + d).fill(0);
      call(k, 'gramCentredF64', k.x64, n, d, k.par, k.par + 8 * d, k.x64, 1, 0, k.out, k.out + 8 * d * d, k.scr);
    },
  });
}
{
  const d = 256;
  const spd = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) spd[i * d + j] = i === j ? d + 1 : ((((i + j) * 37) % 19) / 19 - 0.5);
  cases.push({
    name: `choleskyF64 d=${d}`,
    kernel: 'choleskyF64',
    run: (k) => {
      new Float64Array(k.ex.memory.buffer, k.out, d * d).set(spd);
      call(k, 'choleskyF64', k.out, d, 0);
    },
  });
  cases.push({
    name: `cholSolveF64 d=${d} k=8`,
    kernel: 'cholSolveF64',
    run: (k) => {
      const buf = k.ex.memory.buffer;
      new Float64Array(buf, k.out, d * d).set(spd);
      if (call(k, 'choleskyF64', k.out, d, 0) >= 0) throw new Error('not SPD');
      new Float64Array(buf, k.out + 8 * d * d, 8 * d).fill(1);
      call(k, 'cholSolveF64', k.out, d, k.out + 8 * d * d, 8);
    },
  });
}

function median(a: number[]): number {
  const s = [...a].sort((p, q) => p - q);
  return s[s.length >> 1];
}

const has = (k: Inst, c: Case) => typeof k.ex[c.kernel] === 'function';
const rows: string[] = [];
rows.push(['case', ...inst.map((k, i) => `#${i} ms`), ...inst.slice(1).map((_, i) => `#${i + 1}/#0`)].join('\t'));
for (const c of cases) {
  const times: number[][] = inst.map(() => []);
  // warm-up: enough calls for V8 to tier the kernel up in every instance
  for (let w = 0; w < 4; w++) for (const k of inst) if (has(k, c)) c.run(k);
  for (let r = 0; r < ROUNDS; r++) {
    inst.forEach((k, i) => {
      if (!has(k, c)) return;
      const t0 = process.hrtime.bigint();
      c.run(k);
      times[i].push(Number(process.hrtime.bigint() - t0) / 1e6);
    });
  }
  const med = times.map((t) => (t.length ? median(t) : NaN));
  rows.push([c.name, ...med.map((m) => (Number.isNaN(m) ? '-' : m.toFixed(3))), ...med.slice(1).map((m) => (Number.isNaN(m) || Number.isNaN(med[0]) ? '-' : (m / med[0]).toFixed(2)))].join('\t'));
}
inst.forEach((k, i) => console.log(`#${i} = ${k.name} (${readFileSync(k.name).length} B)`));
console.log(`n = ${N} values per call, median of ${ROUNDS} interleaved calls`);
console.log(rows.join('\n'));
