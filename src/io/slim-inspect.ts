/**
 * inspectSlim: what a .slim file says about itself (kind, sizes, tensor
 * table, provenance), its checksum status and whether it decodes — for
 * `slimfit inspect` and for looking at damaged files, so a bad checksum or
 * bad content is reported rather than thrown.
 */
import { isSlimfitError } from '../errors.js';
import { formatError } from '../json.js';
import { DTYPE_SIZE } from './binary.js';
import { guarded, openContainer } from './slim-container.js';
import { decodeContent } from './slim-content.js';
import { parseHeader, type SlimDtype, type SlimHeader, type SlimKind, type SlimProvenance } from './slim-header.js';

export interface SlimTensorInfo {
  name: string;
  dtype: SlimDtype;
  shape: number[];
  /** Absolute byte offset in the file. */
  offset: number;
  bytes: number;
}

export interface SlimInfo {
  formatVersion: { major: number; minor: number };
  kind: SlimKind;
  fileBytes: number;
  headerBytes: number;
  dataBytes: number;
  checksum: { algorithm: 'crc32c'; stored: string; computed: string; ok: boolean };
  provenance: SlimProvenance;
  features: string[] | undefined;
  targets: string[] | undefined;
  statistics: Record<string, unknown> | undefined;
  /** The header's kind-specific description ("model" for model kinds), as JSON. */
  model: Record<string, unknown> | undefined;
  /** The header's object list ("tensors" kind), as JSON. */
  objects: unknown[] | undefined;
  tensors: SlimTensorInfo[];
  /** true when decodeSlim would succeed. */
  valid: boolean;
  /** Why it would not. */
  problem: string | undefined;
}

/**
 * Describes a .slim file: kind, sizes, tensor table, provenance, checksum
 * status and whether it decodes. A bad checksum is reported, not thrown;
 * a file whose preamble or header cannot be read at all throws E_FORMAT
 * (mentioning the checksum too when that is also wrong).
 */
export async function inspectSlim(input: Uint8Array): Promise<SlimInfo> {
  const { bytes, pre, checksum, mismatch } = await openContainer(input);
  const ok = checksum.ok;
  let h: SlimHeader;
  try {
    h = guarded(() => parseHeader(bytes, pre));
  } catch (e) {
    if (!ok && isSlimfitError(e)) throw formatError(`${mismatch} and the header is unreadable: ${e.reason}`);
    throw e;
  }
  let problem: string | undefined;
  if (!ok) problem = mismatch;
  else {
    try {
      guarded(() => decodeContent(bytes, pre, h));
    } catch (e) {
      problem = isSlimfitError(e) ? e.reason : String(e);
    }
  }
  return {
    formatVersion: { major: pre.major, minor: pre.minor },
    kind: h.kind,
    fileBytes: pre.fileBytes,
    headerBytes: pre.headerBytes,
    dataBytes: pre.dataBytes,
    checksum: { algorithm: 'crc32c', ...checksum },
    provenance: h.provenance,
    features: h.features,
    targets: h.targets,
    statistics: h.statistics,
    model: h.model,
    objects: h.objects,
    tensors: h.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, offset: pre.dataStart + t.offsets[0], bytes: t.count * DTYPE_SIZE[t.dtype] })),
    valid: problem === undefined,
    problem,
  };
}

