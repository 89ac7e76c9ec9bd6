/**
 * The `slimfit` command end to end, spawned as a process against the built
 * dist/ (npm test builds first): fit -> compress -> inspect -> report, weight
 * files, --json, and a small demo.
 *
 * Tests run concurrently (vitest gives this file one worker on 2 cores); each
 * process runs once, memoized, and a test awaits the runs it depends on.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSlim, encodeSlim } from '../src/io/slim.js';
import { decodeSafetensors, encodeSafetensors, quantizedFromSafetensors } from '../src/io/safetensors.js';
import { init } from '../src/index.js';
import { cliAsync, lines, makeCsv, makeSafetensors, type CliRun } from './cli-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'slimfit-cli-'));
const p = (name: string) => join(dir, name);
makeCsv(p('train.csv'), 3000, 6, 1);
makeCsv(p('test.csv'), 1000, 6, 2);
makeSafetensors(p('w.safetensors'));
makeSafetensors(p('wf.safetensors'), 3, { floatsOnly: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const once = <T>(f: () => Promise<T>) => {
  let v: Promise<T> | undefined;
  return () => (v ??= f());
};
/** Runs after `deps` succeeded. */
const step = (args: string[], ...deps: (() => Promise<CliRun>)[]) =>
  once(async () => {
    for (const d of deps) {
      const r = await d();
      if (r.code !== 0) throw new Error(`a prerequisite failed: ${r.stderr}`);
    }
    return cliAsync(args);
  });

const FEATURES = 'x1,x2,x3,x4,x5,x6';
const fitLogit = step(['fit', p('train.csv'), '--target', 'label', '--logistic', '--features', FEATURES, '-o', p('logit.slim')]);
const fitLin = step(['--json', 'fit', p('train.csv'), '-t', 'y', '--features', FEATURES, '--ridge', '0.1', '-o', p('lin.slim'), '--chunk-rows', '700']);
// every column but the target and the excluded one: the same six features as --features FEATURES
const fitLinOneChunk = step(['--json', 'fit', p('train.csv'), '-t', 'y', '--exclude', 'label', '--ridge', '0.1', '-o', p('lin1.slim')]);
const rtn4 = step(['compress', p('logit.slim'), '--bits', '4', '-o', p('logit-rtn4.slim')], fitLogit);
const gptq = step(['--json', 'compress', p('logit.slim'), '--bits', '3', '--sparsity', '0.5', '--method', 'gptq', '--calib', p('train.csv'), '-o', p('logit-gptq.slim')], fitLogit);
const inspectGptq = step(['inspect', p('logit-gptq.slim')], gptq);
const inspectLogitJson = step(['--json', 'inspect', p('logit.slim')], fitLogit);
const reportLin = step(['report', p('lin.slim'), '--data', p('test.csv'), '--calib', p('train.csv'), '--bits', '2,4,8', '--sparsity', '0,0.5', '-o', p('r.svg')], fitLin);
const reportLogitJson = step(['--json', 'report', p('logit.slim'), '--data', p('test.csv')], fitLogit);
const lin4slim = step(['compress', p('lin.slim'), '--bits', '4', '--sparsity', '0.5', '--granularity', 'block:3', '-o', p('lin4.slim')], fitLin);
const lin4st = step(['compress', p('lin.slim'), '--bits', '4', '--sparsity', '0.5', '--granularity', 'block:3', '-o', p('lin4.safetensors')], fitLin);
const weights = step(['--json', 'compress', p('w.safetensors'), '--bits', '4', '--granularity', 'block:32', '-o', p('wq.safetensors')]);
const inspectWeights = step(['inspect', p('wq.safetensors')], weights);
const weightsToSlim = step(['compress', p('w.safetensors'), '--bits', '8', '--sparsity', '0.5', '-o', p('wq.slim')]);
const prunedToSlim = step(['compress', p('wf.safetensors'), '--sparsity', '0.5', '-o', p('wf-pruned.slim')]);
const demo = step(['demo', '--rows', '6000', '--out', p('demo')]);
const demoReport = step(['report', p('demo/teacher-default.slim'), '--data', p('demo/test.csv'), '--bits', '4', '--sparsity', '0'], demo);
const demoJson = step(['--json', 'demo', '--rows', '20000', '--out', p('demo2'), '--no-write-csv']);

describe.concurrent('slimfit fit -> compress -> inspect -> report', () => {
  it('fits a logistic model and records features, target and the input digest', async () => {
    const r = await fitLogit();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/fitted label on 6 features, 3000 rows: logistic regression/);
    expect(r.stdout).toMatch(/x6 /);
    const d = await decodeSlim(new Uint8Array(readFileSync(p('logit.slim'))));
    expect(d.kind).toBe('logistic');
    // feature and target names sit in the header's own members, where docs/FORMAT.md tells other readers to look
    expect(d.header.features).toEqual(['x1', 'x2', 'x3', 'x4', 'x5', 'x6']);
    expect(d.header.targets).toEqual(['label']);
    expect(d.header.provenance?.inputDigest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fits least squares by streaming (chunks smaller than the file) with --json', async () => {
    const r = await fitLin();
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ ok: true, command: 'fit', task: 'linear', rows: 3000 });
    expect(j.stats.rSquared).toBeGreaterThan(0.5);
    expect(j.coefficients).toHaveLength(6);
    const one = JSON.parse((await fitLinOneChunk()).stdout); // one chunk (and --exclude label) gives the same model
    expect(one.features).toEqual(['x1', 'x2', 'x3', 'x4', 'x5', 'x6']);
    j.coefficients.forEach((c: { coef: number }, i: number) => expect(c.coef).toBeCloseTo(one.coefficients[i].coef, 10));
  });

  it('compresses with rtn and with gptq (calibrated), and inspects the results', async () => {
    const r = await rtn4();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/rtn, 4-bit per-row; coefficients 56 B -> \d+ B/);
    const g = await gptq();
    expect(g.code, g.stderr).toBe(0);
    const j = JSON.parse(g.stdout);
    expect(j).toMatchObject({ ok: true, command: 'compress', kind: 'model', recipe: 'gptq, 3-bit per-row, 50% pruned' });
    expect(j.compressedBytes).toBeLessThan(j.floatBytes);
    const d = await decodeSlim(new Uint8Array(readFileSync(p('logit-gptq.slim'))));
    expect(d.kind).toBe('compressed-logistic');
    expect(d.header.provenance?.options).toMatchObject({ method: 'gptq', bits: 3, sparsity: 0.5 });
    expect(d.header.features).toEqual(['x1', 'x2', 'x3', 'x4', 'x5', 'x6']);
    expect(d.header.targets).toEqual(['label']);

    const ins = await inspectGptq();
    expect(ins.code, ins.stderr).toBe(0);
    expect(ins.stdout).toMatch(/kind compressed-logistic/);
    expect(ins.stdout).toMatch(/3-bit symmetric codes/);
    expect(ins.stdout).toMatch(/checksum: crc32c [0-9a-f]{8} ok/);
    expect(ins.stdout).toMatch(/values\s+U8/);
    const ij = JSON.parse((await inspectLogitJson()).stdout);
    expect(ij).toMatchObject({ ok: true, format: 'slim', kind: 'logistic', valid: true, checksum: { ok: true } });
  });

  it('reports the rate-distortion table and writes an SVG', async () => {
    const r = await reportLin();
    expect(r.code, r.stderr).toBe(0);
    const body = lines(r.stdout);
    expect(body[0]).toMatch(/lin\.slim \(linear, 6 features\) on 1000 rows of test\.csv/);
    expect(body.filter((l) => /^(rtn|gptq)\s/.test(l))).toHaveLength(12); // 2 methods x 3 bits x 2 sparsities
    const svg = readFileSync(p('r.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toMatch(/MSE on test data/);
    expect((svg.match(/<polyline/g) ?? []).length).toBeGreaterThanOrEqual(3);
    const j = JSON.parse((await reportLogitJson()).stdout);
    expect(j.metric).toBe('AUC');
    expect(j.rows[0].method).toBe('float');
    expect(j.rows[0].auc).toBeGreaterThan(0.6);
  });
});

// A model file from before the CLI wrote header.features / targets: names only in provenance.options.
const legacy = once(async () => {
  const engine = await init();
  const model = engine.fitLinear([[1, 0], [0, 1], [1, 1], [2, 1], [1, 3]], [1, 2, 3, 4, 6]);
  writeFileSync(p('legacy.slim'), await encodeSlim({ kind: 'linear', model }, { provenance: { options: { command: 'fit', features: ['a', 'b'], target: 'y' } } }));
  return cliAsync(['compress', p('legacy.slim'), '--bits', '8', '-o', p('legacy8.slim')]);
});

describe.concurrent('model files from other versions', () => {
  it('feature names kept in provenance.options (older files) are still read, and written to the header', async () => {
    const r = await legacy();
    expect(r.code, r.stderr).toBe(0);
    const d = await decodeSlim(new Uint8Array(readFileSync(p('legacy8.slim'))));
    expect(d.header.features).toEqual(['a', 'b']);
    expect(d.header.targets).toEqual(['y']);
  });
});

describe.concurrent('slimfit compress/inspect on safetensors', () => {
  it('exports a compressed model as safetensors that dequantizes to the same coefficients', async () => {
    expect((await lin4slim()).code).toBe(0);
    const r = await lin4st();
    expect(r.code, r.stderr).toBe(0);
    const engine = await init();
    const q = quantizedFromSafetensors(decodeSafetensors(new Uint8Array(readFileSync(p('lin4.safetensors')))));
    const coef = engine.dequantize(q.quantized.coef!);
    const slim = await decodeSlim(new Uint8Array(readFileSync(p('lin4.slim'))));
    if (slim.kind !== 'compressed-linear') throw new Error(slim.kind);
    expect(Array.from(coef)).toEqual(Array.from(slim.model.coefficients(), (v) => Math.fround(v)));
    expect(Array.from(q.tensors.intercept!.data as Float64Array)).toEqual(Array.from(slim.model.intercept));
    expect(JSON.parse(q.metadata.features!)).toEqual(['x1', 'x2', 'x3', 'x4', 'x5', 'x6']);
  });

  it('quantizes every float tensor, passes others through, records the input digest', async () => {
    const r = await weights();
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ kind: 'weights', recipe: 'rtn, 4-bit block 32' });
    expect(j.ratio).toBeGreaterThan(5);
    const f = decodeSafetensors(new Uint8Array(readFileSync(p('wq.safetensors'))));
    const q = quantizedFromSafetensors(f);
    expect(Object.keys(q.quantized).sort()).toEqual(['head.weight', 'layer1.bias', 'layer1.weight', 'layer2.weight']);
    expect(q.quantized['layer1.weight'].bits).toBe(4);
    expect(q.tensors.step!.dtype).toBe('I64');
    expect(f.metadata!.source_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(f.metadata!.format).toBe('pt'); // the input's own metadata survives
    const ins = await inspectWeights();
    expect(ins.code, ins.stderr).toBe(0);
    expect(ins.stdout).toMatch(/layer1\.weight\s+U8\s+\[1024\]\s+1024\s+4-bit symmetric codes of \[64, 32\], block 32/);
  });

  it('pruned weights in .slim keep their shape ([rows, cols], stored sparsely)', async () => {
    const r = await prunedToSlim();
    expect(r.code, r.stderr).toBe(0);
    const d = await decodeSlim(new Uint8Array(readFileSync(p('wf-pruned.slim'))));
    if (d.kind !== 'tensors') throw new Error(d.kind);
    const w1 = d.tensors['layer1.weight'] as { shape: number[]; kept: number };
    expect(w1.shape).toEqual([64, 32]);
    expect(w1.kept).toBe(1024);
    expect((d.tensors['layer1.bias'] as { shape: number[] }).shape).toEqual([64]);
  });

  it('refuses a tensor .slim cannot hold, with one clear line and no output', async () => {
    const r = await weightsToSlim();
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/tensor 'step' is I64, which a \.slim file cannot hold/);
    expect(existsSync(p('wq.slim'))).toBe(false);
  });
});

describe.concurrent('slimfit demo', () => {
  it('runs the main job small: one table, every method, models + report written', async () => {
    const out = p('demo');
    const r = await demo();
    expect(r.code, r.stderr).toBe(0);
    const text = r.stdout;
    for (const m of ['float64 teacher', 'RTN 8-bit per-tensor', 'RTN 2-bit per-tensor', 'GPTQ 3-bit', 'magnitude prune 50%', 'OBS / SparseGPT prune 50%', 'OBS 50% + GPTQ 4-bit']) {
      expect(text).toContain(`default  ${m}`);
      expect(text).toContain(`loss     ${m}`);
    }
    expect(text).toMatch(/target\s+method\s+bytes\s+ratio\s+file\s+stripped\s+AUC \/ MSE\s+change vs float\s+time/);
    // one number format in the change column: every entry has the same number of decimals
    const changes = [...text.matchAll(/^(?:default|loss) .*?\s([+-]\d+\.(\d+)|0)\s+(?:fit )?[\d.]+ ms$/gm)].map((m) => m[2]?.length ?? -1).filter((k) => k >= 0);
    expect(changes.length).toBeGreaterThanOrEqual(24);
    expect(new Set(changes).size, String(changes)).toBe(1);
    // the Next lines run as printed in a clone, where no global `slimfit` exists
    expect(text).toMatch(/^Next: npx slimfit inspect \S+\/teacher-default\.slim$/m);
    expect(text).toMatch(/^\s+npx slimfit report /m);
    expect(readdirSync(join(out, 'models')).filter((f) => f.endsWith('.slim')).length).toBeGreaterThanOrEqual(24);
    for (const f of ['teacher-default.slim', 'teacher-loss.slim', 'report.svg', 'report.json', 'test.csv', 'calib.csv']) expect(existsSync(join(out, f)), f).toBe(true);
    const svg = readFileSync(join(out, 'report.svg'), 'utf8');
    expect(svg).toMatch(/test AUC vs bytes/);
    expect(svg).toMatch(/test MSE vs bytes/);
    const d = await decodeSlim(new Uint8Array(readFileSync(join(out, 'models', 'default-gptq-4bit.slim'))));
    expect(d.kind).toBe('compressed-logistic');
    // provenance and statistics: the teacher records its training data's digest and its test metric,
    // a compressed model its teacher file's digest and its own metric (the table's numbers)
    const teacherBytes = readFileSync(join(out, 'teacher-default.slim'));
    const t = await decodeSlim(new Uint8Array(teacherBytes));
    expect(t.header.provenance?.inputDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(d.header.provenance?.inputDigest).toBe(createHash('sha256').update(teacherBytes).digest('hex'));
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { results: { file: string; metric: number }[] };
    const metricOf = (file: string) => report.results.find((x) => x.file === file)!.metric;
    expect(t.header.statistics).toMatchObject({ auc: metricOf('teacher-default.slim') });
    expect(d.header.statistics).toMatchObject({ auc: metricOf(join('models', 'default-gptq-4bit.slim')) });
    const loss = await decodeSlim(new Uint8Array(readFileSync(join(out, 'teacher-loss.slim'))));
    expect(loss.header.statistics).toMatchObject({ mse: metricOf('teacher-loss.slim') });
    expect(loss.header.provenance?.inputDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(loss.header.provenance?.inputDigest).not.toBe(t.header.provenance?.inputDigest);
    // the files the demo writes feed the other commands
    const rep = await demoReport();
    expect(rep.code, rep.stderr).toBe(0);
  });

  it('--json: every compressed model is smaller, 8 bits barely move the metric, GPTQ beats RTN at 2 bits', async () => {
    const json = JSON.parse((await demoJson()).stdout);
    expect(json.ok).toBe(true);
    type Row = { target: string; method: string; bytes: number; metric: number; delta: number };
    for (const target of ['default', 'loss']) {
      const mine = (json.results as Row[]).filter((x) => x.target === target);
      expect(mine.length).toBeGreaterThanOrEqual(12);
      const teacher = mine[0];
      expect(teacher.method).toBe('float64 teacher');
      for (const r of mine.slice(1)) expect(r.bytes, r.method).toBeLessThan(teacher.bytes);
      const r8 = mine.find((r) => r.method === 'RTN 8-bit per-tensor')!;
      expect(Math.abs(r8.delta)).toBeLessThan(target === 'default' ? 2e-3 : 0.02 * teacher.metric);
      const rtn2 = mine.find((r) => r.method === 'RTN 2-bit per-tensor')!;
      const gptq2 = mine.find((r) => r.method === 'GPTQ 2-bit')!;
      expect(target === 'default' ? gptq2.metric > rtn2.metric : gptq2.metric < rtn2.metric).toBe(true);
      // trained on the grid: 4, 3 and 2 bits, the least-squares rows with their proof status
      const qat = mine.filter((r) => r.method.startsWith('QAT '));
      expect(qat.map((r) => r.method.slice(0, 9))).toEqual(['QAT 4-bit', 'QAT 3-bit', 'QAT 2-bit']);
      if (target === 'loss') for (const r of qat) expect(r.method).toMatch(/, (proved|not proved)\)$/);
    }
    expect((json.results as Row[])[0].metric).toBeGreaterThan(0.7); // a real scorecard: AUC well above chance
  });
});

describe('slimfit compress: tensor names that are Object.prototype members', () => {
  it('keeps a tensor named __proto__ (passed through) beside the quantized ones', async () => {
    const tensors = Object.create(null) as Record<string, { dtype: 'F32' | 'U8'; shape: number[]; data: Float32Array | Uint8Array }>;
    tensors['w'] = { dtype: 'F32', shape: [4, 8], data: Float32Array.from({ length: 32 }, (_, i) => Math.sin(i)) };
    tensors['__proto__'] = { dtype: 'U8', shape: [4], data: Uint8Array.of(1, 2, 3, 4) };
    writeFileSync(p('proto.safetensors'), encodeSafetensors(tensors));
    const r = await cliAsync(['compress', p('proto.safetensors'), '--bits', '4', '-o', p('proto-4bit.safetensors')]);
    expect(r.code, r.stderr).toBe(0);
    const out = decodeSafetensors(new Uint8Array(readFileSync(p('proto-4bit.safetensors'))));
    expect(Object.keys(out.tensors)).toContain('__proto__');
    expect(Array.from(out.tensors['__proto__'].data as Uint8Array)).toEqual([1, 2, 3, 4]);
  });

  it('keeps metadata keys named __proto__ and constructor', async () => {
    const meta = JSON.parse('{"__proto__":"a","constructor":"b","format":"pt"}') as Record<string, string>;
    writeFileSync(p('proto-meta.safetensors'), encodeSafetensors({ w: { shape: [4, 8], data: Float32Array.from({ length: 32 }, (_, i) => Math.cos(i)) } }, meta));
    const r = await cliAsync(['compress', p('proto-meta.safetensors'), '--bits', '4', '-o', p('proto-meta-4bit.safetensors')]);
    expect(r.code, r.stderr).toBe(0);
    const md = decodeSafetensors(new Uint8Array(readFileSync(p('proto-meta-4bit.safetensors')))).metadata!;
    expect(Object.prototype.hasOwnProperty.call(md, '__proto__') && md['__proto__']).toBe('a');
    expect(Object.prototype.hasOwnProperty.call(md, 'constructor') && md['constructor']).toBe('b');
    expect(md['format']).toBe('pt');
  });
});
