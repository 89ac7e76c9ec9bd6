/**
 * init(): compile once, cache, pick the backend. One engine per backend choice
 * is cached, so repeated init() calls are cheap and share one linear memory; a
 * failed init is not cached (the next call retries).
 */
import { SlimfitError } from '../errors.js';
import { createJsKernels } from '../kernels/js/index.js';
import { Engine } from './engine.js';
import { instantiate } from './load.js';
import { simdSupported } from './simd.js';

export type BackendOption = 'auto' | 'wasm' | 'js';

export interface InitOptions {
  /** 'auto' (default): SIMD WebAssembly where supported, else the JS twin; 'wasm' fails rather than fall back. */
  backend?: BackendOption;
}

const engines = new Map<BackendOption, Promise<Engine>>();

export function init(options: InitOptions = {}): Promise<Engine> {
  const backend = options.backend ?? 'auto';
  if (backend !== 'auto' && backend !== 'wasm' && backend !== 'js') {
    return Promise.reject(new SlimfitError('E_RANGE', `backend must be 'auto', 'wasm' or 'js', got ${String(backend)}`));
  }
  let p = engines.get(backend);
  if (!p) {
    p = createEngine(backend, simdSupported());
    engines.set(backend, p);
    p.catch(() => engines.delete(backend));
  }
  return p;
}

/** @internal Builds an engine; `simd` is the probe's answer (tests inject false). */
export async function createEngine(backend: BackendOption, simd: boolean): Promise<Engine> {
  if (backend === 'js') return jsEngine();
  if (!simd) {
    const reason = 'this runtime does not support WebAssembly SIMD';
    if (backend === 'wasm') throw new SlimfitError('E_BACKEND', `backend 'wasm' requested but ${reason}; use backend 'auto' or 'js'`);
    return jsEngine(reason);
  }
  const ex = await instantiate();
  return new Engine('wasm-simd', ex, ex.memory, ex.heapBase());
}

function jsEngine(fallbackReason?: string): Engine {
  // The twin runs over a WebAssembly.Memory too, so both backends share the
  // same memory semantics (growth, limits, zero-copy buffers).
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
  return new Engine('js', createJsKernels(memory), memory, 16, fallbackReason);
}
