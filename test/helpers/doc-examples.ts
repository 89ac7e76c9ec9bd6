/**
 * Runs the code examples of the docs, so that the docs cannot drift from the code.
 *
 * Every ```ts block of README.md and docs/*.md is a module: its `'slimfit'` imports are pointed at
 * src/index.ts, it is written to a temporary .ts file and imported (top-level await works). A block
 * states its results in comments that a reader takes as plain notes and this runner checks:
 *
 *   expr; // => value          expr equals value exactly (=== for numbers and strings)
 *   const x = expr; // => v    the same, for the variable just declared
 *   console.log(expr); // => v the same, for what is printed
 *   expr; // ≈ value           equal to the digits shown: 0.744 means within 0.0005, 1.7e-9 within 0.05e-9
 *   expr; // throws E_CODE     expr throws a SlimfitError with that code
 *
 * `value` is a JavaScript expression. An array matches an array or typed array of the same length,
 * element by element; `Float32Array [2]` also checks the type; an object matches when each key it
 * lists matches (other keys of the actual value are ignored). A second `//` on the line starts prose.
 * A block fenced ```ts continued runs after the block before it on the same page, in one module; a
 * block that must not run is fenced ```ts no-run (the docs test counts those).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC_INDEX = join(ROOT, 'src/index.ts');
const SRC_CORE = join(ROOT, 'src/core.ts');

export interface DocBlock {
  /** Path relative to the repository root. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  /** Words after the language on the fence line (e.g. 'no-run'). */
  flags: string[];
  code: string;
}

/** Every fenced block of a markdown file. */
export function fencedBlocks(path: string): DocBlock[] {
  const file = relative(ROOT, path);
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})\s*([\w-]*)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const fence = open[2];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !lines[j].trimStart().startsWith(fence); j++) body.push(lines[j]);
    if (j === lines.length) throw new Error(`${file}:${i + 1}: unclosed code fence`);
    out.push({ file, line: i + 1, lang: open[3], flags: open[4].split(/\s+/).filter(Boolean), code: body.join('\n') });
    i = j;
  }
  return out;
}

// ------------------------------------------------------------------ checks

class Approx {
  constructor(
    readonly value: number,
    readonly tol: number,
  ) {}
}
class Typed {
  constructor(
    readonly type: string,
    readonly values: unknown[],
  ) {}
}

/** Half a unit in the last digit of a numeric literal: '0.744' -> 0.0005, '1.7e-9' -> 0.05e-9, '12' -> 0.5. */
function halfUlp(lit: string): number {
  const m = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(lit)!;
  return 0.5 * 10 ** (Number(m[3] ?? 0) - (m[2]?.length ?? 0));
}

function describe(v: unknown): string {
  if (ArrayBuffer.isView(v)) return `${v.constructor.name} [${Array.from(v as unknown as ArrayLike<number>).join(', ')}]`;
  if (v instanceof Approx) return `≈${v.value}`;
  if (v instanceof Typed) return `${v.type} [${v.values.join(', ')}]`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Why `actual` does not match `expected`, or undefined when it does. */
function mismatch(actual: unknown, expected: unknown, path: string): string | undefined {
  const here = () => `${path || 'value'}: expected ${describe(expected)}, got ${describe(actual)}`;
  if (expected instanceof Approx) {
    return typeof actual === 'number' && Math.abs(actual - expected.value) <= expected.tol * (1 + 1e-9) ? undefined : here();
  }
  if (expected instanceof Typed) {
    const name = (actual as object | null)?.constructor?.name;
    if (name !== expected.type) return `${path || 'value'}: expected a ${expected.type}, got ${name ?? typeof actual}`;
    return mismatch(actual, expected.values, path);
  }
  if (Array.isArray(expected) || ArrayBuffer.isView(expected)) {
    if (!(Array.isArray(actual) || ArrayBuffer.isView(actual))) return here();
    const a = Array.from(actual as ArrayLike<unknown>);
    expected = Array.from(expected as ArrayLike<unknown>);
    const e = expected as unknown[];
    if (a.length !== e.length) return `${path || 'value'}: expected ${e.length} values, got ${a.length} (${describe(actual)})`;
    for (let i = 0; i < a.length; i++) {
      const m = mismatch(a[i], e[i], `${path}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null) return here();
    for (const k of Object.keys(expected)) {
      const m = mismatch((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      if (m) return m;
    }
    return undefined;
  }
  if (typeof expected === 'number' && Number.isNaN(expected)) return Number.isNaN(actual) ? undefined : here();
  return actual === expected ? undefined : here();
}

/** What the transformed blocks call (through globalThis.__slimfitDoc). */
export interface DocRuntime {
  check(actual: unknown, expected: unknown, where: string): void;
  throws(fn: () => unknown, code: string, where: string): void;
  approx(value: number, tol: number): Approx;
  typed(type: string, values: unknown[]): Typed;
  /** Checks run so far. */
  count: number;
}

export function docRuntime(): DocRuntime {
  const rt: DocRuntime = {
    count: 0,
    check(actual, expected, where) {
      rt.count++;
      const m = mismatch(actual, expected, '');
      if (m) throw new Error(`${where}: ${m}`);
    },
    throws(fn, code, where) {
      rt.count++;
      try {
        fn();
      } catch (e) {
        const got = (e as { code?: unknown }).code;
        if (got === code) return;
        throw new Error(`${where}: expected a SlimfitError ${code}, got ${String(got ?? e)}`);
      }
      throw new Error(`${where}: expected ${code}, nothing was thrown`);
    },
    approx: (value, tol) => new Approx(value, tol),
    typed: (type, values) => new Typed(type, values),
  };
  return rt;
}

// ------------------------------------------------------------------ transform

const CHECK = /^(\s*)(.*?);?\s*\/\/ (=>|≈) (.+?)\s*$/;
const THROWS = /^(\s*)(.*?);?\s*\/\/ throws (E_[A-Z]+)\b.*$/;

/** The expected value as source: numeric literals become approx() for ≈; `Float32Array [..]` becomes typed(). */
function expectedSource(text: string, approx: boolean): string {
  let src = text;
  const typed = /^(Float64Array|Float32Array|Int8Array|Uint8Array|Int32Array|Uint32Array|Uint16Array)\s+(\[.*\])$/.exec(src);
  if (typed) src = `__doc.typed('${typed[1]}', ${typed[2]})`;
  if (approx) {
    src = src.replace(/(?<![\w.$'"])(-?)(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?![\w.])/g, (_m, sign: string, lit: string) => `__doc.approx(${sign}${lit}, ${halfUlp(lit)})`);
  }
  return src;
}

/**
 * A block as module source: slimfit imports resolved, result comments turned into checks.
 * Returns the source lines and the number of checks.
 */
export function transform(block: DocBlock, slimfit: string): { lines: string[]; checks: number } {
  let checks = 0;
  const lines = block.code.split('\n').map((line, i) => {
    const where = `${block.file}:${block.line + 1 + i}`;
    let code = line.replace(/from\s+'slimfit'/g, `from ${JSON.stringify(slimfit)}`).replace(/from\s+'slimfit\/core'/g, `from ${JSON.stringify(SRC_CORE)}`);
    const t = THROWS.exec(code);
    if (t) {
      checks++;
      return `${t[1]}__doc.throws(() => (${t[2]}), '${t[3]}', ${JSON.stringify(where)});`;
    }
    const m = CHECK.exec(code);
    if (!m) return code;
    checks++;
    const [, indent, stmt, kind, rest] = m as unknown as [string, string, string, string, string];
    // a second `//` starts prose about the value: `x; // => 3 // three rows`
    const exp = rest.split(/\s\/\/\s/)[0].trim();
    const expected = expectedSource(exp, kind === '≈');
    const decl = /^(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=/.exec(stmt);
    const log = /^console\.log\((.*)\)$/.exec(stmt);
    if (decl) code = `${indent}${stmt}; __doc.check(${decl[1]}, ${expected}, ${JSON.stringify(where)});`;
    else if (log) code = `${indent}__doc.check((${log[1]}), ${expected}, ${JSON.stringify(where)});`;
    else code = `${indent}__doc.check((${stmt}), ${expected}, ${JSON.stringify(where)});`;
    return code;
  });
  return { lines, checks };
}

/**
 * The blocks to run, each as a chain: a block fenced ```ts continued runs after the block before it
 * on the same page (which it continues, with that block's checks), so a page can build an example
 * step by step. Blocks fenced ```ts no-run are left out.
 */
export function runnableChains(blocks: DocBlock[], skip: (b: DocBlock) => boolean): DocBlock[][] {
  const chains: DocBlock[][] = [];
  let last: DocBlock[] | undefined;
  for (const b of blocks) {
    if (!(b.lang === 'ts' || b.lang === 'typescript') || skip(b)) continue;
    if (b.flags.includes('continued')) {
      if (!last || last[0].file !== b.file) throw new Error(`${b.file}:${b.line}: a 'continued' block needs a ts block before it on the same page`);
      last = [...last, b];
    } else last = [b];
    chains.push(last);
  }
  return chains;
}

// ------------------------------------------------------------------ run

let workDir: string | undefined;
let serial = 0;

function dir(): string {
  if (!workDir) {
    workDir = mkdtempSync(join(tmpdir(), 'slimfit-docs-'));
    process.once('exit', () => rmSync(workDir!, { recursive: true, force: true }));
  }
  return workDir;
}

/**
 * Runs one chain of blocks (see runnableChains) as one module and returns how many checks ran. `backend` forces every `init()` of the block
 * onto one backend (the block's own `init()` options are otherwise kept).
 */
export async function runBlock(chain: DocBlock[], backend?: 'wasm' | 'js'): Promise<number> {
  const block = chain[chain.length - 1];
  const d = dir();
  let slimfit = SRC_INDEX;
  if (backend) {
    slimfit = join(d, `slimfit-${backend}.ts`);
    writeFileSync(
      slimfit,
      `export * from ${JSON.stringify(SRC_INDEX)};\nimport { init as realInit, type InitOptions } from ${JSON.stringify(SRC_INDEX)};\n` +
        `export const init = (o: InitOptions = {}) => realInit({ ...o, backend: ${JSON.stringify(backend)} });\n`,
    );
  }
  let checks = 0;
  const body: string[] = [];
  for (const b of chain) {
    const t = transform(b, slimfit);
    checks += t.checks;
    body.push(...t.lines);
  }
  const source = `const __doc = (globalThis as any).__slimfitDoc;\n${body.join('\n')}\n`;
  const name = `${block.file.replace(/[^\w]+/g, '_')}_L${block.line}_${backend ?? 'auto'}_${serial++}.ts`;
  mkdirSync(d, { recursive: true });
  const path = join(d, name);
  writeFileSync(path, source);
  const rt = docRuntime();
  (globalThis as unknown as { __slimfitDoc: DocRuntime }).__slimfitDoc = rt;
  await import(pathToFileURL(path).href);
  if (rt.count !== checks) throw new Error(`${block.file}:${block.line}: ${checks} checks written, ${rt.count} ran`);
  return rt.count;
}
