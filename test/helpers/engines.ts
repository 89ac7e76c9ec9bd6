/** Both public engines, for tests that run every case through each backend. */
import { expect } from 'vitest';
import { init, isSlimfitError, type Engine } from '../../src/index.js';

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

/** Asserts fn throws a SlimfitError with this code. */
export function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (e) {
    expect(isSlimfitError(e), String(e)).toBe(true);
    expect((e as { code: string }).code, String(e)).toBe(code);
    return;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}
