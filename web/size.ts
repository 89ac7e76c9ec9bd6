/** The built page's own size: every JS, CSS, HTML and wasm file, raw and gzipped (level 9), as a server would send them compressed. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface PageSize {
  files: number;
  raw: number;
  gzip: number;
  /** Gzipped and raw bytes per file kind (js, css, html, wasm). */
  byKind: Record<string, { raw: number; gzip: number }>;
}

export async function pageSize(dir: string): Promise<PageSize> {
  const out: PageSize = { files: 0, raw: 0, gzip: 0, byKind: {} };
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const kind = /\.(js|css|html|wasm)$/.exec(e.name)?.[1];
    if (!e.isFile() || !kind) continue;
    const b = await readFile(join(e.parentPath, e.name));
    const gz = gzipSync(b, { level: 9 }).length;
    out.files++;
    out.raw += b.length;
    out.gzip += gz;
    const k = (out.byKind[kind] ??= { raw: 0, gzip: 0 });
    k.raw += b.length;
    k.gzip += gz;
  }
  return out;
}

export function describeSize(s: PageSize): string {
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const parts = Object.entries(s.byKind).map(([k, v]) => `${k} ${kib(v.gzip)}`);
  // the library inlines its wasm in a JS chunk unless the page loads it as a file
  const wasm = s.byKind.wasm ? '' : '; the wasm is inlined in the JS';
  return `demo page: ${s.files} files, ${kib(s.raw)} raw, ${kib(s.gzip)} gzipped (${parts.join(', ')}${wasm})`;
}
