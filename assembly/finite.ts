// Non-finite scan: the index of the first NaN or ±Infinity, or -1.
// Contract: exact (bit test on the exponent field), identical to the twin.
// Lets the engine validate large inputs at memory bandwidth instead of a
// scalar JS loop; scans 16 bytes per step and locates the lane only on a hit.

const F32_EXP: u32 = 0x7f800000;
const F64_EXP: u64 = 0x7ff0000000000000;

/** The exponent masks as vectors, loaded once (a v128.const literal is repeated at each use). */
const EXP: usize = memory.data<u64>([0x7f8000007f800000, 0x7f8000007f800000, F64_EXP, F64_EXP], 16);

export function findNonFiniteF32(x: usize, n: i32): i32 {
  const exp = v128.load(EXP);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const bits = v128.and(v128.load(x + (<usize>i << 2)), exp);
    if (v128.any_true(i32x4.eq(bits, exp))) break;
  }
  for (; i < n; i++) {
    if ((load<u32>(x + (<usize>i << 2)) & F32_EXP) == F32_EXP) return i;
  }
  return -1;
}

export function findNonFiniteF64(x: usize, n: i32): i32 {
  const exp = v128.load(EXP, 16);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const bits = v128.and(v128.load(x + (<usize>i << 3)), exp);
    if (v128.any_true(i64x2.eq(bits, exp))) break;
  }
  for (; i < n; i++) {
    if ((load<u64>(x + (<usize>i << 3)) & F64_EXP) == F64_EXP) return i;
  }
  return -1;
}
