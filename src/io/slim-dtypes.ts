/**
 * The tensor-name and dtype limits of a .slim file, apart from the header
 * reader so that the lazy tensors reader can use them without reaching
 * slim-header.ts (a module a lazy chunk shares with the eager code splits
 * the eager code into one more chunk).
 */
import type { Dtype } from './binary.js';

/** Tensor names are at most this long. */
export const MAX_NAME_LENGTH = 1024;
/** dtypes a .slim file may hold. */
export const SLIM_DTYPES = ['F64', 'F32', 'I32', 'U32', 'I16', 'U16', 'I8', 'U8'] as const satisfies readonly Dtype[];
export type SlimDtype = (typeof SLIM_DTYPES)[number];
