/**
 * A real redis-server for the queue tests: started on a free loopback port
 * with no persistence (a restart loses everything, as in the restart test),
 * stopped by its PID. Also spawns `slimfit worker` processes and keeps track
 * of every child so afterAll can kill them all, even after a failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { CLI } from '../cli-fixtures.js';

export const REDIS_SERVER = '/usr/bin/redis-server';

export function redisAvailable(): boolean {
  return spawnSync(REDIS_SERVER, ['--version'], { encoding: 'utf8' }).status === 0;
}

/** A port the OS says is free on 127.0.0.1 now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/** Resolves when cond() is true; rejects after timeoutMs (every wait in these tests is bounded). */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string, stepMs = 20): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export class RedisServer {
  proc: ChildProcess | undefined;
  log = '';
  constructor(readonly port: number) {}
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const p = spawn(REDIS_SERVER, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = p;
    p.stdout!.setEncoding('utf8').on('data', (s: string) => (this.log += s));
    p.stderr!.setEncoding('utf8').on('data', (s: string) => (this.log += s));
    await waitFor(() => this.log.includes('Ready to accept connections') || p.exitCode !== null, 10_000, 'redis-server to start');
    if (p.exitCode !== null) throw new Error(`redis-server exited: ${this.log}`);
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
    this.proc = undefined;
  }
}

export interface Proc {
  child: ChildProcess;
  out: string;
  err: string;
  exited: Promise<number | null>;
}

const children = new Set<ChildProcess>();

/** Spawns the built CLI; its output is collected, and killAll() ends it. */
export function spawnCli(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', ...env } });
  children.add(child);
  const p: Proc = { child, out: '', err: '', exited: new Promise((r) => child.on('close', (code) => r(code))) };
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (p.out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (p.err += s));
  child.on('close', () => children.delete(child));
  return p;
}

/** Starts a worker and waits until it takes jobs. */
export async function startWorker(url: string, extra: string[] = [], env: Record<string, string> = {}): Promise<Proc> {
  const w = spawnCli(['worker', '--queue', url, '--lock-duration', '2500', '--stalled-interval', '500', ...extra], env);
  await waitFor(() => w.err.includes('taking jobs') || w.child.exitCode !== null, 15_000, 'a worker to start');
  if (w.child.exitCode !== null) throw new Error(`worker exited: ${w.err}`);
  return w;
}

/** SIGTERM, then SIGKILL after graceMs; resolves when it is gone. */
export async function stopProc(p: Proc, graceMs = 5000): Promise<number | null> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return p.child.exitCode;
  p.child.kill('SIGTERM');
  const t = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  const code = await p.exited;
  clearTimeout(t);
  return code;
}

export function killAll(): void {
  for (const c of children) c.kill('SIGKILL');
  children.clear();
}
