/**
 * toONNX checked by ONNX Runtime: every kind the library produces (float
 * linear / logistic, multi-output, compressed at 2..8 bits, symmetric and
 * affine, per tensor / per output / blocks within and across outputs, with
 * and without pruning, pruned-only sparse and dense, rtn and gptq) is run in
 * onnxruntime-web and compared with slimfit. The contract tested:
 *  - weights: the graph's [outputs, d] weight value equals slimfit's
 *    effective coefficients bit for bit (float64 models: the float64
 *    coefficients; quantized: DequantizeLinear's float32 (q - z) * s, which
 *    is CompressedLinearModel.coefficients());
 *  - scores (precision "float64"): ORT computes intercept + x . w in double
 *    from those weights and the float32 X and rounds to float32, so it is
 *    within half a float32 ulp of the exact float64 sum plus double
 *    summation-order error, (d + 2) 2^-52 sum |terms|; the sigmoid adds its
 *    derivative times that;
 *  - the probability 1 / (1 + exp(-logit)) within 2^-23 relative (float32:
 *    2^-21) plus the sigmoid's derivative times the score's bound, in the
 *    tails too (down to logits of -80);
 *  - precision "float32": float32 arithmetic, (d + 2) 2^-23 sum |terms|.
 * slimfit's own predict(X) agrees with ORT to 1e-6 of sum |terms| for float
 * models; a compressed model's predict sums (q - z) s unrounded, so it
 * differs from dequantize-then-predict by the weights' float32 rounding.
 */
import { describe, expect, it } from 'vitest';
import { compressModel, type CompressModelOptions } from '../src/compress/model.js';
import { CompressedLinearModel } from '../src/compress/compressed-model.js';
import { LinearModel } from '../src/fit/model.js';
import { LogisticModel, sigmoid } from '../src/fit/logistic-model.js';
import { decodeSlim, encodeSlim } from '../src/io/slim.js';
import { encodeModel } from '../src/export/onnx-encode.js';
import { onnxGraph, toONNX, type ToONNXOptions } from '../src/export/onnx.js';
import { toDequantizedSafetensors } from '../src/export/safetensors-dequantized.js';
import { decodeSafetensors } from '../src/io/safetensors.js';
import { valueInfo } from '../src/export/onnx-tensors.js';
import { DataType } from '../src/export/onnx-encode.js';
import { normal, rng } from '../src/random.js';
import { engine, expectCode } from './helpers/engines.js';
import { onnxSignature, runOnnx } from './helpers/ort.js';
import { browserBuild } from './helpers/browser-build.js';

const e = await engine('wasm');

const N = 7;

function features(n: number, d: number, seed: number): Float32Array {
  const z = normal(rng(seed));
  // Mixed magnitudes, so that the sums cancel and round differently per term.
  return Float32Array.from({ length: n * d }, (_, i) => z() * (i % 3 === 0 ? 30 : 1) + (i % 5) * 0.25);
}

function linear(d: number, outputs: number, seed: number): LinearModel {
  const z = normal(rng(seed));
  const coef = Float64Array.from({ length: d * outputs }, () => z() * 0.7);
  const intercept = outputs === 1 ? 0.375 : Float64Array.from({ length: outputs }, (_, k) => k - 0.5);
  return new LinearModel({ d, outputs, coef, intercept, fitIntercept: true, stats: {} as never });
}

function logistic(d: number, seed: number): LogisticModel {
  const z = normal(rng(seed));
  const coef = Float64Array.from({ length: d }, () => z() * 0.2);
  return new LogisticModel({ d, coef, intercept: -0.25, fitIntercept: true, stats: {} as never });
}

/** The model's weights as [outputs, d] float64 (exactly the values the graph should hold) and intercepts. */
function effective(model: LinearModel | LogisticModel | CompressedLinearModel): { W: Float64Array; b: Float64Array; m: number } {
  const d = model.d;
  if (model instanceof LogisticModel) return { W: Float64Array.from(model.coef), b: Float64Array.of(model.intercept), m: 1 };
  const m = model.outputs;
  const coef = model instanceof LinearModel ? model.coef : model.coefficients();
  const W = new Float64Array(m * d);
  for (let k = 0; k < m; k++) for (let j = 0; j < d; j++) W[k * d + j] = coef[j * m + k];
  const b = model instanceof LinearModel && typeof model.intercept === 'number' ? Float64Array.of(model.intercept) : Float64Array.from(model.intercept as Float64Array);
  return { W, b, m };
}

/** Exact-as-float64 scores b + X w and the bound's scale sum |terms| per score. */
function reference(W: Float64Array, b: Float64Array, X: Float32Array, n: number, d: number, m: number): { s: Float64Array; abs: Float64Array } {
  const s = new Float64Array(n * m);
  const abs = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < m; k++) {
      let t = b[k];
      let a = Math.abs(b[k]);
      for (let j = 0; j < d; j++) {
        t += X[i * d + j] * W[k * d + j];
        a += Math.abs(X[i * d + j] * W[k * d + j]);
      }
      s[i * m + k] = t;
      abs[i * m + k] = a;
    }
  }
  return { s, abs };
}

/** Exports with the weight value as an extra output `coef_out`, runs ORT, returns its outputs. */
async function exportAndRun(model: LinearModel | LogisticModel | CompressedLinearModel, opts: ToONNXOptions, X: Float32Array, n: number) {
  const built = onnxGraph(model, opts);
  const g = built.model.graph;
  const wType = built.storage.type === 'float64' ? DataType.DOUBLE : DataType.FLOAT;
  const m = model instanceof LogisticModel ? 1 : model.outputs;
  g.node.push({ opType: 'Identity', input: [built.weightName], output: ['coef_out'], name: 'test_weights' });
  g.output.push(valueInfo('coef_out', wType, [m, model.d]));
  return { out: await runOnnx(encodeModel(built.model), X, n, model.d), built };
}

async function check(model: LinearModel | LogisticModel | CompressedLinearModel, opts: ToONNXOptions = {}): Promise<void> {
  const d = model.d;
  const X = features(N, d, 11 + d);
  const { out, built } = await exportAndRun(model, opts, X, N);
  const { W, b, m } = effective(model);
  const f64 = (opts.precision ?? 'float64') === 'float64';
  // Weights, to the last bit.
  const wantW = built.storage.type === 'float64' ? W : Float32Array.from(W);
  expect(out.coef_out.constructor).toBe(wantW.constructor);
  expect(Array.from(out.coef_out)).toEqual(Array.from(wantW));
  for (let i = 0; i < wantW.length; i++) expect(Object.is(out.coef_out[i], wantW[i]), `weight ${i}`).toBe(true);
  // Scores.
  const ref = reference(Float64Array.from(wantW), b, X, N, d, m);
  const sumErr = (i: number) => (d + 2) * (f64 ? 2 ** -52 : 2 ** -23) * ref.abs[i];
  const logistic = 'probability' in out;
  const score = logistic ? out.logit : out.value;
  expect(score).toBeInstanceOf(Float32Array);
  expect(score.length).toBe(N * m);
  for (let i = 0; i < N * m; i++) {
    const tol = 2 ** -24 * Math.abs(ref.s[i]) + 2 * sumErr(i);
    expect(Math.abs(score[i] - ref.s[i]), `score ${i}: ${score[i]} vs ${ref.s[i]} (tol ${tol})`).toBeLessThanOrEqual(tol);
  }
  if (logistic) {
    for (let i = 0; i < N; i++) {
      const p = sigmoid(ref.s[i]);
      const tol = (f64 ? 2 ** -23 : 2 ** -21) * p + p * (1 - p) * 2 * sumErr(i);
      expect(Math.abs(out.probability[i] - p), `probability ${i}`).toBeLessThanOrEqual(tol);
    }
  }
  // slimfit's own predictions.
  const X64 = Array.from({ length: N }, (_, i) => Array.from(X.subarray(i * d, (i + 1) * d)));
  const mine = logistic && !(model instanceof LinearModel) ? model.decisionFunction(X64) : model.predict(X64);
  const quantized = model instanceof CompressedLinearModel && model.bits !== null;
  for (let i = 0; i < N * m; i++) {
    const tol = (quantized ? 2 ** -23 : 0) * ref.abs[i] + (f64 ? 1e-6 : 1e-5) * ref.abs[i];
    expect(Math.abs(score[i] - mine[i]), `vs predict ${i}`).toBeLessThanOrEqual(tol);
  }
}

const GRANULARITIES = ['tensor', 'row', { block: 3 }, { block: 6 }] as const;

describe('toONNX in ONNX Runtime', () => {
  it('float models: linear (one and two outputs) and logistic, float64 and float32', async () => {
    for (const precision of ['float64', 'float32'] as const) {
      await check(linear(9, 1, 1), { precision });
      await check(linear(9, 2, 2), { precision });
      await check(logistic(9, 3), { precision });
    }
  });

  it("codes in the features' units: the factors multiply the dequantized weights", async () => {
    const z = normal(rng(9));
    // inputs of very different sizes, so the factors differ
    const X = { rows: 64, cols: 9, data: Float64Array.from({ length: 64 * 9 }, (_, k) => z() * 10 ** ((k % 9) - 4)) };
    for (const granularity of ['tensor', 'row', { block: 3 }] as const) {
      const model = compressModel(e, linear(9, 2, 6), { quantize: { bits: 4, granularity, units: 'features' }, X });
      expect(model.inputScale).toBeDefined();
      await check(model);
    }
  });

  it('every quantized kind: bits 2..8, symmetric and affine, each granularity, pruned or not, linear and logistic', async () => {
    const lin = linear(9, 2, 4);
    const lg = logistic(9, 5);
    const storages = new Set<string>();
    let c = 0;
    // Every bits x scheme x granularity; pruning alternates so that each granularity and scheme meets both
    // code widths pruned and not; the logistic model (one output: 'row' is 'tensor', blocks of 6 do not
    // divide d = 9) takes each bits x scheme once.
    for (let bits = 2; bits <= 8; bits++) {
      for (const scheme of ['symmetric', 'affine'] as const) {
        for (const granularity of GRANULARITIES) {
          const prune = c++ % 3 === 0 ? undefined : { sparsity: 0.4 };
          const opts: CompressModelOptions = { quantize: { bits, scheme, granularity }, ...(prune ? { prune } : {}) };
          const model = compressModel(e, lin, opts);
          await check(model);
          storages.add(JSON.stringify({ ...onnxGraph(model).storage, pruned: prune !== undefined }));
        }
        await check(compressModel(e, lg, { quantize: { bits, scheme, granularity: bits % 2 ? 'tensor' : { block: 3 } }, prune: { sparsity: bits % 3 === 0 ? 0 : 0.3 } }), { logistic: true });
      }
    }
    const paths = ['int4', 'uint4', 'int8', 'uint8'].flatMap((type) => ['"tensor"', '"axis"', '{"block":3}', '{"block":6}'].flatMap((g) => [false, true].map((p) => `{"type":"${type}","layout":"dense","granularity":${g},"pruned":${p}}`)));
    expect([...storages].sort()).toEqual(paths.sort());
  });

  it('probabilities keep their relative accuracy in the tails (logits -80 .. 80)', async () => {
    const one = new LogisticModel({ d: 1, coef: Float64Array.of(1), intercept: 0, fitIntercept: true, stats: {} as never });
    const X = Float32Array.from({ length: 801 }, (_, i) => -80 + i * 0.2);
    for (const precision of ['float64', 'float32'] as const) {
      const out = await runOnnx(toONNX(one, { precision }), X, X.length, 1);
      for (let i = 0; i < X.length; i++) {
        const p = sigmoid(X[i]);
        expect(Math.abs(out.probability[i] - p), `${precision} logit ${X[i]}`).toBeLessThanOrEqual((precision === 'float64' ? 2 ** -23 : 2 ** -21) * p);
      }
    }
  });

  it('gptq models and float32 precision of a quantized model', async () => {
    const lin = linear(9, 1, 6);
    const X = Array.from({ length: 40 }, (_, i) => Array.from(features(1, 9, 100 + i)));
    await check(compressModel(e, lin, { method: 'gptq', X, quantize: { bits: 3, scheme: 'affine', granularity: { block: 3 } }, prune: { sparsity: 0.3 } }));
    await check(compressModel(e, lin, { quantize: { bits: 4 } }), { precision: 'float32' });
  });

  it('pruned weights: a sparse initializer when ONNX allows it and it is smaller, dense otherwise', async () => {
    const lin = linear(12, 2, 7);
    const sparse = compressModel(e, lin, { prune: { sparsity: 0.75 } });
    expect(onnxGraph(sparse).storage).toEqual({ type: 'float64', layout: 'sparse' });
    await check(sparse);
    await check(sparse, { precision: 'float32' });
    expect(onnxGraph(sparse, { sparse: false }).storage.layout).toBe('dense');
    await check(sparse, { sparse: false });
    const half = compressModel(e, lin, { prune: { sparsity: 0.25 } });
    expect(onnxGraph(half).storage.layout).toBe('dense');
    await check(half);
    // Codes: sparse only for symmetric INT8 codes, and only when nearly all are pruned.
    const wide = linear(40, 2, 14);
    const q8 = compressModel(e, wide, { quantize: { bits: 8 }, prune: { sparsity: 0.95 } });
    expect(onnxGraph(q8).storage).toEqual({ type: 'int8', layout: 'sparse', granularity: 'axis' });
    await check(q8);
    await check(q8, { sparse: false });
    for (const opts of [{ quantize: { bits: 8, scheme: 'affine' as const } }, { quantize: { bits: 4 } }, { quantize: { bits: 8 } }]) {
      const sparsity = 'scheme' in opts.quantize || opts.quantize.bits === 4 ? 0.95 : 0.8;
      const c = compressModel(e, wide, { ...opts, prune: { sparsity } });
      expect(onnxGraph(c).storage.layout, JSON.stringify(opts)).toBe('dense');
    }
  });

  it('the graph: input X, outputs by kind, opsets, metadata', async () => {
    const lg = logistic(4, 8);
    const bytes = toONNX(lg, { features: ['a', 'b', 'c', 'd'] });
    expect(await onnxSignature(bytes)).toEqual({ inputs: ['X: float32 [N, 4]'], outputs: ['probability: float32 [N, 1]', 'logit: float32 [N, 1]'] });
    expect(await onnxSignature(toONNX(linear(4, 2, 9)))).toEqual({ inputs: ['X: float32 [N, 4]'], outputs: ['value: float32 [N, 2]'] });
    const built = onnxGraph(lg, { features: ['a', 'b', 'c', 'd'], provenance: { source: 'x.csv', n: Infinity, ids: BigInt64Array.of(7n), w: Float32Array.of(0.5) } }).model;
    const meta = Object.fromEntries(built.metadataProps.map((p) => [p.key, p.value]));
    expect(meta['slimfit.kind']).toBe('logistic');
    expect(JSON.parse(meta['slimfit.features'])).toEqual(['a', 'b', 'c', 'd']);
    expect(JSON.parse(meta['slimfit.provenance'])).toEqual({ source: 'x.csv', n: 'Infinity', ids: ['7'], w: [0.5] });
    expect([built.irVersion, built.opsetImport[0].version]).toEqual([7, 13]);
    const c8 = onnxGraph(compressModel(e, linear(4, 1, 1), { quantize: { bits: 8 } })).model;
    expect([c8.irVersion, c8.opsetImport[0].version]).toEqual([7, 13]);
    const c4 = onnxGraph(compressModel(e, linear(4, 1, 1), { quantize: { bits: 4 } })).model;
    expect([c4.irVersion, c4.opsetImport[0].version]).toEqual([10, 21]);
  });

  it('a decoded .slim: kind, feature names and provenance come from the file', async () => {
    const c = compressModel(e, logistic(3, 10), { quantize: { bits: 5, scheme: 'affine' } });
    const file = await decodeSlim(await encodeSlim({ kind: 'compressed-logistic', model: c }, { features: ['age', 'income', 'debt'], provenance: { source: 'loans.csv' } }));
    const built = onnxGraph(file).model;
    const meta = Object.fromEntries(built.metadataProps.map((p) => [p.key, p.value]));
    expect(meta['slimfit.kind']).toBe('compressed-logistic');
    expect(JSON.parse(meta['slimfit.features'])).toEqual(['age', 'income', 'debt']);
    expect(JSON.parse(meta['slimfit.provenance']).source).toBe('loans.csv');
    expect(await onnxSignature(toONNX(file))).toEqual({ inputs: ['X: float32 [N, 3]'], outputs: ['probability: float32 [N, 1]', 'logit: float32 [N, 1]'] });
  });

  it('refuses bad arguments with typed errors', () => {
    const lin = linear(3, 2, 1);
    expectCode(() => toONNX({} as never), 'E_SHAPE');
    expectCode(() => toONNX(lin, { featurs: ['a'] } as never), 'E_RANGE');
    expectCode(() => toONNX(lin, { features: ['a', 'b'] }), 'E_SHAPE');
    expectCode(() => toONNX(lin, { features: [1, 2, 3] as never }), 'E_RANGE');
    expectCode(() => toONNX(lin, { precision: 'float16' as never }), 'E_RANGE');
    expectCode(() => toONNX(lin, { logistic: true }), 'E_RANGE');
    // a compressed model knows its task: the option may only agree with it
    expect(() => toONNX(compressModel(e, lin, { quantize: { bits: 4 } }), { logistic: true })).toThrow(/E_RANGE: .*contradicts the model's task "linear"/);
    expectCode(() => toONNX({ kind: 'logistic', model: lin }), 'E_SHAPE');
    expectCode(() => toONNX(lin, 3 as never), 'E_RANGE');
    expectCode(() => toONNX({ kind: 'tensors' }), 'E_SHAPE');
  });

  it('bundles for the browser without Node built-ins, eval or new Function', async () => {
    const r = await browserBuild(`import { toONNX } from './src/export/onnx.ts'; console.log(toONNX);`);
    const inputs = Object.keys(r.metafile.inputs);
    expect(inputs.some((f) => f.includes('src/export/onnx-proto.ts'))).toBe(true);
    expect(inputs.filter((f) => f.startsWith('node:'))).toEqual([]);
    const code = r.outputFiles.map((f) => f.text).join('\n');
    expect(code).not.toMatch(/\bnew Function\b|\bFunction\(|\beval\(/);
  });
});

describe('toDequantizedSafetensors', () => {
  it('holds the effective weights as [outputs, d], F32 for codes and F64 for floats, with the model metadata', () => {
    const lin = linear(9, 2, 12);
    const c = compressModel(e, lin, { quantize: { bits: 3, scheme: 'affine', granularity: { block: 6 } }, prune: { sparsity: 0.3 } });
    const f = decodeSafetensors(toDequantizedSafetensors(c, { features: Array.from({ length: 9 }, (_, j) => `f${j}`) }));
    const { W } = effective(c);
    expect(f.tensors.coef.dtype).toBe('F32');
    expect(f.tensors.coef.shape).toEqual([2, 9]);
    expect(Array.from(f.tensors.coef.data as Float32Array)).toEqual(Array.from(Float32Array.from(W)));
    expect(Array.from(f.tensors.intercept.data as Float64Array)).toEqual(Array.from(c.intercept));
    expect(f.metadata).toMatchObject({ format: 'slimfit-dequantized', task: 'linear', features: JSON.stringify(Array.from({ length: 9 }, (_, j) => `f${j}`)) });
    const g = decodeSafetensors(toDequantizedSafetensors(logistic(4, 13)));
    expect([g.tensors.coef.dtype, g.tensors.coef.shape, g.metadata?.task]).toEqual(['F64', [4], 'logistic']);
    expectCode(() => toDequantizedSafetensors(lin, { precision: 'float32' } as never), 'E_RANGE');
  });
});
