/**
 * The demo page's build: web/ is the root; relative asset paths (base './')
 * so the built folder works from any path; the Worker as an ES module (the
 * library loads its optional parts with dynamic imports). The library's
 * Node-only branch (reading the wasm file on file: URLs) never runs here.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

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
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
