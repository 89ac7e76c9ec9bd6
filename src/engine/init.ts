/**
 * init(): compile once, cache, pick the backend. One engine per backend choice
 * is cached, so repeated init() calls are cheap and share one linear memory; a
 * failed init is not cached (the next call retries).
 */
import { SlimfitError } from '../errors.js';
import type { Kernels } from '../kernels/types.js';
import { Engine, type BackendKind } from './engine.js';
import { instantiate, type CompileFn, type WasmSource } from './load.js';
import { simdSupported } from './simd.js';

export type BackendOption = 'auto' | 'wasm' | 'js';

export interface InitOptions {
  /**
   * 'auto' (default): SIMD WebAssembly where supported, else the JS twin
   * (also where the runtime refuses to compile WebAssembly: a
   * Content-Security-Policy without 'wasm-unsafe-eval'; engine.fallbackReason
   * says which); 'wasm' fails with E_BACKEND rather than fall back.
   */
  backend?: BackendOption;
  /**
   * true (default): run every kernel briefly before init() resolves, so that
   * the first real call already runs optimised code (tens of ms; see
   * warmup.ts). false: skip it, for pages that only score models (predict
   * runs no kernel), and never load the warm-up code; a later init() without
   * it warms the same engine.
   */
  warmUp?: boolean;
  /**
   * Where the kernels' WebAssembly module comes from. Default: the copy
   * inlined in the package (no file to serve, nothing for a bundler to copy).
   * A URL (fetched), a fetch Response, the bytes or a compiled module: for
   * sites that serve build/release.wasm as a separate, cacheable file. Engines
   * are cached per backend and source (a URL by its href, anything else by
   * identity).
   */
  wasm?: WasmSource;
}

const INIT_OPTION_KEYS = ['backend', 'warmUp', 'wasm'] as const satisfies readonly (keyof InitOptions)[];
/** Compile-time: an option added to InitOptions but not to INIT_OPTION_KEYS makes this a type error. */
const INIT_KEYS_COMPLETE: [Exclude<keyof InitOptions, (typeof INIT_OPTION_KEYS)[number]>] extends [never] ? true : never = true;

/** @internal An Engine or a subclass with the same constructor (the method facade). */
export type EngineClass<E extends Engine> = new (backend: BackendKind, kernels: Kernels, memory: WebAssembly.Memory, heapBase: number, fallbackReason?: string) => E;

/** @internal What createEngine may be given besides the backend: the module's source, and a stand-in for WebAssembly.compile (tests). */
export interface EngineSource {
  wasm?: WasmSource;
  compile?: CompileFn;
}

/** @internal An init() for engines of class E, with its own cache. */
export function initFor<E extends Engine>(Ctor: EngineClass<E>): (options?: InitOptions) => Promise<E> {
  // Keyed by backend, then by source: undefined (the inlined module), a URL's href, or the source object itself.
  const engines = new Map<BackendOption, Map<unknown, Promise<E>>>();
  return (opts?: InitOptions | null) => {
    const options = opts ?? {};
    // Two names: listing both is the did-you-mean (the engine imports no option machinery, to stay small for pages that only score).
    const unknown = typeof options === 'object' ? Object.keys(options).find((k) => !(INIT_OPTION_KEYS as readonly string[]).includes(k)) : String(options);
    if (unknown !== undefined) return Promise.reject(new SlimfitError('E_RANGE', `init: unknown option '${unknown}' (the options are 'backend', 'warmUp', 'wasm')`));
    const backend = options.backend ?? 'auto';
    if (backend !== 'auto' && backend !== 'wasm' && backend !== 'js') {
      return Promise.reject(new SlimfitError('E_RANGE', `backend must be 'auto', 'wasm' or 'js', got ${String(backend)}`));
    }
    const warm = options.warmUp ?? true;
    if (typeof warm !== 'boolean') return Promise.reject(new SlimfitError('E_RANGE', `warmUp must be true or false, got ${String(warm)}`));
    // The JS twin compiles nothing, so a source does not make it another engine.
    const wasm = backend === 'js' ? undefined : options.wasm;
    const key = wasm instanceof URL ? wasm.href : wasm;
    let bySource = engines.get(backend);
    if (!bySource) engines.set(backend, (bySource = new Map()));
    let p = bySource.get(key);
    if (!p) {
      const made = createEngine(backend, simdSupported(), Ctor, { wasm });
      bySource.set(key, made);
      made.catch(() => bySource.delete(key));
      p = made;
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
export function createEngine<E extends Engine>(backend: BackendOption, simd: boolean, Ctor: EngineClass<E>, source?: EngineSource): Promise<E>;
export async function createEngine(backend: BackendOption, simd: boolean, Ctor: EngineClass<Engine> = Engine, source: EngineSource = {}): Promise<Engine> {
  if (backend === 'js') return jsEngine(Ctor);
  if (!simd) {
    const reason = 'this runtime does not support WebAssembly SIMD';
    if (backend === 'wasm') throw new SlimfitError('E_BACKEND', `backend 'wasm' requested but ${reason}; use backend 'auto' or 'js'`);
    return jsEngine(Ctor, reason);
  }
  let ex;
  try {
    ex = await instantiate(source.wasm, source.compile);
  } catch (e) {
    // Only a refusal of a valid module (a CSP without 'wasm-unsafe-eval') falls back; bad bytes or a failed fetch are the caller's to fix.
    if (backend === 'auto' && e instanceof SlimfitError && e.details?.refused === true) return jsEngine(Ctor, e.reason);
    throw e;
  }
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
