/**
 * A small Redis client (RESP2 over one TCP socket) implementing the
 * IRedisClient interface BullMQ talks to. BullMQ 6 treats its Redis driver
 * (ioredis or node-redis) as an optional peer dependency and this project
 * installs neither, so slimfit brings the subset BullMQ declares: plain
 * commands, Lua scripts by EVALSHA (EVAL when the server lacks the script:
 * after a restart), MULTI/EXEC, pipelines, blocking BZPOPMIN on a duplicate
 * connection, SCAN, streams. Binary-safe: Buffer arguments go out as bytes,
 * and getBuffer() reads one back as bytes.
 *
 * Reconnection follows ioredis's contract as BullMQ relies on it: a lost
 * socket moves the status to 'reconnecting', emits 'close', and reconnects
 * after retryStrategy(attempt) ms; commands sent meanwhile wait in an offline
 * queue (bounded: MAX_OFFLINE); commands in flight when the socket dropped
 * are rejected with "Connection is closed." (never resent: a script may have
 * run). disconnect() ends it for good ('end').
 */
import { EventEmitter } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

export interface RespOptions {
  host?: string;
  port?: number;
  db?: number;
  username?: string;
  password?: string;
  connectionName?: string;
  lazyConnect?: boolean;
  /** ms before reconnect attempt n (1-based); null/undefined stops reconnecting. */
  retryStrategy?: (times: number) => number | void | null;
  /** ms to wait for the TCP connection (default 10 s). */
  connectTimeout?: number;
  [key: string]: unknown;
}

type Arg = string | number | Buffer | Uint8Array;
type Reply = string | number | null | Buffer | Error | Reply[];

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  buffers: boolean;
}

const MAX_OFFLINE = 100_000;
const CRLF = Buffer.from('\r\n');

class ReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplyError';
  }
}

function flatten(args: unknown[], out: Arg[] = []): Arg[] {
  for (const a of args) {
    if (Array.isArray(a)) flatten(a, out);
    else if (a === undefined || a === null) out.push('');
    else if (Buffer.isBuffer(a) || a instanceof Uint8Array || typeof a === 'string' || typeof a === 'number') out.push(a);
    else out.push(String(a));
  }
  return out;
}

function encode(args: Arg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a, 'utf8') : typeof a === 'number' ? Buffer.from(String(a)) : Buffer.isBuffer(a) ? a : Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    parts.push(Buffer.from(`$${b.length}\r\n`), b, CRLF);
  }
  return Buffer.concat(parts);
}

/** Incremental RESP2 reader: feed() bytes, next() returns a whole reply or undefined when more bytes are needed. */
class Parser {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Chunks not yet joined to buf: a large reply arrives in many chunks, joined once when it is whole (not once per chunk). */
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** Bytes (from pos) the reply being read needs, when known. */
  private need = 0;

  feed(chunk: Buffer): void {
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.buf.length - this.pos + this.heldBytes < this.need) return;
    this.buf = Buffer.concat([this.buf.subarray(this.pos), ...this.held]);
    this.pos = 0;
    this.held = [];
    this.heldBytes = 0;
  }

  next(): { value: Reply } | undefined {
    if (this.held.length > 0) return undefined;
    const start = this.pos;
    this.need = 0;
    const v = this.read();
    if (v === undefined) {
      this.need = Math.max(this.need - start, 0);
      this.pos = start;
      return undefined;
    }
    return v;
  }

  private line(): string | undefined {
    const end = this.buf.indexOf(CRLF, this.pos);
    if (end < 0) return undefined;
    const s = this.buf.toString('utf8', this.pos, end);
    this.pos = end + 2;
    return s;
  }

  private read(): { value: Reply } | undefined {
    if (this.pos >= this.buf.length) return undefined;
    const type = String.fromCharCode(this.buf[this.pos++]);
    const l = this.line();
    if (l === undefined) return undefined;
    switch (type) {
      case '+':
        return { value: l };
      case '-':
        return { value: new ReplyError(l) };
      case ':':
        return { value: Number(l) };
      case '$': {
        const n = Number(l);
        if (n < 0) return { value: null };
        if (this.pos + n + 2 > this.buf.length) {
          this.need = this.pos + n + 2;
          return undefined;
        }
        const b = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
        this.pos += n + 2;
        return { value: b };
      }
      case '*': {
        const n = Number(l);
        if (n < 0) return { value: null };
        const out: Reply[] = [];
        for (let i = 0; i < n; i++) {
          const r = this.read();
          if (r === undefined) return undefined;
          out.push(r.value);
        }
        return { value: out };
      }
      default:
        throw new Error(`Redis protocol error: unexpected reply type ${JSON.stringify(type)}`);
    }
  }
}

function toStrings(v: Reply): unknown {
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (Array.isArray(v)) return v.map(toStrings);
  return v;
}

function pairsToObject(a: unknown): Record<string, string> {
  const o: Record<string, string> = Object.create(null) as Record<string, string>;
  const arr = (a as string[]) ?? [];
  for (let i = 0; i + 1 < arr.length; i += 2) o[arr[i]] = arr[i + 1];
  return o;
}

function scanArgs(cursor: string | number, options?: { MATCH?: string; COUNT?: number }): Arg[] {
  const a: Arg[] = [cursor];
  if (options?.MATCH != null) a.push('MATCH', options.MATCH);
  if (options?.COUNT != null) a.push('COUNT', options.COUNT);
  return a;
}

interface Script {
  lua: string;
  sha: string;
  numberOfKeys: number;
}

/** Commands queued for MULTI/EXEC or a pipeline; each result is [error | null, value]. */
export class RespTransaction {
  private readonly cmds: { args: Arg[]; map?: (v: unknown) => unknown }[] = [];
  constructor(
    private readonly client: RespClient,
    private readonly atomic: boolean,
  ) {}
  private push(args: unknown[], map?: (v: unknown) => unknown): this {
    this.cmds.push({ args: flatten(args), ...(map ? { map } : {}) });
    return this;
  }
  hgetall(key: string): this {
    return this.push(['HGETALL', key], pairsToObject);
  }
  hset(key: string, data: Record<string, string | number>): this {
    return this.push(['HSET', key, ...Object.entries(data).flat()]);
  }
  hscan(key: string, cursor: string | number, options?: { COUNT?: number }): this {
    return this.push(['HSCAN', key, ...scanArgs(cursor, options)]);
  }
  smembers(key: string): this {
    return this.push(['SMEMBERS', key]);
  }
  sscan(key: string, cursor: string | number, options?: { COUNT?: number }): this {
    return this.push(['SSCAN', key, ...scanArgs(cursor, options)]);
  }
  zrange(key: string, start: number, end: number): this {
    return this.push(['ZRANGE', key, start, end]);
  }
  lrange(key: string, start: number, end: number): this {
    return this.push(['LRANGE', key, start, end]);
  }
  llen(key: string): this {
    return this.push(['LLEN', key]);
  }
  del(...keys: string[]): this {
    return this.push(['DEL', ...keys]);
  }
  runCommand(name: string, args: unknown[]): this {
    const s = this.client.script(name);
    return this.push(['EVAL', s.lua, s.numberOfKeys, ...flatten(args)]);
  }
  async exec(): Promise<[Error | null, unknown][] | null> {
    const wrap = async <T>(p: Promise<T>): Promise<[Error | null, unknown]> => {
      try {
        return [null, await p];
      } catch (e) {
        return [e as Error, null];
      }
    };
    if (!this.atomic) {
      return Promise.all(this.cmds.map((c) => wrap(this.client.send(c.args).then((v) => (c.map ? c.map(v) : v)))));
    }
    const multi = this.client.send(['MULTI']);
    const queued = this.cmds.map((c) => this.client.send(c.args).catch((e: Error) => e));
    const exec = this.client.send(['EXEC']);
    await multi;
    await Promise.all(queued);
    const res = (await exec) as unknown[] | null;
    if (res === null) return null;
    return res.map((v, i) => (v instanceof Error ? [v, null] : [null, this.cmds[i].map ? this.cmds[i].map!(v) : v]));
  }
}

export class RespClient extends EventEmitter {
  status = 'wait';
  readonly isCluster = false;
  readonly options: RespOptions;
  private socket: Socket | undefined;
  private parser = new Parser();
  private inflight: Pending[] = [];
  private offline: { args: Arg[]; p: Pending }[] = [];
  private scripts: Map<string, Script>;
  private attempts = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private ending = false;

  constructor(options: RespOptions = {}, scripts?: Map<string, Script>) {
    super();
    this.options = { host: '127.0.0.1', port: 6379, ...options };
    this.scripts = scripts ?? new Map();
    if (!this.options.lazyConnect) void this.connect().catch(() => undefined);
  }

  /** Connects (again); resolves when ready. */
  connect(): Promise<void> {
    if (this.status === 'ready') return Promise.resolve();
    if (this.status === 'end' && this.ending) return Promise.reject(new Error('Connection is closed.'));
    return new Promise<void>((resolve, reject) => {
      const onReady = () => {
        this.off('end', onEnd);
        resolve();
      };
      const onEnd = () => {
        this.off('ready', onReady);
        reject(new Error('Connection is closed.'));
      };
      this.once('ready', onReady);
      this.once('end', onEnd);
      if (this.status === 'wait' || this.status === 'end') this.open();
    });
  }

  private open(): void {
    this.ending = false;
    this.status = 'connecting';
    this.parser = new Parser();
    const sock = netConnect({ host: this.options.host ?? '127.0.0.1', port: this.options.port ?? 6379 });
    this.socket = sock;
    sock.setNoDelay(true);
    const timer = setTimeout(() => sock.destroy(new Error(`connect ETIMEDOUT ${this.options.host}:${this.options.port}`)), this.options.connectTimeout ?? 10_000);
    sock.on('connect', () => {
      clearTimeout(timer);
      this.status = 'connect';
      this.emit('connect');
      void this.handshake(sock);
    });
    sock.on('data', (chunk: Buffer) => this.onData(chunk));
    sock.on('error', (e) => {
      clearTimeout(timer);
      if (this.listenerCount('error') > 0) this.emit('error', e);
    });
    sock.on('close', () => {
      clearTimeout(timer);
      if (this.socket === sock) this.onClose();
    });
  }

  private async handshake(sock: Socket): Promise<void> {
    // The setup commands go straight to the socket, ahead of the offline queue.
    const direct = (args: Arg[]) =>
      new Promise<unknown>((resolve, reject) => {
        this.inflight.push({ resolve, reject, buffers: false });
        sock.write(encode(args));
      });
    try {
      if (this.options.password !== undefined) await direct(this.options.username !== undefined ? ['AUTH', this.options.username, this.options.password] : ['AUTH', this.options.password]);
      if (this.options.db !== undefined && this.options.db !== 0) await direct(['SELECT', this.options.db]);
      if (this.options.connectionName) await direct(['CLIENT', 'SETNAME', this.options.connectionName]);
    } catch (e) {
      if (this.listenerCount('error') > 0) this.emit('error', e);
      sock.destroy();
      return;
    }
    if (this.socket !== sock) return;
    this.attempts = 0;
    this.status = 'ready';
    const waiting = this.offline;
    this.offline = [];
    for (const { args, p } of waiting) {
      this.inflight.push(p);
      sock.write(encode(args));
    }
    this.emit('ready');
  }

  private onData(chunk: Buffer): void {
    this.parser.feed(chunk);
    for (let r = this.parser.next(); r !== undefined; r = this.parser.next()) {
      const p = this.inflight.shift();
      if (!p) continue;
      if (r.value instanceof Error) p.reject(r.value);
      else p.resolve(p.buffers ? r.value : toStrings(r.value));
    }
  }

  private onClose(): void {
    this.socket = undefined;
    const lost = this.inflight;
    this.inflight = [];
    for (const p of lost) p.reject(new Error('Connection is closed.'));
    this.emit('close');
    const delay = this.ending ? null : this.options.retryStrategy ? this.options.retryStrategy(++this.attempts) : Math.min(50 * ++this.attempts, 2000);
    if (typeof delay !== 'number') {
      this.end();
      return;
    }
    this.status = 'reconnecting';
    this.emit('reconnecting', delay);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.ending) this.open();
    }, delay);
  }

  private end(): void {
    this.status = 'end';
    const waiting = this.offline;
    this.offline = [];
    for (const { p } of waiting) p.reject(new Error('Connection is closed.'));
    this.emit('end');
  }

  /** Sends one command; the reply with bulk strings as text (or as Buffers with buffers: true). */
  send(args: unknown[], buffers = false): Promise<unknown> {
    const a = flatten(args);
    return new Promise((resolve, reject) => {
      const p: Pending = { resolve, reject, buffers };
      if (this.status === 'ready' && this.socket) {
        this.inflight.push(p);
        this.socket.write(encode(a));
      } else if (this.status === 'end') {
        reject(new Error('Connection is closed.'));
      } else if (this.offline.length >= MAX_OFFLINE) {
        reject(new Error(`Redis is unreachable and ${MAX_OFFLINE} commands are waiting for it`));
      } else {
        this.offline.push({ args: a, p });
        if (this.status === 'wait') this.open();
      }
    });
  }

  disconnect(reconnect?: boolean): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    if (reconnect) {
      this.socket?.destroy();
      return;
    }
    this.ending = true;
    const s = this.socket;
    if (s) s.destroy();
    else if (this.status !== 'end') {
      this.emit('close');
      this.end();
    }
  }

  async quit(): Promise<string> {
    let r = 'OK';
    if (this.status === 'ready') r = String(await this.send(['QUIT']).catch(() => 'OK'));
    this.disconnect(false);
    return r;
  }

  duplicate(overrides: Partial<RespOptions> = {}): RespClient {
    return new RespClient({ ...this.options, ...overrides }, this.scripts);
  }

  defineCommand(name: string, def: { numberOfKeys: number; lua: string }): void {
    this.scripts.set(name, { lua: def.lua, numberOfKeys: def.numberOfKeys, sha: createHash('sha1').update(def.lua).digest('hex') });
  }

  script(name: string): Script {
    const s = this.scripts.get(name);
    if (!s) throw new Error(`Redis script ${name} is not defined`);
    return s;
  }

  async runCommand(name: string, args: unknown[]): Promise<unknown> {
    const s = this.script(name);
    const rest = flatten(args);
    try {
      return await this.send(['EVALSHA', s.sha, s.numberOfKeys, ...rest]);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
      return this.send(['EVAL', s.lua, s.numberOfKeys, ...rest]);
    }
  }

  multi(): RespTransaction {
    return new RespTransaction(this, true);
  }
  pipeline(): RespTransaction {
    return new RespTransaction(this, false);
  }

  async hgetall(key: string): Promise<Record<string, string>> {
    return pairsToObject(await this.send(['HGETALL', key]));
  }
  hget(key: string, field: string): Promise<string | null> {
    return this.send(['HGET', key, field]) as Promise<string | null>;
  }
  hmget(key: string, ...fields: string[]): Promise<(string | null)[]> {
    return this.send(['HMGET', key, ...fields]) as Promise<(string | null)[]>;
  }
  hset(key: string, data: Record<string, string | number> | string, ...rest: (string | number)[]): Promise<number> {
    return this.send(typeof data === 'string' ? ['HSET', key, data, ...rest] : ['HSET', key, ...Object.entries(data).flat()]) as Promise<number>;
  }
  hdel(key: string, ...fields: string[]): Promise<number> {
    return this.send(['HDEL', key, ...fields]) as Promise<number>;
  }
  hexists(key: string, field: string): Promise<number> {
    return this.send(['HEXISTS', key, field]) as Promise<number>;
  }
  get(key: string): Promise<string | null> {
    return this.send(['GET', key]) as Promise<string | null>;
  }
  /** GET with the value as bytes. */
  getBuffer(key: string): Promise<Buffer | null> {
    return this.send(['GET', key], true) as Promise<Buffer | null>;
  }
  set(key: string, value: string | number | Buffer | Uint8Array, options?: { PX?: number; EX?: number; NX?: boolean }): Promise<string | null> {
    const a: unknown[] = ['SET', key, value];
    if (options?.PX != null) a.push('PX', options.PX);
    else if (options?.EX != null) a.push('EX', options.EX);
    if (options?.NX) a.push('NX');
    return this.send(a) as Promise<string | null>;
  }
  del(...keys: string[]): Promise<number> {
    return this.send(['DEL', ...keys]) as Promise<number>;
  }
  exists(...keys: string[]): Promise<number> {
    return this.send(['EXISTS', ...keys]) as Promise<number>;
  }
  expire(key: string, seconds: number): Promise<number> {
    return this.send(['EXPIRE', key, seconds]) as Promise<number>;
  }
  zrange(key: string, start: number, end: number, options?: { WITHSCORES?: boolean }): Promise<string[]> {
    return this.send(['ZRANGE', key, start, end, ...(options?.WITHSCORES ? ['WITHSCORES'] : [])]) as Promise<string[]>;
  }
  zrevrange(key: string, start: number, end: number, options?: { WITHSCORES?: boolean }): Promise<string[]> {
    return this.send(['ZREVRANGE', key, start, end, ...(options?.WITHSCORES ? ['WITHSCORES'] : [])]) as Promise<string[]>;
  }
  zcard(key: string): Promise<number> {
    return this.send(['ZCARD', key]) as Promise<number>;
  }
  zscore(key: string, member: string): Promise<string | null> {
    return this.send(['ZSCORE', key, member]) as Promise<string | null>;
  }
  lrange(key: string, start: number, end: number): Promise<string[]> {
    return this.send(['LRANGE', key, start, end]) as Promise<string[]>;
  }
  llen(key: string): Promise<number> {
    return this.send(['LLEN', key]) as Promise<number>;
  }
  ltrim(key: string, start: number, end: number): Promise<string> {
    return this.send(['LTRIM', key, start, end]) as Promise<string>;
  }
  lpos(key: string, value: string): Promise<number | null> {
    return this.send(['LPOS', key, value]) as Promise<number | null>;
  }
  smembers(key: string): Promise<string[]> {
    return this.send(['SMEMBERS', key]) as Promise<string[]>;
  }
  xadd(key: string, id: string, fields: Record<string, string | number>, options?: { MAXLEN?: number; approximate?: boolean }): Promise<string> {
    const a: unknown[] = ['XADD', key];
    if (options?.MAXLEN != null) a.push('MAXLEN', ...(options.approximate !== false ? ['~'] : []), options.MAXLEN);
    a.push(id, ...Object.entries(fields).flat());
    return this.send(a) as Promise<string>;
  }
  xread(streams: { key: string; id: string }[], options?: { BLOCK?: number; COUNT?: number }): Promise<unknown> {
    const a: unknown[] = ['XREAD'];
    if (options?.BLOCK != null) a.push('BLOCK', options.BLOCK);
    if (options?.COUNT != null) a.push('COUNT', options.COUNT);
    a.push('STREAMS', ...streams.map((s) => s.key), ...streams.map((s) => s.id));
    return this.send(a);
  }
  xtrim(key: string, strategy: 'MAXLEN', threshold: number, options?: { approximate?: boolean }): Promise<number> {
    return this.send(['XTRIM', key, strategy, ...(options?.approximate !== false ? ['~'] : []), threshold]) as Promise<number>;
  }
  bzpopmin(key: string, timeout: number): Promise<[string, string, string] | null> {
    return this.send(['BZPOPMIN', key, timeout]) as Promise<[string, string, string] | null>;
  }
  info(): Promise<string> {
    return this.send(['INFO']) as Promise<string>;
  }
  client(...args: (string | number)[]): Promise<unknown> {
    return this.send(['CLIENT', ...args]);
  }
  clientSetName(name: string): Promise<unknown> {
    return this.client('SETNAME', name);
  }
  clientList(): Promise<string> {
    return this.client('LIST') as Promise<string>;
  }
  clientInfo(): Promise<string> {
    return this.client('INFO') as Promise<string>;
  }
  scan(cursor: string | number, options: { MATCH?: string; COUNT?: number } = {}): Promise<[string, string[]]> {
    return this.send(['SCAN', ...scanArgs(cursor, options)]) as Promise<[string, string[]]>;
  }
  scanStream(options: { match: string; count?: number }): Readable {
    const self = this;
    // Every SCAN is bounded by Redis; the walk ends when the cursor returns to 0.
    async function* walk(): AsyncGenerator<string[]> {
      let cursor = '0';
      do {
        const [next, keys] = await self.scan(cursor, { MATCH: options.match, ...(options.count ? { COUNT: options.count } : {}) });
        cursor = next;
        if (keys.length > 0) yield keys;
      } while (cursor !== '0');
    }
    return Readable.from(walk());
  }
}
