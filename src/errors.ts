/**
 * Every failure slimfit reports is a SlimfitError carrying a machine-readable
 * `code`; messages say what was wrong and what to do about it.
 */
export type SlimfitErrorCode =
  | 'E_SHAPE' // wrong or inconsistent dimensions, empty input, ragged rows
  | 'E_NONFINITE' // NaN or ±Infinity in an input (message names the first bad index)
  | 'E_RANGE' // an option outside its allowed range (bits: 9, ridge < 0, ...)
  | 'E_SINGULAR' // matrix not positive definite / design rank deficient (names the pivot or columns)
  | 'E_MEMORY' // a request beyond WebAssembly limits (1 GiB per buffer, 4 GiB in all), a fit's memory estimate beyond maxMemoryBytes, or a freed buffer
  | 'E_BACKEND' // the requested backend cannot run here, or init failed
  | 'E_SEPARATION' // logistic regression: the classes are (quasi-)completely separated
  | 'E_CONVERGENCE' // an iterative method did not converge
  | 'E_FORMAT'; // a corrupt, truncated or unsupported file

export class SlimfitError extends Error {
  readonly code: SlimfitErrorCode;
  /** Optional structured details (e.g. `{ index: 12 }`, `{ pivot: 3 }`, `{ columns: [2, 5] }`). */
  readonly details: Readonly<Record<string, unknown>> | undefined;
  /**
   * What went wrong, without the code. `message` is `${code}: ${reason}`;
   * code that rewraps an error builds on `reason`, never by parsing `message`.
   */
  readonly reason: string;

  constructor(code: SlimfitErrorCode, reason: string, details?: Record<string, unknown>) {
    super(`${code}: ${reason}`);
    this.name = 'SlimfitError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }
}

export function isSlimfitError(e: unknown, code?: SlimfitErrorCode): e is SlimfitError {
  return e instanceof SlimfitError && (code === undefined || e.code === code);
}
