/** Both public engines, for tests that run every case through each backend. */
import { init, type Engine } from '../../src/index.js';

export const ENGINE_BACKENDS = ['wasm', 'js'] as const;

export async function engine(backend: (typeof ENGINE_BACKENDS)[number]): Promise<Engine> {
  return init({ backend });
}

/** Expects fn to throw a SlimfitError with this code; returns it. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code ?? `not a SlimfitError: ${String(e)}`;
  }
  return undefined;
}
