/**
 * Package entry 'slimfit/node': the Node-only file helpers (node:fs,
 * node:crypto, node:path), kept out of 'slimfit' and 'slimfit/core' so that
 * a browser bundle of those never reaches a Node built-in. Everything else
 * (encodeSlim, decodeSlim, safetensors in and out) takes and returns bytes
 * and comes from 'slimfit'.
 */
import { readFile } from 'node:fs/promises';
import { openAtomic as ioOpenAtomic, writeFileAtomic as ioWriteFileAtomic, type AtomicStream, type AtomicWriteOptions } from './io/files.js';
import { decodeSlim, encodeSlim, type DecodedSlim, type EncodeSlimOptions, type SlimContent } from './io/slim.js';
import { checkOptions, optionKeys } from './options.js';

export {
  cleanupTempFiles,
  sweepTempFiles,
  sha256File,
  tempPathFor,
  parseTempName,
  type AtomicWriteOptions,
  type AtomicStream,
} from './io/files.js';

const ATOMIC_WRITE_OPTION_KEYS = /* @__PURE__ */ optionKeys<AtomicWriteOptions>()(['fsync', 'sync', 'signal']);

/**
 * Writes `bytes` (a string: its UTF-8) to `path` atomically: a temporary
 * file in the same folder, fsync unless `fsync: false`, then rename; on any
 * failure the temporary file is removed and the target is untouched.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string, options?: AtomicWriteOptions | null): Promise<void> {
  return ioWriteFileAtomic(path, bytes, checkOptions('writeFileAtomic', options, ATOMIC_WRITE_OPTION_KEYS));
}

/** writeFileAtomic for outputs too large to hold: write chunks, then commit (rename) or abort. */
export async function openAtomic(path: string, options?: Pick<AtomicWriteOptions, 'fsync'> | null): Promise<AtomicStream> {
  return ioOpenAtomic(path, checkOptions('openAtomic', options, ['fsync']));
}

/** Reads and decodes the .slim file at `path` (decodeSlim's checks and errors: E_FORMAT for a corrupt file). */
export async function readSlimFile(path: string): Promise<DecodedSlim> {
  return decodeSlim(await readFile(path));
}

/**
 * Encodes `content` (encodeSlim's options) and writes it to `path`
 * atomically (writeFileAtomic: a temporary file, fsync, rename), so a crash
 * never leaves a partial .slim under the final name.
 */
export async function writeSlimFile(path: string, content: SlimContent, options?: EncodeSlimOptions | null): Promise<void> {
  await ioWriteFileAtomic(path, await encodeSlim(content, options));
}
