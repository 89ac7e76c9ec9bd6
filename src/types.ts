/** Public data types shared across the API. */

/** A row-major float64 matrix. `data.length === rows * cols`. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export type QuantScheme = 'symmetric' | 'affine';

/**
 * Quantization granularity: one scale for the whole tensor, one per row of a
 * [rows, cols] matrix (axis 0, "per output channel"), one per column (axis 1),
 * or one per block of consecutive values (llama.cpp / ONNX block_size style).
 */
export type Granularity = 'tensor' | { axis: 0 | 1; shape: [number, number] } | { block: number };

/**
 * A quantized tensor. Values are `q = saturate(roundHalfEven(x / s) + z)`,
 * dequantized as `(q - z) * s` (ONNX QuantizeLinear / DequantizeLinear).
 *
 * `data` layout: bits 5..8 hold one value per byte — an `Int8Array` for the
 * symmetric (signed) scheme, a `Uint8Array` for affine; bits 3..4 pack two
 * values per byte and bits 2 four per byte (element i in the low bits first),
 * always in a `Uint8Array`, signed values stored two's complement.
 * `scale[g]` / `zeroPoint[g]` belong to group g: the whole tensor (g = 0), row
 * g (axis 0), column g (axis 1) or block g (elements g*block ..).
 */
export interface QuantizedTensor {
  bits: number;
  scheme: QuantScheme;
  /** Logical shape, e.g. [n] or [rows, cols]. */
  shape: number[];
  granularity: Granularity;
  data: Int8Array | Uint8Array;
  scale: Float32Array;
  /** Present for the affine scheme (symmetric zero points are all 0). */
  zeroPoint?: Int32Array;
}
