/**
 * Runs the `slimfit` command in this process: main() from src/cli/main.ts
 * with stdout and stderr captured, so a table of cases costs milliseconds
 * per row instead of a Node start-up each. One run at a time (the streams
 * and process.exitCode are the process's own).
 */
import { main } from '../../src/cli/main.js';

export interface MainRun {
  code: number;
  stdout: string;
  stderr: string;
}

let running: Promise<unknown> = Promise.resolve();

export function runMain(args: string[]): Promise<MainRun> {
  const run = running.then(() => runNow(args));
  running = run.catch(() => undefined);
  return run;
}

async function runNow(args: string[]): Promise<MainRun> {
  const out: string[] = [];
  const err: string[] = [];
  const text = (chunk: unknown) => (typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  const noColor = process.env.NO_COLOR;
  process.stdout.write = ((chunk: unknown) => out.push(text(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown) => err.push(text(chunk)) > 0) as typeof process.stderr.write;
  process.env.NO_COLOR = '1';
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'slimfit', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
    if (noColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = noColor;
    process.exitCode = undefined;
  }
}
