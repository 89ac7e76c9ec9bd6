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
