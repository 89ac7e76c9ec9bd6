/**
 * `npm run web`: builds the demo page (web/dist/) and serves it on
 * 127.0.0.1 with Vite's preview server; prints the page's size and its URL.
 * PORT picks the port (default 4173; the next free one if taken).
 */
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import { describeSize, pageSize } from './size.js';

const configFile = fileURLToPath(new URL('./vite.config.ts', import.meta.url));
const outDir = fileURLToPath(new URL('./dist', import.meta.url));

await build({ configFile, logLevel: 'warn' });
console.log(describeSize(await pageSize(outDir)));
const server = await preview({ configFile, preview: { host: '127.0.0.1', port: Number(process.env.PORT ?? 4173), open: false } });
const url = server.resolvedUrls?.local[0] ?? '(no URL)';
console.log(`slimfit demo page: ${url}  (Ctrl-C stops it)`);
