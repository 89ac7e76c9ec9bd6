/** .slim round trips: every model kind and tensor kind comes back bit-identical. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CompressedLinearModel, LinearModel, LogisticModel, SparseTensor, type QuantizedTensor } from '../src/index.js';
import { decodeSlim, encodeSlim, inspectSlim, isSlim, SLIMFIT_VERSION, type DecodedSlim, type SlimContent } from '../src/io/index.js';
import { normal, rng } from '../src/random.js';
import { GOLDEN_PATH, goldenSlim, type GoldenSlim } from './fixtures/make-golden-slim.js';
import { engine } from './helpers/engines.js';

const e = await engine('wasm');
const CREATED = '2025-01-02T03:04:05.678Z';

function matrix(n: number, d: number, seed: number): { rows: number; cols: number; data: Float64Array } {
  const z = normal(rng(seed));
  return { rows: n, cols: d, data: Float64Array.from({ length: n * d }, () => z() + 0.5) };
}

/** Same typed-array type and the same bytes (so -0, NaN payloads and all). */
function expectBits(a: ArrayBufferView | undefined, b: ArrayBufferView | undefined): void {
  if (a === undefined || b === undefined) {
    expect(a).toBe(b);
    return;
  }
  expect(Object.prototype.toString.call(a)).toBe(Object.prototype.toString.call(b));
  expect(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))).toBe(true);
}

function linearOf(d: DecodedSlim): LinearModel {
  if (d.kind !== 'linear') throw new Error(`expected a linear model, got ${d.kind}`);
  return d.model;
}

/** Format version 2 (the default), checked to decode to the same content as version 1. */
async function roundTrip(content: SlimContent): Promise<{ bytes: Uint8Array; back: DecodedSlim }> {
  const provenance = { created: CREATED, inputDigest: 'ab'.repeat(32), source: 'in.csv', options: { bits: 4 } };
  const bytes = await encodeSlim(content, { provenance });
  const back = await decodeSlim(bytes);
  expect(back.kind).toBe(content.kind);
  // canonical: re-encoding the decoded content gives the same bytes
  const again = await encodeSlim(back as SlimContent, { provenance });
  expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
  const v1 = await decodeSlim(await encodeSlim(content, { provenance, formatVersion: 1 }));
  expect(v1.header.formatVersion).toEqual({ major: 1, minor: 0 });
  expect({ ...v1, header: undefined }).toEqual({ ...back, header: undefined });
  return { bytes, back };
}

function expectSameCompressed(a: CompressedLinearModel, b: CompressedLinearModel, X: { rows: number; cols: number; data: Float64Array }): void {
  expect(b).toBeInstanceOf(CompressedLinearModel);
  expect([b.d, b.outputs, b.bits, b.scheme, b.groupSize, b.bytes]).toEqual([a.d, a.outputs, a.bits, a.scheme, a.groupSize, a.bytes]);
  expectBits(b.intercept, a.intercept);
  expectBits(b.values, a.values);
  expectBits(b.scale, a.scale);
  expectBits(b.zeroPoint, a.zeroPoint);
  expectBits(b.index.mask, a.index.mask);
  expect(b.index.format).toBe(a.index.format);
  expect(b.task).toBe(a.task);
  expectBits(b.coefficients(), a.coefficients());
  expectBits(b.predict(X), a.predict(X));
  expectBits(b.inputScale, a.inputScale);
  // warnings are about the run that made the model; files do not keep them
  expect({ ...b.report(), warnings: [] }).toEqual({ ...a.report(), warnings: [] });
}

describe('.slim round trips', () => {
  const d = 12;
  const X = matrix(300, d, 1);
  const z = normal(rng(2));
  const beta = Float64Array.from({ length: d }, () => z());
  const y = Array.from({ length: X.rows }, (_, i) => beta.reduce((s, b, j) => s + b * X.data[i * d + j], 0.25) + 0.1 * z());

  it('header basics: magic, version, provenance, statistics', async () => {
    const model = e.fitLinear(X, y);
    const bytes = await encodeSlim({ kind: 'linear', model }, { provenance: { created: new Date(CREATED), inputDigest: 'ff00', options: { nested: { nan: NaN, arr: [1, -0] } } }, statistics: { auc: 0.8125, mse: NaN, curve: new Float64Array([1, Infinity]) } });
    expect(isSlim(bytes)).toBe(true);
    expect(Array.from(bytes.subarray(0, 12))).toEqual([0x89, 0x53, 0x4c, 0x49, 0x4d, 0x0d, 0x0a, 0x1a, 2, 0, 0, 0]);
    const v1 = await encodeSlim({ kind: 'linear', model }, { formatVersion: 1 });
    expect(Array.from(v1.subarray(8, 12))).toEqual([1, 0, 0, 0]);
    expect(v1.length % 16).toBe(4); // version 1: 16-aligned body + 4-byte CRC
    const back = await decodeSlim(bytes);
    expect(back.header.formatVersion).toEqual({ major: 2, minor: 0 });
    expect(back.header.provenance).toEqual({ slimfit: SLIMFIT_VERSION, created: CREATED, inputDigest: 'ff00', options: { nested: { nan: NaN, arr: [1, -0] } } });
    expect(Object.is((back.header.provenance!.options!.nested as { arr: number[] }).arr[1], -0)).toBe(true);
    expect(back.header.statistics).toEqual({ auc: 0.8125, mse: NaN, curve: new Float64Array([1, Infinity]) });
    expect(back.header.fileBytes).toBe(bytes.length);
    const proto = await decodeSlim(await encodeSlim({ kind: 'linear', model }, { statistics: JSON.parse('{"__proto__": {"a": 1}}') as Record<string, unknown> }));
    expect(Object.keys(proto.header.statistics!)).toEqual(['__proto__']);
    // created defaults to now
    const now = await decodeSlim(await encodeSlim({ kind: 'linear', model }));
    expect(Math.abs(Date.parse(now.header.provenance!.created) - Date.now())).toBeLessThan(60_000);
  });

  it('feature and target names travel with the model, checked against its dimensions', async () => {
    const model = e.fitLinear(X, y);
    const features = Array.from({ length: d }, (_, j) => `x${j}`);
    const back = await decodeSlim(await encodeSlim({ kind: 'linear', model }, { features, targets: ['loss'] }));
    expect(back.header.features).toEqual(features);
    expect(back.header.targets).toEqual(['loss']);
    expect((await inspectSlim(await encodeSlim({ kind: 'linear', model }, { features }))).features).toEqual(features);
    await expectRejects(encodeSlim({ kind: 'linear', model }, { features: ['a'] }), 'E_SHAPE');
    await expectRejects(encodeSlim({ kind: 'linear', model }, { targets: ['a', 'b'] }), 'E_SHAPE');
    await expectRejects(encodeSlim({ kind: 'linear', model }, { features: [1] as never }), 'E_RANGE');
    const plain = await decodeSlim(await encodeSlim({ kind: 'linear', model }));
    expect(plain.header.features).toBeUndefined();
  });

  it('linear (vector y) and multi-output linear: coefficients, intercepts, stats bit-identical', async () => {
    const Y = { rows: X.rows, cols: 3, data: Float64Array.from({ length: X.rows * 3 }, (_, i) => y[(i / 3) | 0] * (1 + (i % 3)) + z()) };
    const models: LinearModel[] = [e.fitLinear(X, y), e.fitLinear(X, y, { intercept: false } as never), e.fitLinear(X, Y), e.fitLinear([[1], [2]], [1, 3])];
    for (const model of models) {
      const { back } = await roundTrip({ kind: 'linear', model });
      if (back.kind !== 'linear') throw new Error('kind');
      const m = back.model;
      expect(m).toBeInstanceOf(LinearModel);
      expect([m.d, m.outputs, m.fitIntercept]).toEqual([model.d, model.outputs, model.fitIntercept]);
      expectBits(m.coef, model.coef);
      if (typeof model.intercept === 'number') expect(Object.is(m.intercept, model.intercept)).toBe(true);
      else expectBits(m.intercept as Float64Array, model.intercept);
      expect(m.stats).toEqual(model.stats);
      expectBits(m.stats.stdErrors, model.stats.stdErrors);
      expectBits(m.predict(X.rows && model.d === d ? X : [[1], [5]]), model.predict(X.rows && model.d === d ? X : [[1], [5]]));
    }
    // the dof-0 fit has NaN statistics; they survive
    const dof0 = linearOf(await decodeSlim(await encodeSlim({ kind: 'linear', model: models[3] })));
    expect(Number.isNaN(dof0.stats.residualSd as number)).toBe(true);
  });

  it('non-finite numbers and -0 in model fields survive', async () => {
    const base = e.fitLinear(X, y);
    const weird = new LinearModel({
      ...base,
      coef: Float64Array.from(base.coef, (v, i) => (i === 0 ? -0 : i === 1 ? Number.MIN_VALUE : v)),
      intercept: -0,
      stats: { ...base.stats, condition: Infinity, dof: -0, rSquared: NaN, stdErrors: base.stats.stdErrors.map((v, i) => (i === 0 ? NaN : v)) },
    });
    const back = linearOf((await roundTrip({ kind: 'linear', model: weird })).back);
    expectBits(back.coef, weird.coef);
    expect(Object.is(back.intercept, -0)).toBe(true);
    expect(Object.is(back.stats.dof, -0)).toBe(true);
    expect(back.stats.condition).toBe(Infinity);
    expect(back.stats.rSquared).toBeNaN();
  });

  it('logistic', async () => {
    const p = Array.from({ length: X.rows }, (_, i) => (X.data[i * d] + X.data[i * d + 1] + 0.5 * z() > 1 ? 1 : 0));
    for (const model of [e.fitLogistic(X, p), e.fitLogistic(X, p, { intercept: false, ridge: 0.5 } as never)]) {
      const { back } = await roundTrip({ kind: 'logistic', model });
      if (back.kind !== 'logistic') throw new Error('kind');
      const m = back.model;
      expect(m).toBeInstanceOf(LogisticModel);
      expectBits(m.coef, model.coef);
      expect(Object.is(m.intercept, model.intercept)).toBe(true);
      expect(m.stats).toEqual(model.stats);
      expectBits(m.predictProba(X), model.predictProba(X));
      expect(m.fitIntercept).toBe(model.fitIntercept);
    }
  });

  it('compressed: every bits / scheme / granularity / sparsity, predictions identical', async () => {
    const Xc = matrix(200, 64, 3);
    const zz = normal(rng(4));
    const formats = new Set<string>();
    for (const outputs of [1, 3]) {
      const coef = Float64Array.from({ length: 64 * outputs }, () => zz());
      const model = new LinearModel({ d: 64, outputs, coef, intercept: outputs === 1 ? 0.5 : Float64Array.of(1, -2, 3), fitIntercept: true, stats: {} as never });
      const cases: Parameters<typeof e.compressModel>[1][] = [
        {},
        { prune: { sparsity: 0.5 } },
        { prune: { sparsity: 0.99 } },
        { prune: { nm: [2, 4] } },
      ];
      for (const bits of [2, 3, 4, 5, 7, 8]) {
        for (const scheme of ['symmetric', 'affine'] as const) {
          for (const granularity of ['tensor', 'row', { block: 16 }] as const) {
            cases.push({ quantize: { bits, scheme, granularity } });
          }
          cases.push({ quantize: { bits, scheme }, prune: { sparsity: 0.6 } });
          cases.push({ quantize: { bits, scheme }, prune: { sparsity: 0.99 } });
        }
      }
      cases.push({ method: 'gptq', X: Xc, quantize: { bits: 4 }, prune: { sparsity: 0.5 } });
      cases.push({ method: 'gptq', X: Xc, quantize: { bits: 3, scheme: 'affine', granularity: { block: 32 } } });
      for (const opts of cases) {
        const c = e.compressModel(model, opts);
        formats.add(c.report().kept === 64 * outputs ? 'dense' : c.index.format);
        const { back } = await roundTrip({ kind: 'compressed-linear', model: c });
        if (back.kind !== 'compressed-linear') throw new Error('kind');
        expectSameCompressed(c, back.model, Xc);
      }
    }
    expect([...formats].sort()).toEqual(['bitmask', 'csr', 'dense']);
  });

  it('tensors: quantized (every layout), sparse (bitmask, csr; f32, f64), dense of every dtype', async () => {
    const zz = normal(rng(5));
    const w = Float32Array.from({ length: 48 }, () => zz());
    const tensors: Record<string, QuantizedTensor | SparseTensor | { shape: number[]; data: ArrayBufferView } | ArrayBufferView> = {};
    for (const bits of [2, 3, 4, 6, 8]) {
      for (const scheme of ['symmetric', 'affine'] as const) {
        tensors[`q${bits}${scheme[0]}.tensor`] = e.quantize(w, { bits, scheme });
        tensors[`q${bits}${scheme[0]}.rows`] = e.quantize(w, { bits, scheme, granularity: { axis: 0, shape: [6, 8] } });
        tensors[`q${bits}${scheme[0]}.block`] = e.quantize(w.subarray(0, 45), { bits, scheme, granularity: { block: 15 } });
      }
    }
    const q = e.quantize(w, { bits: 8 });
    tensors['q.shaped'] = { ...q, shape: [4, 12] };
    const keep = new Uint8Array(6).fill(0b10010001);
    tensors['sparse.bitmask'] = SparseTensor.fromDense(Float64Array.from(w), keep, [6, 8]);
    const sparseKeep = new Uint8Array(200);
    sparseKeep[7] = 1;
    sparseKeep[150] = 0x40;
    const big = new Float32Array(1600).map((_, i) => i / 7);
    const csr = SparseTensor.fromDense(big, sparseKeep, [40, 40]);
    expect(csr.format).toBe('csr');
    tensors['sparse.csr'] = csr;
    tensors['sparse.csr1d'] = SparseTensor.fromDense(big, sparseKeep);
    // one of 64 pruned: the bitmask (8 bytes) costs more than the 4 bytes saved, so it is stored dense;
    // kept zeros (every 4th value) must come back kept, the pruned one pruned
    // (f64 needs 128 elements: at 64 the 8-byte bitmask exactly ties the 8 bytes saved, and ties go to the bitmask)
    for (const [eb, n] of [[4, 64], [8, 128]] as const) {
      const nearlyAll = new Uint8Array(n / 8).fill(0xff);
      nearlyAll[2] = 0xfb; // element 18 pruned
      const vals = eb === 4 ? new Float32Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) vals[i] = i % 4 === 0 ? 0 : i / 3;
      const dn = SparseTensor.fromDense(vals, nearlyAll, [n / 8, 8]);
      expect([dn.format, dn.kept, dn.bytes]).toEqual(['dense', n - 1, n * eb]);
      tensors[`sparse.dense${eb * 8}`] = dn;
    }
    const allKept = SparseTensor.fromDense(Float64Array.of(0, 1, 2, 0), new Uint8Array([0x0f]));
    expect(allKept.format).toBe('dense');
    tensors['sparse.denseAllKept'] = allKept;
    tensors['dense.f64'] = { shape: [2, 3], data: Float64Array.of(1, -0, NaN, Infinity, 5e-324, -1e308) };
    tensors['dense.f32'] = Float32Array.of(1.5, -2);
    tensors['dense.i32'] = { shape: [3], data: Int32Array.of(-(2 ** 31), 0, 2 ** 31 - 1) };
    tensors['dense.u32'] = Uint32Array.of(2 ** 32 - 1);
    tensors['dense.i16'] = Int16Array.of(-32768, 7);
    tensors['dense.u16'] = { shape: [1, 1, 1], data: Uint16Array.of(65535) };
    tensors['dense.i8'] = Int8Array.of(-128, 127);
    tensors['dense.u8'] = { shape: [0, 5], data: new Uint8Array(0) };
    tensors['scalar'] = { shape: [], data: Float64Array.of(Math.PI) };
    tensors['名前 with spaces/and"quotes'] = Uint8Array.of(1, 2, 3);
    const { back } = await roundTrip({ kind: 'tensors', tensors: tensors as never });
    if (back.kind !== 'tensors') throw new Error('kind');
    expect(Object.keys(back.tensors)).toEqual(Object.keys(tensors));
    for (const [name, t] of Object.entries(tensors)) {
      const b = back.tensors[name];
      if (t instanceof SparseTensor) {
        expect(b).toBeInstanceOf(SparseTensor);
        const s = b as SparseTensor;
        expect([s.format, s.shape, s.kept]).toEqual([t.format, t.shape, t.kept]);
        expectBits(s.data, t.data);
        expectBits(s.toDense(), t.toDense());
        expectBits(s.mask, t.mask);
      } else if ('bits' in t) {
        const qb = b as QuantizedTensor;
        expect(qb).toEqual(t);
        expectBits(qb.data, t.data);
        expectBits(qb.scale, t.scale);
        expectBits(qb.zeroPoint, t.zeroPoint);
        expectBits(e.dequantize(qb), e.dequantize(t));
      } else {
        const data = ArrayBuffer.isView(t) ? t : t.data;
        const shape = ArrayBuffer.isView(t) ? [(t as Uint8Array).length] : t.shape;
        expect((b as { shape: number[] }).shape).toEqual(shape);
        expectBits((b as { data: ArrayBufferView }).data, data);
      }
    }
    // a tensors file with nothing in it
    const empty = await decodeSlim(await encodeSlim({ kind: 'tensors', tensors: {} }));
    expect(empty.kind === 'tensors' && Object.keys(empty.tensors)).toEqual([]);
  });

  it('decoded arrays are copies, independent of the input bytes (even at odd offsets)', async () => {
    const model = e.fitLinear(X, y);
    const bytes = await encodeSlim({ kind: 'linear', model });
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const back = linearOf(await decodeSlim(shifted.subarray(3)));
    shifted.fill(0);
    expectBits(back.coef, model.coef);
    expect(back.coef.byteOffset % 8).toBe(0);
  });

  it('inspectSlim: kind, sizes, table, checksum status, validity', async () => {
    const c = e.compressModel(e.fitLinear(X, y), { quantize: { bits: 4 }, prune: { sparsity: 0.5 } });
    const bytes = await encodeSlim({ kind: 'compressed-linear', model: c }, { provenance: { created: CREATED, inputDigest: 'abc' }, statistics: { mse: 0.5 }, formatVersion: 1 });
    const info = await inspectSlim(bytes);
    expect(info.kind).toBe('compressed-linear');
    expect(info.valid).toBe(true);
    expect(info.problem).toBeUndefined();
    expect(info.checksum.ok).toBe(true);
    expect(info.checksum.stored).toMatch(/^[0-9a-f]{8}$/);
    expect(info.fileBytes).toBe(bytes.length);
    expect(info.provenance?.inputDigest).toBe('abc');
    expect(info.statistics).toEqual({ mse: 0.5 });
    expect(info.model).toMatchObject({ d, outputs: 1, bits: 4, scheme: 'symmetric', kept: c.report().kept });
    expect(info.tensors.map((t) => t.name).sort()).toEqual(['intercept', 'mask', 'scale', 'values']);
    for (const t of info.tensors) expect(t.offset % 16).toBe(0);
    // a flipped data byte: reported, not thrown
    const bad = bytes.slice();
    bad[info.tensors.find((t) => t.name === 'values')!.offset] ^= 0x10;
    const binfo = await inspectSlim(bad);
    expect(binfo.checksum.ok).toBe(false);
    expect(binfo.valid).toBe(false);
    expect(binfo.problem).toMatch(/checksum/);
    expect(binfo.kind).toBe('compressed-linear');
  });

  it('encode rejects inconsistent content with E_SHAPE / E_RANGE', async () => {
    const model = e.fitLinear(X, y);
    const noStats = new LinearModel({ ...model, stats: {} as never });
    await expectRejects(encodeSlim({ kind: 'linear', model: noStats }), 'E_SHAPE');
    await expectRejects(encodeSlim({ kind: 'linear', model: new LinearModel({ ...model, coef: new Float64Array(3) }) }), 'E_SHAPE');
    await expectRejects(encodeSlim({ kind: 'logistic', model: model as never }), 'E_SHAPE');
    await expectRejects(encodeSlim({ kind: 'compressed-linear', model: model as never }), 'E_SHAPE');
    await expectRejects(encodeSlim({ kind: 'nope' } as never), 'E_RANGE');
    await expectRejects(encodeSlim({ kind: 'tensors', tensors: { a: { shape: [3], data: new Float32Array(2) } } }), 'E_SHAPE');
    await expectRejects(encodeSlim({ kind: 'tensors', tensors: { a: [1, 2] as never } }), 'E_SHAPE');
    await expectRejects(encodeSlim({ kind: 'tensors', tensors: { a: new BigInt64Array(1) as never } }), 'E_SHAPE');
    const q = e.quantize(new Float32Array([1, 2, 3, 4]), { bits: 4 });
    await expectRejects(encodeSlim({ kind: 'tensors', tensors: { a: { ...q, scale: new Float32Array(2) } } }), 'E_SHAPE');
    await expectRejects(encodeSlim({ kind: 'tensors', tensors: { a: { ...q, data: new Uint8Array([0xff, 0xff, 0xff]) } } }), 'E_SHAPE');
    await expectRejects(encodeSlim({ kind: 'tensors', tensors: { a: q, 'a.scale': new Float32Array(1) } }), 'E_SHAPE');
    await expectRejects(encodeSlim({ kind: 'tensors', tensors: { '': new Float32Array(1) } }), 'E_SHAPE');
    await expectRejects(encodeSlim({ kind: 'linear', model }, { statistics: { f: (() => 1) as never, m: new Map() as never } }), 'E_RANGE');
    await expectRejects(encodeSlim({ kind: 'linear', model }, { provenance: { created: 'yesterday' } }), 'E_RANGE');
  });
});

async function expectRejects(p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p;
  } catch (err) {
    expect((err as { code?: string }).code, String(err)).toBe(code);
    return;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

describe('docs/FORMAT.md example', () => {
  const hex =
    '89534c494d0d0a1a01000000d800000010000000000000007b22666f726d6174223a22736c696d666974222c226b696e64223a2274656e736f7273222c226f626a65637473223a5b7b226e616d65223a2277222c2274797065223a2264656e7365227d5d2c2270726f76656e616e6365223a7b22736c696d666974223a22302e312e30222c2263726561746564223a22323032352d30312d30315430303a30303a30302e3030305a227d2c2274656e736f7273223a5b7b226e616d65223a2277222c226474797065223a225538222c227368617065223a5b335d2c226f666673657473223a5b302c335d7d5d7d20202001020300000000000000000000000000953d820a';
  const bytes = Uint8Array.from(Buffer.from(hex, 'hex'));

  it('the documented 260-byte file decodes to w = [1, 2, 3]', async () => {
    expect(bytes.length).toBe(260);
    const back = await decodeSlim(bytes);
    expect(back.kind).toBe('tensors');
    expect(back.kind === 'tensors' && back.tensors.w).toEqual({ shape: [3], data: Uint8Array.of(1, 2, 3) });
    expect(back.header.provenance).toEqual({ slimfit: '0.1.0', created: '2025-01-01T00:00:00.000Z' });
  });

  it('and slimfit writes exactly those bytes, up to its version (test/fixtures/golden-slim.json)', async () => {
    const golden = JSON.parse(readFileSync(GOLDEN_PATH, 'utf8')) as GoldenSlim;
    expect(golden.slimfit, `${GOLDEN_PATH} was made by slimfit ${golden.slimfit}, this is ${SLIMFIT_VERSION}: run \`npx tsx test/fixtures/make-golden-slim.ts\` and review the diff`).toBe(SLIMFIT_VERSION);
    expect((await goldenSlim()).hex).toBe(golden.hex);
    // the fixture is the documented file but for the version it records
    const fromFixture = await decodeSlim(Uint8Array.from(Buffer.from(golden.hex, 'hex')));
    const documented = await decodeSlim(bytes);
    expect(fromFixture.header.provenance).toEqual({ ...documented.header.provenance, slimfit: golden.slimfit });
    const { header: h1, ...c1 } = fromFixture;
    const { header: h2, ...c2 } = documented;
    expect(c1).toEqual(c2);
    expect({ ...h1, provenance: undefined, fileBytes: undefined }).toEqual({ ...h2, provenance: undefined, fileBytes: undefined });
  });
});

describe('version', () => {
  it('SLIMFIT_VERSION equals package.json version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(SLIMFIT_VERSION).toBe(pkg.version);
  });
});
