/**
 * The body of one worker thread of `slimfit worker`: loads the job module
 * named in workerData (its default export runs one job), then runs the jobs
 * the main thread posts, one at a time. Its state (the job module's engine)
 * lives as long as the thread; a job that crashes or hangs costs only this
 * thread, which the main thread replaces (threads.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';

export interface ThreadTask {
  id: number;
  job: unknown;
  /** Fault injection for the fault tests (slimfit worker's SLIMFIT_WORKER_FAULTS): die or spin in this thread. */
  fault?: 'crash' | 'hang';
}

export interface ThreadJobResult {
  value: unknown;
  out?: Uint8Array;
}

type JobFn = (job: unknown) => Promise<ThreadJobResult>;

const { module } = workerData as { module: string };
const fn: Promise<JobFn> = import(module).then((m: { default: JobFn }) => m.default);

parentPort!.on('message', (t: ThreadTask) => {
  void (async () => {
    try {
      if (t.fault === 'crash') process.exit(70);
      if (t.fault === 'hang') for (;;);
      const r = await (await fn)(t.job);
      parentPort!.postMessage({ id: t.id, ok: true, value: r.value, out: r.out }, r.out ? [r.out.buffer as ArrayBuffer] : []);
    } catch (e) {
      const err = e as { message?: string; code?: string; name?: string };
      parentPort!.postMessage({ id: t.id, ok: false, message: err?.message ?? String(e), code: err?.code, name: err?.name });
    }
  })();
});
