import type { Kernels } from '../types.js';
import { roundHalfEven } from './round.js';

/**
 * Pure-TS twin of assembly/quantize.ts: the reference implementation.
 *
 * Numerical contract (bit-identical to WASM):
 *  - quantize: q = clamp(roundHalfEven(f32(x / s)) + z, qmin, qmax) per
 *    segment (s: f32 scale, z: i32 zero point, 0 when zpPtr = 0). f32(x / s)
 *    is Math.fround of the f64 quotient of the two f32 values, which equals
 *    the IEEE f32 division (f64 has more than 2 * 24 + 2 bits). Packing by
 *    bits: 5..8 one per byte (q & 0xff), 3..4 two per byte (element i in bits
 *    4*(i&1)), 2 four per byte (element i in bits 2*(i&3)), stored as
 *    q & (2^slot - 1), unused bits of the last byte 0.
 *  - dequantize: out[i] = Math.fround((q - z) * s), q unpacked as above and
 *    sign-extended when `signed` != 0 (exact f64 product of two 24-bit
 *    significands, so one rounding, like WASM's f32 multiply).
 *  - quantizeColsF32 / dequantizeColsF32: the same per value, with the
 *    scale and zero point of column i % cols instead of segment i / seg.
 */
export function quantizeTwin(memory: WebAssembly.Memory): Pick<Kernels, 'quantizeF32' | 'dequantizeF32' | 'quantizeColsF32' | 'dequantizeColsF32'> {
  const slotOf = (bits: number): number => (bits >= 5 ? 8 : bits >= 3 ? 4 : 2);

  return {
    quantizeF32(xPtr, n, seg, scalePtr, zpPtr, qmin, qmax, bits, outPtr) {
      if (n <= 0 || seg < 1) return;
      qmin |= 0;
      qmax |= 0;
      const buf = memory.buffer;
      const G = Math.ceil(n / seg);
      const x = new Float32Array(buf, xPtr >>> 0, n);
      const sc = new Float32Array(buf, scalePtr >>> 0, G);
      const zp = zpPtr ? new Int32Array(buf, zpPtr >>> 0, G) : null;
      const slot = slotOf(bits);
      const per = 8 / slot; // values per byte
      const out = new Uint8Array(buf, outPtr >>> 0, Math.ceil(n / per));
      const m = (1 << slot) - 1;
      let byte = 0;
      for (let g = 0, start = 0; start < n; g++, start += seg) {
        const end = Math.min(start + seg, n);
        const s = sc[g];
        const z = zp ? zp[g] : 0;
        for (let i = start; i < end; i++) {
          let q = roundHalfEven(Math.fround(x[i] / s)) + z;
          q = q < qmin ? qmin : q > qmax ? qmax : q;
          if (slot === 8) {
            out[i] = q; // Uint8Array stores q mod 256 = q & 0xff
          } else {
            const sh = (i & (per - 1)) * slot;
            byte |= (q & m) << sh;
            if (sh + slot === 8) {
              out[(i / per) | 0] = byte;
              byte = 0;
            }
          }
        }
      }
      if (slot !== 8 && n % per !== 0) out[(n / per) | 0] = byte;
    },

    dequantizeF32(qPtr, n, seg, scalePtr, zpPtr, bits, signed, outPtr) {
      if (n <= 0 || seg < 1) return;
      const buf = memory.buffer;
      const G = Math.ceil(n / seg);
      const sc = new Float32Array(buf, scalePtr >>> 0, G);
      const zp = zpPtr ? new Int32Array(buf, zpPtr >>> 0, G) : null;
      const out = new Float32Array(buf, outPtr >>> 0, n);
      const slot = slotOf(bits);
      const per = 8 / slot;
      const sx = 32 - slot; // shift pair that sign-extends a slot-bit value
      const m = (1 << slot) - 1;
      const q8 = slot === 8 ? (signed ? new Int8Array(buf, qPtr >>> 0, n) : new Uint8Array(buf, qPtr >>> 0, n)) : null;
      const qp = new Uint8Array(buf, qPtr >>> 0, Math.ceil(n / per));
      for (let g = 0, start = 0; start < n; g++, start += seg) {
        const end = Math.min(start + seg, n);
        const s = sc[g];
        const z = zp ? zp[g] : 0;
        if (q8) {
          for (let i = start; i < end; i++) out[i] = (q8[i] - z) * s;
        } else {
          for (let i = start; i < end; i++) {
            let q = (qp[(i / per) | 0] >> ((i & (per - 1)) * slot)) & m;
            if (signed) q = (q << sx) >> sx;
            out[i] = (q - z) * s; // the Float32Array store is Math.fround
          }
        }
      }
    },
    quantizeColsF32(xPtr, n, cols, scalePtr, zpPtr, qmin, qmax, bits, outPtr) {
      if (n <= 0 || cols < 1) return;
      qmin |= 0;
      qmax |= 0;
      const buf = memory.buffer;
      const C = Math.min(cols, n);
      const x = new Float32Array(buf, xPtr >>> 0, n);
      const sc = new Float32Array(buf, scalePtr >>> 0, C);
      const zp = zpPtr ? new Int32Array(buf, zpPtr >>> 0, C) : null;
      const slot = slotOf(bits);
      const per = 8 / slot;
      const out = new Uint8Array(buf, outPtr >>> 0, Math.ceil(n / per));
      const m = (1 << slot) - 1;
      let byte = 0;
      for (let i = 0, c = 0; i < n; i++) {
        let q = roundHalfEven(Math.fround(x[i] / sc[c])) + (zp ? zp[c] : 0);
        q = q < qmin ? qmin : q > qmax ? qmax : q;
        if (slot === 8) {
          out[i] = q;
        } else {
          const sh = (i & (per - 1)) * slot;
          byte |= (q & m) << sh;
          if (sh + slot === 8) {
            out[(i / per) | 0] = byte;
            byte = 0;
          }
        }
        if (++c === cols) c = 0;
      }
      if (slot !== 8 && n % per !== 0) out[(n / per) | 0] = byte;
    },

    dequantizeColsF32(qPtr, n, cols, scalePtr, zpPtr, bits, signed, outPtr) {
      if (n <= 0 || cols < 1) return;
      const buf = memory.buffer;
      const C = Math.min(cols, n);
      const sc = new Float32Array(buf, scalePtr >>> 0, C);
      const zp = zpPtr ? new Int32Array(buf, zpPtr >>> 0, C) : null;
      const out = new Float32Array(buf, outPtr >>> 0, n);
      const slot = slotOf(bits);
      const per = 8 / slot;
      const sx = 32 - slot;
      const m = (1 << slot) - 1;
      const q8 = slot === 8 ? (signed ? new Int8Array(buf, qPtr >>> 0, n) : new Uint8Array(buf, qPtr >>> 0, n)) : null;
      const qp = new Uint8Array(buf, qPtr >>> 0, Math.ceil(n / per));
      for (let i = 0, c = 0; i < n; i++) {
        let q: number;
        if (q8) q = q8[i];
        else {
          q = (qp[(i / per) | 0] >> ((i & (per - 1)) * slot)) & m;
          if (signed) q = (q << sx) >> sx;
        }
        out[i] = (q - (zp ? zp[c] : 0)) * sc[c];
        if (++c === cols) c = 0;
      }
    },
  };
}
