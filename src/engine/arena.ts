/**
 * The one owner of a linear memory: a first-fit free-list allocator with
 * coalescing over a `WebAssembly.Memory`. Kernels allocate nothing; every byte
 * they touch was handed out here.
 *
 * Growth detaches every typed-array view of the old `memory.buffer` silently,
 * so nothing here (or anywhere) caches a view: callers derive one from
 * `memory.buffer` after their last allocation (see `Arena.bytes`).
 */
import { SlimfitError } from '../errors.js';

const PAGE = 65536;
/** 16-byte alignment keeps every block v128- and f64-aligned. */
const ALIGN = 16;
/** One allocation is capped at 1 GiB (the AssemblyScript/V8 ceiling for a single block). */
export const MAX_ALLOC_BYTES = 2 ** 30;
/** wasm32 linear memory is capped at 4 GiB (65536 pages). */
export const MAX_MEMORY_BYTES = 2 ** 32;

interface Block {
  ptr: number;
  size: number;
}

export class Arena {
  readonly memory: WebAssembly.Memory;
  private readonly base: number;
  private top: number;
  /** Free blocks below `top`, sorted by address, never adjacent (always coalesced). */
  private readonly free: Block[] = [];
  private readonly live = new Map<number, number>();
  private inUse = 0;

  constructor(memory: WebAssembly.Memory, heapBase: number) {
    this.memory = memory;
    this.base = Math.ceil(heapBase / ALIGN) * ALIGN;
    this.top = this.base;
  }

  /** Bytes currently allocated (live blocks, after alignment). */
  get bytesInUse(): number {
    return this.inUse;
  }

  /** Current size of linear memory in bytes. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Number of live blocks (for leak checks). */
  get liveBlocks(): number {
    return this.live.size;
  }

  /**
   * Allocates `bytes` (16-byte aligned, contents unspecified). May grow memory,
   * which detaches all views of the previous buffer. Throws E_MEMORY beyond
   * 1 GiB per block or 4 GiB in all.
   */
  alloc(bytes: number): number {
    if (!Number.isFinite(bytes) || bytes < 0) throw new SlimfitError('E_MEMORY', `cannot allocate ${bytes} bytes`);
    if (bytes > MAX_ALLOC_BYTES) {
      throw new SlimfitError(
        'E_MEMORY',
        `a single buffer of ${fmt(bytes)} exceeds the WebAssembly limit of ${fmt(MAX_ALLOC_BYTES)} per allocation; split the data into chunks (e.g. linearAccumulator for fitting)`,
        { bytes },
      );
    }
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i];
      if (b.size >= size) {
        const ptr = b.ptr;
        if (b.size === size) this.free.splice(i, 1);
        else {
          b.ptr += size;
          b.size -= size;
        }
        return this.track(ptr, size);
      }
    }
    // No hole fits: extend the top. (`release` folds any free block touching
    // the top back into it, so no free block ends at `top`.)
    const ptr = this.top;
    const end = ptr + size;
    if (end > MAX_MEMORY_BYTES) {
      throw new SlimfitError(
        'E_MEMORY',
        `allocating ${fmt(bytes)} would take linear memory past the 4 GiB WebAssembly limit (${fmt(this.inUse)} in use); free buffers or process the data in chunks`,
        { bytes, inUse: this.inUse },
      );
    }
    this.ensure(end);
    this.top = end;
    return this.track(ptr, size);
  }

  /** Releases a block from `alloc`. Freeing twice or an unknown pointer throws E_MEMORY. */
  release(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) throw new SlimfitError('E_MEMORY', `pointer ${ptr} is not a live allocation (freed twice?)`);
    this.live.delete(ptr);
    this.inUse -= size;
    if (ptr + size === this.top) {
      this.top = ptr;
      const last = this.free[this.free.length - 1];
      if (last && last.ptr + last.size === this.top) {
        this.top = last.ptr;
        this.free.pop();
      }
      return;
    }
    // Insert sorted, then coalesce with neighbours.
    let lo = 0;
    let hi = this.free.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.free[mid].ptr < ptr) lo = mid + 1;
      else hi = mid;
    }
    const block: Block = { ptr, size };
    this.free.splice(lo, 0, block);
    const next = this.free[lo + 1];
    if (next && block.ptr + block.size === next.ptr) {
      block.size += next.size;
      this.free.splice(lo + 1, 1);
    }
    const prev = this.free[lo - 1];
    if (prev && prev.ptr + prev.size === block.ptr) {
      prev.size += block.size;
      this.free.splice(lo, 1);
    }
  }

  /** Whether `ptr` is a live allocation. */
  isLive(ptr: number): boolean {
    return this.live.has(ptr);
  }

  /** A fresh byte view (valid until the next allocation). */
  bytes(ptr: number, length: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, length);
  }

  private track(ptr: number, size: number): number {
    this.live.set(ptr, size);
    this.inUse += size;
    return ptr;
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    // Grow geometrically (at least 1/8 more) to keep the number of grows small.
    const want = Math.min(MAX_MEMORY_BYTES, Math.max(end, have + Math.floor(have / 8)));
    const pages = Math.ceil((want - have) / PAGE);
    try {
      this.memory.grow(pages);
    } catch {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE));
      } catch (e) {
        throw new SlimfitError('E_MEMORY', `the host refused to grow linear memory to ${fmt(end)}: ${(e as Error).message}`, {
          bytes: end,
        });
      }
    }
  }
}

/** Exact bytes, with a rounded size beside them for large counts ("1073741825 bytes (1.00 GiB)"). */
function fmt(bytes: number): string {
  if (bytes >= 2 ** 30) return `${bytes} bytes (${(bytes / 2 ** 30).toFixed(2)} GiB)`;
  if (bytes >= 2 ** 20) return `${bytes} bytes (${(bytes / 2 ** 20).toFixed(1)} MiB)`;
  return `${bytes} bytes`;
}
