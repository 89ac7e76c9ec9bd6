/** Loading checks the module's exports against the kernel ABI, key by key. */
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { init, gram } from '../src/core.js';
import { Engine } from '../src/engine/engine.js';
import { createEngine } from '../src/engine/init.js';
import { instantiate, type WasmSource } from '../src/engine/load.js';

// (module (memory (export "memory") 1) (func (export "heapBase") (result i32) i32.const 16))
const NO_KERNELS = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,
  0x03, 0x02, 0x01, 0x00,
  0x05, 0x03, 0x01, 0x00, 0x01,
  0x07, 0x15, 0x02, 0x06, ...new TextEncoder().encode('memory'), 0x02, 0x00, 0x08, ...new TextEncoder().encode('heapBase'), 0x00, 0x00,
  0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x10, 0x0b,
]);

describe('engine load', () => {
  it('the release module exports every kernel of the ABI', async () => {
    const ex = await instantiate();
    expect(typeof ex.gramF64).toBe('function');
    expect(ex.memory).toBeInstanceOf(WebAssembly.Memory);
  });

  it('a module missing a kernel is E_BACKEND naming the export', async () => {
    const mod = await WebAssembly.compile(NO_KERNELS);
    await expect(instantiate(mod)).rejects.toMatchObject({ code: 'E_BACKEND', message: expect.stringMatching(/no kernel export 'findNonFiniteF32'/) });
  });
});

describe('init warm-up option', () => {
  it('warmUp: false gives the same cached engine that a later init() warms; a non-boolean is E_RANGE', async () => {
    const { init } = await import('../src/core.js');
    const cold = await init({ backend: 'js', warmUp: false });
    const warm = await init({ backend: 'js' });
    expect(warm).toBe(cold);
    await expect(init({ warmUp: 'yes' as never })).rejects.toMatchObject({ code: 'E_RANGE' });
  });

  it.each(['wasm', 'js'] as const)('the warm-up (%s) releases every scratch block it allocated', async (backend) => {
    const { warmUp } = await import('../src/engine/warmup.js');
    const e = await createEngine(backend, backend === 'wasm');
    const keep = e.arena.alloc(64); // a block of the caller's: the warm-up must leave it alone
    const blocks = e.arena.liveBlocks;
    const bytes = e.arena.bytesInUse;
    warmUp(e);
    expect(e.arena.liveBlocks).toBe(blocks);
    expect(e.arena.bytesInUse).toBe(bytes);
    e.arena.release(keep);
    expect(e.arena.liveBlocks).toBe(0);
  });
});

describe('init({ wasm }): where the module comes from', () => {
  const release = readFileSync(new URL('../build/release.wasm', import.meta.url));
  const bytes = () => new Uint8Array(release);
  const gramOf = (e: Engine) => Array.from(gram(e, { rows: 2, cols: 1, data: new Float64Array([3, 4]) }).xtx);

  it('the default is the inlined module: byte for byte build/release.wasm', async () => {
    const { WASM_DEFLATED_BASE64, WASM_BYTES } = await import('../src/engine/wasm-inline.js');
    expect(WASM_BYTES).toBe(release.length);
    expect(Buffer.from(inflateRawSync(Buffer.from(WASM_DEFLATED_BASE64, 'base64'))).equals(release)).toBe(true);
    const e = await createEngine('wasm', true, Engine);
    expect(e.backend).toBe('wasm-simd');
    expect(gramOf(e)).toEqual([25]);
  });

  it('without DecompressionStream the inlined module inflates with fflate', async () => {
    const saved = globalThis.DecompressionStream;
    let compiled = 0;
    try {
      (globalThis as { DecompressionStream?: unknown }).DecompressionStream = undefined;
      const ex = await instantiate(undefined, (b) => (compiled++, WebAssembly.compile(b)));
      expect(compiled).toBe(1);
      expect(typeof ex.gramF64).toBe('function');
    } finally {
      globalThis.DecompressionStream = saved;
    }
  });

  const sources: [string, () => WasmSource][] = [
    ['a Uint8Array', bytes],
    ['an ArrayBuffer', () => bytes().buffer],
    ['a Response', () => new Response(bytes(), { headers: { 'content-type': 'application/wasm' } })],
    ['a URL (fetched)', () => new URL(`data:application/wasm;base64,${release.toString('base64')}`)],
  ];
  for (const [what, source] of sources) {
    it(`from ${what}`, async () => {
      const e = await init({ backend: 'wasm', warmUp: false, wasm: source() });
      expect(e.backend).toBe('wasm-simd');
      expect(gramOf(e)).toEqual([25]);
    });
  }

  it('from a WebAssembly.Module; engines are cached per source', async () => {
    const mod = await WebAssembly.compile(bytes());
    const a = await init({ backend: 'wasm', warmUp: false, wasm: mod });
    expect(gramOf(a)).toEqual([25]);
    expect(await init({ backend: 'wasm', warmUp: false, wasm: mod })).toBe(a);
    expect(await init({ backend: 'wasm', warmUp: false })).not.toBe(a);
    const url = `data:application/wasm;base64,${release.toString('base64')}`;
    expect(await init({ backend: 'wasm', warmUp: false, wasm: new URL(url) })).toBe(await init({ backend: 'wasm', warmUp: false, wasm: new URL(url) }));
  });

  it('bad bytes, a failed response, a failed fetch: E_BACKEND, also under auto (no silent fallback)', async () => {
    await expect(init({ warmUp: false, wasm: new TextEncoder().encode('<html>not found</html>') })).rejects.toMatchObject({ code: 'E_BACKEND', message: expect.stringMatching(/not valid WebAssembly \(22 bytes, starting 3c 68 74 6d\)/) });
    const truncated = bytes().subarray(0, 1000);
    await expect(init({ warmUp: false, wasm: truncated })).rejects.toMatchObject({ code: 'E_BACKEND', message: expect.stringMatching(/not valid WebAssembly \(1000 bytes, starting 00 61 73 6d\)/) });
    await expect(init({ warmUp: false, wasm: new Response('missing', { status: 404 }) })).rejects.toMatchObject({ code: 'E_BACKEND', message: expect.stringMatching(/HTTP 404/) });
    const used = new Response(bytes());
    await used.arrayBuffer();
    await expect(init({ warmUp: false, wasm: used })).rejects.toMatchObject({ code: 'E_BACKEND', message: expect.stringMatching(/already read/) });
    await expect(init({ warmUp: false, wasm: new URL('http://127.0.0.1:1/release.wasm') })).rejects.toMatchObject({ code: 'E_BACKEND', message: expect.stringMatching(/cannot fetch .*127\.0\.0\.1:1/) });
    await expect(init({ warmUp: false, wasm: new WebAssembly.Module(NO_KERNELS) })).rejects.toMatchObject({ code: 'E_BACKEND', message: expect.stringMatching(/no kernel export/) });
  });

  it('a value of another type is E_RANGE; a string gets the hint to make it a URL', async () => {
    await expect(init({ wasm: '/release.wasm' as never })).rejects.toMatchObject({ code: 'E_RANGE', message: expect.stringMatching(/got string \(a string: pass new URL/) });
    await expect(init({ wasm: 42 as never })).rejects.toMatchObject({ code: 'E_RANGE', message: expect.stringMatching(/got number/) });
    await expect(init({ wasm: [1, 2] as never })).rejects.toMatchObject({ code: 'E_RANGE', message: expect.stringMatching(/got Array/) });
  });

  it("the option name is checked: 'wasn' is E_RANGE listing 'wasm'", async () => {
    await expect(init({ wasn: bytes() } as never)).rejects.toMatchObject({ code: 'E_RANGE', message: expect.stringMatching(/unknown option 'wasn'.*'wasm'/) });
  });
});

describe('a runtime that refuses to compile WebAssembly (a CSP without wasm-unsafe-eval)', () => {
  // What Chromium throws under such a policy; Firefox and Safari throw a CompileError or EvalError with their own words.
  const refuse = (): Promise<WebAssembly.Module> =>
    Promise.reject(new WebAssembly.CompileError("WebAssembly.compile(): Refused to compile or instantiate WebAssembly module because 'unsafe-eval' is not an allowed source of script"));
  const evalRefuse = (): Promise<WebAssembly.Module> => Promise.reject(new EvalError('call to WebAssembly.compile() blocked by CSP'));

  it("backend 'auto' falls back to the JS twin and fallbackReason names the refusal and the CSP fix", async () => {
    for (const compile of [refuse, evalRefuse]) {
      const e = await createEngine('auto', true, Engine, { compile });
      expect(e.backend).toBe('js');
      expect(e.fallbackReason).toMatch(/refused.*'wasm-unsafe-eval'/);
      expect(Array.from(gram(e, { rows: 2, cols: 1, data: new Float64Array([3, 4]) }).xtx)).toEqual([25]);
    }
  });

  it("backend 'wasm' fails with E_BACKEND", async () => {
    await expect(createEngine('wasm', true, Engine, { compile: refuse })).rejects.toMatchObject({ code: 'E_BACKEND', message: expect.stringMatching(/refused.*'wasm-unsafe-eval'/) });
  });

  it('bytes that do not validate are E_BACKEND even under auto: the compile stand-in is never reached', async () => {
    let called = false;
    const compile = (b: Uint8Array<ArrayBuffer>) => ((called = true), WebAssembly.compile(b));
    await expect(createEngine('auto', true, Engine, { wasm: new Uint8Array(8), compile })).rejects.toMatchObject({ code: 'E_BACKEND' });
    expect(called).toBe(false);
  });
});
