/** safetensors: byte layout, dtypes (F16/BF16 exactly), hostile headers, and the quantized-tensor naming convention. */
import { describe, expect, it } from 'vitest';
import type { QuantizedTensor } from '../src/index.js';
import {
  decodeSafetensors,
  encodeSafetensors,
  isSafetensors,
  quantizedFromSafetensors,
  quantizedToSafetensors,
  SLIMFIT_VERSION,
  type SafetensorsFile,
} from '../src/io/index.js';
import { normal, rng } from '../src/random.js';
import { engine } from './helpers/engines.js';

const e = await engine('js');
const enc = (s: string) => new TextEncoder().encode(s);

/** A safetensors file from a header string (padded with spaces to `pad`) and raw buffer bytes. */
function file(header: string, buffer: ArrayLike<number> = [], opts: { n?: number; nHigh?: number; pad?: number } = {}): Uint8Array {
  const h = enc(header);
  const n = Math.ceil(h.length / (opts.pad ?? 1)) * (opts.pad ?? 1);
  const out = new Uint8Array(8 + n + buffer.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, opts.n ?? n, true);
  v.setUint32(4, opts.nHigh ?? 0, true);
  out.set(h, 8);
  out.fill(0x20, 8 + h.length, 8 + n);
  out.set(buffer, 8 + n);
  return out;
}

function expectFormat(fn: () => unknown, re?: RegExp): void {
  try {
    fn();
  } catch (err) {
    const x = err as { code?: string; message?: string; name?: string };
    expect(x.name, String(err)).toBe('SlimfitError');
    expect(x.code, String(err)).toBe('E_FORMAT');
    expect(x.message).not.toMatch(/malformed safetensors file/);
    if (re) expect(x.message).toMatch(re);
    return;
  }
  throw new Error('expected E_FORMAT, the file decoded');
}

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (err) {
    expect((err as { code?: string }).code, String(err)).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('safetensors layout', () => {
  it('matches a hand-written byte sequence', () => {
    const bytes = encodeSafetensors({ b: Uint8Array.of(7), a: { shape: [2], data: Float32Array.of(1, -2) } }, { k: 'v' });
    const json = '{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[1],"data_offsets":[8,9]}}';
    expect(json.length).toBe(131); // padded to 136 = 0x88
    const expected = [
      0x88, 0, 0, 0, 0, 0, 0, 0, // N = 136, u64 little-endian
      ...Array.from(enc(json)),
      0x20, 0x20, 0x20, 0x20, 0x20, // 5 spaces of padding: 8 + 136 is a multiple of 8
      0x00, 0x00, 0x80, 0x3f, // F32 1.0, little-endian
      0x00, 0x00, 0x00, 0xc0, // F32 -2.0
      0x07, // U8 7
    ];
    expect(Array.from(bytes)).toEqual(expected);
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ k: 'v' });
    expect(back.tensors.a).toEqual({ dtype: 'F32', shape: [2], data: Float32Array.of(1, -2) });
    expect(back.tensors.b).toEqual({ dtype: 'U8', shape: [1], data: Uint8Array.of(7) });
    expect(isSafetensors(bytes)).toBe(true);
    expect(isSafetensors(enc('{"a":1}'))).toBe(false);
  });

  it('round trips every writable dtype; larger elements first, naturally aligned', () => {
    const t = {
      f64: { shape: [2, 2], data: Float64Array.of(1, -0, NaN, 5e-324) },
      f32: { shape: [3], data: Float32Array.of(Infinity, -1.5, 3) },
      i64: { shape: [2], data: BigInt64Array.of(-(2n ** 63n), 2n ** 63n - 1n) },
      u64: { shape: [1], data: BigUint64Array.of(2n ** 64n - 1n) },
      i32: { shape: [1], data: Int32Array.of(-7) },
      u32: { shape: [1], data: Uint32Array.of(2 ** 32 - 1) },
      i16: { shape: [1], data: Int16Array.of(-300) },
      u16: { shape: [1], data: Uint16Array.of(60000) },
      i8: { shape: [2], data: Int8Array.of(-128, 127) },
      u8: { shape: [0], data: new Uint8Array(0) },
      scalar: { shape: [], data: Float64Array.of(2.5) },
    };
    const bytes = encodeSafetensors(t);
    const back = decodeSafetensors(bytes);
    const headerLen = new DataView(bytes.buffer).getUint32(0, true);
    expect(headerLen % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as Record<string, { dtype: string; data_offsets: number[] }>;
    for (const [name, v] of Object.entries(t)) {
      const b = back.tensors[name];
      expect(b.shape).toEqual(v.shape);
      expect(b.data).toEqual(v.data);
      const size = v.data.BYTES_PER_ELEMENT;
      expect((8 + headerLen + header[name].data_offsets[0]) % size).toBe(0);
    }
    expect(Object.is(back.tensors.f64!.data[1], -0)).toBe(true);
    expect(back.metadata).toBeUndefined();
    // empty file
    expect(decodeSafetensors(encodeSafetensors({}))).toEqual({ tensors: {}, metadata: undefined });
    expect(Array.from(encodeSafetensors({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20]);
  });

  it('F16 and BF16 decode to float32 exactly: normals, subnormals, ±0, ±Infinity, NaN', () => {
    const f16 = [0x3c00, 0xc000, 0x0001, 0x03ff, 0x0400, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0x8000, 0x3555, 0x8001];
    const f16want = [1, -2, 2 ** -24, 1023 * 2 ** -24, 2 ** -14, 65504, Infinity, -Infinity, NaN, -0, 0.333251953125, -(2 ** -24)];
    const bf16 = [0x3f80, 0xc000, 0x7f80, 0xff80, 0x7fc0, 0x0001, 0x8000, 0x4049, 0x007f, 0x0080];
    const bf16want = [1, -2, Infinity, -Infinity, NaN, 2 ** -133, -0, 3.140625, 127 * 2 ** -133, 2 ** -126];
    const buf = new Uint8Array(2 * (f16.length + bf16.length));
    const v = new DataView(buf.buffer);
    [...f16, ...bf16].forEach((h, i) => v.setUint16(2 * i, h, true));
    const bytes = file(
      JSON.stringify({
        h: { dtype: 'F16', shape: [f16.length], data_offsets: [0, 2 * f16.length] },
        b: { dtype: 'BF16', shape: [bf16.length], data_offsets: [2 * f16.length, buf.length] },
      }),
      buf,
    );
    const back = decodeSafetensors(bytes);
    expect(back.tensors.h!.dtype).toBe('F16');
    expect(back.tensors.h!.data).toBeInstanceOf(Float32Array);
    expect(Array.from(back.tensors.h!.data as Float32Array)).toEqual(f16want);
    expect(Object.is(back.tensors.h!.data[9], -0)).toBe(true);
    expect(Array.from(back.tensors.b!.data as Float32Array)).toEqual(bf16want);
    expect(Object.is(back.tensors.b!.data[6], -0)).toBe(true);
    // every finite F16 value survives float32 -> F16 -> float32 (checked through Math.fround identity)
    const all = new Uint8Array(2 * 65536);
    const av = new DataView(all.buffer);
    for (let h = 0; h < 65536; h++) av.setUint16(2 * h, h, true);
    const every = decodeSafetensors(file(JSON.stringify({ x: { dtype: 'F16', shape: [65536], data_offsets: [0, all.length] } }), all)).tensors.x!.data as Float32Array;
    for (let h = 0; h < 65536; h++) {
      const exp = (h >> 10) & 31;
      const x = every[h];
      if (exp === 31) expect((h & 0x3ff) === 0 ? Math.abs(x) === Infinity : Number.isNaN(x)).toBe(true);
      else {
        const man = h & 0x3ff;
        const mag = exp === 0 ? man * 2 ** -24 : (1 + man / 1024) * 2 ** (exp - 15);
        expect(Object.is(x, h & 0x8000 ? -mag : mag)).toBe(true);
      }
    }
  });

  it('BOOL reads as Uint8Array; a header padded with spaces and trailing whitespace is fine', () => {
    const bytes = file('{"m":{"dtype":"BOOL","shape":[3],"data_offsets":[0,3]}}', [1, 0, 1], { pad: 16 });
    expect(decodeSafetensors(bytes).tensors.m).toEqual({ dtype: 'BOOL', shape: [3], data: Uint8Array.of(1, 0, 1) });
  });

  it('names that are also Object.prototype keys ("__proto__", "constructor") are plain names', () => {
    const tensors = JSON.parse('{"__proto__": {"shape": [1], "data": null}, "constructor": {"shape": [1], "data": null}}') as Record<string, { shape: number[]; data: unknown }>;
    tensors['__proto__'].data = Float32Array.of(1);
    tensors['constructor'].data = Int8Array.of(-1);
    const meta = JSON.parse('{"__proto__": "x", "toString": "y"}') as Record<string, string>;
    const back = decodeSafetensors(encodeSafetensors(tensors as never, meta));
    expect(Object.keys(back.tensors).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.prototype.hasOwnProperty.call(back.tensors, '__proto__')).toBe(true);
    expect(back.tensors['__proto__'].data).toEqual(Float32Array.of(1));
    expect(Object.keys(back.metadata!).sort()).toEqual(['__proto__', 'toString']);
    const q = quantizedFromSafetensors(decodeSafetensors(quantizedToSafetensors({ ['__proto__']: e.quantize(Float32Array.of(1, 2), { bits: 8 }) } as never)));
    expect(Object.keys(q.quantized)).toEqual(['__proto__']);
  });

  it('decoded arrays are aligned copies (input at an odd offset)', () => {
    const bytes = encodeSafetensors({ a: Float64Array.of(1, 2) });
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const back = decodeSafetensors(shifted.subarray(1));
    shifted.fill(0);
    expect(back.tensors.a!.data).toEqual(Float64Array.of(1, 2));
  });
});

describe('safetensors: hostile files are E_FORMAT', () => {
  const ok = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
  const eight = new Array<number>(8).fill(0);
  const t = (dtype: string, shape: unknown, offs: unknown) => JSON.stringify({ a: { dtype, shape, data_offsets: offs } });
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['empty', () => new Uint8Array(0), /shorter than the 8-byte header length/],
    ['7 bytes', () => new Uint8Array(7), /shorter than the 8-byte/],
    ['N past EOF', () => file(ok, eight, { n: 1000 }), /header length 1000 but only \d+ bytes follow/],
    ['N = 2^53+', () => file(ok, eight, { nHigh: 0x00200000 }), /exceeds the 16777216-byte limit/],
    ['N = 2^64 - 1', () => file(ok, eight, { n: 0xffffffff, nHigh: 0xffffffff }), /exceeds/],
    ['N over the cap', () => file(ok, eight, { n: 100_000_001 }), /exceeds the 16777216-byte limit/],
    ['N = 0', () => file(ok, eight, { n: 0 }), /does not start with "\{"/],
    ['leading space', () => file(' ' + ok, eight), /does not start with "\{"/],
    ['array header', () => file('[1]', []), /does not start with "\{"/],
    ['bad UTF-8', () => Uint8Array.of(4, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0xff, 0xfe, 0x7d), /not valid UTF-8/],
    ['bad JSON', () => file('{"a":', []), /not valid JSON/],
    ['truncated JSON (N too small)', () => file(ok, eight, { n: 20 }), /not valid JSON/],
    ['JSON then garbage', () => file('{} x', []), /not valid JSON/],
    ['tensor not an object', () => file('{"a":5}', []), /tensor "a" must be an object/],
    ['a tensor named twice (same offsets)', () => file('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', eight), /tensor "a" appears twice/],
    ['a tensor named twice (different shapes)', () => file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', eight), /tensor "a" appears twice/],
    ['__metadata__ twice', () => file('{"__metadata__":{"x":"1"},"__metadata__":{"x":"2"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', eight), /"__metadata__" appears twice/],
    ['a metadata key twice', () => file('{"__metadata__":{"x":"1","x":"2"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', eight), /key "x" appears twice in __metadata__/],
    ['dtype unknown', () => file(t('F8_E4M3', [1], [0, 1]), [0]), /dtype "F8_E4M3", which slimfit does not read/],
    ['dtype number', () => file(t(4 as never, [1], [0, 1]), [0]), /dtype must be a string/],
    ['dtype missing', () => file('{"a":{"shape":[1],"data_offsets":[0,1]}}', [0]), /dtype must be a string, found nothing \(the member is missing\)/],
    ['shape missing', () => file('{"a":{"dtype":"U8","data_offsets":[0,1]}}', [0]), /shape must be an array/],
    ['shape negative', () => file(t('U8', [-1], [0, 1]), [0]), /shape\[0\] must be an integer in \[0/],
    ['shape fractional', () => file(t('U8', [0.5], [0, 1]), [0]), /must be an integer/],
    ['shape string', () => file(t('U8', ['1'], [0, 1]), [0]), /must be an integer/],
    ['shape overflow', () => file(t('U8', [2 ** 30, 2 ** 30, 2 ** 30], [0, 1]), [0]), /too many elements/],
    ['offsets missing', () => file('{"a":{"dtype":"U8","shape":[1]}}', [0]), /data_offsets must be an array/],
    ['offsets length', () => file(t('U8', [1], [0]), [0]), /data_offsets must have 2 entries/],
    ['offsets negative', () => file(t('U8', [1], [-1, 0]), [0]), /data_offsets\[0\] must be an integer in \[0/],
    ['offsets reversed', () => file(t('U8', [0], [1, 0]), [0]), /end before they begin/],
    ['offsets strings', () => file(t('U8', [1], ['0', '1']), [0]), /must be an integer/],
    ['offsets huge', () => file(t('U8', [1], [2 ** 60, 2 ** 60 + 1]), [0]), /must be an integer in \[0, 9007199254740991\]|run past/],
    ['offsets past buffer', () => file(t('U8', [2], [0, 2]), [0]), /run past the 1-byte buffer/],
    ['size mismatch', () => file(t('F32', [3], [0, 8]), eight), /spans 8 bytes but shape \[3\] of F32 needs 12/],
    ['hole at start', () => file(t('U8', [1], [1, 2]), [0, 0]), /hole at \[0, 1\)/],
    [
      'hole between',
      () => file(JSON.stringify({ a: { dtype: 'U8', shape: [1], data_offsets: [0, 1] }, b: { dtype: 'U8', shape: [1], data_offsets: [2, 3] } }), [0, 0, 0]),
      /hole at \[1, 2\) before tensor "b"/,
    ],
    [
      'overlap',
      () => file(JSON.stringify({ a: { dtype: 'U16', shape: [1], data_offsets: [0, 2] }, b: { dtype: 'U8', shape: [1], data_offsets: [1, 2] } }), [0, 0]),
      /overlaps the tensor before it/,
    ],
    [
      'aliased (same bytes twice)',
      () => file(JSON.stringify({ a: { dtype: 'U8', shape: [2], data_offsets: [0, 2] }, b: { dtype: 'U8', shape: [2], data_offsets: [0, 2] } }), [0, 0]),
      /overlaps/,
    ],
    ['buffer not covered', () => file(ok, [...eight, 0]), /cover 8 bytes of the 9-byte buffer/],
    ['no tensors, bytes left', () => file('{}', [1]), /cover 0 bytes of the 1-byte buffer/],
    ['metadata not an object', () => file('{"__metadata__":["a"]}'), /__metadata__ must be an object of strings/],
    ['metadata value not a string', () => file('{"__metadata__":{"a":1}}'), /__metadata__\["a"\] must be a string/],
    ['metadata value null', () => file('{"__metadata__":{"a":null}}'), /must be a string, found null/],
  ];
  for (const [name, make, re] of cases) {
    it(name, () => expectFormat(() => decodeSafetensors(make()), re));
  }

  it('not bytes', () => {
    expectFormat(() => decodeSafetensors('abc' as never), /Uint8Array/);
  });

  it('a custom header cap', () => {
    expectFormat(() => decodeSafetensors(file(ok, eight), { maxHeaderBytes: 16 }), /exceeds the 16-byte limit/);
  });

  it('every truncation and random damage: E_FORMAT or a valid decode, nothing else', () => {
    const good = quantizedToSafetensors({ w: e.quantize(new Float32Array([1, 2, 3, -4, 5]), { bits: 4, scheme: 'affine' }), b: Float64Array.of(1, 2) }, { note: 'x' });
    for (let len = 0; len < good.length; len++) expectFormat(() => decodeSafetensors(good.subarray(0, len)));
    const r = rng(3);
    for (let trial = 0; trial < 2000; trial++) {
      const bad = good.slice();
      for (let k = 0; k < 1 + Math.floor(r() * 3); k++) bad[Math.floor(r() * bad.length)] = Math.floor(r() * 256);
      let decoded: SafetensorsFile | undefined;
      try {
        decoded = decodeSafetensors(bad);
      } catch (err) {
        expect((err as { code?: string }).code, String(err)).toBe('E_FORMAT');
        expect(String(err)).not.toMatch(/malformed safetensors file/);
      }
      if (decoded) {
        try {
          quantizedFromSafetensors(decoded);
        } catch (err) {
          expect((err as { code?: string }).code, String(err)).toBe('E_FORMAT');
        }
      }
    }
  });
});

describe('safetensors: quantized naming convention', () => {
  const z = normal(rng(8));
  const w = Float32Array.from({ length: 24 }, () => z());

  it('writes the documented names, dtypes, shapes and metadata', () => {
    const q = e.quantize(w, { bits: 4, scheme: 'affine', granularity: { axis: 0, shape: [3, 8] } });
    const s = e.quantize(w, { bits: 8 });
    const bytes = quantizedToSafetensors({ 'layer.0.weight': { ...q, shape: [3, 8] }, s: { ...s, shape: [4, 6] }, bias: Float32Array.of(1, 2, 3) }, { source: 'test' });
    const raw = decodeSafetensors(bytes);
    expect(raw.metadata).toEqual({
      source: 'test',
      'slimfit.convention': '1',
      'slimfit.version': SLIMFIT_VERSION,
      'slimfit.layer.0.weight.bits': '4',
      'slimfit.layer.0.weight.scheme': 'affine',
      'slimfit.layer.0.weight.granularity': '{"axis":0,"shape":[3,8]}',
      'slimfit.layer.0.weight.shape': '[3,8]',
      'slimfit.s.bits': '8',
      'slimfit.s.scheme': 'symmetric',
      'slimfit.s.granularity': '"tensor"',
      'slimfit.s.shape': '[4,6]',
    });
    const summary = Object.fromEntries(Object.entries(raw.tensors).map(([k, v]) => [k, `${v.dtype} ${JSON.stringify(v.shape)}`]));
    expect(summary).toEqual({
      'layer.0.weight': 'U8 [12]', // 24 codes, 2 per byte
      'layer.0.weight.scale': 'F32 [3]',
      'layer.0.weight.zero_point': 'U8 [3]',
      s: 'I8 [4,6]', // symmetric 8-bit: the logical shape
      's.scale': 'F32 [1]',
      bias: 'F32 [3]',
    });
  });

  it('round trips exactly for every bits / scheme / granularity, plain tensors kept apart', () => {
    const tensors: Record<string, QuantizedTensor> = {};
    for (const bits of [2, 3, 4, 5, 6, 7, 8]) {
      for (const scheme of ['symmetric', 'affine'] as const) {
        tensors[`t${bits}${scheme}`] = e.quantize(w, { bits, scheme });
        tensors[`r${bits}${scheme}`] = e.quantize(w, { bits, scheme, granularity: { axis: 0, shape: [4, 6] } });
        tensors[`b${bits}${scheme}`] = e.quantize(w.subarray(0, 21), { bits, scheme, granularity: { block: 7 } });
      }
    }
    const bytes = quantizedToSafetensors({ ...tensors, 'plain.f64': Float64Array.of(1, 2), plain: { shape: [1, 2], data: Int8Array.of(-1, 1) } }, { a: 'b' });
    const back = quantizedFromSafetensors(decodeSafetensors(bytes));
    expect(Object.keys(back.quantized).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, q] of Object.entries(tensors)) {
      expect(back.quantized[name]).toEqual(q);
      expect(back.quantized[name].data.constructor).toBe(q.data.constructor);
      expect(e.dequantize(back.quantized[name])).toEqual(e.dequantize(q));
    }
    expect(back.tensors).toEqual({ 'plain.f64': { dtype: 'F64', shape: [2], data: Float64Array.of(1, 2) }, plain: { dtype: 'I8', shape: [1, 2], data: Int8Array.of(-1, 1) } });
    expect(back.metadata).toEqual({ a: 'b' });
    // a file without the convention: nothing quantized
    expect(quantizedFromSafetensors(decodeSafetensors(encodeSafetensors({ x: Float32Array.of(1) })))).toEqual({
      quantized: {},
      tensors: { x: { dtype: 'F32', shape: [1], data: Float32Array.of(1) } },
      metadata: {},
    });
  });

  it('rejects inconsistent input on write', () => {
    const q = e.quantize(w, { bits: 4 });
    expectCode(() => quantizedToSafetensors({ w: q, 'w.scale': Float32Array.of(1) }), 'E_SHAPE');
    expectCode(() => quantizedToSafetensors({ w: { ...q, scale: new Float32Array(2) } }), 'E_SHAPE');
    expectCode(() => quantizedToSafetensors({ w: { ...q, bits: 9 } }), 'E_SHAPE');
    expectCode(() => quantizedToSafetensors({ w: q }, { 'slimfit.w.bits': '8' }), 'E_RANGE');
    expectCode(() => encodeSafetensors({ __metadata__: Float32Array.of(1) }), 'E_SHAPE');
    expectCode(() => encodeSafetensors({ a: { shape: [3], data: Float32Array.of(1) } }), 'E_SHAPE');
    expectCode(() => encodeSafetensors({ a: [1, 2] as never }), 'E_SHAPE');
    expectCode(() => encodeSafetensors({}, { a: 1 as never }), 'E_SHAPE');
  });

  it('rejects inconsistent files on read, naming what is wrong', () => {
    const q = e.quantize(w, { bits: 4, scheme: 'affine', granularity: { block: 8 } });
    const good = decodeSafetensors(quantizedToSafetensors({ w: q }));
    const edit = (f: (x: SafetensorsFile) => void): SafetensorsFile => {
      const x = structuredClone(good);
      f(x);
      return x;
    };
    const cases: [(x: SafetensorsFile) => void, RegExp][] = [
      [(x) => delete x.metadata!['slimfit.w.scheme'], /metadata key slimfit.w.scheme is missing/],
      [(x) => (x.metadata!['slimfit.w.bits'] = '9'), /bits must be "2" to "8", found "9"/],
      [(x) => (x.metadata!['slimfit.w.bits'] = ' 4'), /bits must be "2" to "8"/],
      [(x) => (x.metadata!['slimfit.w.scheme'] = 'asym'), /scheme must be "symmetric" or "affine"/],
      [(x) => (x.metadata!['slimfit.w.granularity'] = '{block:8}'), /slimfit.w.granularity is not valid JSON/],
      [(x) => (x.metadata!['slimfit.w.granularity'] = '{"block":5}'), /block = 5 does not divide the 24 elements/],
      [(x) => (x.metadata!['slimfit.w.shape'] = '[25]'), /block = 8 does not divide the 25|codes must be/],
      [(x) => (x.metadata!['slimfit.w.shape'] = '"24"'), /shape must be an array/],
      [(x) => (x.metadata!['slimfit.w.shape'] = '[0]'), /has no elements/],
      [(x) => (x.metadata!['slimfit.convention'] = '2'), /convention "2", newer than this slimfit reads \(1\); upgrade slimfit/],
      [(x) => (x.metadata!['slimfit.ghost.bits'] = '4'), /quantized tensor "ghost": metadata key slimfit.ghost.scheme is missing/],
      [(x) => delete x.tensors['w.scale'], /tensor "w.scale" is missing/],
      [(x) => delete x.tensors['w.zero_point'], /zeroPoint is missing/],
      [(x) => (x.tensors.w = { dtype: 'I8', shape: [12], data: new Int8Array(12) }), /codes must be U8 \[12\], found I8 \[12\]/],
      [(x) => (x.tensors['w.scale'] = { dtype: 'F64', shape: [3], data: new Float64Array(3) }), /w.scale must be F32 \[3\]/],
      [(x) => ((x.tensors['w.scale'].data as Float32Array)[1] = -1), /scale\[1\] = -1; scales must be finite and > 0/],
      [(x) => ((x.tensors['w.scale'].data as Float32Array)[2] = Infinity), /scale\[2\] = Infinity/],
      [(x) => ((x.tensors['w.zero_point'].data as Uint8Array)[0] = 200), /zeroPoint\[0\] = 200, outside \[0, 15\]/],
      [(x) => (x.tensors['w.zero_point'] = { dtype: 'F32', shape: [3], data: new Float32Array(3) }), /w.zero_point must be U8 \(or I32\) \[3\]/],
    ];
    for (const [f, re] of cases) expectFormat(() => quantizedFromSafetensors(edit(f)), re);
    expectFormat(() => quantizedFromSafetensors(null as never), /decodeSafetensors/);
    // odd element count at 4 bits: the unused high nibble must be zero
    const odd = decodeSafetensors(quantizedToSafetensors({ w: e.quantize(w.subarray(0, 5), { bits: 4 }) }));
    (odd.tensors.w!.data as Uint8Array)[2] |= 0x30;
    expectFormat(() => quantizedFromSafetensors(odd), /byte 2 has non-zero unused bits/);
    // symmetric 6-bit codes outside [-32, 31]
    const six = decodeSafetensors(quantizedToSafetensors({ w: e.quantize(w, { bits: 6 }) }));
    (six.tensors.w!.data as Int8Array)[3] = 40;
    expectFormat(() => quantizedFromSafetensors(six), /code 3 is 40, outside \[-32, 31\] for symmetric 6-bit/);
  });
});

describe('safetensors: names that are Object.prototype members', () => {
  it('__proto__ and constructor round-trip as ordinary tensor names; escaped quotes in names do not confuse the duplicate check', () => {
    const tensors = Object.create(null) as Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }>;
    tensors['__proto__'] = { dtype: 'F32', shape: [2], data: Float32Array.of(1, 2) };
    tensors['constructor'] = { dtype: 'F32', shape: [1], data: Float32Array.of(3) };
    tensors['q"uote\\'] = { dtype: 'F32', shape: [1], data: Float32Array.of(4) };
    const back = decodeSafetensors(encodeSafetensors(tensors));
    expect(Object.keys(back.tensors).sort()).toEqual(['__proto__', 'constructor', 'q"uote\\'].sort());
    expect(Array.from(back.tensors['__proto__'].data as Float32Array)).toEqual([1, 2]);
  });
});
