/**
 * `slimfit worker --queue redis://host:port[/db] [--concurrency N]`: runs the
 * compress and fit jobs that `batch --queue` and `fit --queue` enqueue, until
 * SIGTERM or SIGINT. One worker thread (one engine) per concurrency slot; a
 * job that crashes its thread or runs past --job-timeout costs that thread
 * only. The first signal stops taking jobs and lets the active ones finish;
 * a second hands them back at once (another worker picks them up after the
 * lock expires). At exit it reports what it did.
 *
 * SLIMFIT_WORKER_FAULTS (JSON: { fail, crash, hang: [file names], delayMs })
 * injects faults for the fault tests; never set it in production.
 */
import { availableParallelism } from 'node:os';
import { Command, Option } from 'commander';
import { startQueueWorker, type WorkerFaults } from '../queue/worker.js';
import { queueAddress, queueError } from './batch-queue-command.js';
import { Ctx } from './context.js';
import { EXIT, usage, yellow } from './errors.js';

interface WorkerFlags {
  queue: string;
  concurrency: string;
  jobTimeout: string;
  lockDuration: string;
  stalledInterval: string;
}

const JOB_MODULE_EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

export function workerCommand(): Command {
  return new Command('worker')
    .description('run the jobs of `batch --queue` and `fit --queue` from Redis until SIGTERM / SIGINT (one per machine or per core)')
    .requiredOption('--queue <redis-url>', 'the Redis the drivers enqueue to: redis://host:port[/db]')
    .addOption(new Option('-c, --concurrency <n>', 'jobs at once, one worker thread (and engine) each').default('1'))
    .addOption(new Option('--job-timeout <s>', 'a job still running after this many seconds is stopped (its thread replaced) and retried').default('600'))
    .addOption(new Option('--lock-duration <ms>', 'lock on an active job: a dead worker\'s job is recovered this long after it died').default('30000'))
    .addOption(new Option('--stalled-interval <ms>', 'how often this worker looks for jobs of dead workers').default('30000'))
    .action(async (flags: WorkerFlags, c: Command) => {
      process.exitCode = await runWorkerCommand(Ctx.of(c), flags);
    });
}

function int(flag: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max || v.trim() === '') throw usage(`--${flag} must be an integer from ${min} to ${max}, got '${v}'`);
  return n;
}

function faultsFromEnv(): WorkerFaults | undefined {
  const raw = process.env.SLIMFIT_WORKER_FAULTS;
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw) as WorkerFaults;
  } catch {
    throw usage(`SLIMFIT_WORKER_FAULTS is not JSON: ${raw}`);
  }
}

export async function runWorkerCommand(ctx: Ctx, f: WorkerFlags): Promise<number> {
  const addr = queueAddress(f.queue);
  const concurrency = int('concurrency', f.concurrency, 1, Math.max(256, availableParallelism()));
  const jobTimeoutMs = int('job-timeout', f.jobTimeout, 1, 7 * 24 * 3600) * 1000;
  const lockDurationMs = int('lock-duration', f.lockDuration, 100, 3_600_000);
  const stalledIntervalMs = int('stalled-interval', f.stalledInterval, 100, 3_600_000);
  const faults = faultsFromEnv();
  const log = (line: string) => {
    if (!ctx.progressQuiet) process.stderr.write(`worker ${process.pid}: ${line}\n`);
  };
  const t0 = performance.now();
  const w = startQueueWorker(addr, {
    jobModule: new URL(`./queue-jobs${JOB_MODULE_EXT}`, import.meta.url).href,
    concurrency,
    jobTimeoutMs,
    lockDurationMs,
    stalledIntervalMs,
    log,
    ...(faults ? { faults } : {}),
  });
  let signals = 0;
  let stopped!: () => void;
  const stop = new Promise<void>((r) => (stopped = r));
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      log(yellow(`${sig}: finishing the active jobs (send it again to hand them back now)`));
      void w.close(false).then(stopped, stopped);
    } else {
      log(yellow(`${sig}: handing the active jobs back`));
      void w.close(true).then(stopped, stopped);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    try {
      await w.ready;
    } catch (e) {
      throw queueError(e);
    }
    log(`taking jobs from ${addr.url} with ${concurrency} thread${concurrency === 1 ? '' : 's'}`);
    await stop;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const s = w.stats;
  const seconds = (performance.now() - t0) / 1000;
  ctx.result({ command: 'worker', ok: true, queue: addr.url, concurrency, ...s, seconds, exitCode: EXIT.OK });
  if (!ctx.json) process.stderr.write(`worker ${process.pid}: stopped after ${seconds.toFixed(1)} s: ${s.completed} jobs done, ${s.failed} failed, ${s.refused} refused (other version), ${s.threadsReplaced} threads replaced\n`);
  return EXIT.OK;
}
