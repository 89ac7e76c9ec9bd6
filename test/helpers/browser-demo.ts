/**
 * The demo page under test: built once with Vite into test-output/, served
 * by a tiny static server on 127.0.0.1 (port 0), optionally with a CSP that
 * refuses WebAssembly compilation, and driven in Debian's Chromium through
 * playwright-core with a fresh profile.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const OUTPUT = join(ROOT, 'test-output');
export const CHROMIUM = '/usr/bin/chromium';
/** The flags CI runs Chromium with: no GPU, no network chatter of its own. */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Without 'wasm-unsafe-eval': the page may run its own scripts but compile no WebAssembly. */
export const NO_WASM_CSP = "default-src 'self'; script-src 'self'";

/** Builds web/ into test-output/<name>; returns the folder. */
export async function buildDemo(name = 'web'): Promise<string> {
  const { build } = await import('vite');
  const outDir = join(OUTPUT, name);
  // vitest sets NODE_ENV=test, which would make this a development build; the page under test is the one `npm run web` serves
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(ROOT, 'web/vite.config.ts'), mode: 'production', logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  } finally {
    process.env.NODE_ENV = env;
  }
  return outDir;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

export interface StaticServer {
  url: string;
  /** Stops serving and drops every open connection. */
  close(): Promise<void>;
}

/** Serves `dir` read-only; every response carries `csp` as Content-Security-Policy when given (the Worker script too). */
export async function serveStatic(dir: string, csp?: string): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
      const headers: Record<string, string> = { 'cache-control': 'no-store' };
      if (csp) headers['content-security-policy'] = csp;
      if (!file.startsWith(dir + sep) || !(await stat(file).catch(() => undefined))?.isFile()) {
        res.writeHead(404, headers).end('not found');
        return;
      }
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': String(body.length) }).end(body);
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${addr.port}/`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections(); // keep-alive sockets too: the page must find the server gone
      }),
  };
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Chromium with a fresh --user-data-dir, removed on close. */
export async function launchChromium(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'slimfit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1366, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
