/**
 * One row per class of bad input the command line meets: each exits with
 * the documented code and prints exactly one line on stderr,
 * `slimfit: error [E_CODE] message`, with the same code in the --json error
 * object. The rows run main() in this process (test/helpers/run-main.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify, errorLine } from '../src/cli/errors.js';
import { MAX_NAME_CHARS } from '../src/json.js';
import { fitLinear } from '../src/fit/linear.js';
import { init } from '../src/index.js';
import { encodeSlim } from '../src/io/slim.js';
import { rng, normal } from '../src/random.js';
import { runMain, type MainRun } from './helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'slimfit-bad-input-'));
const p = (name: string) => join(dir, name);

/** x1..xd, y (linear) and label (0/1), seeded. */
function csvText(rows: number, d: number, seed = 1, sep = ','): string {
  const z = normal(rng(seed));
  const lines = [[...Array.from({ length: d }, (_, j) => `x${j + 1}`), 'y', 'label'].join(sep)];
  for (let i = 0; i < rows; i++) {
    const x = Array.from({ length: d }, () => z());
    const eta = x.reduce((s, v, j) => s + v / (1 + j), 0.2);
    lines.push([...x.map((v) => v.toFixed(4)), (eta + 0.5 * z()).toFixed(4), eta + z() > 0 ? 1 : 0].join(sep));
  }
  return `${lines.join('\n')}\n`;
}

/** A read-only file system to write into (tmpfs mounted ro); undefined where mounting is not allowed. */
let readOnly: string | undefined;

beforeAll(() => {
  const good = csvText(300, 4);
  writeFileSync(p('train.csv'), good);
  writeFileSync(p('bad-cell.csv'), good.replace(/\n([^,\n]*),/, '\nabc,'));
  writeFileSync(p('all-ones.csv'), good.replace(/,[01]\n/g, ',1\n'));
  writeFileSync(p('long-name.csv'), good.replace(/^x1,/, `${'n'.repeat(5000)},`));
  writeFileSync(p('semicolon.csv'), good.replaceAll(',', ';').replaceAll('.', ','));
  writeFileSync(p('truncated.csv.gz'), gzipSync(good).subarray(0, 200));
  writeFileSync(p('data.zip'), Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(60, 7)]));
  writeFileSync(p('binary.csv'), Buffer.from(Array.from({ length: 400 }, (_, i) => (i * 41) & 255)));
  writeFileSync(p('separable.csv'), `x,z,label\n${Array.from({ length: 40 }, (_, i) => `${i - 19.5},${Math.sin(i).toFixed(3)},${i >= 20 ? 1 : 0}`).join('\n')}\n`);
  writeFileSync(p('collinear.csv'), `a,b,y\n${Array.from({ length: 200 }, (_, i) => `${Math.sin(i)},${Math.sin(i) + 1e-7 * Math.cos(3 * i)},${Math.sin(i) + Math.cos(i)}`).join('\n')}\n`);
  writeFileSync(p('plain-file'), 'not a folder\n');
  mkdirSync(p('folder.csv'));
  try {
    mkdirSync(p('ro'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'slimfit-test-ro', p('ro')], { stdio: 'ignore' });
    readOnly = p('ro');
  } catch {
    console.log('cli-bad-input: cannot mount a read-only tmpfs here (needs root); the read-only-disk rows are skipped');
  }
});

afterAll(() => {
  if (readOnly) execFileSync('umount', [readOnly], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
});

const ERROR_LINE = /^slimfit: error \[(E_[A-Z]+)\] \S.*$/;

/** The exit code, exactly one stderr line in the documented format with `code`, and the same code under --json. */
async function expectOneLine(args: string[], exit: number, code: string, pattern: RegExp): Promise<MainRun> {
  const r = await runMain(args);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(exit);
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(ERROR_LINE);
  expect(ERROR_LINE.exec(lines[0])![1]).toBe(code);
  expect(lines[0]).toMatch(pattern);
  const j = await runMain(['--json', ...args]);
  expect(j.code).toBe(exit);
  const obj = JSON.parse(j.stdout) as { ok: boolean; error: { code: string; exitCode: number } };
  expect(obj).toMatchObject({ ok: false, error: { code, exitCode: exit } });
  return r;
}

const fit = (csv: string, ...rest: string[]) => ['fit', p(csv), '-t', 'y', '-o', p('out.slim'), ...rest];

interface Row {
  what: string;
  args: () => string[];
  exit: number;
  code: string;
  pattern: RegExp;
  /** Skipped when this says so (a read-only disk is not available everywhere). */
  skip?: () => boolean;
}

const rows: Row[] = [
  { what: 'a missing file', args: () => fit('nope.csv'), exit: 3, code: 'E_INPUT', pattern: /no such file or directory: .*nope\.csv$/ },
  { what: 'a folder instead of a file', args: () => fit('folder.csv'), exit: 3, code: 'E_INPUT', pattern: /folder\.csv is a directory/ },
  { what: 'a path through a file', args: () => fit('plain-file/x.csv'), exit: 3, code: 'E_INPUT', pattern: /not a directory: .*plain-file\/x\.csv$/ },
  { what: 'a bad option value (commander choices)', args: () => ['compress', p('m.slim'), '--bits', '4', '--scheme', 'asym', '-o', p('c.slim')], exit: 2, code: 'E_USAGE', pattern: /option '--scheme <s>' argument 'asym' is invalid.*\(see slimfit compress --help\)$/ },
  { what: 'an unknown option', args: () => fit('train.csv', '--bogus'), exit: 2, code: 'E_USAGE', pattern: /unknown option '--bogus'/ },
  { what: 'a missing required option', args: () => ['fit', p('train.csv'), '-o', p('out.slim')], exit: 2, code: 'E_USAGE', pattern: /required option '-t, --target <column>' not specified/ },
  { what: 'an unknown command', args: () => ['fitt'], exit: 2, code: 'E_USAGE', pattern: /unknown command 'fitt'/ },
  { what: 'a bad --delimiter', args: () => fit('train.csv', '--delimiter', ';;'), exit: 2, code: 'E_USAGE', pattern: /--delimiter must be one character/ },
  { what: 'a bad number in the CSV', args: () => fit('bad-cell.csv'), exit: 3, code: 'E_CSV', pattern: /bad-cell\.csv line 2, column 'x1': 'abc' is not a number/ },
  { what: 'a logistic target of one class (bad data, not bad usage)', args: () => ['fit', p('all-ones.csv'), '-t', 'label', '--logistic', '--exclude', 'y', '-o', p('out.slim')], exit: 3, code: 'E_INPUT', pattern: /every 'label' value is 1; logistic regression needs rows of both classes/ },
  { what: 'a column name longer than a model keeps (before the fit)', args: () => fit('long-name.csv'), exit: 3, code: 'E_COLUMN', pattern: /the feature column 'n{40}\.\.\.' has a name of 5000 characters; a model keeps names of at most 4096/ },
  { what: 'a separator other than the one given (;-separated, decimal commas)', args: () => fit('semicolon.csv', '--delimiter', ','), exit: 3, code: 'E_CSV', pattern: /semicolon\.csv line 2: \d+ fields where the header has 1 \(the header row looks ;-separated: try --delimiter ';'\)$/ },
  { what: 'a truncated gzip file', args: () => fit('truncated.csv.gz'), exit: 3, code: 'E_CSV', pattern: /truncated\.csv\.gz: not a readable gzip file/ },
  { what: 'a zip archive', args: () => fit('data.zip'), exit: 3, code: 'E_CSV', pattern: /data\.zip is a zip archive, not CSV text: decompress it first/ },
  { what: 'binary data', args: () => fit('binary.csv'), exit: 3, code: 'E_CSV', pattern: /binary\.csv holds binary data, not CSV text/ },
  { what: 'an output folder that is a file (demo, before any work)', args: () => ['demo', '--rows', '2000', '--out', p('plain-file')], exit: 3, code: 'E_OUTPUT', pattern: /cannot create the folder .*plain-file: .*plain-file is a file$/ },
  { what: 'an output folder under a file (batch)', args: () => ['batch', p('m.slim'), '--bits', '4', '-o', p('plain-file/sub')], exit: 3, code: 'E_OUTPUT', pattern: /cannot create the folder .*plain-file\/sub: .*plain-file is not a folder$/ },
  { what: 'an output folder on a read-only disk (batch)', args: () => ['batch', p('m.slim'), '--bits', '4', '-o', join(readOnly!, 'sub')], exit: 3, code: 'E_OUTPUT', pattern: /cannot create the folder .*ro\/sub: read-only file system/, skip: () => readOnly === undefined },
  // bad-cell.csv would fail on its line 2: the output is checked first
  { what: 'an output file on a read-only disk (fit, before reading the data)', args: () => ['fit', p('bad-cell.csv'), '-t', 'y', '-o', join(readOnly!, 'm.slim')], exit: 3, code: 'E_OUTPUT', pattern: /cannot write .*ro\/m\.slim: read-only file system$/, skip: () => readOnly === undefined },
  { what: 'separated classes (the hint names the column and the flags)', args: () => ['fit', p('separable.csv'), '-t', 'label', '--logistic', '-o', p('out.slim')], exit: 4, code: 'E_SEPARATION', pattern: /'x' alone separates the classes: drop it \(--exclude x\), or add a ridge large enough to matter .*try --ridge 1 / },
  { what: 'an ill-conditioned design (the hint names CLI flags, not API options)', args: () => ['fit', p('collinear.csv'), '-t', 'y', '-o', p('out.slim')], exit: 4, code: 'E_SINGULAR', pattern: /add --accurate \(double-double moments, slower\), drop one of these columns, or add --ridge/ },
];

describe('slimfit on bad input: exit code and one error line', () => {
  beforeAll(async () => {
    // a model for the compress and batch rows
    const r = await runMain(['fit', p('train.csv'), '-t', 'y', '--exclude', 'label', '-o', p('m.slim')]);
    if (r.code !== 0) throw new Error(r.stderr);
  });
  for (const row of rows) {
    it(row.what, async (ctx) => {
      if (row.skip?.()) ctx.skip();
      await expectOneLine(row.args(), row.exit, row.code, row.pattern);
      expect(existsSync(p('out.slim'))).toBe(false);
    });
  }
  it('no hint on the command line names an API option', async () => {
    const r = await runMain(['fit', p('collinear.csv'), '-t', 'y', '-o', p('out.slim')]);
    expect(r.stderr).not.toMatch(/accuracy:|ridge > 0|intercept: false/);
  });
  it('the demo checks its output folder before generating anything', async () => {
    const r = await runMain(['demo', '--rows', '2000', '--out', p('plain-file')]);
    expect(r.stderr).not.toMatch(/generating|fitting/);
    expect(readFileSync(p('plain-file'), 'utf8')).toBe('not a folder\n');
  });
});

describe('system errors get slimfit codes', () => {
  const sys = (code: string, syscall: string, path?: string) => Object.assign(new Error(`${code}: ${syscall} failed`), { code, syscall, ...(path ? { path } : {}) });
  it('reading: E_INPUT; writing (or a read-only disk, a full disk): E_OUTPUT; never the errno itself', () => {
    expect(classify(sys('ENOENT', 'open', 'a.csv'))).toMatchObject({ code: 'E_INPUT', message: 'no such file or directory: a.csv', exitCode: 3 });
    expect(classify(sys('ENOENT', 'mkdir', 'out/x'))).toMatchObject({ code: 'E_OUTPUT', exitCode: 3 });
    expect(classify(sys('EROFS', 'open', '/ro/m.slim'))).toMatchObject({ code: 'E_OUTPUT', message: 'read-only file system: /ro/m.slim' });
    expect(classify(sys('ENOSPC', 'write'))).toMatchObject({ code: 'E_OUTPUT' });
    // an errno without words keeps Node's message, still as bad input rather than a bug
    expect(classify(sys('EIO', 'read'))).toMatchObject({ code: 'E_INPUT', message: 'EIO: read failed', exitCode: 3, unexpected: false });
    expect(classify(new TypeError('x is undefined'))).toMatchObject({ code: 'E_INTERNAL', exitCode: 1, unexpected: true });
  });
  it('the error line always has the code in brackets, internal errors too', () => {
    const before = process.env.NO_COLOR;
    process.env.NO_COLOR = '1';
    try {
      expect(errorLine('E_INTERNAL', 'x is undefined')).toBe('slimfit: error [E_INTERNAL] x is undefined');
    } finally {
      if (before === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = before;
    }
  });
});

describe('the name limit the CSV reader checks', () => {
  it('is the one a model file keeps', async () => {
    const model = fitLinear(await init(), { rows: 4, cols: 1, data: Float64Array.of(1, 2, 3, 5) }, Float64Array.of(1, 2, 2, 4));
    await expect(encodeSlim({ kind: 'linear', model }, { features: ['n'.repeat(MAX_NAME_CHARS)] })).resolves.toBeInstanceOf(Uint8Array);
    await expect(encodeSlim({ kind: 'linear', model }, { features: ['n'.repeat(MAX_NAME_CHARS + 1)] })).rejects.toThrow(/features/);
  });
});

