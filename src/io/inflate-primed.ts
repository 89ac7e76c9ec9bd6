/**
 * Raw DEFLATE (RFC 1951) against a preset dictionary, on the runtime's own
 * DecompressionStream: no inflater in the bundle. DecompressionStream takes
 * no dictionary, so the dictionary goes in front of the stream as one stored
 * block (BFINAL 0, byte-aligned, at most 65535 bytes): the stream's first
 * block then starts on the byte boundary where it starts in the file, and its
 * back-references reach into the dictionary exactly as a preset dictionary's
 * do (both sit in the 32 KiB window before the first output byte). The
 * dictionary's bytes are dropped from the output.
 */

/**
 * At most `length + 1` bytes inflated from `stored` (one byte past `length`
 * tells "exactly length" from "more": reading stops there, so a stream that
 * inflates to more allocates nothing past the cap); undefined where the
 * runtime has no DecompressionStream for 'deflate-raw'. Rejects on an
 * invalid stream (the runtime's error).
 */
export async function inflatePrimed(stored: Uint8Array, dictionary: Uint8Array, length: number): Promise<Uint8Array | undefined> {
  let ds: DecompressionStream;
  try {
    ds = new DecompressionStream('deflate-raw');
  } catch {
    return undefined;
  }
  const d = dictionary.length; // < 65536: one stored block
  const block = Uint8Array.of(0, d & 255, d >> 8, ~d & 255, (~d >> 8) & 255);
  const reader = new Blob([block, dictionary as Uint8Array<ArrayBuffer>, stored as Uint8Array<ArrayBuffer>]).stream().pipeThrough(ds).getReader();
  const out = new Uint8Array(length + 1);
  let skip = d;
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    let chunk: Uint8Array = value;
    if (skip > 0) {
      const drop = Math.min(skip, chunk.length);
      skip -= drop;
      chunk = chunk.subarray(drop);
    }
    const take = Math.min(chunk.length, out.length - n);
    out.set(chunk.subarray(0, take), n);
    n += take;
    if (n === out.length) {
      await reader.cancel();
      break;
    }
  }
  return out.subarray(0, n);
}
