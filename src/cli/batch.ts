/**
 * `slimfit batch <dir | glob | files...> --workers N -o outdir [compress options]`
 *
 * A piscina worker_threads pool, one engine per worker. Every output is
 * written atomically (temp file in the output folder, fsync, rename); a rerun
 * skips outputs whose recorded input digest (sha256) and recipe match; one bad
 * input is reported and skipped; Ctrl-C stops the pool, removes temp files and
 * exits 130 with nothing partial left behind.
 *
 * runBatch() is the same runner for code (benchmarks, scripts).
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { Command, Option } from 'commander';
import { Piscina } from 'piscina';
import type { BatchJob, BatchTask, BatchTaskResult } from './batch-worker.js';
import { Ctx } from './context.js';
import { CliError, EXIT, inputError, red, usage, yellow } from './errors.js';
import { isTempName, kindOfPath, sha256File } from './files.js';
import { createProgress, formatRate } from './progress.js';
import { addRecipeOptions, parseRecipe, recipeDigest, recipeRecord, type Recipe, type RecipeFlags } from './recipe.js';

export interface BatchProgress {
  total: number;
  /** Finished so far: written + skipped + failed. */
  done: number;
  written: number;
  skipped: number;
  failed: number;
  /** The task that just finished. */
  last: BatchTaskResult;
}

export interface BatchOptions {
  recipe: Recipe;
  /** Worker threads (default: available cores). */
  workers?: number;
  /** Redo outputs that are up to date. */
  force?: boolean;
  /**
   * fsync every output before its rename (default false). Without it an
   * output is still never partial for other processes, Ctrl-C or a crash of
   * slimfit; with it, it also survives a power loss — at ~1-3 ms per file.
   */
  fsync?: boolean;
  onProgress?: (p: BatchProgress) => void;
  /** Abort: stops the pool, removes temp files, resolves with interrupted: true. */
  signal?: AbortSignal;
  /** Inputs per worker task (default: total / (8 x workers), 1..16). */
  chunk?: number;
  /** Worker module (default: batch-worker.js next to this file, or .ts when running from source). */
  workerFile?: string;
}

export interface BatchSummary {
  total: number;
  written: number;
  skipped: number;
  failed: number;
  interrupted: boolean;
  workers: number;
  seconds: number;
  /** Written per second of wall time. */
  throughput: number;
  results: BatchTaskResult[];
  failures: Extract<BatchTaskResult, { status: 'failed' }>[];
}

const WORKER_EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

export function defaultWorkerFile(): string {
  return new URL(`./batch-worker${WORKER_EXT}`, import.meta.url).href;
}

// ------------------------------------------------------------------ inputs

const hasGlob = (s: string) => /[*?[\]{}]/.test(s);

/** A glob (`*`, `?`, `**`, `[...]`, `{a,b}`) as a regular expression over '/'-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
        i += glob[i + 2] === '/' ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const j = glob.indexOf(']', i + 1);
      if (j < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, j).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = j;
      }
    } else if (c === '{') {
      const j = glob.indexOf('}', i + 1);
      if (j < 0) re += '\\{';
      else {
        re += `(?:${glob
          .slice(i + 1, j)
          .split(',')
          .map((s) => s.replace(/[.+^${}()|[\]\\*?]/g, '\\$&'))
          .join('|')})`;
        i = j;
      }
    } else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

async function walk(dir: string, recursive: boolean, out: string[]): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (recursive && !e.name.startsWith('.')) await walk(p, true, out);
    } else if (e.isFile() && !isTempName(e.name)) out.push(p);
  }
}

/**
 * Expands command-line inputs: a folder gives its .slim / .safetensors files,
 * a glob the matching files, a path itself. Sorted, duplicates removed.
 */
export async function expandInputs(patterns: string[], opts: { recursive?: boolean } = {}): Promise<string[]> {
  const found = new Set<string>();
  const wanted = (p: string) => kindOfPath(p) !== undefined;
  for (const pat of patterns) {
    if (hasGlob(pat) && !existsSync(pat)) {
      const norm = pat.split(sep).join('/');
      const parts = norm.split('/');
      const firstGlob = parts.findIndex(hasGlob);
      const base = parts.slice(0, firstGlob).join('/') || (norm.startsWith('/') ? '/' : '.');
      const re = globToRegExp(norm.startsWith('./') ? norm.slice(2) : norm);
      const files: string[] = [];
      if (existsSync(base)) await walk(base, norm.includes('**') || parts.length - firstGlob > 1, files);
      const matches = files.filter((f) => re.test(f.split(sep).join('/').replace(/^\.\//, '')) && wanted(f));
      if (matches.length === 0) throw inputError(`no .slim or .safetensors files match '${pat}'`);
      matches.forEach((m) => found.add(m));
      continue;
    }
    const st = await stat(pat); // ENOENT: a clear "no such file or directory: pat"
    if (st.isDirectory()) {
      const files: string[] = [];
      await walk(pat, Boolean(opts.recursive), files);
      const models = files.filter(wanted);
      if (models.length === 0) throw inputError(`${pat} holds no .slim or .safetensors files`);
      models.forEach((m) => found.add(m));
    } else {
      if (!wanted(pat)) throw usage(`don't know how to compress '${pat}': expected .slim or .safetensors files`);
      found.add(pat);
    }
  }
  return [...found].sort();
}

/** Output path per input (same file name in outDir); two inputs with one name are an error. */
export function planOutputs(inputs: string[], outDir: string): Map<string, string> {
  const byName = new Map<string, string>();
  const plan = new Map<string, string>();
  const absOut = resolve(outDir);
  for (const inp of inputs) {
    const name = basename(inp);
    const prev = byName.get(name);
    if (prev !== undefined) throw usage(`two inputs share the file name ${name} (${prev} and ${inp}); outputs would collide in ${outDir}`);
    byName.set(name, inp);
    const out = join(outDir, name);
    if (resolve(inp) === resolve(out) || resolve(dirname(inp)) === absOut) throw usage(`-o ${outDir} is where the inputs are; outputs would overwrite them`);
    plan.set(inp, out);
  }
  return plan;
}

/** Removes temp files (ours, or left by a process that no longer runs) from dir. */
export async function sweepTemps(dir: string, onlyOurs: boolean): Promise<number> {
  let n = 0;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!isTempName(name)) continue;
    const pid = Number(/\.(\d+)\.[a-z0-9]+\.tmp$/.exec(name)?.[1]);
    const ours = pid === process.pid;
    let alive = ours;
    if (!ours && !onlyOurs) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (e) {
        alive = (e as NodeJS.ErrnoException).code === 'EPERM';
      }
    }
    if (ours || (!onlyOurs && !alive)) {
      await rm(join(dir, name), { force: true });
      n++;
    }
  }
  return n;
}

// ------------------------------------------------------------------ runner

/** Compresses every input into outDir with a worker pool. Never throws for a bad input: see summary.failures. */
export async function runBatch(inputs: string[], outDir: string, opts: BatchOptions): Promise<BatchSummary> {
  const t0 = performance.now();
  const workers = opts.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) throw usage(`--workers must be an integer from 1 to 256, got ${workers}`);
  const plan = planOutputs(inputs, outDir);
  await mkdir(outDir, { recursive: true });
  await sweepTemps(outDir, false);
  const calibDigest = opts.recipe.calib !== undefined ? await sha256File(opts.recipe.calib) : undefined;
  const digest = await recipeDigest(recipeRecord(opts.recipe, calibDigest));

  const pool = new Piscina<BatchTask, BatchTaskResult[]>({
    filename: opts.workerFile ?? defaultWorkerFile(),
    minThreads: Math.min(workers, inputs.length || 1),
    maxThreads: workers,
    idleTimeout: 1000,
  });
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (opts.signal?.aborted) stop.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const results: BatchTaskResult[] = [];
  let written = 0;
  let skipped = 0;
  let failed = 0;
  const total = inputs.length;
  const record = (r: BatchTaskResult) => {
    results.push(r);
    if (r.status === 'written') written++;
    else if (r.status === 'skipped') skipped++;
    else failed++;
    opts.onProgress?.({ total, done: written + skipped + failed, written, skipped, failed, last: r });
  };
  // Feed the pool chunks of a few inputs through a bounded window: one
  // message each way per chunk (thread wake-ups cost ~0.2-0.4 ms here), and
  // memory and abort listeners stay O(workers) however many inputs there are.
  const chunk = opts.chunk ?? Math.max(1, Math.min(16, Math.ceil(total / (workers * 8))));
  const jobs = [...plan].map(([input, output]) => ({ input, output }));
  const queue: BatchJob[][] = [];
  for (let i = 0; i < jobs.length; i += chunk) queue.push(jobs.slice(i, i + chunk));
  const window = workers * 2;
  setMaxListeners(window + 16, stop.signal);
  // Each input's result comes back on a per-chunk port as soon as that input
  // is done (the task's return value repeats them; `seen` drops the repeats),
  // so progress moves per file and an interrupt counts exactly what finished.
  const seen = new Set<string>();
  const recordOnce = (r: BatchTaskResult) => {
    if (seen.has(r.input)) return;
    seen.add(r.input);
    record(r);
  };
  const interruptedPorts: MessagePort[] = [];
  const lane = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined && !stop.signal.aborted; next = queue.shift()) {
      const { port1, port2 } = new MessageChannel();
      port1.on('message', recordOnce);
      const task: BatchTask = { jobs: next, recipe: opts.recipe, recipeDigest: digest, ...(calibDigest ? { calibDigest } : {}), force: Boolean(opts.force), fsync: Boolean(opts.fsync), port: port2 };
      try {
        for (const r of await pool.run(task, { signal: stop.signal, transferList: [port2] })) recordOnce(r);
        port1.close();
      } catch (e) {
        if (stop.signal.aborted) {
          // interrupted: not a failure of these inputs; what the worker finished is drained after the pool stops
          interruptedPorts.push(port1);
          return;
        }
        port1.close();
        for (const { input, output } of next) {
          if (!seen.has(input)) recordOnce({ status: 'failed', input, output, code: 'E_WORKER', message: `${basename(input)}: worker failed: ${(e as Error)?.message ?? String(e)}`, exitCode: EXIT.INTERNAL });
        }
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(window, queue.length) }, lane));
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await pool.destroy();
    // The workers are gone: every result they posted is queued on its port. Take them all, then close.
    for (const port of interruptedPorts) {
      for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) recordOnce(m.message as BatchTaskResult);
      port.close();
    }
    // Aborted tasks' workers were terminated, possibly mid-write: their temp files go.
    await sweepTemps(outDir, true);
  }
  const seconds = (performance.now() - t0) / 1000;
  const order = new Map(inputs.map((p, i) => [p, i]));
  results.sort((a, b) => order.get(a.input)! - order.get(b.input)!);
  return {
    total,
    written,
    skipped,
    failed,
    interrupted: stop.signal.aborted,
    workers,
    seconds,
    throughput: written / seconds,
    results,
    failures: results.filter((r): r is Extract<BatchTaskResult, { status: 'failed' }> => r.status === 'failed'),
  };
}

// ------------------------------------------------------------------ command

interface BatchFlags extends RecipeFlags {
  output: string;
  workers?: string;
  force?: boolean;
  fsync?: boolean;
  recursive?: boolean;
}

export function batchCommand(): Command {
  const cmd = new Command('batch')
    .description('compress many models (.slim) or weight files (.safetensors) on a pool of worker threads; reruns skip what is up to date')
    .argument('<inputs...>', 'folders, globs (quote them: "models/*.slim") or files')
    .requiredOption('-o, --output <dir>', 'output folder (created if missing); each output keeps its input file name')
    .addOption(new Option('-w, --workers <n>', 'worker threads').default(String(availableParallelism()), 'available cores'))
    .option('--force', 'redo outputs that are already up to date')
    .option('--fsync', 'flush every output to disk before its rename (survives power loss; slower)')
    .option('-r, --recursive', 'descend into subfolders of folder inputs');
  return addRecipeOptions(cmd).action(async (patterns: string[], flags: BatchFlags, c: Command) => {
    process.exitCode = await runBatchCommand(Ctx.of(c), patterns, flags);
  });
}

export async function runBatchCommand(ctx: Ctx, patterns: string[], f: BatchFlags): Promise<number> {
  const recipe = parseRecipe(f);
  const workers = Number(f.workers ?? availableParallelism());
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) throw usage(`--workers must be an integer from 1 to 256, got '${f.workers}'`);
  if (kindOfPath(f.output) !== undefined) throw usage(`-o names a folder for batch, got the file name '${f.output}'`);
  const inputs = await expandInputs(patterns, { recursive: Boolean(f.recursive) });
  // Errors about the whole run come before any output: colliding names, -o over the inputs, -o not a folder, no --calib.
  planOutputs(inputs, f.output);
  if (recipe.calib !== undefined && (await stat(recipe.calib)).isDirectory()) throw inputError(`--calib ${recipe.calib} is a directory; expected a CSV file`);
  if ((await stat(f.output).catch(() => undefined))?.isDirectory() === false) throw usage(`-o ${f.output} is a file; batch writes into a folder`);
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
  ctx.note(`batch: ${inputs.length} inputs -> ${f.output}, ${workers} worker${workers === 1 ? '' : 's'}`);
  const bar = createProgress('batch', inputs.length, { unit: 'files', quiet: ctx.progressQuiet });
  let s: BatchSummary;
  try {
    s = await runBatch(inputs, f.output, {
      recipe,
      workers,
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
    });
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

export { CliError };
