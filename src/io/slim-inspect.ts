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
import { decodeContent, type DecodedSlimContent } from './slim-content.js';
import { parseHeader, type SlimDtype, type SlimHeader, type SlimKind, type SlimProvenance } from './slim-header.js';
import { headerJsonBytes } from './slim-v2.js';

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
  /** The header as stored (version 2: the DEFLATE stream). */
  headerBytes: number;
  /** The header's JSON once inflated (version 1: the same as headerBytes, padding included). */
  headerJsonBytes: number;
  dataBytes: number;
  checksum: { algorithm: 'crc32c'; stored: string; computed: string; ok: boolean };
  /** Absent when the file was written with strip. */
  provenance: SlimProvenance | undefined;
  features: string[] | undefined;
  targets: string[] | undefined;
  statistics: Record<string, unknown> | undefined;
  /** The header's kind-specific description ("model" for model kinds), as JSON. */
  model: Record<string, unknown> | undefined;
  /** The header's object list ("tensors" kind), as JSON. */
  objects: unknown[] | undefined;
  tensors: SlimTensorInfo[];
  /**
   * What the model stores for its coefficients (compressed: packed codes,
   * scales, zero points, index and float64 intercepts, as report().bytes;
   * float: float64 coefficients and intercepts), to compare with fileBytes;
   * undefined for the "tensors" kind and for files that do not decode.
   */
  coefficientBytes: number | undefined;
  /** true when decodeSlim would succeed. */
  valid: boolean;
  /** Why it would not. */
  problem: string | undefined;
}

function coefficientBytesOf(c: DecodedSlimContent): number | undefined {
  if (c.kind === 'tensors') return undefined;
  if (c.kind === 'compressed-linear' || c.kind === 'compressed-logistic' || c.kind === 'compressed-reduced-rank' || c.kind === 'reduced-rank') return c.model.bytes;
  const outputs = c.kind === 'logistic' ? 1 : c.model.outputs;
  return 8 * (c.model.d * outputs + outputs);
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
    const hb = await headerJsonBytes(bytes, pre);
    h = guarded(() => parseHeader(hb, pre));
  } catch (e) {
    if (!ok && isSlimfitError(e)) throw formatError(`${mismatch} and the header is unreadable: ${e.reason}`);
    throw e;
  }
  let problem: string | undefined;
  let coefficientBytes: number | undefined;
  if (!ok) problem = mismatch;
  else {
    try {
      coefficientBytes = coefficientBytesOf(guarded(() => decodeContent(bytes, pre, h)));
    } catch (e) {
      problem = isSlimfitError(e) ? e.reason : String(e);
    }
  }
  return {
    formatVersion: { major: pre.major, minor: pre.minor },
    kind: h.kind,
    fileBytes: pre.fileBytes,
    headerBytes: pre.headerBytes,
    headerJsonBytes: pre.inflatedHeaderBytes ?? pre.headerBytes,
    dataBytes: pre.dataBytes,
    checksum: { algorithm: 'crc32c', ...checksum },
    provenance: h.provenance,
    features: h.features,
    targets: h.targets,
    statistics: h.statistics,
    model: h.model,
    objects: h.objects,
    tensors: h.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, offset: pre.dataStart + t.offsets[0], bytes: t.count * DTYPE_SIZE[t.dtype] })),
    coefficientBytes,
    valid: problem === undefined,
    problem,
  };
}

