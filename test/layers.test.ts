/**
 * The import graph of src/, read from the files: layers only point down.
 * The engine (and the kernels under it) import nothing above them, nothing
 * inside slimfit imports the method facade or the package entries, and
 * the model classes that scoring needs do not reach the fitting or
 * compression algorithms.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** file (relative to src, .ts) -> the src files it imports (static, dynamic, type-only and re-exports alike). */
function importGraph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  const spec = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const deps: string[] = [];
    for (const m of text.matchAll(spec)) {
      const s = m[1] ?? m[2] ?? m[3] ?? '';
      if (!s.startsWith('.')) continue;
      deps.push(relative(SRC, resolve(dirname(file), s)).replace(/\.js$/, '.ts'));
    }
    g.set(relative(SRC, file), deps);
  }
  return g;
}

const graph = importGraph();
const under = (dir: string) => (f: string) => f.startsWith(`${dir}/`);

function violations(from: (f: string) => boolean, allowed: (dep: string) => boolean): string[] {
  const out: string[] = [];
  for (const [f, deps] of graph) if (from(f)) for (const d of deps) if (!allowed(d)) out.push(`${f} -> ${d}`);
  return out;
}

describe('layers', () => {
  it('reads a real graph (the check can fail)', () => {
    expect(graph.get('index.ts')).toContain('facade.ts');
    expect(graph.get('facade.ts')!.some(under('fit'))).toBe(true);
    expect(graph.size).toBeGreaterThan(50);
  });

  it('src/kernels imports only src/kernels', () => {
    expect(violations(under('kernels'), under('kernels'))).toEqual([]);
  });

  it('src/engine imports only the engine, the kernels and the shared leaves (errors, types)', () => {
    const ok = (d: string) => under('engine')(d) || under('kernels')(d) || d === 'errors.ts' || d === 'types.ts';
    expect(violations(under('engine'), ok)).toEqual([]);
  });

  it('src/ops imports nothing from fitting, compression, files or the command line', () => {
    const bad = (d: string) => ['fit', 'compress', 'io', 'cli', 'data'].some((l) => under(l)(d));
    expect(violations(under('ops'), (d) => !bad(d))).toEqual([]);
  });

  it('src/fit imports nothing from compression, files or the command line', () => {
    const bad = (d: string) => ['compress', 'io', 'cli', 'data'].some((l) => under(l)(d));
    expect(violations(under('fit'), (d) => !bad(d))).toEqual([]);
  });

  it('src/compress and src/io import nothing from the command line', () => {
    const from = (f: string) => under('compress')(f) || under('io')(f);
    expect(violations(from, (d) => !under('cli')(d) && !under('data')(d))).toEqual([]);
  });

  it('src/export (deployment formats) sits above the models and files and below the command line', () => {
    const lower = (f: string) => ['engine', 'kernels', 'ops', 'fit', 'compress', 'io', 'models'].some((l) => under(l)(f));
    expect(violations(lower, (d) => !under('export')(d))).toEqual([]);
    expect(violations(under('export'), (d) => !under('cli')(d) && !under('data')(d))).toEqual([]);
  });

  it('src/privacy imports only itself and the shared leaves (no engine, no fitting)', () => {
    const ok = (d: string) => under('privacy')(d) || ['errors.ts', 'types.ts', 'options.ts', 'validate.ts', 'sym-eigen.ts'].includes(d);
    expect(violations(under('privacy'), ok)).toEqual([]);
  });

  it('src/features imports only itself and the shared leaves (scoring raw rows needs no engine)', () => {
    const ok = (d: string) => under('features')(d) || ['errors.ts', 'types.ts', 'json.ts', 'random.ts', 'options.ts', 'validate.ts'].includes(d);
    expect(violations(under('features'), ok)).toEqual([]);
  });

  it('src/distill sits above fitting and compression and below the command line', () => {
    const lower = (f: string) => ['engine', 'kernels', 'ops', 'fit', 'compress', 'io', 'models', 'features', 'export'].some((l) => under(l)(f));
    expect(violations(lower, (d) => !under('distill')(d))).toEqual([]);
    expect(violations(under('distill'), (d) => !under('cli')(d) && !under('data')(d))).toEqual([]);
  });

  it('src/queue (BullMQ over Redis) imports no command-line code, and only src/cli imports it', () => {
    expect(violations(under('queue'), (d) => !under('cli')(d) && !under('data')(d))).toEqual([]);
    expect(violations((f) => !under('queue')(f) && !under('cli')(f), (d) => !under('queue')(d))).toEqual([]);
    expect(graph.get('cli/batch-queue.ts')).toContain('queue/flow.ts');
  });

  it('nothing inside slimfit imports the facade or the package entries', () => {
    const entries = new Set(['facade.ts', 'index.ts', 'core.ts']);
    const from = (f: string) => f !== 'index.ts' && f !== 'core.ts';
    expect(violations(from, (d) => !entries.has(d))).toEqual([]);
  });
});
