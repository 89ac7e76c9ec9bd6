/**
 * The demo page's build: web/ is the root; relative asset paths (base './')
 * so the built folder works from any path; the Worker as an ES module (the
 * library loads its optional parts with dynamic imports); sw.js written
 * after the build so the page works offline once loaded (offline.ts).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { offlineCache } from './offline.js';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'info',
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No data: URLs: a page whose CSP is default-src 'self' must still load every asset.
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
  worker: { format: 'es' },
  plugins: [offlineCache()],
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
