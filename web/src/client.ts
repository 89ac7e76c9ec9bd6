/** The page's side of the Worker protocol: one promise per request; a failure rejects with a WorkerError carrying the code. */
import type { SlimfitErrorCode } from '../../src/errors.js';
import type { Api, MethodName, Request, Response } from './protocol.js';

export class WorkerError extends Error {
  constructor(
    /** The SlimfitError's code; null: not a SlimfitError (a bug in the page or the library). */
    readonly code: SlimfitErrorCode | null,
    message: string,
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}

export interface Client {
  call<K extends MethodName>(method: K, arg: Api[K][0], transfer?: Transferable[]): Promise<Api[K][1]>;
}

export function connect(worker: Worker): Client {
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  worker.onmessage = (ev: MessageEvent<Response>) => {
    const r = ev.data;
    const p = pending.get(r.id);
    if (!p) return;
    pending.delete(r.id);
    if (r.ok) p.resolve(r.result);
    else p.reject(new WorkerError(r.code, r.message));
  };
  worker.onerror = (ev) => {
    // A script that fails to load or throws at top level: every waiting call learns it.
    const e = new WorkerError('E_BACKEND', `the Worker failed: ${ev.message || 'its script did not load'}`);
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  return {
    call(method, arg, transfer = []) {
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        worker.postMessage({ id, method, arg } satisfies Request, transfer);
      });
    },
  };
}
