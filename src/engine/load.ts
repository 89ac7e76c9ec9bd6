import type { Kernels } from '../kernels/types.js';
import { SlimfitError } from '../errors.js';

/** What the compiled module exports besides the kernels. */
export interface WasmExports extends Kernels {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
}

/**
 * Every kernel the module must export: a Record over the ABI's keys, so the
 * compiler insists this list and the Kernels interface name the same set.
 */
const KERNEL_EXPORTS: Readonly<Record<keyof Kernels, true>> = {
  findNonFiniteF32: true,
  findNonFiniteF64: true,
  gramScratchBytes: true,
  gramF64: true,
  gramCentredF64: true,
  colStatsF64: true,
  nonzeroGramF64: true,
  choleskyF64: true,
  cholSolveF64: true,
  segMinMaxF32: true,
  segMinMaxF64: true,
  segMaxAbsF32: true,
  segMaxAbsF64: true,
  segNormF32: true,
  segNormF64: true,
  pruneF32: true,
  pruneF64: true,
  nmPruneF32: true,
  nmPruneF64: true,
  kthAbsF32: true,
  kthAbsF64: true,
  quantizeF32: true,
  dequantizeF32: true,
  colMaxAbsF32: true,
  colMinMaxF32: true,
  quantizeColsF32: true,
  dequantizeColsF32: true,
};

/** The instance's exports as WasmExports, or E_BACKEND naming the first export that is missing or not a function. */
function checkExports(exports: WebAssembly.Exports): WasmExports {
  if (!(exports.memory instanceof WebAssembly.Memory)) throw new SlimfitError('E_BACKEND', 'the slimfit WebAssembly module exports no memory: rebuild it (`npm run build:wasm`)');
  for (const name of ['heapBase', ...Object.keys(KERNEL_EXPORTS)]) {
    if (typeof exports[name] !== 'function') {
      throw new SlimfitError('E_BACKEND', `the slimfit WebAssembly module has no kernel export '${name}': it is older or newer than this library; rebuild it (\`npm run build:wasm\`)`);
    }
  }
  return exports as unknown as WasmExports;
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

/** A fresh instance (its own linear memory) of the cached module, or of `mod` (a test's hand-built module). */
export async function instantiate(mod?: WebAssembly.Module): Promise<WasmExports> {
  mod ??= await compileModule();
  const instance = await WebAssembly.instantiate(mod, {});
  return checkExports(instance.exports);
}
