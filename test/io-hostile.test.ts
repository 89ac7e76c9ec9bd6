/**
 * Hostile files: headers built to cost a reader time or memory (decompression
 * bombs, deep nesting, huge key counts), and files the format forbids that a
 * lax reader would take (repeated keys, shared table entries, dates that are
 * not dates, impossible models). Every one is answered with E_FORMAT, quickly;
 * the writers refuse to produce what the readers refuse.
 */
import { describe, expect, it } from 'vitest';
import { LinearModel, LogisticModel, SparseTensor, quantize } from '../src/index.js';
import { decodeSafetensors, decodeSlim, encodeSafetensors, encodeSlim, inspectSlim } from '../src/io/index.js';
import { scanJson } from '../src/io/json-scan.js';
import { TensorWriter, writeContainer } from '../src/io/slim-container.js';
import { isIsoDate } from '../src/io/slim-header.js';
import { normal, rng } from '../src/random.js';
import { engine } from './helpers/engines.js';
import { buildSlim, parseSlim, rawSafetensors, type SlimParts } from './helpers/slim-file.js';

const e = await engine('js');
const created = '2025-01-01T00:00:00.000Z';

/** Runs fn, expects SlimfitError with `code` and a message matching `re`; returns the milliseconds it took. */
async function expectCode(fn: () => unknown, code: string, re: RegExp): Promise<number> {
  const t0 = performance.now();
  try {
    await fn();
  } catch (err) {
    const x = err as { code?: string; message?: string; name?: string };
    expect(x.name, String(err)).toBe('SlimfitError');
    expect(x.code, String(err)).toBe(code);
    expect(x.message).toMatch(re);
    return performance.now() - t0;
  }
  throw new Error(`expected ${code}, it succeeded`);
}

const safetensors = rawSafetensors;
const TENSOR = '"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}';

const z = normal(rng(5));
const X = Array.from({ length: 30 }, () => [z(), z(), z()]);
const linear = e.fitLinear(X, X.map((r) => r[0] - 2 * r[1] + 0.1 * z()));
const logistic = e.fitLogistic(X, X.map((r) => (r[0] + z() > 0 ? 1 : 0)));
const linearFile = parseSlim(await encodeSlim({ kind: 'linear', model: linear }, { provenance: { created } }));
const logisticFile = parseSlim(await encodeSlim({ kind: 'logistic', model: logistic }, { provenance: { created } }));
const two = new LinearModel({ d: 8, outputs: 2, coef: Float64Array.from({ length: 16 }, () => z()), intercept: Float64Array.of(1, 2), fitIntercept: true, stats: {} as never });
const compressedFile = parseSlim(await encodeSlim({ kind: 'compressed-linear', model: e.compressModel(two, { prune: { sparsity: 0.5 } }) }, { provenance: { created } }));

const DTYPE_BYTES: Record<string, number> = { F64: 8, F32: 4, I32: 4, U32: 4, I16: 2, U16: 2, I8: 1, U8: 1 };
/** Where tensor `name` starts in the data section: its offsets (version 1), or the sizes of the tensors before it (version 2 packs them in table order). */
const tensorAt = (p: SlimParts, name: string): number => {
  let off = 0;
  for (const t of p.header.tensors as { name: string; dtype: string; shape: number[]; offsets?: number[] }[]) {
    if (t.name === name) return t.offsets ? t.offsets[0] : off;
    off += DTYPE_BYTES[t.dtype] * t.shape.reduce((a, b) => a * b, 1);
  }
  throw new Error(`no tensor ${name}`);
};
const withF64 = (p: SlimParts, name: string, index: number, v: number): SlimParts => {
  const q = structuredClone(p);
  new DataView(q.data.buffer).setFloat64(tensorAt(q, name) + 8 * index, v, true);
  return q;
};
const withHeader = (p: SlimParts, mutate: (h: Record<string, any>) => void): SlimParts => {
  const q = structuredClone(p);
  mutate(q.header);
  return q;
};
const refused = async (p: SlimParts, re: RegExp, headerText?: string) => expectCode(async () => decodeSlim(await buildSlim(p, headerText)), 'E_FORMAT', re);

/** A "tensors" file of `count` sparse CSR objects of `n` elements with nothing kept: a few bytes each. */
function csrBomb(count: number, n: number): SlimParts {
  const objects: unknown[] = [];
  const tensors: unknown[] = [];
  for (let i = 0; i < count; i++) {
    objects.push({ name: `b${i}`, type: 'sparse', shape: [n], format: 'csr', kept: 0 });
    tensors.push({ name: `b${i}`, dtype: 'F32', shape: [0], offsets: [16 * i, 16 * i] });
    tensors.push({ name: `b${i}.row_ptr`, dtype: 'U32', shape: [2], offsets: [16 * i, 16 * i + 8] });
    tensors.push({ name: `b${i}.col_idx`, dtype: 'U16', shape: [0], offsets: [16 * i, 16 * i] });
  }
  const header = { format: 'slimfit', kind: 'tensors', objects, provenance: { slimfit: '0.1.0', created }, tensors };
  return { major: 1, minor: 0, header, data: new Uint8Array(16 * count) };
}

describe('decompression bombs: the elements a file decodes to are bounded by its length', () => {
  it('64 empty CSR tensors of 2^25 elements each (18 KB): refused in well under a second, by decode and inspect', async () => {
    const file = await buildSlim(csrBomb(64, 2 ** 25));
    expect(file.length).toBeLessThan(20_000);
    const ms = await expectCode(() => decodeSlim(file), 'E_FORMAT', /header\.objects\[1\] would bring the file's tensors to 67108864 elements, more than a \d+-byte file may decode to/);
    expect(ms).toBeLessThan(250);
    const t0 = performance.now();
    const info = await inspectSlim(file);
    expect(performance.now() - t0).toBeLessThan(250);
    expect(info.valid).toBe(false);
    expect(info.problem).toMatch(/may decode to/);
  });

  it('within the budget, many empty CSR tensors decode and round-trip', async () => {
    const back = await decodeSlim(await buildSlim(csrBomb(6, 2 ** 20)));
    if (back.kind !== 'tensors') throw new Error('kind');
    expect(Object.keys(back.tensors)).toHaveLength(6);
    const t = back.tensors.b5 as SparseTensor;
    expect([t.length, t.kept, t.format]).toEqual([2 ** 20, 0, 'csr']);
  });

  it('the writer refuses what the reader would: E_RANGE', async () => {
    const n = 2 ** 23;
    const empty = SparseTensor.fromDense(new Float32Array(n), new Uint8Array(n / 8));
    expect(empty.format).toBe('csr');
    const tensors = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`t${i}`, empty]));
    await expectCode(() => encodeSlim({ kind: 'tensors', tensors }), 'E_RANGE', /hold 41943040 elements, more than a \d+-byte file may decode to/);
    const ok = await encodeSlim({ kind: 'tensors', tensors: { a: empty, b: empty } });
    expect(Object.keys(((await decodeSlim(ok)) as { tensors: object }).tensors)).toEqual(['a', 'b']);
  });
});

describe('header JSON limits: nesting depth, keys per object, containers, checked before parsing', () => {
  it('scanJson skips string contents and escapes, counts keys and depth', () => {
    const L = { maxDepth: 2, maxKeys: 3, maxContainers: 4 };
    expect(() => scanJson('{"a":"[[[{{{\\"]]]","b":[1,{"c":"\\\\"}]}', 'h', { ...L, maxDepth: 3 })).not.toThrow();
    expect(() => scanJson('{"a":[[1]]}', 'h', L)).toThrow(/nested more than 2 levels deep \(in a\)/);
    expect(() => scanJson('{"a":1,"b":2,"c":3,"d":4}', 'h', L)).toThrow(/the h has more than 3 keys/);
    expect(() => scanJson('[[],[],[],[]]', 'h', L)).toThrow(/more than 4 objects and arrays/);
    expect(() => scanJson('{"a":1,"\\u0061":2}', 'h', L)).toThrow(/key "a" appears twice in the h/);
    expect(() => scanJson('{"a":{"x":1,"y":{"x":2}},"b":{"x":3}}', 'h', { ...L, maxDepth: 3 })).not.toThrow();
    expect(() => scanJson('{"a":{"x":1,"x":2}}', 'h', L)).toThrow(/key "x" appears twice in a \(h\)/);
    for (const bad of ['{"a', '{"a\\', '{"a":"\\u12', '{{', ']]]', '"']) expect(() => scanJson(bad, 'h', L)).not.toThrow(); // syntax is JSON.parse's job
  });

  it('safetensors: an ignored member nested 1,000,000 levels deep is refused, fast', async () => {
    const deep = `{"__metadata__":{"a":"b"},${TENSOR.slice(0, -1)},"extra":${'['.repeat(1e6)}${']'.repeat(1e6)}}}`;
    const ms = await expectCode(() => decodeSafetensors(safetensors(deep)), 'E_FORMAT', /safetensors header is nested more than 64 levels deep \(in x\.extra\)/);
    expect(ms).toBeLessThan(500);
    expect(decodeSafetensors(safetensors(`{${TENSOR.slice(0, -1)},"extra":${'['.repeat(40)}${']'.repeat(40)}}}`)).tensors.x.shape).toEqual([1]);
  });

  it('safetensors: __metadata__ with 2^16 + 1 keys, and 2^20 + 1 arrays, are refused', async () => {
    const keys = Array.from({ length: 2 ** 16 + 1 }, (_, i) => `"k${i}":""`).join(',');
    await expectCode(() => decodeSafetensors(safetensors(`{"__metadata__":{${keys}},${TENSOR}}`)), 'E_FORMAT', /__metadata__ \(safetensors header\) has more than 65536 keys/);
    expect(Object.keys(decodeSafetensors(safetensors(`{"__metadata__":{${keys.slice(keys.indexOf(',') + 1)}},${TENSOR}}`)).metadata!)).toHaveLength(2 ** 16);
    const arrays = Array(2 ** 20 + 1).fill('[]').join(',');
    await expectCode(() => decodeSafetensors(safetensors(`{${TENSOR.slice(0, -1)},"extra":[${arrays}]}}`)), 'E_FORMAT', /more than 1048576 objects and arrays/);
  });

  it('safetensors: the header cap is 16 MiB, for readers and writers', async () => {
    await expectCode(() => decodeSafetensors(safetensors(`{${TENSOR}}`.padEnd(16 * 2 ** 20 + 8, ' '))), 'E_FORMAT', /header length 16777224 exceeds the 16777216-byte limit/);
    await expectCode(() => encodeSafetensors({ x: new Float32Array(1) }, { big: 'x'.repeat(16 * 2 ** 20) }), 'E_RANGE', /over the 16777216-byte limit readers apply/);
  });

  it('.slim: a member nested 5,000 levels deep inside model is refused (readers ignore unknown members, within the limits)', async () => {
    const text = JSON.stringify(linearFile.header).replace('"model":{', `"model":{"extra":${'['.repeat(5000)}${']'.repeat(5000)},`);
    await refused(linearFile, /header is nested more than 64 levels deep \(in model\.extra\)/, text);
    const within = JSON.stringify(linearFile.header).replace('"model":{', `"model":{"extra":${'['.repeat(50)}${']'.repeat(50)},`);
    expect((await decodeSlim(await buildSlim(linearFile, within))).kind).toBe('linear');
  });

  it('.slim writer: a header past the limits is E_RANGE, not a file the reader refuses', async () => {
    await expectCode(() => writeContainer({ format: 'slimfit', s: Array(2 ** 20).fill([]) }, new TensorWriter()), 'E_RANGE', /cannot write this file: the header holds more than 1048576 objects and arrays/);
    const keys = Object.fromEntries(Array.from({ length: 2 ** 16 + 1 }, (_, i) => [`k${i}`, 0]));
    await expectCode(() => encodeSlim({ kind: 'linear', model: linear }, { statistics: keys }), 'E_RANGE', /cannot write this file: statistics \(header\) has more than 65536 keys/);
  });
});

describe('files the format forbids', () => {
  it('a repeated header key, at the top or inside model', async () => {
    const t = await encodeSlim({ kind: 'tensors', tensors: { w: Float64Array.of(1, 2) } }, { provenance: { created } });
    const p = parseSlim(t);
    // JSON.parse keeps the last "kind": a lax reader reads this as linear.
    await refused(p, /key "kind" appears twice in the header/, JSON.stringify(p.header).replace('"kind":"tensors"', '"kind":"tensors","kind":"linear"'));
    await refused(linearFile, /key "d" appears twice in model \(header\)/, JSON.stringify(linearFile.header).replace('"model":{', '"model":{"d":3,'));
  });

  it('a table entry shared by two objects', async () => {
    const q = quantize(e, Float32Array.of(1, -2, 3, 0.5), { bits: 8 });
    const p = parseSlim(await encodeSlim({ kind: 'tensors', tensors: { w: q } }, { provenance: { created } }));
    const shared = withHeader(p, (h) => h.objects.push({ name: 'w.scale', type: 'dense' }));
    await refused(shared, /tensor "w\.scale" is used twice \(each table entry belongs to exactly one object\)/);
  });

  it('provenance.created must be an ISO 8601 date, on read and on write', async () => {
    for (const bad of ['1', '2020', 'foo 12', '-0', '2020-13-01', '2021-02-29', '2020-01-01T25:00Z', '2020-01-01 10:00', 'Tue, 01 Jan 2020 00:00:00 GMT', '2020-01-01T10:00:00+25:00']) {
      expect(isIsoDate(bad), bad).toBe(false);
      await refused(withHeader(linearFile, (h) => (h.provenance.created = bad)), /header\.provenance\.created .* is not an ISO 8601 date/);
      await expectCode(() => encodeSlim({ kind: 'linear', model: linear }, { provenance: { created: bad } }), 'E_RANGE', /provenance\.created must be a Date or an ISO 8601 string/);
    }
    for (const good of [created, '2025-01-31', '2025-01-31T12:00', '2025-01-31T12:00:05+02:00', '2024-02-29T23:59:59.123456Z', '2000-02-29']) {
      expect(isIsoDate(good), good).toBe(true);
      expect((await decodeSlim(await buildSlim(withHeader(linearFile, (h) => (h.provenance.created = good))))).header.provenance?.created).toBe(good);
    }
    await expectCode(() => encodeSlim({ kind: 'linear', model: linear }, { provenance: { created: new Date(NaN) } }), 'E_RANGE', /Invalid Date/);
  });

  it('a compressed-logistic model has one output', async () => {
    await refused(withHeader(compressedFile, (h) => (h.kind = 'compressed-logistic')), /a compressed-logistic model has one output, but model\.outputs is 2/);
    await expectCode(() => encodeSlim({ kind: 'compressed-logistic', model: e.compressModel(two, { quantize: { bits: 4 } }) }), 'E_SHAPE', /needs a model with one output, got 2/);
  });

  it('non-finite coefficients and intercepts, in every model kind', async () => {
    for (const v of [NaN, Infinity, -Infinity]) {
      await refused(withF64(linearFile, 'coef', 1, v), /coef\[1\] is (NaN|-?Infinity); a fitted model's coefficients and intercept are always finite/);
      await refused(withF64(linearFile, 'intercept', 0, v), /model\.intercept\[0\] is/);
      await refused(withF64(logisticFile, 'coef', 2, v), /model\.coef\[2\] is/);
      await refused(withF64(logisticFile, 'intercept', 0, v), /model\.intercept\[0\] is/);
      await refused(withF64(compressedFile, 'values', 0, v), /tensor "values"\[0\] is/);
      await refused(withF64(compressedFile, 'intercept', 1, v), /tensor "intercept"\[1\] is/);
    }
  });

  it('statistics a fit cannot produce, and an intercept without fitIntercept (the same rules as fromJSON)', async () => {
    const cases: [SlimParts, (h: Record<string, any>) => void, RegExp][] = [
      [linearFile, (h) => (h.model.stats.n = -3.5), /model\.stats\.n \(rows with positive weight\) must be an integer >= 1, got -3\.5/],
      [logisticFile, (h) => (h.model.stats.n = -3.5), /model\.stats\.n \(rows with positive weight\) must be an integer >= 1, got -3\.5/],
      [logisticFile, (h) => (h.model.stats.n = 'NaN'), /model\.stats\.n .* got NaN/],
      [linearFile, (h) => (h.model.stats.condition = -2), /model\.stats\.condition is a condition number and cannot be negative/],
      [logisticFile, (h) => (h.model.stats.condition = -2), /model\.stats\.condition is a condition number and cannot be negative/],
      [logisticFile, (h) => (h.model.stats.iterations = 2.5), /model\.stats\.iterations must be an integer in \[0, \d+\], found number 2\.5/],
      [linearFile, (h) => (h.model.fitIntercept = false), /model\.intercept is .* but model\.fitIntercept is false/],
      [logisticFile, (h) => (h.model.fitIntercept = false), /model\.intercept is .* but model\.fitIntercept is false/],
    ];
    for (const [p, mutate, re] of cases) await refused(withHeader(p, mutate), re);
    const j = logistic.toJSON() as Record<string, any>;
    j.stats.n = -3.5;
    await expectCode(() => LogisticModel.fromJSON(j as never), 'E_FORMAT', /stats\.n \(rows with positive weight\) must be an integer >= 1/);
  });
});
