/**
 * Buffers that live in linear memory: the zero-copy path. A kernel-backed API
 * given one reads it in place, and given one as `out` writes into it, so a
 * pipeline can stay in linear memory end to end.
 *
 * `view` is a getter that builds a fresh typed array over `memory.buffer` on
 * every access, so it is never a detached view after memory growth — but a
 * view you keep in a variable IS invalidated by any later allocation.
 */
import { SlimfitError } from '../errors.js';
import type { Arena } from './arena.js';

type ElementKind = 'f32' | 'f64' | 'i8' | 'u8' | 'i32';

interface ViewOf {
  f32: Float32Array;
  f64: Float64Array;
  i8: Int8Array;
  u8: Uint8Array;
  i32: Int32Array;
}

const CTOR = {
  f32: Float32Array,
  f64: Float64Array,
  i8: Int8Array,
  u8: Uint8Array,
  i32: Int32Array,
} as const;

export class WasmBuffer<K extends ElementKind = ElementKind> {
  readonly kind: K;
  readonly length: number;
  private readonly arena: Arena;
  private p: number;

  /** @internal Use `engine.memory.f32(n)` etc. */
  constructor(arena: Arena, kind: K, length: number) {
    if (!Number.isInteger(length) || length < 0) throw new SlimfitError('E_SHAPE', `buffer length must be a non-negative integer, got ${length}`);
    this.arena = arena;
    this.kind = kind;
    this.length = length;
    this.p = arena.alloc(length * CTOR[kind].BYTES_PER_ELEMENT);
  }

  /** Byte offset in linear memory (throws once freed). */
  get ptr(): number {
    if (this.p < 0) throw new SlimfitError('E_MEMORY', 'this buffer was freed; allocate a new one with engine.memory');
    return this.p;
  }

  get byteLength(): number {
    return this.length * CTOR[this.kind].BYTES_PER_ELEMENT;
  }

  get freed(): boolean {
    return this.p < 0;
  }

  /** A live view of the buffer's contents (re-derived on every access). */
  get view(): ViewOf[K] {
    const C = CTOR[this.kind] as unknown as new (b: ArrayBufferLike, o: number, l: number) => ViewOf[K];
    return new C(this.arena.memory.buffer, this.ptr, this.length);
  }

  /** Copies the contents out into a fresh JS-heap typed array. */
  toArray(): ViewOf[K] {
    return this.view.slice() as ViewOf[K];
  }

  /** Returns the memory to the engine. Idempotent. */
  free(): void {
    if (this.p < 0) return;
    this.arena.release(this.p);
    this.p = -1;
  }

  /** @internal Whether this buffer belongs to `arena`. */
  ownedBy(arena: Arena): boolean {
    return this.arena === arena;
  }
}

/** What a caller requires of a buffer it was handed (all optional). */
export interface BufferWant {
  /** Accepted element kinds (the first is named in messages). */
  kinds?: readonly ElementKind[];
  /** Exact element count. */
  length?: number;
  /** Minimum element count (when a prefix is used). */
  minLength?: number;
}

/**
 * @internal The one check every operation runs on an engine.memory buffer it
 * is handed, as input or as `out`, before any byte is read or written:
 * a WasmBuffer (E_SHAPE), allocated by THIS engine (E_MEMORY: every init()
 * backend owns a separate linear memory, so another engine's pointer points
 * at unrelated bytes here), not freed (E_MEMORY), of an accepted kind and
 * length (E_SHAPE). Returns its byte offset in this engine's memory.
 */
export function bufferPtr(arena: Arena, b: unknown, what: string, want: BufferWant = {}): number {
  const kinds = want.kinds;
  const len = want.length ?? want.minLength;
  const wanted = `an engine.memory.${kinds ? kinds.join('/') : '<kind>'}(${len ?? 'n'}) buffer`;
  if (!(b instanceof WasmBuffer)) throw new SlimfitError('E_SHAPE', `${what} must be ${wanted}, got ${Object.prototype.toString.call(b)}`);
  if (!b.ownedBy(arena)) {
    throw new SlimfitError(
      'E_MEMORY',
      `${what} belongs to another engine (each init() backend owns a separate linear memory); allocate it with this engine's engine.memory`,
    );
  }
  if (b.freed || !arena.isLive(b.ptr)) throw new SlimfitError('E_MEMORY', `${what} was freed; allocate a new one with engine.memory`);
  if (kinds && !kinds.includes(b.kind)) throw new SlimfitError('E_SHAPE', `${what} is an engine.memory.${b.kind} buffer; it must be ${wanted}`);
  if ((want.length !== undefined && b.length !== want.length) || (want.minLength !== undefined && b.length < want.minLength)) {
    throw new SlimfitError('E_SHAPE', `${what} holds ${b.length} values; it must be ${want.minLength !== undefined ? 'at least ' : ''}${wanted}`);
  }
  return b.ptr;
}

/** Whether byte ranges [a, a + an) and [b, b + bn) share a byte. */
export function overlaps(a: number, an: number, b: number, bn: number): boolean {
  return an > 0 && bn > 0 && a < b + bn && b < a + an;
}

export type F32Buffer = WasmBuffer<'f32'>;
export type F64Buffer = WasmBuffer<'f64'>;
export type I8Buffer = WasmBuffer<'i8'>;
export type U8Buffer = WasmBuffer<'u8'>;
export type I32Buffer = WasmBuffer<'i32'>;

/** `engine.memory`: allocate buffers in linear memory and inspect usage. */
export class MemoryApi {
  private readonly arena: Arena;
  constructor(arena: Arena) {
    this.arena = arena;
  }
  f32(n: number): F32Buffer {
    return new WasmBuffer(this.arena, 'f32', n);
  }
  f64(n: number): F64Buffer {
    return new WasmBuffer(this.arena, 'f64', n);
  }
  i8(n: number): I8Buffer {
    return new WasmBuffer(this.arena, 'i8', n);
  }
  u8(n: number): U8Buffer {
    return new WasmBuffer(this.arena, 'u8', n);
  }
  i32(n: number): I32Buffer {
    return new WasmBuffer(this.arena, 'i32', n);
  }
  /** Bytes held by live allocations (scratch included). */
  get bytesInUse(): number {
    return this.arena.bytesInUse;
  }
  /** Size of linear memory in bytes (it only ever grows). */
  get memoryBytes(): number {
    return this.arena.memoryBytes;
  }
}
