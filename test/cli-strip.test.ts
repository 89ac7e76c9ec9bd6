/**
 * File bytes on the command line: `compress --strip`, `inspect`'s sizes line,
 * `report`'s file bytes column and the demo's file / stripped columns, all
 * checked against the files and slimFileBytes (spawns the built CLI).
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSlim, inspectSlim } from '../src/io/index.js';
import { cliAsync, lines, makeCsv } from './cli-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'slimfit-strip-'));
const p = (f: string) => join(dir, f);
makeCsv(p('train.csv'), 600, 8, 11);
const fit = cliAsync(['fit', p('train.csv'), '-t', 'label', '--logistic', '--exclude', 'y', '-o', p('m.slim')]);
const read = async (f: string) => decodeSlim(new Uint8Array(readFileSync(p(f))));

describe.concurrent('file bytes on the command line', () => {
  it('compress --strip: no provenance or statistics, the same predictions, a smaller file', async () => {
    expect((await fit).code).toBe(0);
    const [full, stripped, st] = await Promise.all([
      cliAsync(['compress', p('m.slim'), '--bits', '4', '-o', p('c4.slim')]),
      cliAsync(['compress', p('m.slim'), '--bits', '4', '--strip', '-o', p('c4s.slim')]),
      cliAsync(['compress', p('m.slim'), '--bits', '4', '--strip', '-o', p('c4s.safetensors')]),
    ]);
    expect(full.code, full.stderr).toBe(0);
    expect(stripped.code, stripped.stderr).toBe(0);
    expect(st.code).toBe(2);
    expect(st.stderr).toMatch(/--strip applies to \.slim output only/);
    const a = await read('c4.slim');
    const b = await read('c4s.slim');
    expect(a.header.provenance?.inputDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(b.header.provenance).toBeUndefined();
    expect(b.header.features).toEqual(a.header.features);
    expect(b.header.targets).toEqual(['label']);
    if (a.kind !== 'compressed-logistic' || b.kind !== 'compressed-logistic') throw new Error('expected compressed-logistic models');
    const X = { rows: 3, cols: 8, data: Float64Array.from({ length: 24 }, (_, i) => Math.sin(i)) };
    expect(Array.from(b.model.predict(X))).toEqual(Array.from(a.model.predict(X)));
    expect(statSync(p('c4s.slim')).size).toBeLessThan(statSync(p('c4.slim')).size);
    expect(stripped.stdout).toMatch(new RegExp(`file ${statSync(p('c4s.slim')).size} B`));
  });

  it('inspect: file bytes, stored and inflated header, data, coefficient bytes; a stripped file says so', async () => {
    expect((await fit).code).toBe(0);
    await cliAsync(['compress', p('m.slim'), '--bits', '2', '--strip', '-o', p('c2s.slim')]);
    const r = await cliAsync(['inspect', p('c2s.slim')]);
    expect(r.code, r.stderr).toBe(0);
    const info = await inspectSlim(new Uint8Array(readFileSync(p('c2s.slim'))));
    expect(lines(r.stdout)[0]).toBe(
      `${p('c2s.slim')}: .slim v2.0, kind compressed-logistic, file ${info.fileBytes} B (header ${info.headerBytes} B deflated from ${info.headerJsonBytes} B of JSON, data ${info.dataBytes} B); coefficients ${info.coefficientBytes} B, file ${(info.fileBytes / info.coefficientBytes!).toFixed(1)}x that`,
    );
    expect(info.fileBytes).toBe(statSync(p('c2s.slim')).size);
    expect(r.stdout).toMatch(/stripped: no provenance or statistics recorded/);
  });

  it('report: a file bytes column, the stripped file of each row', async () => {
    expect((await fit).code).toBe(0);
    const r = await cliAsync(['--json', 'report', p('m.slim'), '--data', p('train.csv'), '--bits', '2,8', '--sparsity', '0']);
    expect(r.code, r.stderr).toBe(0);
    const rows = (JSON.parse(r.stdout) as { rows: { bits: number | null; bytes: number; fileBytes: number }[] }).rows;
    expect(rows.map((x) => x.bits)).toEqual([null, 8, 2]);
    for (const x of rows) expect(x.fileBytes).toBeGreaterThan(x.bytes);
    await cliAsync(['compress', p('m.slim'), '--bits', '2', '--strip', '-o', p('r2s.slim')]);
    expect(rows[2].fileBytes).toBe(statSync(p('r2s.slim')).size);
    const text = await cliAsync(['report', p('m.slim'), '--data', p('train.csv'), '--bits', '4', '--sparsity', '0']);
    expect(text.stdout).toMatch(/method\s+bits\s+sparsity\s+bytes\s+file bytes\s+ratio/);
  });

  it('demo: file and stripped columns match the files it wrote', async () => {
    const r = await cliAsync(['--json', 'demo', '--rows', '2000', '--out', p('demo'), '--no-write-csv']);
    expect(r.code, r.stderr).toBe(0);
    const rows = (JSON.parse(r.stdout) as { results: { file: string; bytes: number; fileBytes: number; strippedBytes: number }[] }).results;
    expect(rows.length).toBeGreaterThanOrEqual(26);
    for (const x of rows) {
      expect(x.fileBytes, x.file).toBe(statSync(join(p('demo'), x.file)).size);
      expect(x.strippedBytes, x.file).toBeLessThan(x.fileBytes);
      expect(x.strippedBytes, x.file).toBeGreaterThan(x.bytes);
    }
  });
});
