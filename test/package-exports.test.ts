/** The package as a user imports it: the "exports" map resolves to the built JS, and the engine finds its wasm from there. */
import { describe, expect, it } from 'vitest';

describe('package exports', () => {
  it("import 'slimfit' resolves to dist/ and runs a kernel", async () => {
    const spec = 'slimfit'; // a variable, so vitest does not alias it to src/
    const m = (await import(spec)) as typeof import('../src/index.js');
    const engine = await m.init();
    expect(engine.backend).toBe('wasm-simd');
    const { xtx } = engine.gram({ rows: 2, cols: 1, data: new Float64Array([3, 4]) });
    expect(Array.from(xtx)).toEqual([25]);
    expect(typeof m.encodeSlim).toBe('function');
  });
});

describe('package exports: slimfit/core', () => {
  it("import 'slimfit/core' gives the lean engine (no methods) and the free functions", async () => {
    const spec = 'slimfit/core';
    const m = (await import(spec)) as typeof import('../src/core.js');
    const engine = await m.init();
    expect(engine.backend).toBe('wasm-simd');
    expect('gram' in engine).toBe(false);
    const { xtx } = m.gram(engine, { rows: 2, cols: 1, data: new Float64Array([3, 4]) });
    expect(Array.from(xtx)).toEqual([25]);
    const model = m.fitLinear(engine, [[1], [2], [3]], [2, 4, 6]);
    expect(model.coef[0]).toBeCloseTo(2, 12);
    // The ONNX encoder (generated static code on protobufjs/minimal) loads from the built package too.
    expect(m.toONNX(model)).toBeInstanceOf(Uint8Array);
  });
});

describe('package exports: slimfit/node', () => {
  it("'slimfit/node' writes and reads a .slim file atomically; the browser entries do not carry its helpers", async () => {
    const { mkdtempSync, readdirSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const spec = 'slimfit/node';
    const node = (await import(spec)) as typeof import('../src/node.js');
    const m = (await import('slimfit' as string)) as typeof import('../src/index.js');
    expect('writeSlimFile' in m || 'writeFileAtomic' in m || 'readSlimFile' in m).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), 'slimfit-node-'));
    try {
      const engine = await m.init({ warmUp: false });
      const model = m.fitLinear(engine, [[1], [2], [3]], [2, 4, 6]);
      const path = join(dir, 'm.slim');
      await node.writeSlimFile(path, { kind: 'linear', model });
      expect(readdirSync(dir)).toEqual(['m.slim']);
      const back = await node.readSlimFile(path);
      expect('model' in back && back.model.predict([[4]])[0]).toBeCloseTo(8, 10);
      await expect(node.writeFileAtomic(join(dir, 'x'), 'x', { fsyn: false } as never)).rejects.toMatchObject({ code: 'E_RANGE', message: expect.stringMatching(/'fsyn'.*'fsync'/) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('package exports: slimfit/score', () => {
  it("'slimfit/score' decodes a float and a compressed .slim from dist/ (the latter's reader loaded on demand)", async () => {
    const spec = 'slimfit/score';
    const sc = (await import(spec)) as typeof import('../src/score.js');
    const m = (await import('slimfit' as string)) as typeof import('../src/index.js');
    const engine = await sc.init({ warmUp: false });
    expect(engine.backend).toBe('wasm-simd');
    const model = m.fitLinear(engine, [[1], [2], [3], [4]], [2, 4, 6, 8.5]);
    for (const content of [{ kind: 'linear' as const, model }, { kind: 'compressed-linear' as const, model: m.compressModel(engine, model, { quantize: { bits: 8 } }) }]) {
      const back = await sc.decodeSlim(await m.encodeSlim(content));
      expect(back.kind).toBe(content.kind);
      expect('model' in back && back.model.predict([[5]])[0]).toBeCloseTo(content.model.predict([[5]])[0], 12);
    }
    expect('fitLinear' in sc).toBe(false);
  });
});
