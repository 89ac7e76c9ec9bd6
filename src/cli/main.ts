/**
 * The `slimfit` command: fit, compress, predict, export, inspect, report, batch, demo.
 * Exit codes: 0 ok, 1 internal error, 2 bad usage, 3 bad input, 4 numerical
 * failure, 5 batch finished with failures, 130 interrupted.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { batchCommand } from './batch.js';
import { compressCommand } from './compress.js';
import { demoCommand } from './demo.js';
import { distillCommand } from './distill.js';
import { errorLine, EXIT, reportError } from './errors.js';
import { exportCommand } from './export.js';
import { cleanupTempFiles, VERSION } from './files.js';
import { fitCommand } from './fit.js';
import { inspectCommand } from './inspect.js';
import { predictCommand } from './predict.js';
import { reportCommand } from './report.js';
import { scorecardCommand } from './scorecard.js';
import { workerCommand } from './worker.js';

export function buildProgram(): Command {
  const program = new Command('slimfit')
    .description('fit, prune and quantize linear models (credit scoring, risk, pricing) with SIMD WebAssembly kernels')
    .version(VERSION, '-V, --version')
    .addOption(new Option('--json', 'machine-readable output: one JSON object on stdout'))
    .addOption(new Option('-q, --quiet', 'no progress or notes on stderr'))
    .addOption(new Option('--debug', 'show stack traces on errors'))
    .addOption(new Option('--no-color', 'no colours (also: NO_COLOR=1)'))
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 internal error, 2 bad usage, 3 bad input (missing file, bad CSV,
wrong column, corrupt file), 4 numerical failure, 5 batch had failures, 130 interrupted.

Start with:  slimfit demo`,
    );
  for (const cmd of [fitCommand(), compressCommand(), distillCommand(), predictCommand(), exportCommand(), inspectCommand(), reportCommand(), scorecardCommand(), batchCommand(), workerCommand(), demoCommand()]) {
    // `slimfit fit --help` also lists --json, --quiet, --debug (they work after the command name too).
    cmd.configureHelp({ showGlobalOptions: true });
    program.addCommand(cmd);
  }
  return program;
}

/** Commander usage errors (unknown option, missing argument, ...) as our one-line error, exit 2. */
function configure(cmd: Command, state: { json: boolean }): void {
  cmd.exitOverride();
  cmd.configureOutput({
    outputError: (str, write) => {
      const sub = cmd.name() === 'slimfit' ? '' : ` ${cmd.name()}`;
      const line = `${str.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim()} (see slimfit${sub} --help)`;
      if (state.json) process.stdout.write(`${JSON.stringify({ ok: false, error: { code: 'E_USAGE', message: line, exitCode: EXIT.USAGE } })}\n`);
      write(`${errorLine('E_USAGE', line)}\n`);
    },
  });
  // Commander checks required options before unknown ones, so `slimfit fit --bogus` would complain about the
  // missing --target. Report the unknown option first: after a leaf command's options are parsed, the first
  // left-over argument that looks like an option is one (unless help was asked for, which still wins).
  if (cmd.commands.length === 0) {
    const parseOptions = cmd.parseOptions.bind(cmd);
    cmd.parseOptions = (args: string[]) => {
      const parsed = parseOptions(args);
      const first = parsed.unknown[0];
      const help = parsed.unknown.some((a) => a === '--help' || a === '-h');
      if (first !== undefined && first.length > 1 && first.startsWith('-') && !help) (cmd as unknown as { unknownOption(flag: string): void }).unknownOption(first);
      return parsed;
    };
  }
  for (const sub of cmd.commands) configure(sub, state);
}

export async function main(argv: string[] = process.argv): Promise<number> {
  const json = argv.includes('--json');
  const debug = argv.includes('--debug');
  if (argv.includes('--no-color')) process.env.NO_COLOR = '1';
  const program = buildProgram();
  configure(program, { json });
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      if (e.exitCode === 0) return EXIT.OK;
      // No command at all: commander printed the help (on stderr) without an error line.
      if (json && e.code === 'commander.help') {
        process.stdout.write(`${JSON.stringify({ ok: false, error: { code: 'E_USAGE', message: 'no command given (see slimfit --help)', exitCode: EXIT.USAGE } })}\n`);
      }
      return EXIT.USAGE;
    }
    return reportError(e, { debug, json });
  }
}

function isEntry(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/** Runs the command as a program: process handlers, then main(), then the exit code. */
export async function cliEntry(argv: string[] = process.argv): Promise<void> {
  // `slimfit demo | head`: a closed pipe is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  // Ctrl-C: outputs are written to temp files and renamed, so nothing partial
  // exists under a final name; remove the temp files of writes in flight.
  // (batch installs its own handler, which stops the workers first.)
  process.on('SIGINT', () => {
    if (process.listenerCount('SIGINT') > 1) return;
    cleanupTempFiles();
    process.exit(EXIT.INTERRUPTED);
  });
  process.exitCode = await main(argv);
}

if (isEntry()) void cliEntry();
