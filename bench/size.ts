/**
 * Size budget: the release .wasm (DESIGN habit 10). Raw bytes against the
 * floor (WASM_FLOOR_BYTES), gzip -9 bytes for information.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { BenchContext, Family } from './context.js';

// The budget for the release .wasm: 24 KiB.
export const WASM_FLOOR_BYTES = 24 * 1024;
const RELEASE = fileURLToPath(new URL('../build/release.wasm', import.meta.url));

export const sizeFamily: Family = {
  name: 'size',
  tags: ['wasm'],
  description: 'release .wasm size',
  run(ctx: BenchContext): void {
    if (!existsSync(RELEASE)) {
      ctx.report.floor({ family: 'size', name: 'build/release.wasm size', target: `<= ${WASM_FLOOR_BYTES} bytes`, value: 'missing (run npm run build:wasm)', ok: null });
      return;
    }
    const bytes = readFileSync(RELEASE);
    const gz = gzipSync(bytes, { level: 9 }).length;
    const mod = new WebAssembly.Module(bytes);
    const exports = WebAssembly.Module.exports(mod).filter((e) => e.kind === 'function').length;
    ctx.report.record({ family: 'size', case: 'release.wasm', params: { file: 'build/release.wasm' }, timing: { id: 'size', medianMs: NaN, p25Ms: NaN, p75Ms: NaN, minMs: NaN, maxMs: NaN, spreadPct: NaN, samples: 0, reps: 0, cpuPct: NaN, cpuMedianMs: NaN }, derived: { bytes: bytes.length, gzipBytes: gz, exportedFunctions: exports } });
    ctx.report.table({
      family: 'size',
      title: 'size: build/release.wasm',
      notes: [`Floor: at most ${WASM_FLOOR_BYTES} bytes (${WASM_FLOOR_BYTES / 1024} KiB).`],
      columns: ['file', 'bytes', 'KiB', 'gzip -9 bytes', 'exported functions'],
      rows: [['build/release.wasm', String(bytes.length), (bytes.length / 1024).toFixed(1), String(gz), String(exports)]],
    });
    ctx.report.floor({
      family: 'size',
      name: 'build/release.wasm size',
      target: `<= ${WASM_FLOOR_BYTES} bytes`,
      value: `${bytes.length} bytes (${(bytes.length / 1024).toFixed(1)} KiB; gzip ${gz})`,
      ok: bytes.length <= WASM_FLOOR_BYTES,
    });
  },
};
