/**
 * The decoders against mutants of valid files (fast-check, fixed seed,
 * bounded count): bit flips, byte insertions and deletions, truncations, and
 * hostile headers (members replaced by wrong types, huge shapes and offsets,
 * deep nesting, repeated keys). Every outcome must be one of two:
 *  - a SlimfitError('E_FORMAT') from a named check (never the safety net that
 *    wraps a TypeError/RangeError), or
 *  - a decode that round-trips: re-encoded, it decodes again and re-encodes
 *    to the same bytes (a reader accepts only what the writer can write);
 * and no mutant may take longer than a time bound. inspectSlim must agree
 * with decodeSlim on whether a file is valid; a header repeating a key is
 * always refused; an accepted file keeps FORMAT.md's promises (an ISO 8601
 * date, finite coefficients and intercepts, one output for compressed-logistic).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LinearModel, SparseTensor, quantize } from '../src/index.js';
import {
  decodeSafetensors,
  decodeSlim,
  encodeSafetensors,
  encodeSlim,
  inspectSlim,
  quantizedFromSafetensors,
  quantizedToSafetensors,
  type DecodedSlim,
} from '../src/io/index.js';
import { normal, rng } from '../src/random.js';
import { engine } from './helpers/engines.js';
import { buildSlim, parseSlim, rawSafetensors, reseal } from './helpers/slim-file.js';

const e = await engine('js');
const SEED = 20261204;
/** Per mutant; generous for a loaded 2-core machine, far below what a bomb costs. */
const MAX_MS = 1000;
const created = '2025-01-01T00:00:00.000Z';

// ---------------------------------------------------------------- valid seed files

const z = normal(rng(11));
const X = Array.from({ length: 24 }, () => [z(), z(), z(), z()]);
const linear = e.fitLinear(X, X.map((r) => r[0] - r[2] + 0.1 * z()));
const logistic = e.fitLogistic(X, X.map((r) => (r[1] + z() > 0 ? 1 : 0)));
const wide = new LinearModel({ d: 24, outputs: 2, coef: Float64Array.from({ length: 48 }, () => z()), intercept: Float64Array.of(0.5, -1), fitIntercept: true, stats: {} as never });
const w = Float32Array.from({ length: 32 }, () => z());
const mask = Uint8Array.from({ length: 4 }, (_, i) => [0x0f, 0x81, 0x00, 0xff][i]);

const slimSeeds: Uint8Array[] = [
  await encodeSlim({ kind: 'linear', model: linear }, { provenance: { created, inputDigest: 'ab', source: 'x.csv', options: { ridge: 0 } }, features: ['a', 'b', 'c', 'd'], targets: ['y'], statistics: { mse: 0.1, v: Float64Array.of(NaN, 1) } }),
  await encodeSlim({ kind: 'logistic', model: logistic }, { provenance: { created } }),
  await encodeSlim({ kind: 'compressed-linear', model: e.compressModel(wide, { quantize: { bits: 4, scheme: 'affine', granularity: { block: 8 } }, prune: { sparsity: 0.5 } }) }, { provenance: { created } }),
  await encodeSlim({ kind: 'compressed-linear', model: e.compressModel(wide, { quantize: { bits: 6 }, prune: { sparsity: 0.95 } }) }, { provenance: { created } }),
  await encodeSlim({ kind: 'compressed-logistic', model: e.compressModel(logistic, { quantize: { bits: 8 } }) }, { provenance: { created } }),
  await encodeSlim(
    {
      kind: 'tensors',
      tensors: {
        dense: Int16Array.of(1, -2, 3),
        q: quantize(e, w, { bits: 3, scheme: 'affine', granularity: { block: 8 } }),
        bitmask: SparseTensor.fromDense(w, mask, [4, 8]),
        csr: SparseTensor.fromDense(new Float64Array(64).fill(2), Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0x80), [8, 8]),
        marked: SparseTensor.fromDense(w.slice(0, 8), Uint8Array.of(0xfe)),
      },
    },
    { provenance: { created } },
  ),
  // the same header members in format version 1, and a stripped version 2 file (no provenance, no statistics)
  await encodeSlim({ kind: 'linear', model: linear }, { provenance: { created, source: 'x.csv' }, features: ['a', 'b', 'c', 'd'], formatVersion: 1 }),
  await encodeSlim({ kind: 'compressed-linear', model: e.compressModel(wide, { quantize: { bits: 4, scheme: 'affine', granularity: { block: 8 } }, prune: { sparsity: 0.5 } }) }, { provenance: { created }, formatVersion: 1 }),
  await encodeSlim({ kind: 'tensors', tensors: { dense: Int16Array.of(1, -2, 3), q: quantize(e, w, { bits: 3, scheme: 'affine', granularity: { block: 8 } }) } }, { provenance: { created }, formatVersion: 1 }),
  await encodeSlim({ kind: 'logistic', model: logistic }, { strip: true, features: ['a', 'b', 'c', 'd'] }),
];

const safetensorsSeeds: Uint8Array[] = [
  encodeSafetensors(
    {
      'layer.weight': { shape: [4, 8], data: w },
      'layer.bias': { shape: [4], data: Float64Array.of(1, 2, 3, 4) },
      step: { shape: [], data: BigInt64Array.of(7n) },
      flags: { shape: [3], data: Uint8Array.of(0, 1, 1) },
    },
    { format: 'pt', note: 'seed' },
  ),
  quantizedToSafetensors({ w: quantize(e, w, { bits: 4, scheme: 'affine', granularity: { axis: 0, shape: [4, 8] } }), v: quantize(e, w, { bits: 8 }), b: Float32Array.of(1, 2) }),
  rawSafetensors('{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"g":{"dtype":"BF16","shape":[1],"data_offsets":[4,6]}}', Uint8Array.of(0x00, 0x3c, 0x00, 0xc0, 0x80, 0x3f)),
];

// ---------------------------------------------------------------- mutations

const deep = (n: number): unknown => (n === 0 ? 1 : [deep(n - 1)]);
/** Values a hostile header puts where a member was. */
const hostile = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1, 0.5, -0, 2 ** 25, 2 ** 25 + 1, 2 ** 31, 2 ** 32, 2 ** 53, 1e308, '', 'x', 'NaN', '-0', 'Infinity', '1', '2020', [], [0], [-1], [2 ** 25], [2 ** 40], [2 ** 20, 2 ** 20], [0, 2 ** 53], [16, 8], {}, { $num: 'NaN' }, { $f64: [1] }, { block: 0 }, 'x'.repeat(70_000), deep(70), deep(20)),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Every path (to a leaf or a container) in a JSON value. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (at.length) out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function replaced(header: Record<string, any>, pick: number, value: unknown): Record<string, any> {
  const h = structuredClone(header);
  const all = paths(h);
  const path = all[pick % all.length];
  let o: any = h;
  for (const k of path.slice(0, -1)) o = o[k];
  o[path[path.length - 1]] = value;
  return h;
}

/** The header text with one top-level member repeated (JSON.parse would keep the copy). */
function withRepeatedKey(header: Record<string, any>, pick: number, value: unknown): string {
  const keys = Object.keys(header);
  const k = keys[pick % keys.length];
  return `{${JSON.stringify(k)}:${JSON.stringify(value)},${JSON.stringify(header).slice(1)}`;
}

type Mutation =
  | { op: 'flip'; at: number; bit: number; reseal: boolean }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; byte: number; reseal: boolean }
  | { op: 'delete'; at: number; reseal: boolean }
  | { op: 'replace'; pick: number; value: unknown }
  | { op: 'repeat'; pick: number; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }), reseal: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), reseal: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat(), reseal: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('replace' as const), pick: fc.nat(), value: hostile }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('repeat' as const), pick: fc.nat(), value: hostile }) },
);

/** Byte-level mutations common to both formats. */
function bytesMutant(file: Uint8Array, m: Mutation): Uint8Array | undefined {
  const at = 'at' in m ? m.at % file.length : 0;
  switch (m.op) {
    case 'flip': {
      const out = file.slice();
      out[at] ^= 1 << m.bit;
      return out;
    }
    case 'truncate':
      return file.slice(0, at);
    case 'insert': {
      const out = new Uint8Array(file.length + 1);
      out.set(file.subarray(0, at));
      out[at] = m.byte;
      out.set(file.subarray(at), at + 1);
      return out;
    }
    case 'delete': {
      const out = new Uint8Array(file.length - 1);
      out.set(file.subarray(0, at));
      out.set(file.subarray(at + 1), at);
      return out;
    }
    default:
      return undefined;
  }
}

async function slimMutant(file: Uint8Array, m: Mutation): Promise<Uint8Array> {
  const b = bytesMutant(file, m);
  if (b) return 'reseal' in m && m.reseal ? reseal(b) : b;
  const p = parseSlim(file);
  if (m.op === 'replace') return buildSlim({ ...p, header: replaced(p.header, m.pick, m.value) });
  return buildSlim(p, withRepeatedKey(p.header, (m as { pick: number }).pick, (m as { value: unknown }).value));
}

function safetensorsMutant(file: Uint8Array, m: Mutation): Uint8Array {
  const b = bytesMutant(file, m);
  if (b) return b;
  const n = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + n))) as Record<string, any>;
  const buffer = file.subarray(8 + n);
  if (m.op === 'replace') return rawSafetensors(JSON.stringify(replaced(header, m.pick, m.value)), buffer);
  return rawSafetensors(withRepeatedKey(header, (m as { pick: number }).pick, (m as { value: unknown }).value), buffer);
}

// ---------------------------------------------------------------- outcomes

/** A refusal must be a named E_FORMAT check, not the safety net around a TypeError/RangeError. */
function expectRefusal(err: unknown, safetyNet: RegExp): void {
  const x = err as { name?: string; code?: string; message?: string };
  expect(x.name, String(err)).toBe('SlimfitError');
  expect(x.code, String(err)).toBe('E_FORMAT');
  expect(x.message, String(err)).not.toMatch(safetyNet);
}

async function reencodeSlim(d: DecodedSlim): Promise<Uint8Array> {
  const h = d.header;
  const stripped = h.provenance === undefined;
  const { slimfit: _version, ...provenance } = h.provenance ?? { slimfit: '' };
  const opts = { ...(stripped ? { strip: true } : { provenance }), ...(h.features ? { features: h.features } : {}), ...(h.targets ? { targets: h.targets } : {}), ...(h.statistics ? { statistics: h.statistics } : {}) };
  return d.kind === 'tensors' ? encodeSlim({ kind: 'tensors', tensors: d.tensors }, opts) : encodeSlim({ kind: d.kind, model: d.model } as never, opts);
}

const SLIM_NET = /malformed \.slim file \(/;
const ST_NET = /malformed safetensors file \(/;
let slowest = 0;

async function timed<T>(fn: () => Promise<T> | T): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    const ms = performance.now() - t0;
    slowest = Math.max(slowest, ms);
    expect(ms).toBeLessThan(MAX_MS);
  }
}

const finite = (a: ArrayLike<number> | number) => (typeof a === 'number' ? [a] : Array.from(a)).every(Number.isFinite);

/** What FORMAT.md promises of any file a reader accepts, checked without the reader's own code. */
function expectWellFormed(d: DecodedSlim): void {
  if (d.header.provenance !== undefined) expect(d.header.provenance.created).toMatch(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}|$)/);
  if (d.kind === 'tensors') return;
  if (d.kind === 'reduced-rank') {
    for (const a of [d.model.encoder, d.model.decoder, d.model.intercept]) expect(finite(a), 'factors and intercept').toBe(true);
    return;
  }
  if (d.kind === 'compressed-reduced-rank') {
    for (const m of [d.model.encoder, d.model.decoder]) expect(finite(m.intercept), 'intercept').toBe(true);
    return;
  }
  expect(finite(d.model.intercept), 'intercept').toBe(true);
  if (d.kind === 'linear' || d.kind === 'logistic') expect(finite(d.model.coef), 'coef').toBe(true);
  else {
    if (d.model.bits === null) expect(finite(d.model.values as Float64Array), 'values').toBe(true);
    if (d.kind === 'compressed-logistic') expect(d.model.outputs).toBe(1);
  }
}

async function checkSlim(bytes: Uint8Array, mustRefuse = false): Promise<'decoded' | 'refused'> {
  let decoded: DecodedSlim | undefined;
  try {
    decoded = await timed(() => decodeSlim(bytes));
  } catch (err) {
    expectRefusal(err, SLIM_NET);
  }
  try {
    const info = await timed(() => inspectSlim(bytes));
    expect(info.valid, info.problem).toBe(decoded !== undefined);
  } catch (err) {
    expectRefusal(err, SLIM_NET);
    expect(decoded).toBeUndefined();
  }
  if (!decoded) return 'refused';
  expect(mustRefuse, 'a header repeating a key was accepted').toBe(false);
  expectWellFormed(decoded);
  const once = await reencodeSlim(decoded);
  const twice = await reencodeSlim(await decodeSlim(once));
  expect(Buffer.from(twice).equals(Buffer.from(once))).toBe(true);
  return 'decoded';
}

function checkSafetensors(bytes: Uint8Array, mustRefuse = false): Promise<'decoded' | 'refused'> {
  return timed(() => {
    let f: ReturnType<typeof decodeSafetensors>;
    try {
      f = decodeSafetensors(bytes);
    } catch (err) {
      expectRefusal(err, ST_NET);
      return 'refused' as const;
    }
    expect(mustRefuse, 'a header repeating a key was accepted').toBe(false);
    try {
      quantizedFromSafetensors(f);
    } catch (err) {
      expectRefusal(err, ST_NET);
    }
    const again = decodeSafetensors(encodeSafetensors(Object.fromEntries(Object.entries(f.tensors).map(([k, t]) => [k, { shape: t.shape, data: t.data }])), f.metadata));
    expect(Object.keys(again.tensors).sort()).toEqual(Object.keys(f.tensors).sort());
    expect(again.metadata).toEqual(f.metadata);
    for (const [k, t] of Object.entries(f.tensors)) {
      const u = again.tensors[k];
      expect(u.shape).toEqual(t.shape);
      const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      expect(bytesOf(u.data).equals(bytesOf(t.data))).toBe(true);
    }
    return 'decoded' as const;
  });
}

describe('decoder fuzzing (fixed seed)', () => {
  it('.slim: 1,500 mutants of 10 valid files (format versions 1 and 2, one stripped), each refused with a named E_FORMAT or round-tripping', async () => {
    const outcomes = { decoded: 0, refused: 0 };
    for (const f of slimSeeds) expect(await checkSlim(f)).toBe('decoded');
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: slimSeeds.length - 1 }), mutation, async (i, m) => {
        outcomes[await checkSlim(await slimMutant(slimSeeds[i], m), m.op === 'repeat')]++;
      }),
      { seed: SEED, numRuns: 1500 },
    );
    expect(outcomes.refused).toBeGreaterThan(1000);
    expect(outcomes.decoded).toBeGreaterThan(20); // the round-trip branch is exercised
  });

  it('safetensors: 1,500 mutants of 3 valid files, each refused with a named E_FORMAT or round-tripping', async () => {
    const outcomes = { decoded: 0, refused: 0 };
    for (const f of safetensorsSeeds) expect(await checkSafetensors(f)).toBe('decoded');
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: safetensorsSeeds.length - 1 }), mutation, async (i, m) => {
        outcomes[await checkSafetensors(safetensorsMutant(safetensorsSeeds[i], m), m.op === 'repeat')]++;
      }),
      { seed: SEED, numRuns: 1500 },
    );
    expect(outcomes.refused).toBeGreaterThan(600);
    expect(outcomes.decoded).toBeGreaterThan(20);
    expect(slowest).toBeLessThan(MAX_MS);
  });
});
