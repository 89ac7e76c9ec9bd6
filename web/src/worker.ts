/**
 * The page's Worker: it owns the engine and every heavy step (data, fit,
 * report, compression, .slim), so the page's main thread only draws.
 * init() runs once, at start; a request that arrives earlier waits for it.
 */
import { init, isSlimfitError } from '../../src/core.js';
import { Pipeline } from './pipeline.js';
import type { Api, MethodName, Request, Response } from './protocol.js';

const ready = init().then((engine) => ({ engine, pipeline: new Pipeline(engine) }));

async function handle(req: Request): Promise<unknown> {
  const { engine, pipeline } = await ready;
  const arg = req.arg as Api[MethodName][0];
  switch (req.method) {
    case 'info':
      return { backend: engine.backend, fallbackReason: engine.fallbackReason ?? null };
    case 'load':
      return pipeline.load(arg as Api['load'][0]);
    case 'fit':
      return pipeline.fit(arg as Api['fit'][0]);
    case 'compress':
      return pipeline.compress(arg as Api['compress'][0]);
    case 'score': {
      const a = arg as Api['score'][0];
      return pipeline.score(a.slim, a.rows);
    }
    default:
      throw new Error(`unknown method ${String(req.method)}`);
  }
}

/** The typed arrays of a result, moved rather than copied. */
function transferables(v: unknown): Transferable[] {
  if (!v || typeof v !== 'object') return [];
  const out = new Set<ArrayBuffer>();
  for (const x of Object.values(v)) if (ArrayBuffer.isView(x) && x.buffer instanceof ArrayBuffer && x.byteOffset === 0 && x.byteLength === x.buffer.byteLength) out.add(x.buffer);
  return [...out];
}

self.onmessage = (ev: MessageEvent<Request>) => {
  const req = ev.data;
  handle(req).then(
    (result) => (self as unknown as Worker).postMessage({ id: req.id, ok: true, result } satisfies Response, transferables(result)),
    (e: unknown) => (self as unknown as Worker).postMessage({ id: req.id, ok: false, code: isSlimfitError(e) ? e.code : null, message: isSlimfitError(e) ? e.reason : e instanceof Error ? e.message : String(e) } satisfies Response),
  );
};
