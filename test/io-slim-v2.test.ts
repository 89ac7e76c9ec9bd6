/**
 * .slim format version 2: the layout as FORMAT.md §1.12 states it (checked
 * by an independent reader and writer built on node:zlib and hash-wasm, not
 * on slimfit's fflate path), the sizes it reaches on a scorecard model,
 * strip, slimFileBytes, hostile files (decompression bombs, bad streams,
 * lengths that disagree), the dictionary against FORMAT.md, and the
 * independent Python reader (test/fixtures/slimread.py) on version 1 and 2.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, gzipSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CompressedLinearModel, LogisticModel } from '../src/index.js';
import { applyBinning, fitBinning } from '../src/data/bins.js';
import { creditDataset } from '../src/data/credit.js';
import { decodeSlim, encodeSlim, inspectSlim, slimFileBytes, type DecodedSlim, type SlimContent } from '../src/io/index.js';
import { HEADER_DICTIONARY, HEADER_DICTIONARY_LINES } from '../src/io/slim-v2-dictionary.js';
import { GOLDEN_PATH, goldenSlim, type GoldenSlim } from './fixtures/make-golden-slim.js';
import { engine } from './helpers/engines.js';
import { buildSlim, crc32c } from './helpers/slim-file.js';

const e = await engine('wasm');
const CREATED = '2025-01-02T03:04:05.678Z';
const DICT = Buffer.from(HEADER_DICTIONARY);

interface V2Parts {
  U: number;
  Z: number;
  header: Record<string, unknown>;
  data: Uint8Array;
}

/** An independent reader of the layout (node:zlib's inflate). */
async function parseV2(file: Uint8Array): Promise<V2Parts> {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  expect(Array.from(file.subarray(0, 12))).toEqual([0x89, 0x53, 0x4c, 0x49, 0x4d, 0x0d, 0x0a, 0x1a, 2, 0, 0, 0]);
  const U = v.getUint32(12, true);
  const Z = v.getUint32(16, true);
  expect(v.getUint32(file.length - 4, true)).toBe(await crc32c(file.subarray(0, file.length - 4)));
  const json = inflateRawSync(file.subarray(20, 20 + Z), { dictionary: DICT });
  expect(json.length).toBe(U);
  return { U, Z, header: JSON.parse(json.toString('utf8')) as Record<string, unknown>, data: file.slice(20 + Z, file.length - 4) };
}

/** The independent writer (test/helpers/slim-file.ts): `text` replaces the header JSON, `stream` the deflated header, `U` / `Z` the stored lengths. */
const buildV2 = (p: { header?: Record<string, unknown>; text?: Uint8Array; data: Uint8Array }, o: { stream?: Uint8Array; U?: number; Z?: number } = {}): Promise<Uint8Array> =>
  buildSlim({ major: 2, minor: 0, header: p.header ?? {}, data: p.data }, { ...o, ...(p.text ? { headerText: p.text } : {}) });

async function expectFormat(bytes: Uint8Array, re: RegExp): Promise<void> {
  try {
    await decodeSlim(bytes);
  } catch (err) {
    const x = err as { code?: string; message?: string; name?: string };
    expect(x.name, String(err)).toBe('SlimfitError');
    expect(x.code, String(err)).toBe('E_FORMAT');
    expect(x.message).not.toMatch(/malformed \.slim file \(/);
    expect(x.message, x.message).toMatch(re);
    return;
  }
  throw new Error('expected E_FORMAT, the file decoded');
}

/** The demo's scorecard: 45 binned indicator columns of the credit data, a logistic model, its 2-bit and pruned versions. */
function scorecard(): { features: string[]; X: { rows: number; cols: number; data: Float64Array }; model: LogisticModel; compressed: { name: string; model: CompressedLinearModel }[] } {
  const data = creditDataset(20_000, 2024);
  const binning = fitBinning(data.X, data.features, 8);
  const X = applyBinning(data.X, binning);
  const model = e.fitLogistic(X, data.defaulted, { ridge: 1e-6 });
  const compressed = [
    { name: '2-bit', model: e.compressModel(model, { quantize: { bits: 2 }, X }) },
    { name: '4-bit', model: e.compressModel(model, { quantize: { bits: 4 }, X }) },
    { name: '8-bit', model: e.compressModel(model, { quantize: { bits: 8 }, X }) },
    { name: 'pruned 50%', model: e.compressModel(model, { prune: { sparsity: 0.5 }, X }) },
    { name: 'pruned 50% + 4-bit', model: e.compressModel(model, { prune: { sparsity: 0.5 }, quantize: { bits: 4, granularity: { block: 15 } }, X }) },
  ];
  return { features: binning.names, X: { rows: 50, cols: X.cols, data: X.data.slice(0, 50 * X.cols) }, model, compressed };
}

const sc = scorecard();
const names = { features: sc.features, targets: ['default'] };
const full = { ...names, provenance: { created: CREATED, inputDigest: 'ab'.repeat(32), source: 'creditDataset(20000, 2024)', options: { command: 'compress', bits: 2 } }, statistics: { auc: 0.75, testRows: 4000 } };
const c2: SlimContent = { kind: 'compressed-logistic', model: sc.compressed[0].model };

describe('.slim version 2 layout', () => {
  it('preamble, one deflated header against the dictionary, packed tensors, CRC-32C', async () => {
    const bytes = await encodeSlim(c2, full);
    const p = await parseV2(bytes);
    expect(p.header).toMatchObject({ format: 'slimfit', kind: 'compressed-logistic', features: sc.features, targets: ['default'] });
    const table = p.header.tensors as { name: string; dtype: string; shape: number[] }[];
    for (const t of table) expect(Object.keys(t)).toEqual(['name', 'dtype', 'shape']);
    const size = { F64: 8, F32: 4, U8: 1, I8: 1, U16: 2, U32: 4 } as Record<string, number>;
    expect(p.data.length).toBe(table.reduce((s, t) => s + size[t.dtype] * t.shape.reduce((a, b) => a * b, 1), 0));
    expect(bytes.length).toBe(24 + p.Z + p.data.length);
    const info = await inspectSlim(bytes);
    expect([info.formatVersion, info.headerBytes, info.headerJsonBytes, info.dataBytes]).toEqual([{ major: 2, minor: 0 }, p.Z, p.U, p.data.length]);
    expect(info.coefficientBytes).toBe(sc.compressed[0].model.bytes);
    let off = 20 + p.Z;
    for (const t of info.tensors) {
      expect(t.offset).toBe(off); // back to back, no padding
      off += t.bytes;
    }
    // the independent writer's file (node:zlib's deflate) reads back the same
    const again = await decodeSlim(await buildV2({ header: p.header, data: p.data }));
    const back = await decodeSlim(bytes);
    expect({ ...again, header: undefined }).toEqual({ ...back, header: undefined });
    expect(again.header.provenance).toEqual(back.header.provenance);
  });

  it('version 1 and version 2 of every model kind decode to the same models', async () => {
    for (const content of [{ kind: 'logistic', model: sc.model }, ...sc.compressed.map((c) => ({ kind: 'compressed-logistic', model: c.model }))] as SlimContent[]) {
      const v1 = await decodeSlim(await encodeSlim(content, { ...full, formatVersion: 1 }));
      const v2 = await decodeSlim(await encodeSlim(content, full));
      expect(v2.header.formatVersion.major).toBe(2);
      expect({ ...v2, header: { ...v2.header, formatVersion: undefined, fileBytes: undefined } }).toEqual({ ...v1, header: { ...v1.header, formatVersion: undefined, fileBytes: undefined } });
    }
  });

  it('the 45-feature scorecard models: version 2 files a third of version 1 or less; stripped smaller still', async () => {
    const gzNames = gzipSync(sc.features.join('\n'), { level: 9 }).length;
    const rows: string[] = [];
    for (const c of [{ name: 'float', content: { kind: 'logistic', model: sc.model } as SlimContent, coef: 8 * 46 }, ...sc.compressed.map((x) => ({ name: x.name, content: { kind: 'compressed-logistic', model: x.model } as SlimContent, coef: x.model.bytes }))]) {
      const v1 = (await encodeSlim(c.content, { ...full, formatVersion: 1 })).length;
      const v2 = (await encodeSlim(c.content, full)).length;
      const stripped = (await encodeSlim(c.content, { ...names, strip: true })).length;
      rows.push(`${c.name}: coefficients ${c.coef} B, v1 ${v1} B, v2 ${v2} B, stripped ${stripped} B, goal 2 x coef + gzip(names) = ${2 * c.coef + gzNames} B`);
      if (c.name !== 'float') expect(v2 * 3).toBeLessThanOrEqual(v1);
      expect(stripped).toBeLessThan(v2);
    }
    console.log(rows.join('\n'));
  });
});

describe('strip and slimFileBytes', () => {
  it('strip leaves out provenance, statistics and step reports; the model predicts identically', async () => {
    for (const c of sc.compressed) {
      const content: SlimContent = { kind: 'compressed-logistic', model: c.model };
      const s = await decodeSlim(await encodeSlim(content, { ...full, strip: true }));
      expect(s.header.provenance).toBeUndefined();
      expect(s.header.statistics).toBeUndefined();
      expect([s.header.features, s.header.targets]).toEqual([sc.features, ['default']]);
      if (s.kind !== 'compressed-logistic') throw new Error(s.kind);
      const r = s.model.report();
      expect([r.prune, r.quantize]).toEqual([undefined, undefined]);
      const orig = c.model.report();
      expect({ ...r, prune: undefined, quantize: undefined }).toEqual({ ...orig, prune: undefined, quantize: undefined });
      expect(Buffer.from(s.model.predict(sc.X).buffer).equals(Buffer.from(c.model.predict(sc.X).buffer))).toBe(true);
      expect(Buffer.from(s.model.coefficients().buffer).equals(Buffer.from(c.model.coefficients().buffer))).toBe(true);
      expect((await inspectSlim(await encodeSlim(content, { ...names, strip: true }))).provenance).toBeUndefined();
    }
    const f = await decodeSlim(await encodeSlim({ kind: 'logistic', model: sc.model }, { ...full, strip: true }));
    if (f.kind !== 'logistic') throw new Error(f.kind);
    expect(Buffer.from(f.model.predictProba(sc.X).buffer).equals(Buffer.from(sc.model.predictProba(sc.X).buffer))).toBe(true);
    await expect(encodeSlim(c2, { strip: true, formatVersion: 1 })).rejects.toMatchObject({ code: 'E_RANGE' });
    await expect(encodeSlim(c2, { formatVersion: 3 as never })).rejects.toMatchObject({ code: 'E_RANGE' });
  });

  it('slimFileBytes is the length encodeSlim writes', async () => {
    for (const c of sc.compressed) {
      const content: SlimContent = { kind: 'compressed-logistic', model: c.model };
      expect(slimFileBytes(content, { ...names, strip: true })).toBe((await encodeSlim(content, { ...names, strip: true })).length);
      expect(slimFileBytes(content, full)).toBe((await encodeSlim(content, full)).length);
    }
  });

  it('compressionReport reports the file bytes its sizer gives', () => {
    const rows = e.compressionReport(sc.model, sc.X, Float64Array.from({ length: sc.X.rows }, (_, i) => i % 2), {
      bits: [2, 8],
      sparsity: [0],
      fileBytes: (m) => slimFileBytes(m instanceof CompressedLinearModel ? { kind: 'compressed-logistic', model: m } : { kind: 'logistic', model: m as LogisticModel }, { ...names, strip: true }),
    });
    expect(rows.map((r) => r.bits)).toEqual([null, 2, 8]);
    for (const r of rows) expect(r.fileBytes).toBeGreaterThan(r.bytes);
    expect(rows[1].fileBytes).toBeLessThan(rows[2].fileBytes!);
    expect(rows[0].fileBytes).toBe(slimFileBytes({ kind: 'logistic', model: sc.model }, { ...names, strip: true }));
    expect(e.compressionReport(sc.model, sc.X, Float64Array.from({ length: sc.X.rows }, (_, i) => i % 2), { bits: [4], sparsity: [0] })[1].fileBytes).toBeUndefined();
  });
});

describe('hostile version 2 files: E_FORMAT, never a model, never a large allocation', () => {
  const small: SlimContent = { kind: 'compressed-logistic', model: sc.compressed[1].model };

  it('lengths in the preamble', async () => {
    const p = await parseV2(await encodeSlim(small, { strip: true }));
    await expectFormat(await buildV2(p, { U: 16 * 1024 * 1024 + 1 }), /exceeds the 16777216-byte limit/);
    await expectFormat(await buildV2(p, { U: 1 }), /too small to hold a JSON object/);
    await expectFormat(await buildV2(p, { U: p.Z * 1032 + 1 }), /cannot inflate to/);
    await expectFormat(await buildV2(p, { Z: 0 }), /stored header is empty/);
    await expectFormat(await buildV2(p, { Z: 0xffffffff }), /truncated/);
    await expectFormat(await buildV2(p, { U: p.U + 1 }), new RegExp(`inflates to ${p.U} bytes, but the preamble says ${p.U + 1}`));
    await expectFormat(await buildV2(p, { U: p.U - 1 }), new RegExp(`inflates to more than the ${p.U - 1} bytes`));
    await expectFormat(await buildV2({ ...p, data: Uint8Array.from([...p.data, 0]) }), /data section is \d+ bytes but its tensors take \d+/);
    await expectFormat(await buildV2({ ...p, data: p.data.subarray(1) }), /past the \d+-byte data section/);
  });

  it('a decompression bomb stops at the declared length', async () => {
    // 20 MiB of spaces after a valid header: valid JSON, but more than any header may hold
    const text = Buffer.concat([Buffer.from(JSON.stringify((await parseV2(await encodeSlim(small, { strip: true }))).header)), Buffer.alloc(20 * 1024 * 1024, 0x20)]);
    const stream = deflateRawSync(text, { dictionary: DICT, level: 9 });
    expect(stream.length).toBeLessThan(text.length / 500);
    const before = process.memoryUsage().arrayBuffers;
    await expectFormat(await buildV2({ text: text.subarray(0, 1000), data: new Uint8Array(0) }, { stream, U: 16 * 1024 * 1024 }), /inflates to more than the 16777216 bytes/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(48 * 1024 * 1024);
  });

  it('streams that are not DEFLATE, or not against the dictionary', async () => {
    const p = await parseV2(await encodeSlim(small, { strip: true }));
    const json = Buffer.from(JSON.stringify(p.header));
    await expectFormat(await buildV2(p, { stream: Uint8Array.of(0xff, 0xff, 0xff, 0xff) }), /not a valid DEFLATE stream/);
    await expectFormat(await buildV2(p, { stream: deflateRawSync(json).subarray(0, 20) }), /not a valid DEFLATE stream|inflates to/);
    // deflated against another dictionary: its back-references fetch the wrong bytes (a stream that
    // never refers to the dictionary is valid without it: DEFLATE streams need not use it)
    const against = deflateRawSync(json, { dictionary: Buffer.concat([Buffer.alloc(20000, 0x7e), json]) });
    await expectFormat(await buildV2(p, { stream: against }), /header|DEFLATE/);
  });

  it('the header JSON is checked as in version 1; provenance may be absent, not malformed', async () => {
    const p = await parseV2(await encodeSlim(small, full));
    await expectFormat(await buildV2(p, { stream: deflateRawSync(Buffer.from('[1]'), { dictionary: DICT }), U: 3 }), /does not start with "\{"/);
    await expectFormat(await buildV2({ ...p, header: { ...p.header, provenance: { slimfit: 1 } } }), /provenance\.slimfit/);
    await expectFormat(await buildV2({ ...p, header: { ...p.header, format: 'other' } }), /header\.format must be "slimfit"/);
    const { provenance: _, ...bare } = p.header;
    expect((await decodeSlim(await buildV2({ ...p, header: bare }))).header.provenance).toBeUndefined();
    // a future minor is read; a future major refused
    const minor = await buildV2(p);
    minor[10] = 3;
    new DataView(minor.buffer).setUint32(minor.length - 4, await crc32c(minor.subarray(0, minor.length - 4)), true);
    expect((await decodeSlim(minor)).header.formatVersion).toEqual({ major: 2, minor: 3 });
  });

  it('every truncation and every single-byte flip: E_FORMAT or the same model, nothing else', async () => {
    const bytes = await encodeSlim(small, { ...names, strip: true });
    for (let n = 0; n < bytes.length; n++) await expectFormat(bytes.subarray(0, n), /truncated|not a \.slim|checksum|header|DEFLATE|section|length|inflate/);
    // cut inside the data section or the checksum: the header, still whole, says how long the file was
    const Z = new DataView(bytes.buffer, bytes.byteOffset).getUint32(16, true);
    for (let n = 24 + Z; n < bytes.length; n++) await expectFormat(bytes.subarray(0, n), new RegExp(`truncated \\.slim file: ${n} bytes, but its header describes ${bytes.length}$`));
    for (let i = 0; i < bytes.length - 4; i += 3) {
      const q = bytes.slice();
      q[i] ^= 1 << i % 8;
      new DataView(q.buffer).setUint32(q.length - 4, await crc32c(q.subarray(0, q.length - 4)), true);
      let d: DecodedSlim | undefined;
      try {
        d = await decodeSlim(q);
      } catch (err) {
        expect((err as { code?: string }).code, `flip at ${i}: ${String(err)}`).toBe('E_FORMAT');
      }
      if (d) expect(d.kind).toBe('compressed-logistic');
    }
  });
});

describe('documents and other readers', () => {
  it('the header dictionary is the one docs/FORMAT.md lists', () => {
    const doc = readFileSync(new URL('../docs/FORMAT.md', import.meta.url), 'utf8');
    const m = /<!-- header-dictionary -->\n```text\n([\s\S]*?)\n```/.exec(doc);
    expect(m, 'FORMAT.md has the dictionary block').not.toBeNull();
    expect(m![1].split('\n')).toEqual(HEADER_DICTIONARY_LINES);
    expect(HEADER_DICTIONARY.length).toBe(HEADER_DICTIONARY_LINES.join('\n').length); // ASCII only
  });

  it('the golden version 2 file: slimfit writes exactly those bytes (test/fixtures/golden-slim.json), FORMAT.md shows them', async () => {
    const golden = JSON.parse(readFileSync(GOLDEN_PATH, 'utf8')) as GoldenSlim;
    expect((await goldenSlim()).hexV2).toBe(golden.hexV2);
    const back = await decodeSlim(Uint8Array.from(Buffer.from(golden.hexV2, 'hex')));
    expect(back.kind === 'tensors' && back.tensors.w).toEqual({ shape: [3], data: Uint8Array.of(1, 2, 3) });
    const doc = readFileSync(new URL('../docs/FORMAT.md', import.meta.url), 'utf8');
    const dump = /<!-- golden-v2 -->\n```\n([\s\S]*?)\n```/.exec(doc);
    expect(dump, 'FORMAT.md has the version 2 dump').not.toBeNull();
    const hex = dump![1]
      .split('\n')
      .map((l) => l.slice(6, 53).replace(/ /g, ''))
      .join('');
    expect(hex).toBe(golden.hexV2);
  });

  const python = spawnSync('python3', ['--version']).status === 0;
  it.skipIf(!python)('the independent Python reader reads version 1, version 2 and stripped files and predicts the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slimread-'));
    const csv = [sc.features.map((f) => JSON.stringify(f)).join(','), ...Array.from({ length: 3 }, (_, i) => Array.from(sc.X.data.subarray(i * 45, i * 45 + 45)).join(','))].join('\n');
    writeFileSync(join(dir, 'x.csv'), `${csv}\n`);
    const script = new URL('./fixtures/slimread.py', import.meta.url).pathname;
    for (const c of [sc.compressed[0], sc.compressed[4]]) {
      const content: SlimContent = { kind: 'compressed-logistic', model: c.model };
      const want = Array.from(c.model.decisionFunction({ rows: 3, cols: 45, data: sc.X.data.slice(0, 135) })); // the reader prints the linear predictor
      for (const [tag, opts] of [['v1', { ...full, formatVersion: 1 as const }], ['v2', full], ['stripped', { ...names, strip: true }]] as const) {
        const f = join(dir, `${tag}.slim`);
        writeFileSync(f, await encodeSlim(content, opts));
        const r = spawnSync('python3', [script, f, join(dir, 'x.csv')], { encoding: 'utf8' });
        expect(r.status, `${c.name} ${tag}: ${r.stderr}`).toBe(0);
        expect(r.stdout).toMatch(new RegExp(`^v${tag === 'v1' ? 1 : 2}\\.0 kind=compressed-logistic`));
        const got = [...r.stdout.matchAll(/row \d+: out = (\S+)/g)].map((m) => Number(m[1]));
        expect(got.length).toBe(3);
        got.forEach((g, i) => expect(Math.abs(g - want[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want[i]))));
      }
    }
  });
});
