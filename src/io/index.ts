/**
 * Files: the versioned .slim container and safetensors in and out. Runs in
 * Node and browsers; the Node-only file helpers (atomic writes, reading
 * files, streaming digests) live in ./files.js.
 */
export {
  encodeSlim,
  decodeSlim,
  inspectSlim,
  isSlim,
  type SlimContent,
  type DecodedSlimContent,
  type DecodedSlim,
  type SlimTensor,
  type SlimTensorInput,
  type DenseTensor,
  type DenseArray,
  type EncodeSlimOptions,
  type SlimProvenanceInput,
  type SlimHeaderInfo,
  type SlimInfo,
  type SlimTensorInfo,
} from './slim.js';
export { slimFileBytes } from './slim-size.js';
export {
  SLIM_MAGIC,
  SLIM_VERSION_MAJOR,
  SLIM_VERSION_MINOR,
  MAX_HEADER_BYTES as SLIM_MAX_HEADER_BYTES,
  type SlimKind,
  type SlimProvenance,
  type SlimDtype,
} from './slim-header.js';
export {
  decodeSafetensors,
  encodeSafetensors,
  quantizedToSafetensors,
  quantizedFromSafetensors,
  isSafetensors,
  SAFETENSORS_MAX_HEADER_BYTES,
  SAFETENSORS_CONVENTION,
  type SafetensorsDtype,
  type SafetensorsTensor,
  type SafetensorsTensorInput,
  type SafetensorsFile,
  type DecodeSafetensorsOptions,
  type QuantizedSafetensors,
} from './safetensors.js';
export { crc32c, sha256Hex, createSha256 } from './checksum.js';
export { SLIMFIT_VERSION } from './version.js';
export type { NumericArray } from './binary.js';
