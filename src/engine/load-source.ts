/**
 * The module's bytes from a source given to init({ wasm }): a URL (fetched),
 * a fetch Response, an ArrayBuffer or a Uint8Array. Loaded by load.ts only
 * when a source is given, so a page on the inlined module does not carry it.
 */
import type { SlimfitError } from '../errors.js';

/**
 * The caller passes SlimfitError: this lazy chunk then imports no module of
 * the eager code, so a bundler does not split errors.ts into a shared chunk
 * of its own (one more request, gzipped apart).
 */
type Fail = typeof SlimfitError;

/** The bytes behind a URL or Response, or E_BACKEND saying why there are none. */
async function responseBytes(SlimfitError: Fail, res: Response, what: string): Promise<Uint8Array<ArrayBuffer>> {
  if (!res.ok) throw new SlimfitError('E_BACKEND', `cannot load the slimfit WebAssembly module from ${what}: HTTP ${res.status}`);
  if (res.bodyUsed) throw new SlimfitError('E_BACKEND', `cannot load the slimfit WebAssembly module from ${what}: its body was already read`);
  try {
    return new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    throw new SlimfitError('E_BACKEND', `cannot read the slimfit WebAssembly module from ${what}: ${(e as Error).message}`);
  }
}

/** The module's bytes from `source`; E_RANGE for a value of another type. */
export async function sourceBytes(source: unknown, SlimfitError: Fail): Promise<Uint8Array<ArrayBuffer>> {
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (source instanceof Uint8Array) return new Uint8Array(source); // a copy: the caller may reuse its buffer
  if (source instanceof URL) {
    let res: Response;
    try {
      res = await fetch(source);
    } catch (e) {
      throw new SlimfitError('E_BACKEND', `cannot fetch the slimfit WebAssembly module from ${source.href}: ${(e as Error).message}`);
    }
    return responseBytes(SlimfitError, res, source.href);
  }
  if (typeof Response === 'function' && source instanceof Response) return responseBytes(SlimfitError, source, source.url || 'a Response');
  const got = source === null ? 'null' : typeof source === 'object' ? ((source as object).constructor?.name ?? 'an object') : typeof source;
  throw new SlimfitError('E_RANGE', `init: wasm must be a URL, a Response, an ArrayBuffer, a Uint8Array or a WebAssembly.Module, got ${got}${typeof source === 'string' ? " (a string: pass new URL(path, import.meta.url) or the page's base)" : ''}`);
}

