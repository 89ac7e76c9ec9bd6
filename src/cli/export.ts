/**
 * `slimfit export model.slim -o model.onnx [--format onnx|safetensors-dequantized]
 *   [--precision float64|float32] [--no-sparse] [--strip]`: a model file for a
 * deployment runtime. ONNX (toONNX: input X float32 [N, d] in the model's
 * feature order; outputs value, or probability and logit), or the effective
 * weights as plain float safetensors (toDequantizedSafetensors). Feature
 * names, targets and the .slim's provenance go with it, and in ONNX the name
 * and SHA-256 of the .slim it came from (--strip leaves out all but the
 * names). The write is atomic.
 */
import { basename, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { encodeModel } from '../export/onnx-encode.js';
import { onnxGraph, type ONNXPrecision } from '../export/onnx.js';
import { toDequantizedSafetensors } from '../export/safetensors-dequantized.js';
import { decodeSlim, type DecodedSlim } from '../io/slim.js';
import { Ctx, formatBytes } from './context.js';
import { inputError, usage } from './errors.js';
import { checkOutputPath, prefixed, readInput, sha256Bytes, writeFileAtomic } from './files.js';

export type ExportFormat = 'onnx' | 'safetensors-dequantized';

interface ExportFlags {
  output: string;
  format?: ExportFormat;
  precision: ONNXPrecision;
  sparse: boolean;
  strip?: boolean;
}

export function exportCommand(): Command {
  return new Command('export')
    .description('write a model for a deployment runtime: ONNX (ONNX Runtime and others), or its weights as plain float safetensors')
    .argument('<model.slim>', 'a model written by `slimfit fit` or `slimfit compress`')
    .requiredOption('-o, --output <file>', 'where to write it: .onnx, or .safetensors with --format safetensors-dequantized')
    .addOption(new Option('--format <format>', 'onnx, or safetensors-dequantized (float tensors any tool reads); default: from the -o extension').choices(['onnx', 'safetensors-dequantized']))
    .addOption(new Option('--precision <p>', 'ONNX: compute the score in float64 (outputs rounded to float32) or float32').choices(['float64', 'float32']).default('float64'))
    .addOption(new Option('--no-sparse', 'ONNX: store pruned weights dense even where a sparse initializer is smaller'))
    .addOption(new Option('--strip', 'leave out the provenance and the source file name and SHA-256 (feature and target names stay)'))
    .action(async (input: string, flags: ExportFlags, c: Command) => {
      await runExport(Ctx.of(c), input, flags);
    });
}

function formatOf(flags: ExportFlags): ExportFormat {
  const p = flags.output.toLowerCase();
  const byName: ExportFormat | undefined = p.endsWith('.onnx') ? 'onnx' : p.endsWith('.safetensors') ? 'safetensors-dequantized' : undefined;
  const format = flags.format ?? byName;
  if (format === undefined) throw usage(`-o must end in .onnx or .safetensors (or pass --format), got '${flags.output}'`);
  if (byName !== undefined && byName !== format) throw usage(`--format ${format} does not match -o '${flags.output}'`);
  return format;
}

export async function runExport(ctx: Ctx, input: string, flags: ExportFlags): Promise<void> {
  const format = formatOf(flags);
  if (resolve(input) === resolve(flags.output)) throw usage('-o would overwrite the input file; pick another name');
  checkOutputPath(flags.output);
  const bytes = await readInput(input);
  const name = basename(input);
  let file: DecodedSlim;
  try {
    file = await decodeSlim(bytes);
  } catch (e) {
    throw prefixed(e, name);
  }
  if (file.kind === 'tensors') throw inputError(`${name} holds tensors, not a model (see slimfit inspect ${name})`, 'E_INPUT');
  if (file.kind === 'reduced-rank' || file.kind === 'compressed-reduced-rank') throw inputError(`${name} is a ${file.kind} model; export writes linear and logistic models only (score it with slimfit predict)`, 'E_INPUT');
  const { features, targets, provenance } = file.header;
  const source = { kind: file.kind, model: file.model, header: { features, targets, ...(flags.strip ? {} : { provenance }) } };
  const origin = flags.strip ? undefined : { source: name, source_sha256: await sha256Bytes(bytes) };
  let out: Uint8Array;
  let detail: Record<string, unknown>;
  let summary: string;
  if (format === 'onnx') {
    const built = onnxGraph(source, { precision: flags.precision, sparse: flags.sparse, ...(origin ? { metadata: origin } : {}) });
    out = encodeModel(built.model);
    const opset = built.model.opsetImport[0].version;
    const g = built.storage.granularity;
    detail = {
      opset,
      irVersion: built.model.irVersion,
      weights: built.storage,
      inputs: built.model.graph.input.map((v) => v.name),
      outputs: built.model.graph.output.map((v) => v.name),
    };
    const gran = g === undefined ? '' : typeof g === 'object' ? `, blocks of ${g.block}` : g === 'axis' ? ', one scale per output' : ', one scale';
    summary = `ONNX opset ${opset} (IR ${built.model.irVersion}), weights ${built.storage.type}${gran}, ${built.storage.layout}; input X [N, ${file.model.d}], outputs ${(detail.outputs as string[]).join(', ')}`;
  } else {
    out = toDequantizedSafetensors(source);
    const quantized = 'bits' in file.model && file.model.bits !== null;
    detail = { dtype: quantized ? 'F32' : 'F64' };
    summary = `safetensors, coef ${String(detail.dtype)} (${quantized ? 'dequantized codes, exact' : 'float coefficients'}) + intercept F64`;
  }
  await writeFileAtomic(flags.output, out, { fsync: true });
  ctx.result({ command: 'export', input, output: flags.output, format, bytes: out.byteLength, inputBytes: bytes.byteLength, ...detail });
  ctx.print(`${name} -> ${flags.output}: ${summary}; ${formatBytes(out.byteLength)} (.slim ${formatBytes(bytes.byteLength)})`);
}
