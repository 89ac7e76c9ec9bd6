/**
 * The sandbox of `slimfit worker`: one worker thread per concurrency slot,
 * each with its own engine (the job module's). A job runs in a free thread
 * under a deadline; if the thread dies (a crash, out of memory) or misses
 * the deadline (a hang), it is terminated and replaced, and the job fails
 * with the reason — BullMQ's attempts then decide whether it runs again.
 * (BullMQ's own sandboxed processors have no per-job deadline: a spinning
 * processor keeps its lock renewed forever, since the lock is renewed from
 * the main thread.)
 */
import { Worker } from 'node:worker_threads';
import type { ThreadJobResult, ThreadTask } from './thread-host.js';

const HOST_EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

export class ThreadJobError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'ThreadJobError';
  }
}

interface Slot {
  worker: Worker;
  busy: boolean;
}

export class ThreadSlots {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  /** Threads replaced after a crash or a missed deadline. */
  replaced = 0;

  constructor(
    private readonly module: string,
    size: number,
  ) {
    for (let i = 0; i < size; i++) this.slots.push({ worker: this.spawn(), busy: false });
  }

  private spawn(): Worker {
    const w = new Worker(new URL(`./thread-host${HOST_EXT}`, import.meta.url), { workerData: { module: this.module } });
    w.unref();
    // An error with no job waiting (the thread failed while idle) is handled on the next run.
    w.on('error', () => undefined);
    return w;
  }

  /** Runs one job in a free thread (the caller keeps at most `size` in flight). */
  run(job: unknown, timeoutMs: number, fault?: ThreadTask['fault']): Promise<ThreadJobResult> {
    const slot = this.slots.find((s) => !s.busy);
    if (!slot) return Promise.reject(new Error('no free worker thread (more jobs in flight than --concurrency)'));
    slot.busy = true;
    const id = this.nextId++;
    const w = slot.worker;
    return new Promise<ThreadJobResult>((resolve, reject) => {
      let settled = false;
      const finish = (replace: boolean, f: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('exit', onExit);
        w.off('error', onError);
        if (replace) {
          this.replaced++;
          void w.terminate();
          slot.worker = this.spawn();
        }
        slot.busy = false;
        f();
      };
      const onMessage = (m: { id: number; ok: boolean; value?: unknown; out?: Uint8Array; message?: string; code?: string }) => {
        if (m.id !== id) return;
        finish(false, () => (m.ok ? resolve({ value: m.value, ...(m.out ? { out: m.out } : {}) }) : reject(new ThreadJobError(m.message ?? 'job failed', m.code))));
      };
      let lastError: Error | undefined;
      const onError = (e: Error) => (lastError = e);
      const onExit = (code: number) => finish(true, () => reject(new ThreadJobError(`the worker thread died (exit code ${code}${lastError ? `: ${lastError.message}` : ''})`, 'E_WORKER')));
      const timer = setTimeout(() => finish(true, () => reject(new ThreadJobError(`the job ran past its ${(timeoutMs / 1000).toFixed(1)} s deadline (--job-timeout); its thread was stopped`, 'E_TIMEOUT'))), timeoutMs);
      w.on('message', onMessage);
      w.on('exit', onExit);
      w.on('error', onError);
      const task: ThreadTask = { id, job, ...(fault ? { fault } : {}) };
      w.postMessage(task);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
