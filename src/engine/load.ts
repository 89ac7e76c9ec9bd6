import type { Kernels } from '../kernels/types.js';
import { SlimfitError } from '../errors.js';

/** What the compiled module exports besides the kernels. */
export interface WasmExports extends Kernels {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
}

let modulePromise: Promise<WebAssembly.Module> | undefined;

const WASM_URL = new URL('../../build/release.wasm', import.meta.url);

async function readWasmBytes(): Promise<ArrayBuffer | Uint8Array<ArrayBuffer>> {
  if (WASM_URL.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    try {
      return await readFile(WASM_URL);
    } catch (e) {
      throw new SlimfitError('E_BACKEND', `cannot read ${WASM_URL.pathname}: run \`npm run build:wasm\` first (${(e as Error).message})`);
    }
  }
  const res = await fetch(WASM_URL);
  if (!res.ok) throw new SlimfitError('E_BACKEND', `cannot fetch ${WASM_URL.href}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

/**
 * Compiles the release module once per process and caches the
 * `WebAssembly.Module`; a failed compile is not cached, so a later call retries.
 */
export function compileModule(): Promise<WebAssembly.Module> {
  if (!modulePromise) {
    modulePromise = readWasmBytes()
      .then((bytes) => WebAssembly.compile(bytes))
      .catch((e: unknown) => {
        modulePromise = undefined;
        if (e instanceof SlimfitError) throw e;
        throw new SlimfitError('E_BACKEND', `cannot compile the slimfit WebAssembly module: ${(e as Error).message}`);
      });
  }
  return modulePromise;
}

/** A fresh instance (its own linear memory) of the cached module. */
export async function instantiate(): Promise<WasmExports> {
  const mod = await compileModule();
  const instance = await WebAssembly.instantiate(mod, {});
  return instance.exports as unknown as WasmExports;
}
