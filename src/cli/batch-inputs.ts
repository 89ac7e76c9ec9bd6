/**
 * What `slimfit batch` works on: command-line inputs (folders, globs, files)
 * expanded to model files, and one output path per input, with the naming
 * errors of the whole run raised before anything is written.
 */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { inputError, usage } from './errors.js';
import { kindOfPath, parseTempName } from './files.js';

const hasGlob = (s: string) => /[*?[\]{}]/.test(s);

/** A glob (`*`, `?`, `**`, `[...]`, `{a,b}`) as a regular expression over '/'-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
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
    } else if (e.isFile() && parseTempName(e.name) === undefined) out.push(p);
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
