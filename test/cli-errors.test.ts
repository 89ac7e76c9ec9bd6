/**
 * Bad input through the command line: every case exits non-zero with one
 * clear line on stderr and no stack trace (unless --debug).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, cliAll, lines, makeCsv, makeSafetensors, type CliRun } from './cli-fixtures.js';

// Made at collection time: the cases below name files in it before beforeAll writes them.
const dir = mkdtempSync(join(tmpdir(), 'slimfit-cli-err-'));
const p = (name: string) => join(dir, name);

beforeAll(async () => {
  makeCsv(p('train.csv'), 400, 4, 1);
  makeSafetensors(p('w.safetensors'));
  const good = readFileSync(p('train.csv'), 'utf8').split('\n');
  const withCell = (line: number, col: number, v: string) => {
    const l = [...good];
    const cells = l[line - 1].split(',');
    cells[col] = v;
    l[line - 1] = cells.join(',');
    return l.join('\n');
  };
  writeFileSync(p('bad-cell.csv'), withCell(7, 2, 'abc'));
  writeFileSync(p('empty-cell.csv'), withCell(12, 1, ''));
  writeFileSync(p('bad-label.csv'), withCell(5, 5, '2'));
  writeFileSync(p('ragged.csv'), good.slice(0, 9).join('\n') + '\n1,2,3\n');
  writeFileSync(p('quote.csv'), good.slice(0, 4).join('\n') + '\n"1.0,2,3,4,5,1\n');
  writeFileSync(p('empty.csv'), '');
  writeFileSync(p('header-only.csv'), `${good[0]}\n`);
  writeFileSync(p('dup.csv'), 'a,b,a\n1,2,3\n');
  writeFileSync(p('separable.csv'), `x,label\n${Array.from({ length: 40 }, (_, i) => `${i - 19.5},${i >= 20 ? 1 : 0}`).join('\n')}\n`);
  writeFileSync(p('binary.slim'), Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) & 255)));
  writeFileSync(p('huge-cell.csv'), withCell(9, 3, '1e400'));
  writeFileSync(p('multiline.csv'), good.slice(0, 3).join('\n') + '\n"1.5\n",2,3,4,5,1\n');
  writeFileSync(p('semicolon.csv'), good.slice(0, 5).map((l) => l.replaceAll(',', ';')).join('\n'));
  writeFileSync(p('constant.csv'), 'a,b,y\n1,2,3\n1,5,5\n1,1,4\n1,3,2\n1,2,1\n');
  mkdirSync(p('folder.csv'));
  mkdirSync(p('folder.slim'));
  writeFileSync(p('plain-file'), 'not a folder\n');
  const r = cli(['fit', p('train.csv'), '-t', 'y', '--features', 'x1,x2,x3,x4', '-o', p('m.slim')]);
  if (r.code !== 0) throw new Error(r.stderr);
  const m = readFileSync(p('m.slim'));
  writeFileSync(p('truncated.slim'), m.subarray(0, m.length - 40));
  const flipped = Buffer.from(m);
  flipped[flipped.length - 30] ^= 0x10; // inside the data section: only the checksum can tell
  writeFileSync(p('flipped.slim'), flipped);
  const w = readFileSync(p('w.safetensors'));
  writeFileSync(p('truncated.safetensors'), w.subarray(0, 200));
  const huge = Buffer.from(w);
  huge.writeBigUInt64LE(1n << 40n, 0);
  writeFileSync(p('huge-header.safetensors'), huge);
  copyFileSync(p('m.slim'), p('renamed.safetensors'));
  // Raw safetensors from header text: 8-byte length, the JSON padded with spaces, then the buffer.
  const raw = (header: string, bytes: number) => {
    const h = Buffer.from(header.padEnd(Math.ceil(header.length / 8) * 8, ' '));
    const n = Buffer.alloc(8);
    n.writeBigUInt64LE(BigInt(h.length));
    return Buffer.concat([n, h, Buffer.alloc(bytes)]);
  };
  const t = (begin: number, end: number) => `{"dtype":"F32","shape":[${(end - begin) / 4}],"data_offsets":[${begin},${end}]}`;
  writeFileSync(p('dup-name.safetensors'), raw(`{"w":${t(0, 8)},"w":${t(0, 8)}}`, 8));
  writeFileSync(p('no-tensors.safetensors'), raw('{}', 0));
  writeFileSync(p('meta-only.safetensors'), raw('{"__metadata__":{"format":"pt"}}', 0));
  const c8 = cli(['compress', p('m.slim'), '--bits', '8', '-o', p('c8.slim')]);
  if (c8.code !== 0) throw new Error(c8.stderr);
  const wq = cli(['compress', p('w.safetensors'), '--bits', '4', '-o', p('wq.safetensors')]);
  if (wq.code !== 0) throw new Error(wq.stderr);
  const rs = await cliAll(cases, 4);
  rs.forEach((r, i) => results.set(i, r));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Every case is registered while the file is collected and all of them run
 * concurrently once the fixtures exist (spawning ~40 processes one after
 * another would take most of a minute on 2 cores); each `it` then checks its
 * own result.
 */
const cases: { args: string[]; env?: Record<string, string> }[] = [];
const results = new Map<number, CliRun>();
function run(args: string[], env?: Record<string, string>): () => CliRun {
  const i = cases.push(env ? { args, env } : { args }) - 1;
  return () => results.get(i)!;
}

/** Exit code, the one stderr line, and no stack trace. */
function fails(args: string[], code: number, pattern: RegExp): () => string {
  const get = run(args);
  return () => expectFailure(get(), args, code, pattern);
}

function expectFailure(r: CliRun, args: string[], code: number, pattern: RegExp): string {
  const errLines = lines(r.stderr);
  expect(r.code, `${args.join(' ')}\nstderr: ${r.stderr}\nstdout: ${r.stdout}`).toBe(code);
  expect(errLines, r.stderr).toHaveLength(1);
  expect(errLines[0]).toMatch(/^slimfit: error /);
  expect(errLines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return errLines[0];
}

const fit = (csv: string, ...rest: string[]) => ['fit', p(csv), '-t', 'y', '-o', p('out.slim'), ...rest];

describe('CSV input', () => {
  it('missing file', fails(fit('nope.csv'), 3, /no such file or directory: .*nope\.csv/));
  it('a folder instead of a file', fails(fit('folder.csv'), 3, /folder\.csv is a directory/));
  it('an unparsable cell names the line and the column', fails(fit('bad-cell.csv', '--features', 'x1,x2,x3,x4'), 3, /bad-cell\.csv line 7, column 'x3': 'abc' is not a number/));
  it('an empty cell', fails(fit('empty-cell.csv', '--features', 'x1,x2,x3,x4'), 3, /line 12, column 'x2': empty cell/));
  it('a logistic target that is not 0/1', fails(['fit', p('bad-label.csv'), '-t', 'label', '--logistic', '--features', 'x1,x2', '-o', p('o.slim')], 3, /line 5, column 'label': '2' is not 0 or 1/));
  it('a row with too few fields', fails(fit('ragged.csv'), 3, /ragged\.csv line 10: 3 fields where the header has 6/));
  it('an unclosed quote', fails(fit('quote.csv'), 3, /quote\.csv.*unreadable CSV/));
  it('an empty file', fails(fit('empty.csv'), 3, /empty\.csv is empty; expected a header row/));
  it('a header without rows', fails(fit('header-only.csv'), 3, /has a header row but no data rows/));
  it('a number beyond float64 names the line and the column', fails(fit('huge-cell.csv', '--features', 'x1,x2,x3,x4'), 3, /huge-cell\.csv line 9, column 'x4': '1e400' is out of the float64 range/));
  it('a quoted cell with a line break stays on one line', fails(fit('multiline.csv', '--features', 'x1,x2,x3,x4'), 3, /multiline\.csv line 5, column 'x1': '1\.5\\n' is not a number/));
  it('a ;-separated file read with --delimiter , gets a hint', fails(fit('semicolon.csv', '--delimiter', ','), 3, /has no target column 'y'.*header row looks ;-separated: try --delimiter ';'/));
  it('duplicate column names', fails(['fit', p('dup.csv'), '-t', 'b', '-o', p('o.slim')], 3, /column 'a' appears twice/));
  it('a wrong target column lists what exists and suggests', fails(fit('train.csv').map((a) => (a === 'y' ? 'yy' : a)), 3, /has no target column 'yy' \(did you mean 'y'\?\); its columns are: x1, x2, x3, x4, y, label/));
  it('a wrong --exclude column', fails(fit('train.csv', '--exclude', 'lable'), 3, /has no excluded column 'lable' \(did you mean 'label'\?\)/));
  it('a wrong feature column', fails(fit('train.csv', '--features', 'x1,income'), 3, /has no feature column 'income'; its columns are: x1, x2/));
});

describe('numerics', () => {
  it('perfect separation in logistic regression exits 4 with a hint', fails(['fit', p('separable.csv'), '-t', 'label', '--logistic', '-o', p('o.slim')], 4, /\[E_SEPARATION\].*'x' alone separates the classes: drop it \(--exclude x\), or add a ridge large enough to matter .*try --ridge 1 /));
  it('a constant column is named by its header, the fix by its flags', fails(['fit', p('constant.csv'), '-t', 'y', '-o', p('o.slim')], 4, /\[E_SINGULAR\] 'a' \(= 1\) is constant.*--no-intercept, or add --ridge/));
});

describe('flags', () => {
  it('unknown option', fails(['fit', p('train.csv'), '-t', 'y', '-o', p('o.slim'), '--bogus'], 2, /unknown option '--bogus' \(see slimfit fit --help\)/));
  it('missing required option', fails(['fit', p('train.csv'), '-o', p('o.slim')], 2, /required option '-t, --target <column>' not specified/));
  it('an unknown option is reported before a missing required one', fails(['fit', '--bogus'], 2, /^slimfit: error \[E_USAGE\] unknown option '--bogus' \(see slimfit fit --help\)$/));
  it('an unknown option is reported before a missing required one (with a file)', fails(['compress', p('w.safetensors'), '--bogus'], 2, /unknown option '--bogus' \(see slimfit compress --help\)/));
  it('unknown command', fails(['fitt'], 2, /unknown command 'fitt'/));
  it('target also listed as a feature', fails(fit('train.csv', '--features', 'x1,y'), 2, /'y' is the target; it cannot also be a feature/));
  it('negative ridge', fails(fit('train.csv', '--ridge', '-1'), 2, /--ridge must be a number >= 0/));
  it('-o with the wrong extension', fails(['fit', p('train.csv'), '-t', 'y', '-o', p('m.json')], 2, /-o must name a \.slim file/));
  it('compress with nothing to do', fails(['compress', p('m.slim'), '-o', p('c.slim')], 2, /nothing to do: give --bits/));
  it('--bits out of range', fails(['compress', p('m.slim'), '--bits', '9', '-o', p('c.slim')], 2, /--bits must be an integer from 2 to 8/));
  it('--sparsity with --nm', fails(['compress', p('m.slim'), '--sparsity', '0.5', '--nm', '2:4', '-o', p('c.slim')], 2, /cannot be used with option '--sparsity/));
  it('gptq without --calib', fails(['compress', p('m.slim'), '--bits', '4', '--method', 'gptq', '-o', p('c.slim')], 2, /--method gptq needs calibration data: add --calib/));
  it('--calib with a weights file', fails(['compress', p('w.safetensors'), '--bits', '4', '--calib', p('train.csv'), '-o', p('c.safetensors')], 2, /--calib is for models/));
  it('a block size that does not divide the model', fails(['compress', p('m.slim'), '--bits', '4', '--granularity', 'block:3', '-o', p('c.slim')], 2, /block:3 does not divide the model's 4 coefficients/));
  it('-o over the input', fails(['compress', p('m.slim'), '--bits', '4', '-o', p('m.slim')], 2, /would overwrite the input/));
  it('gptq on a weight file', fails(['compress', p('w.safetensors'), '--bits', '4', '--method', 'gptq', '--calib', p('train.csv'), '-o', p('c.safetensors')], 2, /safetensors file does not carry/));
  it('report calibrated on the test data', fails(['report', p('m.slim'), '--data', p('train.csv'), '--calib', p('train.csv')], 2, /same file/));
  it('batch -o naming a file', fails(['batch', p('m.slim'), '--bits', '4', '-o', p('x.slim')], 2, /-o names a folder/));
  it('demo --rows too small', fails(['demo', '--rows', '12', '--out', p('d')], 2, /--rows must be an integer from 2000/));
  it('-o into a missing folder fails before the work, naming the folder (not a temp file)', fails(['fit', p('train.csv'), '-t', 'y', '-o', p('no-such-dir/m.slim')], 3, /\[E_OUTPUT\] cannot write .*no-such-dir\/m\.slim: the folder .*no-such-dir does not exist \(create it first\)$/));
  it('-o naming a folder', fails(['compress', p('m.slim'), '--bits', '4', '-o', p('folder.slim')], 3, /\[E_OUTPUT\] cannot write .*folder\.slim: .*is a folder/));
  it('-o under a file', fails(['report', p('m.slim'), '--data', p('train.csv'), '-o', p('plain-file/r.svg')], 3, /\[E_OUTPUT\] .*plain-file is not a folder/));
  it('batch -o over the inputs: one line, before any progress', fails(['batch', p('m.slim'), '--bits', '4', '-o', dir], 2, /is where the inputs are/));
  it('batch with a missing --calib: one line', fails(['batch', p('m.slim'), '--bits', '4', '--method', 'gptq', '--calib', p('nope.csv'), '-o', p('bc')], 3, /no such file or directory: .*nope\.csv/));
  it('batch -o naming an existing file', fails(['batch', p('m.slim'), '--bits', '4', '-o', p('plain-file')], 2, /-o .*plain-file is a file; batch writes into a folder/));
  it('batch --workers 0', fails(['batch', p('m.slim'), '--bits', '4', '-o', p('bo'), '--workers', '0'], 2, /--workers must be an integer from 1 to 256/));
});

describe('corrupt and wrong files', () => {
  it('a missing model', fails(['compress', p('none.slim'), '--bits', '4', '-o', p('c.slim')], 3, /no such file or directory/));
  it('a truncated .slim', fails(['compress', p('truncated.slim'), '--bits', '4', '-o', p('c.slim')], 3, /\[E_FORMAT\] truncated\.slim: .*(truncated|length)/i));
  it('a flipped byte in a .slim (checksum)', fails(['compress', p('flipped.slim'), '--bits', '4', '-o', p('c.slim')], 3, /\[E_FORMAT\] flipped\.slim: checksum mismatch/));
  it('not a .slim file at all', fails(['inspect', p('binary.slim')], 3, /\[E_FORMAT\] binary\.slim: .*magic/i));
  const corrupt = run(['inspect', p('flipped.slim')]);
  it('inspect describes a corrupt file, then exits 3', () => {
    const r = corrupt();
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/checksum: crc32c [0-9a-f]{8} MISMATCH/);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/flipped\.slim is corrupt: checksum mismatch/);
  });
  it('report on a corrupt model', fails(['report', p('truncated.slim'), '--data', p('train.csv')], 3, /E_FORMAT/));
  it('a truncated safetensors', fails(['compress', p('truncated.safetensors'), '--bits', '4', '-o', p('c.safetensors')], 3, /\[E_FORMAT\] truncated\.safetensors: truncated safetensors file/));
  it('a safetensors header naming a tensor twice', fails(['compress', p('dup-name.safetensors'), '--bits', '4', '-o', p('c.safetensors')], 3, /\[E_FORMAT\] dup-name\.safetensors: tensor "w" appears twice in the safetensors header/));
  it('a safetensors file with no tensors is bad input (exit 3)', fails(['compress', p('no-tensors.safetensors'), '--bits', '4', '-o', p('c.safetensors')], 3, /no-tensors\.safetensors holds no tensors to compress/));
  it('a safetensors file with only __metadata__ is bad input (exit 3)', fails(['compress', p('meta-only.safetensors'), '--bits', '4', '-o', p('c.safetensors')], 3, /meta-only\.safetensors holds no tensors to compress/));
  it('a hostile safetensors header length', fails(['inspect', p('huge-header.safetensors')], 3, /header length \d+ exceeds the \d+-byte limit/));
  const renamed = run(['inspect', p('renamed.safetensors')]);
  it('a .slim named .safetensors is recognised by content', () => {
    const r = renamed();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/kind linear/);
  });
  it('compressing already quantized weights (their scales would be re-quantized)', fails(['compress', p('wq.safetensors'), '--bits', '4', '-o', p('wq2.safetensors')], 3, /wq\.safetensors already holds quantized tensors \('.*', slimfit convention\)/));
  it('compressing an already compressed model', fails(['compress', p('c8.slim'), '--bits', '4', '-o', p('c4.slim')], 3, /c8\.slim is already compressed/));
});

describe('output modes', () => {
  const debug = run(['--debug', 'compress', p('flipped.slim'), '--bits', '4', '-o', p('c.slim')]);
  it('--debug adds the stack trace', () => {
    const r = debug();
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/checksum mismatch/);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
  const json = run(['--json', 'compress', p('flipped.slim'), '--bits', '4', '-o', p('c.slim')]);
  const jsonUsage = run(['--json', 'compress', p('m.slim'), '-o', p('c.slim')]);
  it('--json puts a machine-readable error on stdout', () => {
    const r = json();
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'E_FORMAT', exitCode: 3 } });
    const u = jsonUsage();
    expect(u.code).toBe(2);
    expect(JSON.parse(u.stdout)).toMatchObject({ ok: false, error: { code: 'E_USAGE' } });
  });
  const help = run(['compress', '--help']);
  it("a command's --help also lists the global flags", () => {
    const r = help();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Global Options:[\s\S]*--json[\s\S]*--debug/);
  });
  const noCommand = run(['--json']);
  it('--json without a command still answers in JSON', () => {
    const r = noCommand();
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'E_USAGE', exitCode: 2 } });
  });
  const quietBatch = run(['-q', 'batch', p('m.slim'), p('truncated.slim'), '--bits', '4', '-w', '1', '-o', p('bq')]);
  it('batch -q still names the input that failed, once', () => {
    const r = quietBatch();
    expect(r.code, r.stderr).toBe(5);
    const err = lines(r.stderr);
    expect(err).toHaveLength(2);
    expect(err[0]).toMatch(/^failed truncated\.slim: truncated \.slim file/);
    expect(err[1]).toMatch(/^batch: 1 written, 0 skipped \(up to date\), 1 failed of 2/);
  });
  const plain = run(fit('nope.csv'));
  const forced = run(fit('nope.csv'), { NO_COLOR: '', FORCE_COLOR: '1' });
  const both = run(fit('nope.csv'), { NO_COLOR: '1', FORCE_COLOR: '1' });
  it('colours only when asked: NO_COLOR wins, FORCE_COLOR forces', () => {
    expect(plain().stderr).not.toMatch(/\x1b\[/);
    expect(forced().stderr).toMatch(/\x1b\[31merror\x1b\[0m/);
    expect(both().stderr).not.toMatch(/\x1b\[/);
  });
});
