/**
 * The demo page (web/) in real Chromium: built once with Vite, served on
 * 127.0.0.1, one browser for the file. The page's Worker runs the library as
 * a user's bundler ships it; Node runs the same inputs here, and the two
 * must agree bit for bit.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { auc, compressModel, decodeSlim, distill, encodeSlim, fitLinear, fitLogistic, init, type CompressedLinearModel, type Engine, type LogisticModel, type Matrix } from '../src/core.js';
import { creditDataset } from '../src/data/credit.js';
import { applyBinning, fitBinning } from '../src/data/bins.js';
import { describeSize, pageSize } from '../web/size.js';
import { buildDemo, CHROMIUM, launchChromium, NO_WASM_CSP, OUTPUT, serveStatic, type Browser, type StaticServer } from './helpers/browser-demo.js';
import type { DemoHook } from '../web/src/hook.js';

const ROWS = 20_000;
const SEED = 7;
const BINS = 8;

let engine: Engine;
let browser: Browser;
let plain: StaticServer;
let csp: StaticServer;
/** Its own origin, so its service worker and cache touch no other test. */
let offline: StaticServer;

/** What the Node side computes from the inputs the page is given: the same split, design and options as web/src/pipeline.ts documents. */
interface NodeRun {
  names: string[];
  model: LogisticModel;
  Xte: Matrix;
  yTe: Float64Array;
  Xcal: Matrix;
}
let node: NodeRun;

function rowsOf(X: Matrix, from: number, to: number): Matrix {
  return { rows: to - from, cols: X.cols, data: X.data.subarray(from * X.cols, to * X.cols) };
}

beforeAll(async () => {
  // Not skipped when missing: CI (.ci/run) installs it, and a silent skip would hide the page's tests.
  if (!existsSync(CHROMIUM)) throw new Error(`these tests drive Chromium at ${CHROMIUM}: install it (Debian: apt-get install chromium; .ci/run does)`);
  const [dir, e, b] = await Promise.all([buildDemo(), init(), launchChromium()]);
  engine = e;
  browser = b;
  [plain, csp, offline] = await Promise.all([serveStatic(dir), serveStatic(dir, NO_WASM_CSP), serveStatic(dir)]);
  console.log(describeSize(await pageSize(dir)));
  const data = creditDataset(ROWS, SEED);
  const nTrain = Math.floor(ROWS * 0.8);
  const binning = fitBinning(rowsOf(data.X, 0, nTrain), data.features, BINS);
  const X = applyBinning(data.X, binning);
  node = {
    names: binning.names,
    model: fitLogistic(engine, rowsOf(X, 0, nTrain), data.defaulted.subarray(0, nTrain), { ridge: 1e-6 }),
    Xte: rowsOf(X, nTrain, ROWS),
    yTe: data.defaulted.subarray(nTrain),
    Xcal: rowsOf(X, 0, Math.min(nTrain, 20_000)),
  };
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([plain?.close(), csp?.close(), offline?.close()]);
});

interface Watched {
  page: Page;
  errors: string[];
  requests: string[];
}

/** A page at `url`, recording console errors, page errors, failed requests and HTTP errors. */
async function open(url: string): Promise<Watched> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('request', (r) => requests.push(r.url()));
  page.on('response', (r) => r.status() >= 400 && errors.push(`HTTP ${r.status()}: ${r.url()}`));
  await page.goto(url);
  await page.waitForFunction(() => window.slimfitDemo !== undefined);
  return { page, errors, requests };
}

const hook = (page: Page) => ({
  ready: () => page.evaluate(() => window.slimfitDemo!.ready()),
  run: (o: Parameters<DemoHook['run']>[0]) =>
    page.evaluate(async (o) => {
      const r = await window.slimfitDemo!.run(o);
      return { fit: { ...r.fit, coef: [...r.fit.coef] }, compress: { ...r.compress, coef: [...r.compress.coef], codes: [...r.compress.codes], scale: r.compress.scale && [...r.compress.scale], slim: [...r.compress.slim] } };
    }, o),
  compress: (o: Parameters<DemoHook['compress']>[0]) =>
    page.evaluate(async (o) => {
      const c = await window.slimfitDemo!.compress(o);
      return { ...c, coef: [...c.coef], codes: [...c.codes], scale: c.scale && [...c.scale], slim: [...c.slim] };
    }, o),
  score: (slim: Uint8Array, rows?: Float64Array) =>
    page.evaluate(
      async ([s, r]) => {
        const out = await window.slimfitDemo!.score(Uint8Array.from(s), r ? Float64Array.from(r) : undefined);
        return { ...out, scores: [...out.scores] };
      },
      [[...slim], rows ? [...rows] : null] as const,
    ),
});

/** |a - b| <= 1e-12 |b| for every element (exact zeros must match exactly). */
function expectClose(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, b[i] === 0 ? (a[i] === 0 ? 0 : Infinity) : Math.abs(a[i] - b[i]) / Math.abs(b[i]));
  expect(worst).toBeLessThanOrEqual(1e-12);
  return worst;
}

async function nodeSlim(c: CompressedLinearModel, strip: boolean): Promise<Uint8Array> {
  return encodeSlim({ kind: 'compressed-logistic', model: c }, { features: node.names, targets: ['defaulted'], ...(strip ? { strip: true } : { provenance: { source: 'browser-demo.test', created: '2026-01-01T00:00:00Z' } }) });
}

describe('the demo page in Chromium', () => {
  it('loads with no console errors or failed requests, on the wasm-simd backend, fits and compresses bit-identically to Node', async () => {
    const w = await open(plain.url);
    const h = hook(w.page);
    const info = await h.ready();
    expect(info.backend).toBe('wasm-simd');
    expect(info.fallbackReason).toBeNull();
    const r = await h.run({ rows: ROWS, seed: SEED, target: 'defaulted', bins: BINS, method: 'gptq', bits: 4, sparsity: 0.5 });
    expect(r.fit.names).toEqual(node.names);
    const fitGap = Math.max(expectClose(r.fit.coef, node.model.coef), expectClose([r.fit.intercept], [node.model.intercept]));
    console.log(`page vs Node: float fit within ${fitGap.toExponential(1)} relative`);
    expect(r.fit.metric).toBe(auc(node.model.decisionFunction(node.Xte), node.yTe));
    // The page's fit is the same (within 1e-12); its compressions are then compared code for code and byte for byte.
    const cases = [
      { page: r.compress, opts: { method: 'gptq' as const, quantize: { bits: 4 }, prune: { sparsity: 0.5 }, X: node.Xcal } },
      { page: await h.compress({ method: 'rtn', bits: 3, sparsity: 0 }), opts: { method: 'rtn' as const, quantize: { bits: 3 }, X: node.Xcal } },
    ];
    for (const { page, opts } of cases) {
      const c = compressModel(engine, node.model, opts);
      expect(page.codes).toEqual([...c.values]);
      expect(page.scale).toEqual(c.scale ? [...c.scale] : null);
      expectClose(page.coef, c.coefficients());
      expectClose([page.intercept], [c.intercept[0]]);
      expect(page.metric).toBe(auc(c.decisionFunction(node.Xte), node.yTe));
      // The page's .slim, read in Node: the same codes and scales bit for bit, the same model within 1e-12.
      const dec = await decodeSlim(Uint8Array.from(page.slim));
      if (dec.kind !== 'compressed-logistic') throw new Error(`the page wrote a '${dec.kind}' file`);
      const m = dec.model;
      expect(Buffer.from(m.values.buffer, m.values.byteOffset, m.values.byteLength).equals(Buffer.from(c.values.buffer, c.values.byteOffset, c.values.byteLength))).toBe(true);
      expect(m.scale && Buffer.from(m.scale.buffer, m.scale.byteOffset, m.scale.byteLength).equals(Buffer.from(c.scale!.buffer, c.scale!.byteOffset, c.scale!.byteLength))).toBe(true);
      expect(m.index.kept).toBe(c.index.kept);
      expectClose(m.coefficients(), c.coefficients());
      expectClose(m.intercept, c.intercept);
    }
    // a .slim written in Node scores on the page's held-out rows as in Node
    const fromNode = compressModel(engine, node.model, { quantize: { bits: 2 }, prune: { sparsity: 0.25 }, X: node.Xcal });
    expect((await h.score(await nodeSlim(fromNode, false))).metric).toBe(auc(fromNode.decisionFunction(node.Xte), node.yTe));
    // a student distilled onto a quarter of the columns, then GPTQ: the same columns, codes and scores
    const dp = await h.compress({ method: 'distill', bits: 4, sparsity: 0.75 });
    const dn = distill(engine, node.model, node.Xcal, { student: { features: Math.round(0.25 * node.names.length), bits: 4 } });
    const ds = dn.student as CompressedLinearModel;
    expect(dp.columns).toEqual(dn.columns);
    expect(dp.codes).toEqual([...ds.values]);
    expectClose(dn.columns.map((j) => dp.coef[j]), ds.coefficients());
    expect(dp.metric).toBe(auc(ds.decisionFunction(dn.studentInputs(node.Xte)), node.yTe));
    // its .slim names its columns, so the page scores it on the held-out rows by name
    expect((await h.score(Uint8Array.from(dp.slim))).metric).toBe(dp.metric);
    expect(await w.page.locator('#coefs tbody tr').count()).toBe(node.names.length + 1);
    expect(await w.page.locator('#points tbody tr').count()).toBe(r.fit.rd.length);
    expect(w.errors).toEqual([]);
    await w.page.close();
  });

  it('scores a .slim written in Node identically, compressed or float, with no fit in the page', async () => {
    const w = await open(plain.url);
    const h = hook(w.page);
    const c = compressModel(engine, node.model, { quantize: { bits: 2 }, prune: { sparsity: 0.25 }, X: node.Xcal });
    const rows = Float64Array.from(node.Xte.data.subarray(0, 500 * node.Xte.cols));
    const X = { rows: 500, cols: node.Xte.cols, data: rows };
    const compressed = await h.score(await nodeSlim(c, false), rows);
    expect(compressed.kind).toBe('compressed-logistic');
    expect(compressed.scores).toEqual([...c.decisionFunction(X)]);
    const float = await h.score(await encodeSlim({ kind: 'logistic', model: node.model }, { features: node.names, provenance: { source: 'browser-demo.test' } }), rows);
    expect(float.kind).toBe('logistic');
    expect(float.scores).toEqual([...node.model.decisionFunction(X)]);
    expect(w.errors).toEqual([]);
    await w.page.close();
  });

  it('keeps the main thread responsive while the Worker fits 200,000 rows (no long task over 100 ms)', async () => {
    const w = await open(plain.url);
    const h = hook(w.page);
    await h.ready();
    await w.page.evaluate(() => {
      const g = globalThis as unknown as { longTasks: number[] };
      g.longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => g.longTasks.push(e.duration))).observe({ type: 'longtask' });
    });
    // The observer works: a deliberate 150 ms busy loop on the main thread is seen.
    // (as a task of the page's event loop: a script the test evaluates directly is not one)
    await w.page.evaluate(() =>
      setTimeout(() => {
        const t = performance.now();
        while (performance.now() - t < 150);
      }, 0),
    );
    await w.page.waitForFunction(() => (globalThis as unknown as { longTasks: number[] }).longTasks.some((d) => d >= 150));
    await w.page.evaluate(() => ((globalThis as unknown as { longTasks: number[] }).longTasks = []));
    const t0 = Date.now();
    const r = await h.run({ rows: 200_000, seed: SEED, target: 'defaulted', bins: BINS, method: 'gptq', bits: 4, sparsity: 0 });
    const seconds = (Date.now() - t0) / 1000;
    expect(r.fit.trainRows).toBe(160_000);
    await w.page.waitForTimeout(50); // let the observer deliver the last entries
    const long = await w.page.evaluate(() => (globalThis as unknown as { longTasks: number[] }).longTasks);
    console.log(`200,000-row fit + report + compression in the Worker: ${seconds.toFixed(1)} s; main-thread long tasks: ${long.length ? long.map((d) => d.toFixed(0)).join(', ') + ' ms' : 'none'}`);
    expect(long.filter((d) => d > 100)).toEqual([]);
    expect(w.errors).toEqual([]);
    // The screenshot of the demo after a run (test-output/ is ignored by git).
    await mkdir(OUTPUT, { recursive: true });
    await w.page.screenshot({ path: join(OUTPUT, 'demo.png'), fullPage: true });
    await w.page.close();
  });

  it("falls back to the JS twin under a CSP without 'wasm-unsafe-eval' and still scores correctly", async () => {
    const w = await open(csp.url);
    // The policy is in force: the page itself may not compile WebAssembly.
    const refused = await w.page.evaluate(() =>
      WebAssembly.compile(Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0)).then(
        () => 'compiled',
        (e: Error) => e.name,
      ),
    );
    expect(refused).not.toBe('compiled');
    const h = hook(w.page);
    const info = await h.ready();
    expect(info.backend).toBe('js');
    expect(info.fallbackReason).toBeTruthy();
    const c = compressModel(engine, node.model, { method: 'gptq', quantize: { bits: 4 }, X: node.Xcal });
    const rows = Float64Array.from(node.Xte.data.subarray(0, 500 * node.Xte.cols));
    const scored = await h.score(await nodeSlim(c, false), rows);
    expect(scored.scores).toEqual([...c.decisionFunction({ rows: 500, cols: node.Xte.cols, data: rows })]);
    // every file still loaded under the policy, and the page logged no error
    expect(w.errors).toEqual([]);
    await w.page.close();
  });

  it('fits a chosen CSV through the controls, by keyboard; every control has a label', async () => {
    const w = await open(plain.url);
    await hook(w.page).ready();
    const unlabelled = await w.page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLButtonElement>('input, select, button'))
        .filter((el) => !(el.labels && el.labels.length > 0) && !el.getAttribute('aria-label') && !(el instanceof HTMLButtonElement && el.textContent!.trim()))
        .map((el) => el.outerHTML),
    );
    expect(unlabelled).toEqual([]);
    // y = 1 + 2 x1 - 0.5 x2 + a little deterministic noise; a text column the page must leave out
    const n = 300;
    const x1 = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) * 3);
    const x2 = Float64Array.from({ length: n }, (_, i) => ((i * 37) % 101) / 10);
    const y = Float64Array.from({ length: n }, (_, i) => 1 + 2 * x1[i] - 0.5 * x2[i] + 0.1 * Math.cos(i * 1.3));
    const csvText = ['x1,note,x2,y', ...Array.from({ length: n }, (_, i) => `${x1[i]},"row ${i}, quoted",${x2[i]},${y[i]}`)].join('\n');
    // dropped on the drop zone, as a user drags it from the desktop
    await w.page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'toy.csv', { type: 'text/csv' }));
      document.getElementById('drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, csvText);
    await w.page.focus('#load');
    await w.page.keyboard.press('Enter');
    await w.page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('Loaded toy.csv'));
    expect(await w.page.textContent('#status')).toContain('Left out (not numeric): note');
    expect(await w.page.inputValue('#target')).toBe('y');
    await w.page.selectOption('#bins', '0');
    // a bad request comes back as the library's typed error, shown in the status line
    await w.page.locator('#features input[value=x1]').uncheck();
    await w.page.locator('#features input[value=x2]').uncheck();
    await w.page.click('#fit');
    await w.page.waitForFunction(() => document.getElementById('status')!.classList.contains('error'));
    expect(await w.page.textContent('#status')).toBe('E_RANGE: pick at least one feature');
    await w.page.locator('#features input[value=x1]').check();
    await w.page.locator('#features input[value=x2]').check();
    await w.page.focus('#fit');
    await w.page.keyboard.press('Enter');
    await w.page.waitForFunction(() => document.getElementById('summary')!.textContent!.includes('RTN dense 4-bit'));
    await w.page.focus('#bits');
    await w.page.keyboard.press('ArrowRight');
    await w.page.waitForFunction(() => document.getElementById('summary')!.textContent!.includes('RTN dense 5-bit'));
    const X = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) [X[2 * i], X[2 * i + 1]] = [x1[i], x2[i]];
    const m = fitLinear(engine, { rows: 240, cols: 2, data: X.subarray(0, 480) }, y.subarray(0, 240));
    const floats = await w.page.locator('#coefs tbody tr td:nth-child(2)').allTextContents();
    expect(floats).toEqual([m.intercept, ...m.coef].map((v) => v.toFixed(4)));
    // the download is the 5-bit model's .slim
    const [download] = await Promise.all([w.page.waitForEvent('download'), w.page.click('#download')]);
    expect(download.suggestedFilename()).toBe('y-rtn-5bit.slim');
    const file = await decodeSlim(new Uint8Array(await readFile((await download.path())!)));
    if (file.kind !== 'compressed-linear') throw new Error(`downloaded a '${file.kind}' file`);
    expect(file.model.bits).toBe(5);
    expect(file.header.features).toEqual(['x1', 'x2']);
    expect(w.errors).toEqual([]);
    await w.page.close();
  });

  it('works offline once loaded: with the server gone, a reload still fits and compresses', async () => {
    const w = await open(offline.url);
    await hook(w.page).ready();
    // the service worker has cached every built file and controls the page
    await w.page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 10_000 });
    await offline.close();
    w.requests.length = 0;
    await w.page.reload();
    await w.page.waitForFunction(() => window.slimfitDemo !== undefined);
    const r = await hook(w.page).run({ rows: 5000, seed: SEED, target: 'loss', bins: 0, method: 'rtn', bits: 8, sparsity: 0 });
    expect(r.fit.task).toBe('linear');
    expect(r.compress.slim.length).toBeGreaterThan(0);
    expect(w.requests.length).toBeGreaterThan(0); // the reload did ask, and the cache answered
    expect(w.errors).toEqual([]);
    await w.page.close();
  });
});
