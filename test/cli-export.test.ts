/**
 * `slimfit export` end to end against the built dist/: ONNX that ONNX Runtime
 * runs (the same graph as toONNX, with the .slim's name and SHA-256 added),
 * plain float safetensors, --json, and the usage / input errors.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compressModel } from '../src/compress/model.js';
import { toONNX } from '../src/export/onnx.js';
import { fitLinear, fitLogistic, init } from '../src/core.js';
import { normal, rng } from '../src/random.js';
import { decodeSafetensors } from '../src/io/safetensors.js';
import { decodeSlim, encodeSlim } from '../src/io/slim.js';
import { cliAsync } from './cli-fixtures.js';
import { runOnnx } from './helpers/ort.js';

const dir = mkdtempSync(join(tmpdir(), 'slimfit-export-'));
const p = (name: string) => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const e = await init();
const d = 5;
const features = ['age', 'income', 'debt', 'tenure', 'score'];
const n = 300;
const z = normal(rng(5));
const u = rng(6);
const Xfit = Float64Array.from({ length: n * d }, () => z());
const w = [0.5, -0.25, 1.5, -2, 0.125];
const eta = Array.from({ length: n }, (_, i) => w.reduce((s, v, j) => s + v * Xfit[i * d + j], -0.75));
const logit = fitLogistic(e, { rows: n, cols: d, data: Xfit }, eta.map((t) => (u() < 1 / (1 + Math.exp(-t)) ? 1 : 0)));
const lin = fitLinear(e, { rows: n, cols: d, data: Xfit }, eta.map((t) => 2 * t + 0.1 * z()));
const c4 = compressModel(e, logit, { quantize: { bits: 4, scheme: 'affine' }, prune: { sparsity: 0.4 } });
writeFileSync(p('c4.slim'), await encodeSlim({ kind: 'compressed-logistic', model: c4 }, { features, provenance: { source: 'loans.csv' } }));
writeFileSync(p('lin.slim'), await encodeSlim({ kind: 'linear', model: lin }, { features, targets: ['loss'] }));
writeFileSync(p('tensors.slim'), await encodeSlim({ kind: 'tensors', tensors: { a: { shape: [2], data: Float32Array.of(1, 2) } } }));
writeFileSync(p('bad.slim'), readFileSync(p('lin.slim')).subarray(0, 100));

const X = Float32Array.from({ length: 4 * d }, (_, i) => ((i * 7) % 11) - 5 + i / 8);

// The processes are independent (each writes its own output): run them side by side.
describe.concurrent('slimfit export', () => {
  it('writes ONNX that ONNX Runtime runs, the graph toONNX builds, with the source recorded', async () => {
    const r = await cliAsync(['--json', 'export', p('c4.slim'), '-o', p('c4.onnx')]);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res).toMatchObject({ ok: true, command: 'export', format: 'onnx', opset: 21, irVersion: 10, inputs: ['X'], outputs: ['probability', 'logit'] });
    expect(res.weights).toEqual({ type: 'uint4', layout: 'dense', granularity: 'tensor' });
    const bytes = new Uint8Array(readFileSync(p('c4.onnx')));
    expect(res.bytes).toBe(bytes.byteLength);
    const slim = readFileSync(p('c4.slim'));
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain(createHash('sha256').update(slim).digest('hex'));
    expect(text).toContain('"income"');
    expect(text).toContain('slimfit.provenance');
    const fromCli = await runOnnx(bytes, X, 4, d);
    const fromApi = await runOnnx(toONNX(await decodeSlim(new Uint8Array(slim))), X, 4, d);
    expect(Array.from(fromCli.probability)).toEqual(Array.from(fromApi.probability));
    expect(Array.from(fromCli.logit)).toEqual(Array.from(fromApi.logit));
  });

  it('--precision float32, --strip and a human summary line', async () => {
    const r = await cliAsync(['export', p('lin.slim'), '-o', p('lin.onnx'), '--precision', 'float32', '--strip']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/lin\.slim -> .*lin\.onnx: ONNX opset 13 \(IR 7\), weights float32, dense; input X \[N, 5\], outputs value; \d+ B \(\.slim [\d.]+ (B|KiB)\)/);
    const bytes = new Uint8Array(readFileSync(p('lin.onnx')));
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain('slimfit.features');
    expect(text).not.toContain('slimfit.provenance');
    expect(text).not.toContain('source_sha256');
    const out = await runOnnx(bytes, X, 4, d);
    const want = lin.predict(Array.from({ length: 4 }, (_, i) => Array.from(X.subarray(i * d, (i + 1) * d))));
    for (let i = 0; i < 4; i++) expect(out.value[i]).toBeCloseTo(want[i], 4);
  });

  it('--format safetensors-dequantized: plain float tensors, the dequantized weights bit for bit', async () => {
    const r = await cliAsync(['--json', 'export', p('c4.slim'), '--format', 'safetensors-dequantized', '-o', p('c4.safetensors')]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, format: 'safetensors-dequantized', dtype: 'F32' });
    const f = decodeSafetensors(new Uint8Array(readFileSync(p('c4.safetensors'))));
    expect(f.tensors.coef.dtype).toBe('F32');
    expect(f.tensors.coef.shape).toEqual([d]);
    expect(Array.from(f.tensors.coef.data as Float32Array)).toEqual(Array.from(Float32Array.from(c4.coefficients())));
    expect(Array.from(f.tensors.intercept.data as Float64Array)).toEqual(Array.from(c4.intercept));
    expect(f.metadata).toMatchObject({ format: 'slimfit-dequantized', task: 'logistic', features: JSON.stringify(features) });
    expect(Object.keys(f.metadata ?? {}).some((k) => k.startsWith('slimfit.'))).toBe(false);
    // The extension alone picks the format; a float model keeps F64.
    const r2 = await cliAsync(['export', p('lin.slim'), '-o', p('lin.safetensors')]);
    expect(r2.code, r2.stderr).toBe(0);
    const g = decodeSafetensors(new Uint8Array(readFileSync(p('lin.safetensors'))));
    expect(g.tensors.coef.dtype).toBe('F64');
    expect(Array.from(g.tensors.coef.data as Float64Array)).toEqual(Array.from(lin.coef));
    expect(g.metadata?.targets).toBe('["loss"]');
  });

  it('refuses bad usage (exit 2) and bad input (exit 3) with one error line', async () => {
    const runs = await Promise.all([
      cliAsync(['export', p('lin.slim'), '-o', p('lin.txt')]),
      cliAsync(['export', p('lin.slim'), '--format', 'onnx', '-o', p('x.safetensors')]),
      cliAsync(['export', p('lin.slim'), '-o', p('lin.slim')]),
      cliAsync(['export', p('lin.slim'), '--precision', 'half', '-o', p('y.onnx')]),
      cliAsync(['export', p('tensors.slim'), '-o', p('t.onnx')]),
      cliAsync(['export', p('bad.slim'), '-o', p('b.onnx')]),
      cliAsync(['export', p('lin.slim'), '-o', p('no-such-dir/m.onnx')]),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2, 3, 3, 3]);
    for (const r of runs) expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(runs[0].stderr).toContain('.onnx or .safetensors');
    expect(runs[4].stderr).toContain('holds tensors, not a model');
    expect(runs[5].stderr).toContain('bad.slim');
  });
});
