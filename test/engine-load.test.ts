/** Loading checks the module's exports against the kernel ABI, key by key. */
import { describe, expect, it } from 'vitest';
import { instantiate } from '../src/engine/load.js';

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
});
