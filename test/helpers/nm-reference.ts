/**
 * The N:M selection the nmPrune kernels replaced (compress/select.ts nmMask):
 * top-n |w| per run of m by insertion, scanning in index order and moving
 * only past strictly smaller |w| (ties go to the lower index). Runs start at
 * each row's start (rows of `rowLen`; <= 0 or > length: one row) and a row's
 * last run may be shorter. The test oracle for the kernels and the op.
 */
export function nmReferenceMask(w: ArrayLike<number>, nk: number, m: number, rowLen: number): Uint8Array {
  const n = w.length;
  if (rowLen <= 0 || rowLen > n) rowLen = n;
  const mask = new Uint8Array((n + 7) >> 3);
  const top = new Int32Array(nk);
  for (let r0 = 0; r0 < n; r0 += rowLen) {
    const r1 = Math.min(n, r0 + rowLen);
    for (let g0 = r0; g0 < r1; g0 += m) {
      const g1 = Math.min(r1, g0 + m);
      let size = 0;
      for (let i = g0; i < g1; i++) {
        const v = Math.abs(w[i]);
        if (size === nk && !(v > Math.abs(w[top[nk - 1]]))) continue;
        let p = size < nk ? size++ : nk - 1;
        while (p > 0 && v > Math.abs(w[top[p - 1]])) {
          top[p] = top[p - 1];
          p--;
        }
        top[p] = i;
      }
      for (let j = 0; j < size; j++) mask[top[j] >> 3] |= 1 << (top[j] & 7);
    }
  }
  return mask;
}
