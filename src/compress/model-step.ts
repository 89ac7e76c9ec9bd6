/** What every compressModel step knows of the model being compressed. */
export interface ModelStep {
  /** Features (columns of the outputs x d weight matrix W). */
  d: number;
  /** Outputs (rows of W). */
  m: number;
  method: 'rtn' | 'gptq';
  /** The calibration Hessian ('gptq' only). */
  H: Float64Array | undefined;
  /** GPTQ / SparseGPT damping, when given. */
  damp: number | undefined;
}
