/**
 * init(): compile once, cache, pick the backend. One engine per backend choice
 * is cached, so repeated init() calls are cheap and share one linear memory; a
 * failed init is not cached (the next call retries).
 */
import { SlimfitError } from '../errors.js';
import type { Kernels } from '../kernels/types.js';
import { Engine, type BackendKind } from './engine.js';
import { instantiate } from './load.js';
import { simdSupported } from './simd.js';

export type BackendOption = 'auto' | 'wasm' | 'js';

export interface InitOptions {
  /** 'auto' (default): SIMD WebAssembly where supported, else the JS twin; 'wasm' fails rather than fall back. */
  backend?: BackendOption;
  /**
   * true (default): run every kernel briefly before init() resolves, so that
   * the first real call already runs optimised code (tens of ms; see
   * warmup.ts). false: skip it, for pages that only score models (predict
   * runs no kernel), and never load the warm-up code; a later init() without
   * it warms the same engine.
   */
  warmUp?: boolean;
}

const INIT_OPTION_KEYS = ['backend', 'warmUp'] as const satisfies readonly (keyof InitOptions)[];
/** Compile-time: an option added to InitOptions but not to INIT_OPTION_KEYS makes this a type error. */
const INIT_KEYS_COMPLETE: [Exclude<keyof InitOptions, (typeof INIT_OPTION_KEYS)[number]>] extends [never] ? true : never = true;

/** @internal An Engine or a subclass with the same constructor (the method facade). */
export type EngineClass<E extends Engine> = new (backend: BackendKind, kernels: Kernels, memory: WebAssembly.Memory, heapBase: number, fallbackReason?: string) => E;

/** @internal An init() for engines of class E, with its own cache. */
export function initFor<E extends Engine>(Ctor: EngineClass<E>): (options?: InitOptions) => Promise<E> {
  const engines = new Map<BackendOption, Promise<E>>();
  return (opts?: InitOptions | null) => {
    const options = opts ?? {};
    // Two names: listing both is the did-you-mean (the engine imports no option machinery, to stay small for pages that only score).
    const unknown = typeof options === 'object' ? Object.keys(options).find((k) => !(INIT_OPTION_KEYS as readonly string[]).includes(k)) : String(options);
    if (unknown !== undefined) return Promise.reject(new SlimfitError('E_RANGE', `init: unknown option '${unknown}' (the options are 'backend', 'warmUp')`));
    const backend = options.backend ?? 'auto';
    if (backend !== 'auto' && backend !== 'wasm' && backend !== 'js') {
      return Promise.reject(new SlimfitError('E_RANGE', `backend must be 'auto', 'wasm' or 'js', got ${String(backend)}`));
    }
    const warm = options.warmUp ?? true;
    if (typeof warm !== 'boolean') return Promise.reject(new SlimfitError('E_RANGE', `warmUp must be true or false, got ${String(warm)}`));
    let p = engines.get(backend);
    if (!p) {
      p = createEngine(backend, simdSupported(), Ctor);
      engines.set(backend, p);
      p.catch(() => engines.delete(backend));
    }
    return warm ? p.then(warmed) : p;
  };
}

const warmedEngines = new WeakSet<Engine>();

/** The engine, warmed up once (the warm-up module is loaded on first need). */
async function warmed<E extends Engine>(engine: E): Promise<E> {
  if (warmedEngines.has(engine)) return engine;
  const { warmUp } = await import('./warmup.js');
  if (!warmedEngines.has(engine)) {
    warmUp(engine);
    warmedEngines.add(engine);
  }
  return engine;
}

/** The engine, cached per backend choice. */
export const init: (options?: InitOptions) => Promise<Engine> = /* @__PURE__ */ initFor(Engine);

/** @internal Builds an engine, not warmed up; `simd` is the probe's answer (tests inject false). */
export function createEngine(backend: BackendOption, simd: boolean): Promise<Engine>;
export function createEngine<E extends Engine>(backend: BackendOption, simd: boolean, Ctor: EngineClass<E>): Promise<E>;
export async function createEngine(backend: BackendOption, simd: boolean, Ctor: EngineClass<Engine> = Engine): Promise<Engine> {
  if (backend === 'js') return jsEngine(Ctor);
  if (!simd) {
    const reason = 'this runtime does not support WebAssembly SIMD';
    if (backend === 'wasm') throw new SlimfitError('E_BACKEND', `backend 'wasm' requested but ${reason}; use backend 'auto' or 'js'`);
    return jsEngine(Ctor, reason);
  }
  const ex = await instantiate();
  return new Ctor('wasm-simd', ex, ex.memory, ex.heapBase());
}

async function jsEngine(Ctor: EngineClass<Engine>, fallbackReason?: string): Promise<Engine> {
  // Loaded on demand: where SIMD runs, a code-splitting bundler never fetches the twin.
  const { createJsKernels } = await import('../kernels/js/index.js');
  // The twin runs over a WebAssembly.Memory too, so both backends share the
  // same memory semantics (growth, limits, zero-copy buffers).
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
  return new Ctor('js', createJsKernels(memory), memory, 16, fallbackReason);
}
