/**
 * How the command line fails: one clear line on stderr ("slimfit: <what went
 * wrong> — <what to do>"), coloured on a terminal (never when NO_COLOR is set
 * or stderr is not a TTY), a stack trace only with --debug, and an exit code
 * that tells scripts what kind of failure it was.
 */
import { dirname } from 'node:path';
import { isSlimfitError } from '../errors.js';

/** Exit codes (also listed by `slimfit --help`). */
export const EXIT = {
  OK: 0,
  /** An unexpected internal error (a bug: rerun with --debug and report it). */
  INTERNAL: 1,
  /** Bad usage: unknown or conflicting flags, option values out of range. */
  USAGE: 2,
  /** Bad input: missing or unreadable file, unparsable CSV, wrong column, corrupt .slim / safetensors. */
  INPUT: 3,
  /** The numbers would not cooperate: singular design, separation, no convergence. */
  COMPUTE: 4,
  /** batch: at least one input failed (the others were written). */
  PARTIAL: 5,
  /** Interrupted (SIGINT); nothing partial was left behind. */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI expected: its message is the whole story, no stack needed. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  readonly code: string;
  constructor(code: string, message: string, exitCode: ExitCode = EXIT.INPUT) {
    super(message);
    this.name = 'CliError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

export const usage = (message: string) => new CliError('E_USAGE', message, EXIT.USAGE);
export const inputError = (message: string, code = 'E_INPUT') => new CliError(code, message, EXIT.INPUT);

/** Whether to colour text written to `stream`: a TTY, NO_COLOR unset, TERM not dumb; FORCE_COLOR forces it. */
export function useColor(stream: NodeJS.WriteStream = process.stderr): boolean {
  const env = process.env;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== '') return true;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

const paint = (code: string) => (s: string, stream?: NodeJS.WriteStream) => (useColor(stream) ? `\x1b[${code}m${s}\x1b[0m` : s);
export const red = paint('31');
export const yellow = paint('33');
export const green = paint('32');
export const dim = paint('2');
export const bold = paint('1');

interface SystemErrorText {
  /** The slimfit code reported for it (default: E_INPUT when reading, E_OUTPUT for a system call that writes). */
  code?: 'E_OUTPUT';
  /** About the path the system call named (` <path>`, or '' when it named none). */
  read: (p: string) => string;
  /** About an output the user named: a write may fail on its temp file, which the user never heard of. */
  write: (path: string) => string;
}

const denied: SystemErrorText = { read: (p) => `permission denied:${p}`, write: (path) => `permission denied in ${dirname(path)}` };
const noFolder = (path: string) => `the folder ${dirname(path)} does not exist`;

/** Node's system errors the command line explains in words; any other errno keeps Node's message. */
const SYSTEM_ERRORS: Readonly<Record<string, SystemErrorText>> = {
  ENOENT: { read: (p) => `no such file or directory:${p}`, write: noFolder },
  ENOTDIR: { read: (p) => `not a directory:${p}`, write: noFolder },
  EACCES: denied,
  EPERM: denied,
  EISDIR: { read: (p) => `is a directory, expected a file:${p}`, write: (path) => `${path} is a folder; name a file` },
  ENOSPC: { code: 'E_OUTPUT', read: (p) => `no space left on the device while writing${p}`, write: () => 'no space left on the device' },
  EROFS: { code: 'E_OUTPUT', read: (p) => `read-only file system:${p}`, write: () => 'read-only file system' },
};

/** System calls that create or change files: their failures are about an output. */
const WRITING_CALLS = new Set(['mkdir', 'mkdtemp', 'rename', 'write', 'unlink', 'rmdir', 'rm', 'copyfile', 'symlink', 'link', 'fsync', 'ftruncate', 'utime', 'chmod']);

/** The slimfit code for a system error: Node's errno (ENOENT, ...) never reaches the error line. */
function systemCode(e: NodeJS.ErrnoException): 'E_INPUT' | 'E_OUTPUT' {
  return SYSTEM_ERRORS[e.code ?? '']?.code ?? (WRITING_CALLS.has(e.syscall ?? '') ? 'E_OUTPUT' : 'E_INPUT');
}

/** Node's system errors (ENOENT, EACCES, ...) as one line naming the path. */
function systemMessage(e: NodeJS.ErrnoException): string | undefined {
  return SYSTEM_ERRORS[e.code ?? '']?.read(e.path ? ` ${e.path}` : '');
}

/** Why writing the output `path` failed with errno `code`, in words about `path`; undefined for an errno without words. */
export function writeProblem(code: string | undefined, path: string): string | undefined {
  return SYSTEM_ERRORS[code ?? '']?.write(path);
}

export interface Classified {
  code: string;
  message: string;
  exitCode: ExitCode;
  /** true: an error we did not foresee (show the stack with --debug, ask for a report). */
  unexpected: boolean;
}

/** Turns anything thrown into a code, a one-line message and an exit code. */
export function classify(e: unknown): Classified {
  if (e instanceof CliError) return { code: e.code, message: e.message, exitCode: e.exitCode, unexpected: false };
  if (isSlimfitError(e)) {
    // The code goes in its own field (and in brackets on the error line), so the message is the reason alone.
    const message = e.reason;
    const exitCode = e.code === 'E_FORMAT' || e.code === 'E_SHAPE' || e.code === 'E_NONFINITE' ? EXIT.INPUT : e.code === 'E_RANGE' ? EXIT.USAGE : EXIT.COMPUTE;
    return { code: e.code, message, exitCode, unexpected: false };
  }
  const sys = e as NodeJS.ErrnoException;
  if (sys && typeof sys === 'object' && typeof sys.code === 'string') {
    // An errno without words (EIO, EMFILE, ...) is still about a file, not a bug: Node's own message.
    const m = systemMessage(sys) ?? (typeof sys.syscall === 'string' ? sys.message : undefined);
    if (m) return { code: systemCode(sys), message: m, exitCode: EXIT.INPUT, unexpected: false };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'E_INTERNAL', message: firstLine(message), exitCode: EXIT.INTERNAL, unexpected: true };
}

export function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}

/** The one error line every failure prints: `slimfit: error [E_CODE] what went wrong` (no newline). */
export function errorLine(code: string, message: string, prefix = 'slimfit'): string {
  return `${prefix}: ${red('error')} ${dim(`[${code}]`)} ${message}`;
}

/** Writes the one line (or JSON object with --json) and returns the exit code. */
export function reportError(e: unknown, opts: { debug?: boolean; json?: boolean; prefix?: string } = {}): ExitCode {
  const c = classify(e);
  const prefix = opts.prefix ?? 'slimfit';
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: { code: c.code, message: c.message, exitCode: c.exitCode } })}\n`);
  }
  const hint = c.unexpected && !opts.debug ? dim(' (internal error: rerun with --debug for the stack trace)') : '';
  process.stderr.write(`${errorLine(c.code, firstLine(c.message), prefix)}${hint}\n`);
  if (opts.debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  return c.exitCode;
}
