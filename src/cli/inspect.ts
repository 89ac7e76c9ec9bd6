/**
 * `slimfit inspect file.slim|file.safetensors`: what is in it, sizes,
 * provenance and checksum status. A file that is readable but corrupt (bad
 * checksum, inconsistent tensor) is described, and the command exits 3.
 */
import { basename } from 'node:path';
import { Command } from 'commander';
import { inspectSlim, isSlim, type SlimInfo } from '../io/slim.js';
import { isSafetensors } from '../io/safetensors.js';
import { Ctx, formatBytes, jsonReplacer, textTable } from './context.js';
import { CliError, EXIT, green, red, reportError } from './errors.js';
import { kindOfPath, prefixed, readInput } from './files.js';
import { inspectWeights, type WeightsInfo } from './weights.js';

export function inspectCommand(): Command {
  return new Command('inspect')
    .description('show what a .slim or .safetensors file holds: kind, tensors, sizes, provenance, checksum status')
    .argument('<file>', 'a .slim or .safetensors file')
    .action(async (file: string, _f: unknown, c: Command) => {
      await runInspect(Ctx.of(c), file);
    });
}

const shape = (s: number[]) => `[${s.join(', ')}]`;

function describeModel(info: SlimInfo): string[] {
  const m = info.model ?? {};
  const o = info.provenance?.options ?? {};
  const lines: string[] = [];
  const feats = info.features ?? (Array.isArray(o.features) ? (o.features as string[]) : []);
  const d = typeof m.d === 'number' ? m.d : feats.length;
  if (info.kind === 'tensors') return [`${info.tensors.length} tensors`];
  const task = info.kind.includes('logistic') ? 'logistic regression' : 'least squares';
  if (info.kind === 'reduced-rank' || info.kind === 'compressed-reduced-rank') {
    const part = (p: unknown) => ((p as { bits?: unknown } | undefined)?.bits == null ? 'float64' : `${String((p as { bits: unknown }).bits)}-bit`);
    const how = info.kind === 'reduced-rank' ? 'float64' : `encoder ${part(m.encoder)}, decoder ${part(m.decoder)}`;
    lines.push(`reduced-rank regression (${how}): ${d} features -> rank ${String(m.rank)} -> ${String(m.outputs)} outputs`);
  } else if (info.kind.startsWith('compressed')) {
    const rep = (m.report ?? {}) as Record<string, unknown>;
    const bits = m.bits === null || m.bits === undefined ? 'float64 values' : `${String(m.bits)}-bit ${String(m.scheme)} codes`;
    const sp = typeof rep.sparsity === 'number' && rep.sparsity > 0 ? `, ${(100 * rep.sparsity).toFixed(1)}% pruned (${String(m.index)} index)` : '';
    lines.push(`compressed ${task} model: ${d} coefficients as ${bits}${sp}, method ${String(rep.method ?? '?')}, group size ${String(m.groupSize)}`);
  } else {
    lines.push(`${task} model (float64): ${d} coefficients + intercept`);
  }
  if (feats.length) lines.push(`features: ${feats.slice(0, 12).join(', ')}${feats.length > 12 ? `, ... (${feats.length})` : ''}`);
  const target = info.targets?.join(', ') ?? o.target;
  if (typeof target === 'string') lines.push(`target${info.targets && info.targets.length > 1 ? 's' : ''}: ${target}`);
  return lines;
}

export async function runInspect(ctx: Ctx, file: string): Promise<void> {
  const bytes = await readInput(file);
  const name = basename(file);
  // By content, not by name: a renamed file is still recognised.
  const kind = isSlim(bytes) ? 'slim' : isSafetensors(bytes) ? 'safetensors' : kindOfPath(file);
  if (kind === undefined) throw new CliError('E_FORMAT', `${name} is neither a .slim file (magic bytes 89 53 4C 49 4D 0D 0A 1A) nor safetensors`, EXIT.INPUT);
  if (kind === 'safetensors') {
    const w: WeightsInfo = await inspectWeights(bytes, name);
    ctx.result({ command: 'inspect', file, format: 'safetensors', ...w });
    ctx.print(`${file}: safetensors, ${formatBytes(bytes.byteLength)}, ${w.tensors.length} tensors, header ${formatBytes(w.headerBytes)}`);
    const meta = Object.entries(w.metadata ?? {}).filter(([k]) => !/^slimfit\..+\.(bits|scheme|granularity|shape)$/.test(k));
    if (meta.length) ctx.print(`metadata:\n${meta.map(([k, v]) => `  ${k}: ${v.length > 100 ? `${v.slice(0, 97)}...` : v}`).join('\n')}`);
    ctx.print(textTable(['tensor', 'dtype', 'shape', 'bytes', 'holds'], w.tensors.map((t) => [t.name, t.dtype, shape(t.shape), String(t.bytes), t.quantized ?? '']), [0, 1, 4]));
    return;
  }
  let info: SlimInfo;
  try {
    info = await inspectSlim(bytes);
  } catch (e) {
    throw prefixed(e, name);
  }
  const { provenance: p } = info;
  const corrupt = info.valid ? undefined : new CliError('E_FORMAT', `${name} is corrupt: ${info.problem}`, EXIT.INPUT);
  if (corrupt && ctx.json) {
    // One JSON object, always: the description and the error together; the error line goes to stderr alone.
    process.stdout.write(`${JSON.stringify({ ok: false, error: { code: corrupt.code, message: corrupt.message, exitCode: corrupt.exitCode }, command: 'inspect', file, format: 'slim', ...info }, jsonReplacer)}\n`);
    process.exitCode = reportError(corrupt, { json: false });
    return;
  }
  ctx.result({ command: 'inspect', file, format: 'slim', ...info });
  const ck = info.checksum.ok ? green('ok') : red('MISMATCH');
  const header = info.headerJsonBytes === info.headerBytes ? `header ${info.headerBytes} B` : `header ${info.headerBytes} B deflated from ${info.headerJsonBytes} B of JSON`;
  const coef = info.coefficientBytes === undefined ? '' : `; coefficients ${info.coefficientBytes} B, file ${(info.fileBytes / info.coefficientBytes).toFixed(1)}x that`;
  ctx.print(`${file}: .slim v${info.formatVersion.major}.${info.formatVersion.minor}, kind ${info.kind}, file ${info.fileBytes} B (${header}, data ${info.dataBytes} B)${coef}`);
  for (const l of describeModel(info)) ctx.print(l);
  ctx.print(`checksum: crc32c ${info.checksum.stored} ${ck}${info.checksum.ok ? '' : ` (computed ${info.checksum.computed})`}`);
  if (p) ctx.print(`made by slimfit ${p.slimfit} at ${p.created}${p.source ? ` from ${p.source}` : ''}${p.inputDigest ? ` (sha256 ${p.inputDigest.slice(0, 16)}...)` : ''}`);
  else ctx.print('stripped: no provenance or statistics recorded');
  const opts = { ...(p?.options ?? {}) };
  delete opts.features;
  delete opts.target;
  delete opts.recipeDigest;
  if (Object.keys(opts).length) ctx.print(`options: ${JSON.stringify(opts)}`);
  ctx.print(textTable(['tensor', 'dtype', 'shape', 'bytes', 'offset'], info.tensors.map((t) => [t.name, t.dtype, shape(t.shape), String(t.bytes), String(t.offset)]), 2));
  if (corrupt) throw corrupt;
}
