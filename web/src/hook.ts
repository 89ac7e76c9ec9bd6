/**
 * window.slimfitDemo: the page's test hook. Each call drives the same code
 * the controls do (so a test sees what a user would), and resolves with what
 * the Worker answered.
 */
import type { CompressRequest, CompressResult, DatasetInfo, EngineInfo, FitResult, Method, ScoreResult } from './protocol.js';

export interface RunOptions {
  rows?: number;
  seed?: number;
  target?: string;
  bins?: number;
  method?: Method;
  bits?: number;
  sparsity?: number;
}

export interface DemoHook {
  ready(): Promise<EngineInfo>;
  /** Loads the credit data, fits and compresses, through the controls. */
  run(o: RunOptions): Promise<{ data: DatasetInfo; fit: FitResult; compress: CompressResult }>;
  /** Compresses the current fit again with another setting, through the sliders. */
  compress(req: CompressRequest): Promise<CompressResult>;
  /** Scores a .slim: on `rows` (row-major), or on the held-out rows of the current fit. */
  score(slim: Uint8Array, rows?: Float64Array): Promise<ScoreResult>;
}

declare global {
  interface Window {
    slimfitDemo?: DemoHook;
  }
}

export function installHook(h: DemoHook): void {
  window.slimfitDemo = h;
}
