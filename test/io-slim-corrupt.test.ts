/**
 * Corrupt, truncated and hostile .slim files: every one is answered with
 * SlimfitError('E_FORMAT') and a message saying what is wrong — never another
 * error type, never a model. Files with a *valid* checksum but broken
 * structure are rebuilt here by an independent writer (CRC-32C straight from
 * hash-wasm), so the structural checks are exercised past the checksum.
 */
import { describe, expect, it } from 'vitest';
import { LinearModel, SparseTensor } from '../src/index.js';
import { decodeSlim, encodeSlim as encodeSlimDefault, inspectSlim, type EncodeSlimOptions, type SlimContent } from '../src/io/index.js';
import { normal, rng } from '../src/random.js';
import { engine } from './helpers/engines.js';
import { buildSlim, parseSlim, type SlimParts } from './helpers/slim-file.js';

const e = await engine('js');
const parse = parseSlim;
type Parts = SlimParts;
/** This file damages format version 1 files (version 2: test/io-slim-v2.test.ts). */
const encodeSlim = (c: SlimContent, o: EncodeSlimOptions = {}) => encodeSlimDefault(c, { ...o, formatVersion: 1 });

/** The independent writer (test/helpers/slim-file.ts), with overridden lengths or header bytes. */
const build = buildSlim;

/** Expects E_FORMAT (and only E_FORMAT) with a message matching `re`. */
async function expectFormat(bytes: Uint8Array, re?: RegExp): Promise<string> {
  try {
    await decodeSlim(bytes);
  } catch (err) {
    const x = err as { code?: string; message?: string; name?: string };
    expect(x.name, String(err)).toBe('SlimfitError');
    expect(x.code, String(err)).toBe('E_FORMAT');
    expect(x.message).not.toMatch(/malformed \.slim file \(/); // the safety net never fires for known damage
    if (re) expect(x.message).toMatch(re);
    return x.message!;
  }
  throw new Error('expected E_FORMAT, the file decoded');
}

/** Decodes or throws E_FORMAT; anything else fails the test. */
async function decodesOrFormat(bytes: Uint8Array): Promise<boolean> {
  try {
    await decodeSlim(bytes);
    return true;
  } catch (err) {
    expect((err as { code?: string }).code, String(err)).toBe('E_FORMAT');
    expect(String(err)).not.toMatch(/malformed \.slim file \(/); // no RangeError/TypeError behind the safety net
    return false;
  }
}

function smallModel(): LinearModel {
  return e.fitLinear(
    [
      [1, 2],
      [2, 1],
      [3, 5],
      [4, 3],
      [5, 8],
    ],
    [1, 2, 2, 5, 4],
  );
}

const linearFile = await encodeSlim({ kind: 'linear', model: smallModel() }, { provenance: { created: '2025-01-01T00:00:00.000Z', inputDigest: 'abcd' } });
const z = normal(rng(9));
const big = new LinearModel({ d: 40, outputs: 2, coef: Float64Array.from({ length: 80 }, () => z()), intercept: Float64Array.of(1, 2), fitIntercept: true, stats: {} as never });
const compressedFile = await encodeSlim({ kind: 'compressed-linear', model: e.compressModel(big, { quantize: { bits: 4, scheme: 'affine', granularity: { block: 8 } }, prune: { sparsity: 0.5 } }) });
const wide = new LinearModel({ d: 200, outputs: 2, coef: Float64Array.from({ length: 400 }, () => z()), intercept: Float64Array.of(1, 2), fitIntercept: true, stats: {} as never });
const csrFile = await encodeSlim({ kind: 'compressed-linear', model: e.compressModel(wide, { quantize: { bits: 6 }, prune: { sparsity: 0.99 } }) });

describe('.slim: damaged bytes', () => {
  it('the untouched files decode', async () => {
    for (const f of [linearFile, compressedFile, csrFile]) expect(await decodesOrFormat(f)).toBe(true);
    expect(parse(csrFile).header.model).toMatchObject({ index: 'csr', bits: 6 });
  });

  it('every truncation length is E_FORMAT', async () => {
    for (const f of [linearFile, compressedFile]) {
      for (let len = 0; len < f.length; len++) {
        const msg = await expectFormat(f.subarray(0, len));
        expect(msg).toMatch(len === 0 ? /truncated/ : /truncated|header length/);
      }
    }
  });

  it('every flipped byte (and a flipped bit) is caught', async () => {
    for (const f of [linearFile, compressedFile]) {
      for (let i = 0; i < f.length; i++) {
        for (const mask of [0xff, 1 << (i % 8)]) {
          const bad = f.slice();
          bad[i] ^= mask;
          await expectFormat(bad);
        }
      }
    }
    const bad = linearFile.slice();
    bad[400] ^= 1;
    await expectFormat(bad, /checksum mismatch \(stored crc32c [0-9a-f]{8}, computed [0-9a-f]{8}\)/);
  });

  it('trailing bytes, wrong input types', async () => {
    const longer = new Uint8Array(linearFile.length + 1);
    longer.set(linearFile);
    await expectFormat(longer, /1 unexpected bytes after the checksum/);
    await expectFormat('hello' as never, /Uint8Array/);
    await expectFormat(null as never, /Uint8Array/);
    expect(await decodesOrFormat(linearFile.slice().buffer as never)).toBe(true); // an ArrayBuffer is accepted
  });
});

describe('.slim: preamble', () => {
  const p = parse(linearFile);

  it('bad magic, future and ancient versions, newer minor accepted', async () => {
    const bad = linearFile.slice();
    bad[1] = 0x50;
    await expectFormat(bad, /not a \.slim file \(bad magic/);
    await expectFormat(new TextEncoder().encode('{"just":"json"}'), /bad magic/);
    await expectFormat(await build({ ...p, major: 3 }), /format version 3\.0, newer than this slimfit reads \(2\.x\); upgrade slimfit/);
    await expectFormat(await build({ ...p, major: 0 }), /unsupported \.slim format version 0\.0/);
    expect(await decodesOrFormat(await build({ ...p, minor: 7 }))).toBe(true);
  });

  it('header length: zero, tiny, huge, "negative", misaligned, past EOF', async () => {
    await expectFormat(await build(p, { H: 0 }), /header length 0 is too small/);
    await expectFormat(await build(p, { H: 0xffffffff }), /exceeds the 16777216-byte limit/);
    await expectFormat(await build(p, { H: 0x80000000 }), /exceeds/);
    await expectFormat(await build(p, { H: 16 * 1024 * 1024 + 8 }), /exceeds/);
    const H = new DataView(linearFile.buffer).getUint32(12, true);
    await expectFormat(await build(p, { H: H + 1 }), /16-byte boundary/);
    await expectFormat(await build(p, { H: H + 16 }), /truncated .*describes/);
    await expectFormat(await build(p, { H: H - 16 }), /unexpected bytes after the checksum|not valid JSON|header/);
  });

  it('data length: huge, misaligned, wrong', async () => {
    await expectFormat(await build(p, { Dhi: 0xffffffff }), /2\^53 bytes or more/);
    await expectFormat(await build(p, { Dhi: 1 }), /truncated/);
    await expectFormat(await build(p, { D: p.data.length + 8 }), /not a multiple of 16/);
    await expectFormat(await build(p, { D: p.data.length + 16 }), /truncated/);
    await expectFormat(await build(p, { D: p.data.length - 16 }), /unexpected bytes/);
  });
});

describe('.slim: header JSON', () => {
  const p = parse(linearFile);
  const enc = (s: string) => new TextEncoder().encode(s);

  it('not JSON, not an object, bad UTF-8, not starting with {', async () => {
    await expectFormat(await build(p, { headerText: enc('{"format": "slimfit", ') }), /header is not valid JSON/);
    await expectFormat(await build(p, { headerText: enc('[1, 2]') }), /does not start with "\{"/);
    await expectFormat(await build(p, { headerText: enc(' {}') }), /does not start with "\{"/);
    await expectFormat(await build(p, { headerText: Uint8Array.of(0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d) }), /not valid UTF-8/);
    await expectFormat(await build(p, { headerText: enc('{}') }), /header.format must be "slimfit"/);
    await expectFormat(await build(p, { headerText: enc('{"a":' + '['.repeat(100000) + ']'.repeat(100000) + '}') }), /header/);
  });

  const variants: [string, (h: Record<string, any>) => void, RegExp][] = [
    ['format', (h) => (h.format = 'other'), /header.format must be "slimfit"/],
    ['kind', (h) => (h.kind = 'cubic'), /header.kind must be one of/],
    ['kind type', (h) => (h.kind = 3), /header.kind must be one of .* found number 3/],
    ['kind mismatch', (h) => (h.kind = 'logistic'), /tensor "z_values" is missing|model\./],
    ['provenance missing', (h) => delete h.provenance, /header.provenance must be a JSON object/],
    ['provenance.slimfit', (h) => (h.provenance.slimfit = 1), /header.provenance.slimfit must be a string/],
    ['provenance.created', (h) => (h.provenance.created = 'last tuesday'), /not an ISO 8601 date/],
    ['provenance.inputDigest', (h) => (h.provenance.inputDigest = ['x']), /inputDigest must be a string/],
    ['provenance.options', (h) => (h.provenance.options = 'fast'), /options must be a JSON object/],
    ['statistics', (h) => (h.statistics = [1]), /header.statistics must be a JSON object/],
    ['statistics tag', (h) => (h.statistics = { a: { $f32: [1e300] } }), /not a float32/],
    ['statistics bad tag', (h) => (h.statistics = { a: { $nope: [] } }), /unknown tag/],
    ['features type', (h) => (h.features = 'x0'), /header.features must be an array/],
    ['features element', (h) => (h.features = ['a', 2]), /header.features\[1\] must be a string/],
    ['features count', (h) => (h.features = ['a']), /header.features has 1 names but the model has 2 input columns/],
    ['targets count', (h) => (h.targets = ['a', 'b']), /header.targets has 2 names but the model has 1 outputs/],
    ['tensors missing', (h) => delete h.tensors, /header.tensors must be an array/],
    ['tensor entry type', (h) => (h.tensors[0] = 'coef'), /header.tensors\[0\] must be a JSON object/],
    ['tensor name', (h) => (h.tensors[0].name = 7), /name must be a string/],
    ['tensor name empty', (h) => (h.tensors[0].name = ''), /name is empty/],
    ['duplicate name', (h) => (h.tensors[1].name = h.tensors[0].name), /appears twice/],
    ['dtype', (h) => (h.tensors[0].dtype = 'F128'), /dtype must be one of/],
    ['dtype mismatch', (h) => (h.tensors[0].dtype = 'I64'), /dtype must be one of/],
    ['dtype other size', (h) => (h.tensors[0].dtype = 'F32'), /holds 16 bytes but shape \[2,1\] of F32 needs 8/],
    ['dtype same size', (h) => {
      h.tensors[0].dtype = 'U32';
      h.tensors[0].shape = [2, 2];
    }, /tensor "coef" is U32, expected F64/],
    ['shape type', (h) => (h.tensors[0].shape = '2x1'), /shape must be an array/],
    ['shape negative', (h) => (h.tensors[0].shape = [-2, -1]), /shape\[0\] must be an integer in \[0/],
    ['shape fraction', (h) => (h.tensors[0].shape = [0.5, 32]), /must be an integer/],
    ['shape huge', (h) => (h.tensors[0].shape = [2 ** 40, 2 ** 40]), /too many elements/],
    ['shape size mismatch', (h) => (h.tensors[0].shape = [3, 1]), /holds 16 bytes but shape \[3,1\] of F64 needs 24/],
    ['shape rank', (h) => (h.tensors[0].shape = new Array(17).fill(1)), /dimensions/],
    ['shape wrong but same size', (h) => (h.tensors[0].shape = [1, 2]), /has shape \[1,2\], expected \[2,1\]/],
    ['offsets type', (h) => (h.tensors[0].offsets = { begin: 0 }), /offsets must be an array/],
    ['offsets length', (h) => (h.tensors[0].offsets = [0]), /offsets must have 2 entries/],
    ['offsets negative', (h) => (h.tensors[0].offsets = [-16, 0]), /offsets\[0\] must be an integer in \[0/],
    ['offsets reversed', (h) => (h.tensors[0].offsets = [16, 0]), /end before they begin/],
    ['offsets past end', (h) => (h.tensors[3].offsets = [h.tensors[3].offsets[0] + 16, h.tensors[3].offsets[1] + 16]), /run past the \d+-byte data section/],
    ['offsets far past end', (h) => (h.tensors[0].offsets = [2 ** 52, 2 ** 52 + 16]), /run past/],
    ['offsets unaligned', (h) => (h.tensors[0].offsets = [8, 24]), /not a multiple of 16/],
    ['offsets overlap', (h) => (h.tensors[1].offsets = [h.tensors[0].offsets[0], h.tensors[0].offsets[0] + 8]), /overlap/],
    ['offsets non-integer', (h) => (h.tensors[0].offsets = [0, '16']), /offsets\[1\] must be an integer/],
    ['unused data', (h) => h.tensors.pop(), /data section is \d+ bytes but its tensors end at|missing/],
    ['missing tensor', (h) => (h.tensors[2].name = 'other'), /tensor "std_errors" is missing/],
    ['extra tensor', (h) => h.tensors.push({ name: 'extra', dtype: 'U8', shape: [0], offsets: [0, 0] }), /unexpected tensor "extra"/],
    ['model missing', (h) => delete h.model, /header.model must be a JSON object/],
    ['model.d', (h) => (h.model.d = 'two'), /model.d must be an integer/],
    ['model.d zero', (h) => (h.model.d = 0), /model.d must be an integer in \[1/],
    ['model.d wrong', (h) => (h.model.d = 3), /has shape \[2,1\], expected \[3,1\]/],
    ['model.outputs', (h) => (h.model.outputs = 2), /expected \[2,2\]|vector is true but/],
    ['model.vector', (h) => (h.model.vector = 'yes'), /model.vector must be true or false/],
    ['model.vector missing', (h) => delete h.model.vector, /model.vector must be true or false, found nothing \(the member is missing\)$/],
    ['model.fitIntercept', (h) => (h.model.fitIntercept = 1), /fitIntercept must be true or false/],
    ['stats missing', (h) => delete h.model.stats, /model.stats must be a JSON object/],
    ['stats.n', (h) => (h.model.stats.n = 'many'), /model.stats.n must be a number/],
    ['stats.n null', (h) => (h.model.stats.n = null), /model.stats.n must be a number .* found null/],
    ['stats.rSquared length', (h) => (h.model.stats.rSquared = [1, 2]), /rSquared must have 1 entries/],
    ['stats.rSquared type', (h) => (h.model.stats.rSquared = 0.5), /rSquared must be an array/],
    ['stats.rSquared element', (h) => (h.model.stats.rSquared = [{}]), /rSquared\[0\] must be a number/],
    ['stats.method', (h) => (h.model.stats.method = 'qr'), /model.stats.method must be one of/],
    ['stats.refinementSteps', (h) => (h.model.stats.refinementSteps = -1), /refinementSteps must be an integer/],
  ];
  for (const [name, mutate, re] of variants) {
    it(`header: ${name}`, async () => {
      const q = structuredClone(p);
      mutate(q.header);
      await expectFormat(await build(q), re);
    });
  }

  it('every header leaf replaced by values of the wrong type: E_FORMAT or a valid decode, nothing else', async () => {
    const replacements: unknown[] = [null, true, 'x', '', -1, 0, 1.5, 2 ** 60, [], [1], {}, { $num: 'NaN' }, 'NaN'];
    let rejected = 0;
    let total = 0;
    for (const file of [linearFile, compressedFile, csrFile]) {
      const p0 = parse(file);
      const paths: (string | number)[][] = [];
      const walk = (v: unknown, path: (string | number)[]) => {
        paths.push(path);
        if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
        else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
      };
      walk(p0.header, []);
      for (const path of paths.slice(1)) {
        for (const r of replacements) {
          const q = structuredClone(p0);
          let o: any = q.header;
          for (const k of path.slice(0, -1)) o = o[k];
          o[path[path.length - 1]] = r;
          total++;
          if (!(await decodesOrFormat(await build(q)))) rejected++;
        }
      }
    }
    expect(rejected).toBeGreaterThan(total * 0.8);
  });
});

describe('.slim: compressed model content', () => {
  const p = parse(compressedFile);
  const pc = parse(csrFile);
  const tensor = (q: Parts, name: string) => (q.header.tensors as { name: string; offsets: [number, number] }[]).find((t) => t.name === name)!;
  const variants: [string, Parts, (q: Parts) => void, RegExp][] = [
    ['bits', p, (q: any) => (q.header.model.bits = 9), /model.bits must be an integer in \[2, 8\]/],
    ['bits changed', p, (q: any) => (q.header.model.bits = 3), /values|codes|code/],
    ['scheme', p, (q: any) => (q.header.model.scheme = 'asymmetric'), /model.scheme must be one of/],
    ['scheme swapped', p, (q: any) => (q.header.model.scheme = 'symmetric'), /unexpected tensor "zero_point"|code/],
    ['groupSize', p, (q: any) => (q.header.model.groupSize = 7), /does not divide/],
    ['groupSize vs granularity', p, (q: any) => (q.header.model.groupSize = 16), /granularity .* does not match model.groupSize 16/],
    ['granularity', p, (q: any) => (q.header.model.granularity = 'row'), /does not match/],
    ['kept', p, (q: any) => (q.header.model.kept += 1), /mask" marks \d+ elements as kept, but the header says/],
    ['kept too many', p, (q: any) => (q.header.model.kept = 1e9), /model.kept must be an integer in \[0, 80\]/],
    ['index', p, (q: any) => (q.header.model.index = 'coo'), /model.index must be one of/],
    ['index dense', p, (q: any) => (q.header.model.index = 'dense'), /"dense" but model.kept is/],
    ['report', p, (q: any) => delete q.header.model.report, /model.report must be a JSON object/],
    ['report.method', p, (q: any) => (q.header.model.report.method = 'magic'), /report.method must be one of/],
    ['report.interceptShift', p, (q: any) => (q.header.model.report.interceptShift = [0]), /interceptShift must have 2 entries/],
    ['report.quantize', p, (q: any) => (q.header.model.report.quantize = 5), /report.quantize must be a JSON object/],
    ['huge model', p, (q: any) => (q.header.model.d = 2 ** 27), /more than this reader accepts/],
    ['scale NaN', p, (q) => new DataView(q.data.buffer).setFloat32(tensor(q, 'scale').offsets[0], NaN, true), /tensor "scale"\[0\] = NaN; scales must be finite and > 0/],
    ['scale zero', p, (q) => new DataView(q.data.buffer).setFloat32(tensor(q, 'scale').offsets[0] + 4, 0, true), /scale"\[1\] = 0/],
    ['scale negative', p, (q) => new DataView(q.data.buffer).setFloat32(tensor(q, 'scale').offsets[0], -1, true), /scale"\[0\] = -1/],
    ['zero point out of range', p, (q) => (q.data[tensor(q, 'zero_point').offsets[0]] = 16), /zero_point"\[0\] = 16, outside \[0, 15\]/],
    ['mask popcount', p, (q) => (q.data[tensor(q, 'mask').offsets[0]] ^= 1), /mask" marks \d+ elements as kept, but the header says 40/],
    ['csr row_ptr start', pc, (q) => (q.data[tensor(q, 'row_ptr').offsets[0]] = 1), /row pointers must start at 0/],
    ['csr row_ptr decreasing', pc, (q) => new DataView(q.data.buffer).setUint32(tensor(q, 'row_ptr').offsets[0] + 4, 5, true), /row pointers decrease|must end/],
    ['csr col out of range', pc, (q) => new DataView(q.data.buffer).setUint16(tensor(q, 'col_idx').offsets[0], 200, true), /column index 200 at entry 0 is outside \[0, 200\)/],
    ['csr col order', pc, (q) => {
      const v = new DataView(q.data.buffer);
      const rp = tensor(q, 'row_ptr').offsets[0];
      const kept = v.getUint32(rp + 8, true);
      v.setUint32(rp + 4, kept, true); // every entry in row 0 ...
      const ci = tensor(q, 'col_idx').offsets[0];
      for (let k = 0; k < kept; k++) v.setUint16(ci + 2 * k, 5, true); // ... all in column 5
    }, /column indices of row 0 are not strictly increasing at entry 1/],
    ['csr code range', pc, (q) => (q.data[tensor(q, 'values').offsets[0]] = 100), /code 0 is 100, outside \[-32, 31\] for symmetric 6-bit/],
  ];
  for (const [name, base, mutate, re] of variants) {
    it(`compressed: ${name}`, async () => {
      const q = structuredClone(base);
      mutate(q);
      await expectFormat(await build(q), re);
    });
  }

  it('sub-byte codes with non-zero unused bits are rejected', async () => {
    const c = e.compressModel(new LinearModel({ d: 3, outputs: 1, coef: Float64Array.of(1, -2, 3), intercept: 0, fitIntercept: true, stats: {} as never }), { quantize: { bits: 4 } });
    const q = parse(await encodeSlim({ kind: 'compressed-linear', model: c }));
    const v = (q.header.tensors as { name: string; offsets: [number, number] }[]).find((t) => t.name === 'values')!;
    expect(v.offsets[1] - v.offsets[0]).toBe(2);
    q.data[v.offsets[0] + 1] |= 0x80;
    await expectFormat(await build(q), /byte 1 has non-zero unused bits/);
  });

  it('random damage with a valid checksum: E_FORMAT or a valid decode, nothing else', async () => {
    const r = rng(11);
    for (const file of [linearFile, compressedFile, csrFile]) {
      const p0 = parse(file);
      const text = new TextEncoder().encode(JSON.stringify(p0.header));
      for (let trial = 0; trial < 300; trial++) {
        const q = { ...p0, data: p0.data.slice() };
        const t = text.slice();
        const hits = 1 + Math.floor(r() * 3);
        for (let k = 0; k < hits; k++) {
          if (r() < 0.5) t[Math.floor(r() * t.length)] = Math.floor(r() * 256);
          else q.data[Math.floor(r() * q.data.length)] = Math.floor(r() * 256);
        }
        await decodesOrFormat(await build(q, { headerText: t }));
        // and inspect never throws anything but E_FORMAT either
        try {
          await inspectSlim(await build(q, { headerText: t }));
        } catch (err) {
          expect((err as { code?: string }).code).toBe('E_FORMAT');
        }
      }
    }
  });
});

describe('.slim: tensors content', () => {
  it('hostile objects are E_FORMAT', async () => {
    const q4 = e.quantize(new Float32Array([1, -2, 3, 0.5, 7]), { bits: 4, scheme: 'affine' });
    const file = await encodeSlim({ kind: 'tensors', tensors: { w: q4, d: new Float32Array(3) } });
    const p = parse(file);
    const cases: [(h: any) => void, RegExp][] = [
      [(h) => (h.objects = {}), /header.objects must be an array/],
      [(h) => (h.objects[0] = null), /header.objects\[0\] must be a JSON object/],
      [(h) => (h.objects[0].type = 'ragged'), /type must be one of/],
      [(h) => (h.objects[0].bits = 1), /bits must be an integer in \[2, 8\]/],
      [(h) => (h.objects[0].granularity = { block: 2 }), /block = 2 does not divide the 5 elements/],
      [(h) => (h.objects[0].granularity = { axis: 2, shape: [1, 5] }), /axis must be an integer in \[0, 1\]/],
      [(h) => (h.objects[0].granularity = { axis: 0, shape: [5, 1] }), /has shape \[1\], expected \[5\]/],
      [(h) => (h.objects[0].granularity = 'channel'), /must be "tensor", \{"axis"/],
      [(h) => (h.objects[0].shape = [7]), /tensor "w" has shape \[3\], expected \[4\]/],
      [(h) => (h.objects[0].shape = []), /expected \[1\]|shape/],
      [(h) => (h.objects[0].zeroPoint = false), /zeroPoint is missing|unexpected tensor "w.zero_point"/],
      [(h) => (h.objects[1].name = 'w'), /appears twice/],
      [(h) => h.objects.pop(), /unexpected tensor "d"/],
      [(h) => h.objects.push({ name: 'ghost', type: 'dense' }), /tensor "ghost" is missing/],
      [(h) => h.objects.push({ name: 's', type: 'sparse', shape: [2 ** 30], format: 'bitmask', kept: 0 }), /may decode to/],
      [(h) => h.objects.push({ name: 's', type: 'sparse', shape: [1, 2, 3], format: 'bitmask', kept: 0 }), /dimensions/],
    ];
    for (const [mutate, re] of cases) {
      const q = structuredClone(p);
      mutate(q.header);
      await expectFormat(await build(q), re).catch((err: unknown) => {
        throw new Error(`${String(re)}: ${String(err)}`);
      });
    }
  });

  it('sparse dense format: -0.0 marks the pruned elements; a count that disagrees with kept is refused', async () => {
    const keep = new Uint8Array(8).fill(0xff);
    keep[1] = 0xfd; // element 9 pruned of 64
    const s = SparseTensor.fromDense(Float32Array.from({ length: 64 }, (_, i) => (i % 3 === 0 ? 0 : i)), keep, [8, 8]);
    expect(s.format).toBe('dense');
    const p = parse(await encodeSlim({ kind: 'tensors', tensors: { s } }));
    expect((p.header as any).objects[0]).toMatchObject({ type: 'sparse', format: 'dense', kept: 63 });
    const entry = (p.header.tensors as { name: string; shape: number[]; offsets: [number, number] }[]).find((t) => t.name === 's')!;
    expect(entry.shape).toEqual([64]);
    expect((p.header.tensors as unknown[]).length).toBe(1); // no mask, no CSR
    const at = (i: number) => entry.offsets[0] + 4 * i + 3; // high byte of float32 element i (little-endian)
    expect([p.data[at(9)], p.data[at(0)]]).toEqual([0x80, 0x00]); // pruned -0.0, kept +0.0
    const q = structuredClone(p);
    q.data[at(9)] = 0x00; // the pruned element now reads as a kept +0.0
    await expectFormat(await build(q), /is "dense" with kept 63, so exactly 1 of its 64 values must be -0.0/);
    const q2 = structuredClone(p);
    q2.data[at(3)] = 0x80; // a kept zero now reads as pruned
    await expectFormat(await build(q2), /exactly 1 of its 64 values must be -0.0/);
    const q3 = structuredClone(p);
    (q3.header as any).objects[0].kept = 64;
    await expectFormat(await build(q3), /exactly 0 of its 64 values must be -0.0/);
  });

  it('sparse bitmask with bits set past the end, or a wrong count', async () => {
    const s = SparseTensor.fromDense(Float64Array.of(1, 2, 3, 4, 5), Uint8Array.of(0b10101), [5]);
    const p = parse(await encodeSlim({ kind: 'tensors', tensors: { s } }));
    const mask = (p.header.tensors as { name: string; offsets: [number, number] }[]).find((t) => t.name === 's.mask')!;
    const q = structuredClone(p);
    q.data[mask.offsets[0]] = 0b10100101;
    await expectFormat(await build(q), /has bits set beyond element 4/);
    const q2 = structuredClone(p);
    q2.data[mask.offsets[0]] = 0b01111;
    await expectFormat(await build(q2), /marks 4 elements as kept, but the header says 3/);
    const q3 = structuredClone(p);
    (q3.header as any).objects[0].kept = 2;
    await expectFormat(await build(q3), /has shape \[3\], expected \[2\]/);
  });
});
