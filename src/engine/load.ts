/**
 * Loading the kernels' WebAssembly module: by default the copy inlined at
 * build time (wasm-inline.ts: raw DEFLATE, base64; inflated on the runtime's
 * DecompressionStream), else the source given to init({ wasm }) (load-source.ts).
 * The bytes are validated before they are compiled: validate() is not subject
 * to a Content-Security-Policy, so invalid bytes (E_BACKEND in every mode)
 * are told from a runtime that refuses valid ones (E_BACKEND with
 * details.refused, which backend 'auto' answers with the JS twin). Nothing
 * here imports a Node built-in, so browsers and bundlers load it as is.
 */
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

/** Where the module comes from: a URL to fetch, a fetch Response, its bytes, or a module compiled already. */
export type WasmSource = URL | Response | ArrayBuffer | Uint8Array | WebAssembly.Module;

/** WebAssembly.compile, or a test's stand-in (a page whose CSP refuses compilation). */
export type CompileFn = (bytes: Uint8Array<ArrayBuffer>) => Promise<WebAssembly.Module>;

/** What the engine tells a caller on a refused compile, and the one CSP change that lifts it. */
export const REFUSED_HINT = "a Content-Security-Policy must allow 'wasm-unsafe-eval' in script-src";

/**
 * E_BACKEND for a runtime that refuses to compile or instantiate a valid
 * module (a Content-Security-Policy without 'wasm-unsafe-eval' throws a
 * CompileError or EvalError): details.refused is true, which lets backend
 * 'auto' fall back to the JS twin where bad bytes or a bad URL still fail.
 */
function refused(e: unknown): SlimfitError {
  return new SlimfitError('E_BACKEND', `WebAssembly compilation was refused here (${(e as Error)?.message ?? String(e)}): ${REFUSED_HINT}`, { refused: true });
}

/** Raw DEFLATE (RFC 1951) inflated: the runtime's DecompressionStream where it has one for 'deflate-raw', else fflate (a chunk loaded only then). */
async function inflateRaw(data: Uint8Array<ArrayBuffer>, length: number): Promise<Uint8Array<ArrayBuffer>> {
  let stream: DecompressionStream | undefined;
  try {
    stream = new DecompressionStream('deflate-raw');
  } catch {
    // No DecompressionStream, or one without 'deflate-raw' (Chromium before 103, Firefox before 113).
  }
  if (stream) return new Uint8Array(await new Response(new Blob([data]).stream().pipeThrough(stream)).arrayBuffer());
  const { inflateSync } = await import('./inflate-fallback.js');
  return inflateSync(data, { out: new Uint8Array(length) }) as Uint8Array<ArrayBuffer>;
}

/**
 * The release module inlined at build time (src/engine/wasm-inline.ts, a
 * chunk of its own that init() loads only when no `wasm` source is given).
 */
async function inlineBytes(): Promise<Uint8Array<ArrayBuffer>> {
  const { WASM_DEFLATED_BASE64, WASM_BYTES } = await import('./wasm-inline.js');
  const deflated = Uint8Array.from(atob(WASM_DEFLATED_BASE64), (c) => c.charCodeAt(0));
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await inflateRaw(deflated, WASM_BYTES);
  } catch (e) {
    throw new SlimfitError('E_BACKEND', `cannot inflate the inlined WebAssembly module: ${(e as Error).message}`);
  }
  if (bytes.length !== WASM_BYTES) throw new SlimfitError('E_BACKEND', `the inlined WebAssembly module inflated to ${bytes.length} bytes, expected ${WASM_BYTES}`);
  return bytes;
}

/** The compiled module from `source`: E_BACKEND for bytes that are not a valid module, E_BACKEND with details.refused where the runtime refuses valid ones. */
async function compileFrom(source: unknown, compile: CompileFn): Promise<WebAssembly.Module> {
  // The loader of URL / Response / bytes sources is a chunk of its own: a page on the inlined module never fetches it.
  const bytes = source === undefined ? await inlineBytes() : await (await import('./load-source.js')).sourceBytes(source, SlimfitError);
  // validate() is not subject to a CSP, so it tells bad bytes (fail in every mode) from a refusal (the JS twin under 'auto').
  if (!WebAssembly.validate(bytes)) {
    // The first bytes tell a truncated or damaged module (00 61 73 6d: "\0asm") from an HTML error page or another file.
    const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new SlimfitError('E_BACKEND', `the slimfit WebAssembly module is not valid WebAssembly (${bytes.length} bytes, starting ${head || 'with nothing'})`);
  }
  try {
    return await compile(bytes);
  } catch (e) {
    throw refused(e);
  }
}

let inlineModule: Promise<WebAssembly.Module> | undefined;
const webAssemblyCompile: CompileFn = (b) => WebAssembly.compile(b);

/**
 * Compiles the module from `source` (the inlined release module when
 * undefined: compiled once per process and cached; a failed compile is not
 * cached, so a later call retries). A WebAssembly.Module is taken as is.
 */
export function compileModule(source?: WasmSource, compile: CompileFn = webAssemblyCompile): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return Promise.resolve(source);
  if (source !== undefined || compile !== webAssemblyCompile) return compileFrom(source, compile);
  if (!inlineModule) {
    inlineModule = compileFrom(undefined, compile);
    inlineModule.catch(() => (inlineModule = undefined));
  }
  return inlineModule;
}

/** A fresh instance (its own linear memory) of `mod`, checked against the kernel ABI. */
async function instantiateModule(mod: WebAssembly.Module): Promise<WasmExports> {
  let instance: WebAssembly.Instance;
  try {
    instance = await WebAssembly.instantiate(mod, {});
  } catch (e) {
    // A LinkError is a module that wants imports: not slimfit's. Anything else on a compiled module is the runtime refusing.
    if (e instanceof WebAssembly.LinkError) throw new SlimfitError('E_BACKEND', `the WebAssembly module given is not slimfit's: ${e.message}`);
    throw refused(e);
  }
  return checkExports(instance.exports);
}

/**
 * A fresh instance (its own linear memory) of the module from `source`: the
 * inlined release module by default, or a URL, Response, bytes or compiled
 * module (a test's hand-built one included); `compile` stands in for
 * WebAssembly.compile (tests).
 */
export async function instantiate(source?: WasmSource, compile?: CompileFn): Promise<WasmExports> {
  return instantiateModule(await compileModule(source, compile));
}
