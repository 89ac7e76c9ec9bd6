/** Bytes of X copied into linear memory per kernel call when rows are streamed. */
export const CHUNK_BYTES = 1 << 20;

/** Rows per streamed chunk of an n*d f64 matrix: as many as fit in CHUNK_BYTES, at least one. */
export function chunkRows(n: number, d: number): number {
  return Math.max(1, Math.min(n, Math.floor(CHUNK_BYTES / (8 * Math.max(1, d)))));
}
