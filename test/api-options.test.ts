/**
 * Every public function refuses an option name it does not know: E_RANGE
 * naming the misspelt key and, where one is close, the intended one. The
 * table must cover every function and class method exported by slimfit/core
 * (derived from the module itself), so a new export without a row fails here.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as core from '../src/core.js';
import { init, isSlimfitError, type Engine } from '../src/index.js';

type Call = (e: Engine) => unknown;
interface Row {
  /** The misspelt (or unknown) key the call passes. */
  key: string;
  /** The name the message must suggest; undefined: the message lists the options instead. */
  suggest?: string;
  call: Call;
}

const W = Float64Array.of(0.5, -1, 2, 0.25);
const H = Float64Array.of(2, 0.5, 0.5, 1);
const X = [[1, 2], [2, 1], [3, 5], [4, 3], [5, 6]];
const y = [1, 2, 4, 3.5, 6];
const yBin = [0, 1, 0, 1, 1];
const lin = { d: 2, outputs: 1, coef: Float64Array.of(1, -0.5), intercept: 0.25, fitIntercept: true };

/** Rows by export name (functions) or Class.method (class methods); several rows per name cover nested option objects. */
const ROWS: Record<string, Row[]> = {
  init: [
    { key: 'backnd', suggest: 'backend', call: () => init({ backnd: 'js' } as never) },
    { key: 'js', suggest: 'backend', call: () => init('js' as never) }, // the backend's name without { backend }
  ],
  gram: [
    { key: 'weight', suggest: 'weights', call: (e) => core.gram(e, X, y, { weight: [1, 1, 1, 1, 1] } as never) },
    { key: 'xtz', suggest: 'xtx', call: (e) => core.gram(e, X, y, { out: { xtz: e.memory.f64(4) } } as never) },
  ],
  solveSPD: [{ key: 'ridg', suggest: 'ridge', call: (e) => core.solveSPD(e, H, [1, 1], { ridg: 1 } as never) }],
  quantize: [
    { key: 'bit', suggest: 'bits', call: (e) => core.quantize(e, W, { bit: 4 } as never) },
    { key: 'blok', suggest: 'block', call: (e) => core.quantize(e, W, { granularity: { blok: 2 } } as never) },
    { key: 'axis', call: (e) => core.quantize(e, W, { granularity: { block: 2, axis: 0 } } as never) },
    { key: 'shap', suggest: 'shape', call: (e) => core.quantize(e, W, { granularity: { axis: 0, shape: [2, 2], shap: 1 } } as never) },
  ],
  dequantize: [{ key: 'output', call: (e) => core.dequantize(e, core.quantize(e, W), { output: 1 } as never) }],
  fitLinear: [
    { key: 'ridg', suggest: 'ridge', call: (e) => core.fitLinear(e, X, y, { ridg: 1 } as never) },
    { key: 'epsilom', suggest: 'epsilon', call: (e) => core.fitLinear(e, X, y, { privacy: { epsilom: 1, delta: 1e-6, boundX: 1, boundY: 1 } } as never) },
  ],
  fitLogistic: [
    { key: 'maxIters', suggest: 'maxIter', call: (e) => core.fitLogistic(e, X, yBin, { maxIters: 5, ridge: 1 } as never) },
    { key: 'bondX', suggest: 'boundX', call: (e) => core.fitLogistic(e, X, yBin, { privacy: { epsilon: 1, bondX: 1 } } as never) },
  ],
  linearAccumulator: [
    { key: 'output', suggest: 'outputs', call: (e) => core.linearAccumulator(e, 2, { output: 1 } as never) },
    { key: 'boundx', suggest: 'boundX', call: (e) => core.linearAccumulator(e, 2, { privacy: { boundx: 1, boundY: 1 } } as never) },
  ],
  'LinearAccumulator.fit': [
    { key: 'Ridge', suggest: 'ridge', call: (e) => core.linearAccumulator(e, 2).add(X, y).fit({ Ridge: 1 } as never) },
    { key: 'methd', suggest: 'method', call: (e) => core.linearAccumulator(e, 2, { privacy: { boundX: 1, boundY: 1 } }).add(X, y).fit({ privacy: { epsilon: 1, delta: 1e-6, methd: 'ssp' } } as never) },
  ],
  reducedRank: [{ key: 'ridg', suggest: 'ridge', call: (e) => core.reducedRank(e, X, X, 1, { ridg: 1 } as never) }],
  prune: [
    { key: 'sparsty', suggest: 'sparsity', call: (e) => core.prune(e, W, { sparsty: 0.5 } as never) },
    { key: 'scpoe', suggest: 'scope', call: (e) => core.prune(e, W, { sparsity: 0.5, scpoe: 'row' } as never) },
    { key: 'shpe', suggest: 'shape', call: (e) => core.prune(e, W, { threshold: 0.3, shpe: [2, 2] } as never) },
    { key: 'outt', suggest: 'out', call: (e) => core.prune(e, W, { threshold: 0.3, out: e.memory.f64(4), outt: 1 } as never) },
    { key: 'outt', suggest: 'out', call: (e) => core.prune(e, W, { threshold: 0.3, out: undefined, outt: 1 } as never) },
    { key: 'norms', suggest: 'norm', call: (e) => core.prune(e, W, { structured: 'rows', sparsity: 0.5, shape: [2, 2], norms: 1 } as never) },
    { key: 'shap', suggest: 'shape', call: (e) => core.prune(e, W, { nm: [2, 4], shap: [1, 4] } as never) },
  ],
  pruneGlobal: [{ key: 'shape', suggest: 'shapes', call: (e) => core.pruneGlobal(e, [W], { sparsity: 0.5, shape: [[2, 2]] } as never) }],
  quantizeWith: [{ key: 'roundng', suggest: 'rounding', call: (e) => core.quantizeWith(e, W, { roundng: 'stochastic' } as never) }],
  quantizeGPTQ: [
    { key: 'actorder', suggest: 'actOrder', call: (e) => core.quantizeGPTQ(e, { rows: 2, cols: 2, data: W }, H, { actorder: true } as never) },
    { key: 'axis', call: (e) => core.quantizeGPTQ(e, { rows: 2, cols: 2, data: W }, H, { granularity: { block: 2, axis: 0 } } as never) },
  ],
  pruneSparseGPT: [{ key: 'sparsit', suggest: 'sparsity', call: (e) => core.pruneSparseGPT(e, { rows: 2, cols: 2, data: W }, H, { sparsity: 0.5, sparsit: 0.5 } as never) }],
  compressModel: [
    { key: 'damping', suggest: 'damp', call: (e) => core.compressModel(e, lin, { damping: 0.1 } as never) },
    { key: 'bit', suggest: 'bits', call: (e) => core.compressModel(e, lin, { quantize: { bits: 4, bit: 4 } } as never) },
    { key: 'sparsty', suggest: 'sparsity', call: (e) => core.compressModel(e, lin, { prune: { sparsty: 0.5 } } as never) },
  ],
  fitQuantized: [
    { key: 'bit', suggest: 'bits', call: (e) => core.fitQuantized(e, X, y, { bit: 3 } as never) },
    { key: 'node', suggest: 'nodes', call: (e) => core.fitQuantized(e, X, y, { budget: { node: 10 } } as never) },
  ],
  compressReducedRank: [{ key: 'bit', suggest: 'bits', call: (e) => core.compressReducedRank(e, core.reducedRank(e, X, X, 1), { bit: 4 } as never) }],
  distill: [
    { key: 'temprature', suggest: 'temperature', call: (e) => core.distill(e, { scores: y, kind: 'value' }, X, { temprature: 2 } as never) },
    { key: 'bit', suggest: 'bits', call: (e) => core.distill(e, { scores: y, kind: 'value' }, X, { student: { bit: 4 } } as never) },
  ],
  toScorecard: [
    { key: 'pdO', suggest: 'pdo', call: () => core.toScorecard(new core.LogisticModel({ d: 1, coef: Float64Array.of(0.5), intercept: -1, fitIntercept: true, stats: {} as never }), { columns: ['a>=1'], pdO: 20 } as never) },
    {
      key: 'node',
      suggest: 'nodes',
      call: () =>
        core.toScorecard(new core.LogisticModel({ d: 1, coef: Float64Array.of(0.5), intercept: -1, fitIntercept: true, stats: {} as never }), { columns: ['a>=1'], calib: [[0], [1]], budget: { node: 10 } } as never),
    },
  ],
  compressionReport: [{ key: 'method', suggest: 'methods', call: (e) => core.compressionReport(e, lin, X, y, { method: ['rtn'] } as never) }],
  InputsLearner: [{ key: 'bin', suggest: 'bins', call: () => new core.InputsLearner(['a'], { bin: 4 } as never) }],
  toONNX: [{ key: 'precison', suggest: 'precision', call: (e) => core.toONNX(core.fitLinear(e, X, y), { precison: 'float32' } as never) }],
  toDequantizedSafetensors: [{ key: 'feature', suggest: 'features', call: (e) => core.toDequantizedSafetensors(core.fitLinear(e, X, y), { feature: ['a', 'b'] } as never) }],
  slimFileBytes: [{ key: 'strp', suggest: 'strip', call: () => core.slimFileBytes({ kind: 'tensors', tensors: { w: W } }, { strp: true } as never) }],
  encodeSlim: [
    { key: 'feature', suggest: 'features', call: () => core.encodeSlim({ kind: 'tensors', tensors: { w: W } }, { feature: ['a'] } as never) },
    { key: 'create', suggest: 'created', call: () => core.encodeSlim({ kind: 'tensors', tensors: { w: W } }, { provenance: { create: '2020-01-01' } } as never) },
  ],
  decodeSafetensors: [{ key: 'maxHeaderByte', suggest: 'maxHeaderBytes', call: () => core.decodeSafetensors(core.encodeSafetensors({ w: W }), { maxHeaderByte: 10 } as never) }],
  'SparseTensor.fromDense': [{ key: 'dens', suggest: 'dense', call: () => core.SparseTensor.fromDense(W, Uint8Array.of(15), [4], { dens: false } as never) }],
  'SparseTensor.fromPacked': [{ key: 'dens', suggest: 'dense', call: () => core.SparseTensor.fromPacked(W, Uint8Array.of(15), 4, [4], { dens: false } as never) }],
};

/** Exports (and class methods) that take no options object, and so need no row. */
const NO_OPTIONS = new Set([
  'isSlimfitError',
  'linearAccumulatorFromJSON',
  'polynomialDesign',
  'calibrationHessian',
  'auc',
  'decodeSlim',
  'inspectSlim',
  'isSlim',
  'encodeSafetensors', // (tensors, metadata): metadata is free-form strings, not options
  'quantizedToSafetensors', // (tensors, extraMetadata): likewise
  'quantizedFromSafetensors',
  'isSafetensors',
  'crc32c',
  'sha256Hex',
  'createSha256',
  'SlimfitError',
  'Engine',
  'WasmBuffer',
  'WasmBuffer.toArray',
  'WasmBuffer.free',
  'WasmBuffer.ownedBy',
  'MemoryApi',
  'MemoryApi.f32',
  'MemoryApi.f64',
  'MemoryApi.i8',
  'MemoryApi.u8',
  'MemoryApi.i32',
  'LinearModel',
  'LinearModel.fromJSON',
  'LinearModel.predict',
  'LinearModel.toJSON',
  'CompressedReducedRankModel',
  'CompressedReducedRankModel.predict',
  'ReducedRankModel',
  'ReducedRankModel.fromJSON',
  'ReducedRankModel.encode',
  'ReducedRankModel.predict',
  'ReducedRankModel.toJSON',
  'LogisticModel',
  'LogisticModel.fromJSON',
  'LogisticModel.decisionFunction',
  'LogisticModel.predictProba',
  'LogisticModel.predict',
  'LogisticModel.toJSON',
  'CompressedLinearModel.decisionFunction',
  'CompressedLinearModel.predictProba',
  'CompressedLinearModel.linearPredictor',
  'InputSpec', // (columns): a column list, not options; each column's fields are checked by name
  'InputSpec.fromSlim',
  'InputSpec.fromJSON',
  'InputSpec.design',
  'InputSpec.toJSON',
  'RowEncoder',
  'RowEncoder.encode',
  'RowEncoder.width',
  'RowEncoder.number',
  'designMatrix',
  'InputsLearner.observe',
  'InputsLearner.sample',
  'InputsLearner.finish',
  'quantileCuts',
  'LinearAccumulator', // its constructor is linearAccumulator's row
  'LinearAccumulator.fromJSON',
  'LinearAccumulator.add',
  'LinearAccumulator.merge',
  'LinearAccumulator.toJSON',
  'Scorecard',
  'Scorecard.score',
  'Scorecard.floatScore',
  'Scorecard.sum',
  'scorecardCsv',
  'scorecardPointsCsv',
  'scorecardMarkdown',
  'CompressedLinearModel',
  'CompressedLinearModel.report',
  'CompressedLinearModel.predict',
  'CompressedLinearModel.coefficients',
  'SparseTensor',
  'SparseTensor.fromDenseWithMarkers',
  'SparseTensor.toDense',
  'SparseTensor.buildMask',
  'SparseTensor.denseWithMarkers',
]);

/** Every function export of slimfit/core, and every method (static or not) of its class exports, as `Class.method`. */
function publicCallables(): string[] {
  const out: string[] = [];
  for (const [name, v] of Object.entries(core)) {
    if (typeof v !== 'function') continue;
    out.push(name);
    if (!/^[A-Z]/.test(name)) continue;
    const statics = Object.getOwnPropertyNames(v).filter((k) => !['length', 'name', 'prototype'].includes(k) && typeof (v as unknown as Record<string, unknown>)[k] === 'function');
    const proto = (v as { prototype?: object }).prototype ?? {};
    const methods = Object.getOwnPropertyNames(proto).filter((k) => k !== 'constructor' && typeof Object.getOwnPropertyDescriptor(proto, k)?.value === 'function');
    for (const k of [...statics, ...methods]) out.push(`${name}.${k}`);
  }
  return out;
}

async function errorOf(call: Call, e: Engine): Promise<unknown> {
  try {
    await call(e);
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('unknown option names', () => {
  let e: Engine;
  beforeAll(async () => {
    e = await init({ backend: 'js', warmUp: false });
  });

  it('the table covers every function and class method of slimfit/core', () => {
    const names = publicCallables();
    expect(names.length).toBeGreaterThan(40);
    const missing = names.filter((n) => !(n in ROWS) && !NO_OPTIONS.has(n));
    expect(missing, `exports with no row in ROWS (add a misspelt-option call) nor in NO_OPTIONS (if they take no options object): ${missing.join(', ')}`).toEqual([]);
    const stale = [...Object.keys(ROWS), ...NO_OPTIONS].filter((n) => !names.includes(n));
    expect(stale, `rows for names slimfit/core no longer exports: ${stale.join(', ')}`).toEqual([]);
  });

  for (const [name, rows] of Object.entries(ROWS)) {
    for (const row of rows) {
      it(`${name} refuses '${row.key}'${row.suggest ? ` (did you mean '${row.suggest}'?)` : ''}`, async () => {
        const err = await errorOf(row.call, e);
        expect(isSlimfitError(err, 'E_RANGE'), String(err)).toBe(true);
        const msg = (err as Error).message;
        expect(msg).toContain(`unknown`);
        expect(msg).toContain(`'${row.key}'`);
        if (row.suggest !== undefined) expect(msg).toContain(`'${row.suggest}'`);
      });
    }
  }

  it('the did-you-mean names the closest option, or none when nothing is close', async () => {
    const typo = (await errorOf((en) => core.fitLinear(en, X, y, { ridg: 1 } as never), e)) as Error;
    expect(typo.message).toBe("E_RANGE: fitLinear: unknown option 'ridg'; did you mean 'ridge'? (the options are 'intercept', 'ridge', 'weights', 'accuracy', 'privacy', 'maxMemoryBytes')");
    const far = (await errorOf((en) => core.fitLinear(en, X, y, { bootstrap: {} } as never), e)) as Error;
    expect(far.message).not.toContain('did you mean');
    // a key whose value is undefined is still a misspelling
    const undef = await errorOf((en) => core.quantize(en, W, { bit: undefined } as never), e);
    expect(isSlimfitError(undef, 'E_RANGE')).toBe(true);
  });

  it('the right names still work (the checks refuse only unknown ones)', () => {
    expect(core.fitLinear(e, X, y, { ridge: 0.1, intercept: true, accuracy: 'fast' }).coef.length).toBe(2);
    expect(core.compressModel(e, lin, { quantize: { bits: 4, scheme: 'affine' }, prune: { sparsity: 0.5 } }).bits).toBe(4);
    expect(core.prune(e, W, { sparsity: 0.5, scope: 'row', shape: [2, 2] }).kept).toBe(2);
  });
});
