/**
 * `slimfit batch <dir | glob | files...> --workers N -o outdir [compress options]`
 *
 * Checks the whole run before any output (names that collide, -o over the
 * inputs or not a folder), runs the pool with a progress bar, reports each
 * failure as it happens, and turns Ctrl-C into a clean stop: the workers are
 * stopped, temp files removed, and the exit code is 130.
 */
import { availableParallelism } from 'node:os';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command, Option } from 'commander';
import { expandInputs, planOutputs } from './batch-inputs.js';
import { checkWorkers, runBatch, type BatchOptions, type BatchSummary } from './batch-pool.js';
import { queueAddress, runQueueBatchCommand } from './batch-queue-command.js';
import { Ctx } from './context.js';
import { EXIT, inputError, red, usage, yellow } from './errors.js';
import { kindOfPath, makeOutputDir } from './files.js';
import { createProgress, formatRate } from './progress.js';
import { addRecipeOptions, parseRecipe, type RecipeFlags } from './recipe.js';

interface BatchFlags extends RecipeFlags {
  output: string;
  workers?: string;
  force?: boolean;
  fsync?: boolean;
  recursive?: boolean;
  queue?: string;
  queueAttempts?: string;
  queueBackoff?: string;
}

export function batchCommand(): Command {
  const cmd = new Command('batch')
    .description('compress many models (.slim) or weight files (.safetensors) on a pool of worker threads; reruns skip what is up to date')
    .argument('<inputs...>', 'folders, globs (quote them: "models/*.slim") or files')
    .requiredOption('-o, --output <dir>', 'output folder (created if missing); each output keeps its input file name')
    .addOption(new Option('-w, --workers <n>', 'worker threads').default(String(availableParallelism()), 'available cores'))
    .option('--force', 'redo outputs that are already up to date')
    .option('--fsync', 'flush every output to disk before its rename (survives power loss; slower)')
    .option('-r, --recursive', 'descend into subfolders of folder inputs')
    .option('--queue <redis-url>', 'run on `slimfit worker` processes through Redis (redis://host:port[/db]) instead of local threads; outputs are still written here')
    .option('--queue-attempts <n>', 'with --queue: tries per input when a worker fails or dies (a bad input is not retried)', '3')
    .option('--queue-backoff <ms>', 'with --queue: wait before the first retry, doubling after each', '1000');
  return addRecipeOptions(cmd, { qat: false }).action(async (patterns: string[], flags: BatchFlags, c: Command) => {
    process.exitCode = await runBatchCommand(Ctx.of(c), patterns, flags);
  });
}

function retryFlags(f: BatchFlags): { attempts: number; backoffMs: number } {
  const attempts = Number(f.queueAttempts ?? 3);
  const backoffMs = Number(f.queueBackoff ?? 1000);
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 100) throw usage(`--queue-attempts must be an integer from 1 to 100, got '${f.queueAttempts}'`);
  if (!Number.isInteger(backoffMs) || backoffMs < 0 || backoffMs > 3_600_000) throw usage(`--queue-backoff must be an integer number of ms from 0 to 3600000, got '${f.queueBackoff}'`);
  return { attempts, backoffMs };
}

export async function runBatchCommand(ctx: Ctx, patterns: string[], f: BatchFlags): Promise<number> {
  const recipe = parseRecipe(f);
  if (recipe.method === 'qat') throw usage("--method qat trains each model on its own data (features and target); run `slimfit compress --method qat` per model");
  const queue = f.queue !== undefined ? queueAddress(f.queue) : undefined;
  const workers = Number(f.workers ?? availableParallelism());
  checkWorkers(workers, `'${f.workers}'`);
  if (kindOfPath(f.output) !== undefined) throw usage(`-o names a folder for batch, got the file name '${f.output}'`);
  const inputs = await expandInputs(patterns, { recursive: Boolean(f.recursive) });
  // Errors about the whole run come before any output: colliding names, -o over the inputs, -o not a folder, no --calib.
  planOutputs(inputs, f.output);
  if (recipe.calib !== undefined && (await stat(recipe.calib)).isDirectory()) throw inputError(`--calib ${recipe.calib} is a directory; expected a CSV file`);
  if ((await stat(f.output).catch(() => undefined))?.isDirectory() === false) throw usage(`-o ${f.output} is a file; batch writes into a folder`);
  await makeOutputDir(f.output);
  const ac = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      ctx.note(yellow('\ninterrupted: stopping the workers and removing temp files (Ctrl-C again to force)'));
      ac.abort();
    } else process.exit(EXIT.INTERRUPTED);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  ctx.note(`batch: ${inputs.length} inputs -> ${f.output}, ${queue ? `through the queue at ${queue.url}` : `${workers} worker${workers === 1 ? '' : 's'}`}`);
  const bar = createProgress('batch', inputs.length, { unit: 'files', quiet: ctx.progressQuiet });
  let s: BatchSummary;
  try {
    const common: Pick<BatchOptions, 'recipe' | 'force' | 'fsync' | 'signal' | 'onProgress'> = {
      recipe,
      force: Boolean(f.force),
      fsync: Boolean(f.fsync),
      signal: ac.signal,
      onProgress: (p) => {
        if (p.last.status === 'failed') {
          // A failure is reported even under --quiet (not under --json: it is in the result).
          if (!ctx.progressQuiet) bar.log(`${red('failed')} ${p.last.message}`);
          else if (!ctx.json) process.stderr.write(`${red('failed')} ${p.last.message}\n`);
        }
        bar.update(p.done, basename(p.last.input));
      },
    };
    s = queue
      ? await runQueueBatchCommand(inputs, f.output, queue, { ...common, ...retryFlags(f) }, (line) => bar.log(yellow(line)))
      : await runBatch(inputs, f.output, { ...common, workers });
  } finally {
    bar.stop();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
  const line = `batch: ${s.written} written, ${s.skipped} skipped (up to date), ${s.failed} failed${s.interrupted ? `, ${s.total - s.written - s.skipped - s.failed} not done (interrupted)` : ''} of ${s.total} in ${s.seconds.toFixed(2)} s (${formatRate(s.throughput, 'files')}, ${s.workers} workers)`;
  const code = s.interrupted ? EXIT.INTERRUPTED : s.failed > 0 ? EXIT.PARTIAL : EXIT.OK;
  ctx.result({ command: 'batch', ok: code === EXIT.OK, output: f.output, ...s, exitCode: code });
  if (!ctx.json) process.stderr.write(`${s.failed > 0 || s.interrupted ? yellow(line) : line}\n`);
  return code;
}
