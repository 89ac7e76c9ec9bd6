// Constants shared by the kernels (not exported from the module).
//
// PACK4, the lane-compaction table (select's candidate compaction, N:M's
// survivor packing): entry bm (a compare bitmask, bit i = 32-bit lane i) is
// a swizzle that moves the selected lanes, in lane order, to the front of
// the vector; the bytes after them are 0 (don't-care). 64-bit lanes use it
// too: i32x4.bitmask of a 64-bit compare mask sets both halves' bits. Filled
// once at instantiation (the module's start function): the loop is smaller
// than the table as data.
export const PACK4: usize = memory.data(16 * 16, 16);

/**
 * Sign-clearing masks shared by the kernels (one copy of each in the data
 * section): ABS + 0: |f32| (4 lanes), ABS + 16: |f64| (2 lanes); and the
 * largest finite magnitudes' bit patterns: ABS + 32: f32, ABS + 48: f64.
 */
export const ABS: usize = memory.data<u32>([
  0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff,
  0xffffffff, 0x7fffffff, 0xffffffff, 0x7fffffff,
  0x7f7fffff, 0x7f7fffff, 0x7f7fffff, 0x7f7fffff,
  0xffffffff, 0x7fefffff, 0xffffffff, 0x7fefffff,
], 16);

for (let bm: u32 = 0; bm < 16; bm++) {
  let o = PACK4 + (<usize>bm << 4);
  for (let b: u32 = 0; b < 16; b++) {
    if ((bm >> (b >> 2)) & 1) store<u8>(o++, b);
  }
}
