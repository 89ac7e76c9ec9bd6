/**
 * The driver's side: one BullMQ flow per run. The parent (in COLLECT_QUEUE,
 * which no worker consumes) only collects: BullMQ records each child's
 * return value in the parent's processed set, and each child that failed for
 * good (after its attempts; ignoreDependencyOnFailure) with its reason in the
 * parent's ignored set. The driver polls the parent's dependency counts
 * (cheap) and reads the values (getChildrenValues, getIgnoredChildrenFailures)
 * only when they moved, so progress counts every worker's work.
 *
 * Redis restarted without persistence loses the run (jobs, parent, bytes):
 * the driver notices the parent is gone, uploads the bytes again and
 * re-enqueues what it has not received, at most maxResubmits times. A worker
 * finishing a job of the lost run gets an error from BullMQ (its job key is
 * gone) and goes on with the next one.
 */
import { randomBytes } from 'node:crypto';
import { FlowProducer, Job, Queue, QueueEvents } from 'bullmq';
import { SlimfitError } from '../errors.js';
import { getBlob, putBlob } from './blobs.js';
import { checkReachable, openClient, type QueueAddress } from './connection.js';
import { COLLECT_QUEUE, JOB_VERSION, QUEUE_NAME, type JobEnvelope, type JobResultEnvelope } from './protocol.js';

export interface FlowJob {
  label: string;
  kind: string;
  payload: unknown;
  /**
   * Bytes the job reads, by name, as loaders: called when the job is sent
   * (and again if Redis loses the run), so the driver holds one file at a
   * time, not the whole run. A loader shared by several jobs is called once
   * per sending.
   */
  bytes: Record<string, () => Promise<Uint8Array>>;
}

export type FlowOutcome =
  | { index: number; ok: true; value: unknown; out?: Uint8Array; by: string; ms: number }
  | { index: number; ok: false; reason: string };

export interface FlowOptions {
  /** Tries per job (default 3): a job that throws (not one that reports a bad input) runs again after a backoff. */
  attempts?: number;
  /** First backoff, ms, doubling (default 1000). */
  backoffMs?: number;
  /** Called once per job, in the order results arrive. */
  onOutcome: (o: FlowOutcome) => Promise<void> | void;
  onNote?: (line: string) => void;
  signal?: AbortSignal;
  /** Poll period, ms (default 100). */
  tickMs?: number;
  /** Runs lost with Redis that are re-enqueued before giving up (default 3). */
  maxResubmits?: number;
  /** Give up when Redis does not answer for this long, ms (default 60 s). */
  unreachableMs?: number;
  /** Per-file byte limit (default protocol.MAX_BLOB_BYTES). */
  maxBytes?: number;
}

export interface FlowSummary {
  interrupted: boolean;
  /** Times the run was re-enqueued after Redis lost it. */
  resubmits: number;
  /** Children counted by BullMQ when the run finished (processed + failed). */
  counted: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new SlimfitError('E_BACKEND', `Redis did not answer for ${(ms / 1000).toFixed(0)} s (${what})`)), ms);
    }),
  ]);
}

/** Runs jobs on the queue's workers; never throws for a job's failure (see onOutcome). */
export async function runFlow(addr: QueueAddress, jobs: FlowJob[], opts: FlowOptions): Promise<FlowSummary> {
  // One client for the bytes and every non-blocking BullMQ class (BullMQ duplicates it for QueueEvents).
  const client = openClient(addr);
  await checkReachable(addr, client);
  const connection = client;
  const producer = new FlowProducer({ connection });
  const collect = new Queue(COLLECT_QUEUE, { connection });
  const work = new Queue(QUEUE_NAME, { connection });
  // Listening before anything is added: a result is never earlier than the listener.
  const events = new QueueEvents(QUEUE_NAME, { connection });
  const inbox: { jobId: string; value: JobResultEnvelope }[] = [];
  events.on('completed', ({ jobId, returnvalue }) => inbox.push({ jobId, value: returnvalue as unknown as JobResultEnvelope }));
  events.on('error', () => undefined);
  const tick = opts.tickMs ?? 100;
  const unreachable = opts.unreachableMs ?? 60_000;
  const maxResubmits = opts.maxResubmits ?? 3;
  const received = new Set<number>();
  let resubmits = 0;
  let counted = 0;
  let parent: Job | undefined;
  try {
    await withDeadline(events.waitUntilReady(), unreachable, 'listening for results');
    for (;;) {
      const pending = jobs.map((_, i) => i).filter((i) => !received.has(i));
      if (pending.length === 0 || opts.signal?.aborted) break;
      const runId = `${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
      const children = [];
      const sent = new Map<() => Promise<Uint8Array>, string>();
      for (const i of pending) {
        const j = jobs[i];
        const blobs: Record<string, string> = {};
        let unreadable: string | undefined;
        for (const [name, load] of Object.entries(j.bytes)) {
          let key = sent.get(load);
          if (key === undefined) {
            let b: Uint8Array;
            try {
              b = await load();
            } catch (e) {
              // This input alone fails (it changed or vanished since the run was planned).
              unreadable = (e as Error).message;
              break;
            }
            key = await withDeadline(putBlob(client, b, `${j.label} (${name})`, opts.maxBytes), unreachable, 'storing inputs');
            sent.set(load, key);
          }
          blobs[name] = key;
        }
        if (unreadable !== undefined) {
          received.add(i);
          await opts.onOutcome({ index: i, ok: false, reason: unreadable });
          continue;
        }
        const data: JobEnvelope = { v: JOB_VERSION, kind: j.kind, label: j.label, payload: j.payload, blobs };
        children.push({
          name: j.kind,
          queueName: QUEUE_NAME,
          data,
          opts: { jobId: `${runId}-${i}`, attempts: opts.attempts ?? 3, backoff: { type: 'exponential', delay: opts.backoffMs ?? 1000 }, ignoreDependencyOnFailure: true },
        });
      }
      if (children.length === 0) break;
      const flow = await withDeadline(producer.add({ name: 'collect', queueName: COLLECT_QUEUE, data: { v: JOB_VERSION, total: children.length }, opts: { jobId: runId }, children }), unreachable, 'adding the jobs');
      parent = flow.job;
      const lost = await watch(runId, children.length);
      if (!lost) break;
      if (resubmits >= maxResubmits) throw new SlimfitError('E_BACKEND', `Redis lost this run's jobs ${resubmits + 1} times (restarted without persistence?); giving up with ${jobs.length - received.size} inputs not done`);
      resubmits++;
      opts.onNote?.(`Redis lost this run's jobs (restarted without persistence?): enqueueing the ${jobs.length - received.size} inputs not done again (${resubmits} of ${maxResubmits})`);
    }
  } finally {
    // Leave Redis as we found it: the run's parent and children (unprocessed ones included) go.
    // An active child is locked by its worker and stays (it finishes, its output expires unread); the waiting ones go first.
    if (parent) {
      const p = parent;
      await withDeadline(p.removeUnprocessedChildren().then(() => p.remove({ removeChildren: true })), 5000, 'cleaning up').catch(() => undefined);
    }
    await Promise.allSettled([producer.close(), collect.close(), work.close(), events.close()]);
    client.disconnect();
  }
  return { interrupted: opts.signal?.aborted === true && received.size < jobs.length, resubmits, counted };

  /**
   * Follows the run until every child is accounted for; true when Redis lost
   * the run. Results come from BullMQ's 'completed' events as they happen;
   * the parent's dependency counts (cheap) say when something was missed (an
   * event before a reconnect, ...): then, and for the failures, the parent's
   * sets are read whole. Per result that is O(1) work, not O(run).
   */
  async function watch(runId: string, total: number): Promise<boolean> {
    const seen = new Set<string>();
    let seenOk = 0;
    let seenFailed = 0;
    let lastEvent = Date.now();
    let lastAnswer = Date.now();
    let lastWorkerCheck = 0;
    let noWorkers = false;
    const take = async (id: string, v: JobResultEnvelope) => {
      if (seen.has(id)) return;
      seen.add(id);
      seenOk++;
      const index = indexOf(id);
      if (index === undefined || received.has(index)) return;
      let out: Uint8Array | undefined;
      if (v.out !== undefined) {
        try {
          out = await getBlob(client, v.out);
        } catch (e) {
          received.add(index);
          await opts.onOutcome({ index, ok: false, reason: `the output was lost in Redis: ${(e as Error).message}` });
          return;
        }
        await client.del(v.out);
      }
      received.add(index);
      await opts.onOutcome({ index, ok: true, value: v.value, ...(out ? { out } : {}), by: v.by, ms: v.ms });
    };
    while (!opts.signal?.aborted) {
      for (let e = inbox.shift(); e !== undefined; e = inbox.shift()) {
        if (e.jobId.startsWith(`${runId}-`)) {
          lastEvent = Date.now();
          await take(e.jobId, e.value);
        }
      }
      let p: Job | undefined;
      try {
        p = await withDeadline(Job.fromId(collect, runId), unreachable, 'reading progress');
      } catch (e) {
        if (Date.now() - lastAnswer > unreachable) throw e;
        await sleep(tick, opts.signal);
        continue;
      }
      lastAnswer = Date.now();
      if (p === undefined) return true;
      const c = await p.getDependenciesCount();
      const processed = c.processed ?? 0;
      const failed = (c.ignored ?? 0) + (c.failed ?? 0);
      if (processed > seenOk && Date.now() - lastEvent > EVENT_GRACE_MS) {
        const values = (await p.getChildrenValues()) as Record<string, JobResultEnvelope>;
        for (const [key, v] of Object.entries(values)) await take(jobIdOf(key), v);
      }
      if (failed > seenFailed) {
        for (const [key, reason] of Object.entries(await p.getIgnoredChildrenFailures())) {
          const id = jobIdOf(key);
          if (seen.has(id)) continue;
          seen.add(id);
          seenFailed++;
          const index = indexOf(id);
          if (index === undefined || received.has(index)) continue;
          received.add(index);
          await opts.onOutcome({ index, ok: false, reason: String(reason) });
        }
      }
      counted = seen.size;
      if (seen.size >= total) return false;
      if (Date.now() - lastWorkerCheck > WORKER_CHECK_MS) {
        // Nothing runs without a worker: say so once, instead of waiting in silence.
        lastWorkerCheck = Date.now();
        const n = await work.getWorkersCount().catch(() => -1);
        if (n === 0 && !noWorkers) opts.onNote?.(`no \`slimfit worker\` is connected to ${addr.url}: the jobs wait until one starts (slimfit worker --queue ${addr.url})`);
        noWorkers = n === 0;
      }
      await sleep(tick, opts.signal);
    }
    return false;
  }
}

/** How often the driver checks that some worker is connected. */
const WORKER_CHECK_MS = 5000;

/** How long results may come only from events before the parent's set is read for missed ones. */
const EVENT_GRACE_MS = 1000;

/** The job id in a dependency key (bull:slimfit:<id>). */
function jobIdOf(key: string): string {
  return key.slice(key.lastIndexOf(':') + 1);
}

/** The input index from a child's key: bull:slimfit:<run>-<index>. */
function indexOf(key: string): number | undefined {
  const m = /-(\d+)$/.exec(key);
  return m ? Number(m[1]) : undefined;
}

