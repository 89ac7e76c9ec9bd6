/** docs/ARCHITECTURE.md matches the tree: every path it names exists, and it names every folder of src/. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const doc = readFileSync(new URL('../docs/ARCHITECTURE.md', import.meta.url), 'utf8');

describe('docs/ARCHITECTURE.md', () => {
  it('every file or folder path it names exists', () => {
    const paths = [...doc.matchAll(/\b((?:src|test|bench|assembly|docs)\/[A-Za-z0-9_./<>*-]*[A-Za-z0-9_/*>])/g)].map((m) => m[1]).filter((p) => !/[<*]/.test(p));
    expect(paths.length).toBeGreaterThan(20);
    const missing = [...new Set(paths)].filter((p) => !existsSync(`${ROOT}${p}`));
    expect(missing).toEqual([]);
  });

  it('names every folder of src/', () => {
    const dirs = readdirSync(`${ROOT}src`, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `src/${e.name}/`);
    expect(dirs.filter((d) => !doc.includes(d))).toEqual([]);
  });
});
