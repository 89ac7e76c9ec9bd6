/**
 * Decoding a .slim file with the reader of its kind supplied by the caller:
 * decodeSlim (slim.ts) passes the readers of every kind; the scoring entry
 * (slimfit/score, slim-decode-lazy.ts) loads the reader of the file's kind
 * only. This module imports no kind's reader, so a bundle reaches only the
 * readers its entry names.
 */
import { formatError } from '../json.js';
import { TensorReader, guarded, openContainer } from './slim-container.js';
import type { DecodedSlimContent, SlimContent } from './slim-content.js';
import { parseHeader, type SlimHeader, type SlimKind, type SlimPreamble } from './slim-header.js';
import { headerJsonBytes, truncation } from './slim-v2.js';
import type { DecodedSlim } from './slim.js';

/** Reads one kind's model (or tensors) from a parsed header and the tensor reader; E_FORMAT on anything inconsistent. */
export type KindReader = (h: SlimHeader, r: TensorReader) => DecodedSlimContent;

/** A model's input columns and outputs (what header.features / header.targets must count); undefined for tensors. */
export function contentDims(content: SlimContent | DecodedSlimContent): { d: number; outputs: number } | undefined {
  if (content.kind === 'tensors') return undefined;
  if (content.kind === 'logistic') return { d: content.model.d, outputs: 1 };
  return { d: content.model.d, outputs: content.model.outputs };
}

/** The content of a file whose preamble and header have been read; E_FORMAT on anything inconsistent, including a table entry the kind does not use. */
export function decodeContentWith(bytes: Uint8Array, pre: SlimPreamble, h: SlimHeader, read: KindReader): DecodedSlimContent {
  const r = new TensorReader(bytes, pre.dataStart, h.tensors);
  const content = read(h, r);
  r.finish();
  const dims = contentDims(content);
  if (dims) {
    if (h.features !== undefined && h.features.length !== dims.d) throw formatError(`header.features has ${h.features.length} names but the model has ${dims.d} input columns`);
    if (h.targets !== undefined && h.targets.length !== dims.outputs) throw formatError(`header.targets has ${h.targets.length} names but the model has ${dims.outputs} outputs`);
  }
  return content;
}

/** decodeSlim with `readerFor` giving the reader of the file's kind (see slim.ts for what is checked). */
export async function decodeSlimWith(input: Uint8Array, readerFor: (kind: SlimKind) => KindReader | Promise<KindReader>): Promise<DecodedSlim> {
  const { bytes, pre, checksum, mismatch } = await openContainer(input);
  if (!checksum.ok) throw formatError((await truncation(bytes, pre)) ?? `${mismatch}: the file is corrupt or was modified`, { stored: checksum.stored, computed: checksum.computed });
  const hb = await headerJsonBytes(bytes, pre);
  const h = guarded(() => parseHeader(hb, pre));
  const read = await readerFor(h.kind);
  return guarded(() => {
    const content = decodeContentWith(bytes, pre, h, read);
    return {
      ...content,
      header: {
        formatVersion: { major: pre.major, minor: pre.minor },
        provenance: h.provenance,
        features: h.features,
        targets: h.targets,
        statistics: h.statistics,
        inputs: h.raw.inputs,
        fileBytes: pre.fileBytes,
      },
    };
  });
}
