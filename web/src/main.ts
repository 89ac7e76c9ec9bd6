/**
 * The demo page's main thread: controls, the plot, the table. Every heavy
 * step is a request to the Worker (worker.ts), so the page stays responsive
 * while a fit runs; the sliders ask for one compression at a time, the
 * latest setting winning.
 */
import './style.css';
import { connect, WorkerError } from './client.js';
import { renderCoefs, renderPoints } from './coef-table.js';
import { familyName, RdPlot } from './plot.js';
import type { CompressRequest, CompressResult, DatasetInfo, EngineInfo, FitResult, Method, ScoreResult } from './protocol.js';
import { installHook } from './hook.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

// The built page caches its files for offline use (sw.js, written by web/offline.ts); the dev server has none.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register('./sw.js').catch((e: unknown) => console.warn('slimfit demo: no offline cache:', e));
}

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const client = connect(worker);

const ui = {
  engine: $<HTMLParagraphElement>('engine'),
  rows: $<HTMLInputElement>('rows'),
  seed: $<HTMLInputElement>('seed'),
  csv: $<HTMLInputElement>('csv'),
  csvName: $<HTMLSpanElement>('csv-name'),
  drop: $<HTMLDivElement>('drop'),
  load: $<HTMLButtonElement>('load'),
  target: $<HTMLSelectElement>('target'),
  features: $<HTMLDivElement>('features'),
  bins: $<HTMLSelectElement>('bins'),
  fit: $<HTMLButtonElement>('fit'),
  bits: $<HTMLInputElement>('bits'),
  bitsOut: $<HTMLOutputElement>('bits-out'),
  sparsity: $<HTMLInputElement>('sparsity'),
  sparsityOut: $<HTMLOutputElement>('sparsity-out'),
  download: $<HTMLButtonElement>('download'),
  scoreFile: $<HTMLInputElement>('score-file'),
  scoreOut: $<HTMLParagraphElement>('score-out'),
  status: $<HTMLParagraphElement>('status'),
  summary: $<HTMLDListElement>('summary'),
  coefs: $<HTMLTableElement>('coefs'),
  points: $<HTMLTableElement>('points'),
};
const plot = new RdPlot($<HTMLDivElement>('plot'));

let csvFile: File | undefined;
let dataset: DatasetInfo | undefined;
let fitted: FitResult | undefined;
let compressed: CompressResult | undefined;

function say(text: string, error = false): void {
  ui.status.textContent = text;
  ui.status.classList.toggle('error', error);
}

function failed(e: unknown): never {
  const msg = e instanceof WorkerError ? `${e.code ?? 'internal error'}: ${e.message}` : e instanceof Error ? e.message : String(e);
  say(msg, true);
  throw e;
}

const engineReady: Promise<EngineInfo> = client.call('info', undefined).then(
  (info) => {
    ui.engine.textContent = `engine: ${info.backend}${info.fallbackReason ? ` (fallback: ${info.fallbackReason})` : ''}`;
    return info;
  },
  (e: unknown) => {
    ui.engine.textContent = 'engine: failed to start';
    ui.engine.classList.add('error');
    return failed(e);
  },
);

function source(): 'credit' | 'csv' {
  return (document.querySelector('input[name=source]:checked') as HTMLInputElement).value as 'credit' | 'csv';
}

function method(): Method {
  return (document.querySelector('input[name=method]:checked') as HTMLInputElement).value as Method;
}

function setBusy(busy: boolean): void {
  ui.load.disabled = busy;
  ui.fit.disabled = busy || !dataset;
  document.body.setAttribute('aria-busy', String(busy));
}

function showFeatures(info: DatasetInfo): void {
  ui.target.replaceChildren(...info.columns.map((c) => new Option(c, c, c === info.target, c === info.target)));
  ui.target.disabled = false;
  const boxes = info.columns.map((c, i) => {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = c;
    box.id = `feature-${i}`;
    box.checked = info.features.includes(c);
    label.append(box, ` ${c}`);
    return label;
  });
  ui.features.replaceChildren(...boxes);
  lockTarget();
}

/** The target cannot be a feature: its box is cleared and disabled. */
function lockTarget(): void {
  for (const b of ui.features.querySelectorAll<HTMLInputElement>('input[type=checkbox]')) {
    b.disabled = b.value === ui.target.value;
    if (b.disabled) b.checked = false;
  }
}

function chosenFeatures(): string[] {
  return [...ui.features.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked')].map((b) => b.value).filter((f) => f !== ui.target.value);
}

async function loadData(): Promise<DatasetInfo> {
  await engineReady;
  setBusy(true);
  try {
    say('loading the data…');
    if (source() === 'csv') {
      if (!csvFile) throw new WorkerError('E_RANGE', 'choose or drop a CSV file first');
      dataset = await client.call('load', { source: 'csv', name: csvFile.name, text: await csvFile.text() });
    } else {
      dataset = await client.call('load', { source: 'credit', rows: Number(ui.rows.value), seed: Number(ui.seed.value) });
    }
    fitted = undefined;
    compressed = undefined;
    ui.download.disabled = true;
    showFeatures(dataset);
    const skipped = dataset.skipped.length ? ` Left out (not numeric): ${dataset.skipped.join(', ')}.` : '';
    say(`Loaded ${dataset.name}: ${dataset.rows} rows, ${dataset.columns.length} numeric columns in ${dataset.ms.toFixed(0)} ms.${skipped} Pick the target and features, then fit.`);
    return dataset;
  } catch (e) {
    return failed(e);
  } finally {
    setBusy(false);
  }
}

function term(label: string, value: string): HTMLElement[] {
  const dt = document.createElement('dt');
  dt.textContent = label;
  const dd = document.createElement('dd');
  dd.textContent = value;
  return [dt, dd];
}

function showSummary(): void {
  if (!fitted) return;
  const f = fitted;
  const digits = f.metricName === 'AUC' ? 4 : 5;
  const items = [
    ...term('task', f.task === 'logistic' ? 'logistic regression' : 'least squares'),
    ...term(`float64 ${f.metricName}`, f.metric.toFixed(digits)),
    ...term('float64 bytes', String(f.floatBytes)),
  ];
  if (compressed) {
    const c = compressed;
    const name = familyName(c) + ` ${c.bits}-bit`;
    const delta = c.metric - f.metric;
    items.push(
      ...term('compressed', name),
      ...term(`compressed ${f.metricName}`, `${c.metric.toFixed(digits)} (${delta >= 0 ? '+' : ''}${delta.toFixed(digits)})`),
      ...term('compressed bytes', `${c.bytes} (${(f.floatBytes / c.bytes).toFixed(1)}x smaller)`),
      ...term('.slim file', `${c.slim.length} bytes`),
    );
  }
  ui.summary.replaceChildren(...items);
}

async function fitModel(): Promise<FitResult> {
  setBusy(true);
  try {
    say('fitting and measuring every method…');
    fitted = await client.call('fit', { target: ui.target.value, features: chosenFeatures(), bins: Number(ui.bins.value) });
    compressed = undefined;
    say(`Fitted on ${fitted.trainRows} rows (${fitted.fitMs.toFixed(0)} ms); ${fitted.rd.length - 1} compressions scored on ${fitted.testRows} held-out rows (${fitted.rdMs.toFixed(0)} ms). GPTQ / OBS, QAT and the distilled students calibrate on ${fitted.calibRows} training rows.`);
    plot.draw(fitted);
    renderPoints(ui.points.tBodies[0], fitted);
    renderCoefs(ui.coefs.tBodies[0], fitted);
    showSummary();
    return fitted;
  } catch (e) {
    return failed(e);
  } finally {
    setBusy(false);
  }
}

function request(): CompressRequest {
  const m = method();
  ui.sparsity.disabled = m === 'qat';
  return { method: m, bits: Number(ui.bits.value), sparsity: m === 'qat' ? 0 : Number(ui.sparsity.value) };
}

let inFlight: Promise<CompressResult> | undefined;
let wanted: CompressRequest | undefined;

/** Compresses with the sliders' setting; while one runs, only the latest setting waits. */
async function compressNow(req: CompressRequest = request()): Promise<CompressResult> {
  if (!fitted) throw new WorkerError('E_RANGE', 'fit a model first');
  wanted = req;
  while (inFlight) await inFlight.catch(() => undefined);
  if (wanted !== req) return compressNow(wanted); // a later setting took over
  inFlight = client.call('compress', req);
  try {
    compressed = await inFlight;
    plot.select(compressed);
    renderCoefs(ui.coefs.tBodies[0], fitted, compressed);
    showSummary();
    ui.download.disabled = false;
    say(`${familyName(compressed)} ${compressed.bits}-bit in ${compressed.ms.toFixed(1)} ms${compressed.optimal === undefined ? '' : compressed.optimal ? ' (proved optimal on the grid)' : ' (search budget reached: not proved optimal)'}.`);
    return compressed;
  } catch (e) {
    return failed(e);
  } finally {
    inFlight = undefined;
  }
}

function onSlider(): void {
  ui.bitsOut.value = ui.bits.value;
  ui.sparsityOut.value = `${Math.round(Number(ui.sparsity.value) * 100)}%`;
  if (fitted) compressNow().catch(() => undefined);
}

function download(): void {
  if (!compressed || !fitted) return;
  const c = compressed;
  const name = `${ui.target.value}-${c.method}-${c.bits}bit${c.sparsity > 0 ? `-${Math.round(c.sparsity * 100)}pct` : ''}.slim`;
  const url = URL.createObjectURL(new Blob([c.slim as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function scoreSlim(slim: Uint8Array, rows?: Float64Array): Promise<ScoreResult> {
  await engineReady;
  const r = await client.call('score', { slim, ...(rows ? { rows } : {}) });
  ui.scoreOut.textContent = r.metric !== null && fitted ? `${r.kind}, ${r.d} columns: held-out ${fitted.metricName} ${r.metric.toFixed(fitted.metricName === 'AUC' ? 4 : 5)}` : `${r.kind}, ${r.d} columns: ${r.note ?? `${r.scores.length} rows scored`}`;
  return r;
}

function pickCsv(f: File | undefined): void {
  csvFile = f;
  ui.csvName.textContent = f ? `${f.name} (${f.size} bytes)` : 'no file';
  if (f) (document.querySelector('input[name=source][value=csv]') as HTMLInputElement).checked = true;
}

ui.load.addEventListener('click', () => void loadData().then(() => (ui.fit.disabled = false), () => undefined));
ui.fit.addEventListener('click', () => void fitModel().then(() => compressNow(), () => undefined).catch(() => undefined));
ui.target.addEventListener('change', lockTarget);
ui.bits.addEventListener('input', onSlider);
ui.sparsity.addEventListener('input', onSlider);
document.querySelectorAll('input[name=method]').forEach((r) => r.addEventListener('change', onSlider));
ui.download.addEventListener('click', download);
ui.csv.addEventListener('change', () => pickCsv(ui.csv.files?.[0]));
ui.drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  ui.drop.classList.add('over');
});
ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
ui.drop.addEventListener('drop', (e) => {
  e.preventDefault();
  ui.drop.classList.remove('over');
  pickCsv(e.dataTransfer?.files[0]);
});
ui.scoreFile.addEventListener('change', () => {
  const f = ui.scoreFile.files?.[0];
  if (f) void f.arrayBuffer().then((b) => scoreSlim(new Uint8Array(b))).catch((e: unknown) => (ui.scoreOut.textContent = e instanceof Error ? e.message : String(e)));
});

/** Moves the controls to `o` and compresses with them. */
function setAndCompress(o: Partial<CompressRequest>): Promise<CompressResult> {
  if (o.method !== undefined) (document.querySelector(`input[name=method][value=${o.method}]`) as HTMLInputElement).checked = true;
  if (o.bits !== undefined) ui.bits.value = String(o.bits);
  if (o.sparsity !== undefined) ui.sparsity.value = String(o.sparsity);
  ui.bitsOut.value = ui.bits.value;
  ui.sparsityOut.value = `${Math.round(Number(ui.sparsity.value) * 100)}%`;
  return compressNow();
}

installHook({
  ready: () => engineReady,
  async run(o) {
    if (o.rows !== undefined) ui.rows.value = String(o.rows);
    if (o.seed !== undefined) ui.seed.value = String(o.seed);
    (document.querySelector('input[name=source][value=credit]') as HTMLInputElement).checked = true;
    const data = await loadData();
    if (o.target !== undefined) {
      ui.target.value = o.target;
      lockTarget();
    }
    if (o.bins !== undefined) ui.bins.value = String(o.bins);
    const fit = await fitModel();
    const compress = await setAndCompress(o);
    return { data, fit, compress };
  },
  compress: setAndCompress,
  score: scoreSlim,
});
