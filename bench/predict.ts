/**
 * `slimfit predict` throughput: rows per second scoring a CSV with a
 * 45-feature model, against the same file only parsed (the CSV reader the
 * command uses, nothing scored) and against a plain JS dot-product loop over
 * the parsed rows, so the table shows where the time goes: parsing should
 * dominate, not scoring. (Part of the bench program: `npm run bench -- scoring`.)
 *
 * Input: N rows (200 000; 20 000 with --quick) of an id and 45 features
 * ~ N(0, 1) printed with 6 decimals, generated once into bench/.tmp/predict/
 * (gitignored; reused across runs). Models: a logistic model fitted on 5000
 * rows of the same distribution, and its 4-bit compressed version (rtn, one
 * scale). The command runs as users run it, the built CLI (dist/, `npm run
 * bench` builds first) in a child process with `--json`; its rows/s comes
 * from the JSON's `seconds` (model loaded to output renamed, so process
 * start-up is excluded) and its end-to-end wall time is shown beside it.
 * Rounds interleave the cases; figures are medians.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compressModel } from '../src/compress/model.js';
import { fitLogistic } from '../src/fit/logistic.js';
import { encodeModel } from '../src/cli/files.js';
import { readCsv, streamCsv } from '../src/cli/csv.js';
import type { BenchContext, Family } from './context.js';
import { rng, summarize } from './harness.js';

const FAMILY = 'scoring';
const D = 45;
const TMP = fileURLToPath(new URL('./.tmp/predict/', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

function normalRng(seed: number): () => number {
  const u = rng(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** The score file (built once per size: the name carries it). */
function scoreCsv(rows: number): string {
  mkdirSync(TMP, { recursive: true });
  const path = join(TMP, `score-${rows}x${D}.csv`);
  if (existsSync(path)) return path;
  const z = normalRng(77);
  const head = ['id', ...Array.from({ length: D }, (_, j) => `x${j + 1}`)].join(',');
  const parts: string[] = [head];
  for (let i = 0; i < rows; i++) {
    let line = `r${i}`;
    for (let j = 0; j < D; j++) line += `,${z().toFixed(6)}`;
    parts.push(line);
  }
  writeFileSync(`${path}.part`, `${parts.join('\n')}\n`);
  renameSync(`${path}.part`, path);
  return path;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

async function run(ctx: BenchContext): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: npm run build first (npm run bench builds)`);
  const n = ctx.quick ? 20_000 : 200_000;
  const rounds = ctx.quick ? 2 : 3;
  const csv = scoreCsv(n);
  const features = Array.from({ length: D }, (_, j) => `x${j + 1}`);

  // the models: fitted on fresh rows of the same distribution
  const z = normalRng(5);
  const nFit = 5000;
  const Xfit = { rows: nFit, cols: D, data: Float64Array.from({ length: nFit * D }, () => z()) };
  const beta = Float64Array.from({ length: D }, (_, j) => (j % 3 === 0 ? 0.4 : -0.2) / (1 + j / 10));
  const u = rng(6);
  const y = Float64Array.from({ length: nFit }, (_, i) => {
    let t = -0.5;
    for (let j = 0; j < D; j++) t += beta[j] * Xfit.data[i * D + j];
    return u() < 1 / (1 + Math.exp(-t)) ? 1 : 0;
  });
  const model = fitLogistic(ctx.wasm, Xfit, y);
  const small = compressModel(ctx.wasm, model, { quantize: { bits: 4, granularity: 'tensor' } });
  const meta = { features, target: 'y', task: 'logistic' as const, recipe: { command: 'bench' } };
  const floatPath = join(TMP, 'float.slim');
  const smallPath = join(TMP, 'q4.slim');
  writeFileSync(floatPath, await encodeModel({ kind: 'float', model, meta }));
  writeFileSync(smallPath, await encodeModel({ kind: 'compressed', model: small, meta }));

  // the parsed rows, once, for the scoring-only cases
  const parsed = await readCsv(csv, { features });
  const X = parsed.X;

  const times: Record<string, number[]> = { cliFloat: [], cliQ4: [], wallFloat: [], wallQ4: [], parse: [], loop: [], predict: [], predictQ4: [] };
  const out = join(TMP, 'scores.csv');
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    for (const [key, wall, path] of [
      ['cliFloat', 'wallFloat', floatPath],
      ['cliQ4', 'wallQ4', smallPath],
    ] as const) {
      const t0 = performance.now();
      const res = spawnSync(process.execPath, [CLI, '--json', 'predict', path, csv, '-o', out, '--keep', 'id'], { encoding: 'utf8' });
      times[wall].push(performance.now() - t0);
      if (res.status !== 0) throw new Error(`predict failed: ${res.stderr}`);
      times[key].push(JSON.parse(res.stdout).seconds * 1000);
    }
    let t0 = performance.now();
    await streamCsv(csv, { features }, () => undefined);
    times.parse.push(performance.now() - t0);
    t0 = performance.now();
    // the plain JS loop a user would write over the parsed rows
    const coef = model.coef;
    const scores = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let t = model.intercept;
      for (let j = 0; j < D; j++) t += X.data[i * D + j] * coef[j];
      scores[i] = 1 / (1 + Math.exp(-t));
    }
    times.loop.push(performance.now() - t0);
    sink += scores[0];
    t0 = performance.now();
    sink += model.predictProba(X)[0];
    times.predict.push(performance.now() - t0);
    t0 = performance.now();
    sink += small.predictProba(X)[0];
    times.predictQ4.push(performance.now() - t0);
  }
  rmSync(out, { force: true });
  if (!Number.isFinite(sink)) throw new Error('non-finite scores');

  const rate = (ms: number) => (n / ms) * 1e3;
  const fmt = (ms: number) => `${Math.round(rate(ms)).toLocaleString('en-US')}`;
  const parseMs = median(times.parse);
  const row = (what: string, key: string, wallKey?: string) => {
    const ms = median(times[key]);
    return [what, fmt(ms), `${(ms / 1000).toFixed(3)} s`, wallKey ? `${(median(times[wallKey]) / 1000).toFixed(2)} s` : '', `${((100 * ms) / parseMs).toFixed(0)}%`];
  };
  ctx.report.table({
    family: FAMILY,
    title: `slimfit predict: ${n.toLocaleString('en-US')} rows x ${D} features (CSV ${(parsed.bytes / 2 ** 20).toFixed(1)} MiB), logistic model, probability + --keep id`,
    notes: [
      `Medians over ${rounds} interleaved rounds. "predict" rows: the built CLI in a child process with --json; rows/s from its reported seconds (model read, CSV streamed in 65536-row chunks, scored, written to a temp file, renamed), "wall" adds process start-up. "parse only": the same CSV reader (src/cli/csv.ts: csv-parse + strict numbers) over the same file, nothing scored. "plain JS loop": intercept + x . coef and the sigmoid over the already-parsed rows (a Float64Array, row-major); model.predictProba over the same rows. "vs parse" = time / parse-only time.`,
    ],
    columns: ['case', 'rows/s', 'time', 'wall', 'vs parse'],
    rows: [
      row('predict, float model', 'cliFloat', 'wallFloat'),
      row('predict, 4-bit compressed model', 'cliQ4', 'wallQ4'),
      row('parse only (no scoring)', 'parse'),
      row('plain JS loop over parsed rows', 'loop'),
      row('LogisticModel.predictProba, parsed rows', 'predict'),
      row('CompressedLinearModel.predictProba (4-bit), parsed rows', 'predictQ4'),
    ],
  });
  for (const [key, label] of [
    ['cliFloat', 'predict CLI float'],
    ['cliQ4', 'predict CLI 4-bit'],
    ['parse', 'parse only'],
    ['loop', 'plain JS loop'],
  ] as const) {
    ctx.report.record({ family: FAMILY, case: label, backend: 'host', params: { rows: n, d: D }, timing: summarize(key, times[key], 1), derived: { rowsPerS: rate(median(times[key])) } });
  }
  ctx.report.ratio(
    `predict (${D} features, ${n} rows): ${fmt(median(times.cliFloat))} rows/s end to end; parsing alone ${fmt(parseMs)} rows/s, the plain JS scoring loop ${fmt(median(times.loop))} rows/s over parsed rows (scoring = ${((100 * median(times.loop)) / median(times.cliFloat)).toFixed(1)}% of the command's time)`,
  );
}

export const predictFamily: Family = {
  name: FAMILY,
  tags: ['predict-csv'],
  description: 'slimfit predict throughput (rows/s, 45 features) vs parsing alone vs a plain JS loop over parsed rows',
  run,
};
