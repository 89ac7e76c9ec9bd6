/**
 * ONNX Runtime (onnxruntime-web's wasm backend, which runs in Node) as the
 * test oracle for exported models: one thread, a session per model bytes.
 */
import * as ort from 'onnxruntime-web';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

/** Runs the model on X (float32 [n, d]) and returns every output as a typed array. */
export async function runOnnx(bytes: Uint8Array, X: Float32Array, n: number, d: number): Promise<Record<string, Float32Array | Float64Array>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ X: new ort.Tensor('float32', X, [n, d]) });
    const res: Record<string, Float32Array | Float64Array> = {};
    for (const [k, t] of Object.entries(out)) res[k] = t.data as Float32Array | Float64Array;
    return res;
  } finally {
    await session.release();
  }
}

/** The model's inputs and outputs as ONNX Runtime reads them: name, element type and shape (symbolic dims as names). */
export async function onnxSignature(bytes: Uint8Array): Promise<{ inputs: string[]; outputs: string[] }> {
  const session = await ort.InferenceSession.create(bytes);
  const describe = (v: ort.InferenceSession.ValueMetadata): string => (v.isTensor ? `${v.name}: ${v.type} [${v.shape.join(', ')}]` : `${v.name}: not a tensor`);
  try {
    return { inputs: session.inputMetadata.map(describe), outputs: session.outputMetadata.map(describe) };
  } finally {
    await session.release();
  }
}
