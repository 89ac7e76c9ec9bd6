import type { Kernels } from '../types.js';
import { gramTwin } from './gram.js';
import { choleskyTwin } from './cholesky.js';
import { reduceTwin } from './reduce.js';
import { pruneTwin } from './prune.js';
import { nmTwin } from './nm.js';
import { selectTwin } from './select.js';
import { quantizeTwin } from './quantize.js';
import { finiteTwin } from './finite.js';
import { colStatsTwin } from './colstats.js';
import { nonzeroGramTwin } from './nonzero-gram.js';

/**
 * The pure-TS twin of the WebAssembly module: same ABI (pointers into the same
 * kind of `WebAssembly.Memory`), same semantics. Each twin derives its typed
 * views from `memory.buffer` on every call, so memory growth never leaves it
 * holding a detached view.
 */
export function createJsKernels(memory: WebAssembly.Memory): Kernels {
  return {
    ...gramTwin(memory),
    ...choleskyTwin(memory),
    ...reduceTwin(memory),
    ...pruneTwin(memory),
    ...nmTwin(memory),
    ...selectTwin(memory),
    ...quantizeTwin(memory),
    ...finiteTwin(memory),
    ...colStatsTwin(memory),
    ...nonzeroGramTwin(memory),
  };
}
