/**
 * Batch resume: an output is up to date when it decodes whole and records
 * the same input digest (sha256 of the input's bytes) and recipe digest.
 * Used where the outputs are written: the local pool's workers and the
 * queue driver.
 */
import { existsSync } from 'node:fs';
import { decodeSlim } from '../io/slim.js';
import { kindOfPath, readInputSync } from './files.js';
import { recordedWeightsDigest } from './weights.js';

/**
 * The input and recipe digests an output file records (batch resume);
 * undefined when the file is unreadable or corrupt (it is then redone).
 */
export async function recordedDigest(path: string): Promise<{ inputDigest?: string; recipeDigest?: string } | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = readInputSync(path);
  } catch {
    return undefined;
  }
  if (kindOfPath(path) === 'safetensors') {
    return recordedWeightsDigest(bytes);
  }
  try {
    const d = await decodeSlim(bytes); // full validation: a torn or corrupt output is redone
    const p = d.header.provenance;
    const rd = p?.options?.recipeDigest;
    return { ...(p?.inputDigest ? { inputDigest: p.inputDigest } : {}), ...(typeof rd === 'string' ? { recipeDigest: rd } : {}) };
  } catch {
    return undefined;
  }
}

export async function upToDate(output: string, inputDigest: string, recipeDigest: string): Promise<boolean> {
  if (!existsSync(output)) return false;
  const rec = await recordedDigest(output);
  return rec !== undefined && rec.inputDigest === inputDigest && rec.recipeDigest === recipeDigest;
}
