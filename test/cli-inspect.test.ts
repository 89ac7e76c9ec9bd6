/**
 * `slimfit inspect` on files that strain it: a corrupt file (described, exit
 * 3, and under --json exactly one JSON object), a header nested past the
 * reader limits, and a valid file with 130,000 tensors (the table is printed,
 * nothing overflows the stack).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { textTable } from '../src/cli/context.js';
import { encodeSlim } from '../src/io/index.js';
import { init } from '../src/index.js';
import { cliAsync, lines } from './cli-fixtures.js';
import { buildSlim, parseSlim } from './helpers/slim-file.js';

const dir = mkdtempSync(join(tmpdir(), 'slimfit-cli-inspect-'));
const p = (name: string) => join(dir, name);

const e = await init({ backend: 'js', warmUp: false });
const model = e.fitLinear(
  [
    [1, 2],
    [2, 1],
    [3, 5],
    [4, 3],
    [5, 8],
  ],
  [1, 2, 2, 5, 4],
);
const good = await encodeSlim({ kind: 'linear', model }, { features: ['a', 'b'] });
const flipped = good.slice();
flipped[flipped.length - 20] ^= 0x10; // inside the data section: only the checksum can tell
writeFileSync(p('flipped.slim'), flipped);
const parts = parseSlim(good);
const nested = (depth: number) => JSON.stringify(parts.header).replace('"model":{', `"model":{"extra":${'['.repeat(depth)}${']'.repeat(depth)},`);
writeFileSync(p('deep.slim'), await buildSlim(parts, nested(5000)));
writeFileSync(p('nested-ok.slim'), await buildSlim(parts, nested(50)));
// 130,000 one-byte tensors, laid out by the independent writer (the library's encodeSlim writes the same).
const count = 130_000;
const objects = Array.from({ length: count }, (_, i) => ({ name: `t${i}`, type: 'dense' }));
const tensors = Array.from({ length: count }, (_, i) => ({ name: `t${i}`, dtype: 'U8', shape: [1], offsets: [16 * i, 16 * i + 1] }));
const data = new Uint8Array(16 * count);
writeFileSync(p('many.slim'), await buildSlim({ major: 1, minor: 0, data, header: { format: 'slimfit', kind: 'tensors', objects, provenance: { slimfit: '0.1.0', created: '2025-01-01T00:00:00Z' }, tensors } }));

describe.concurrent('slimfit inspect under strain', () => {
  it('a corrupt file under --json: exactly one JSON object, with the description and the error; exit 3', async () => {
    const r = await cliAsync(['--json', 'inspect', p('flipped.slim')]);
    expect(r.code).toBe(3);
    expect(lines(r.stdout)).toHaveLength(1);
    const j = JSON.parse(r.stdout) as Record<string, any>;
    expect(j).toMatchObject({ ok: false, valid: false, kind: 'linear', checksum: { ok: false }, error: { code: 'E_FORMAT', exitCode: 3 } });
    expect(j.error.message).toMatch(/flipped\.slim is corrupt: checksum mismatch/);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^slimfit: error \[E_FORMAT\] flipped\.slim is corrupt: checksum mismatch/)]);
    const text = await cliAsync(['inspect', p('flipped.slim')]);
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(/checksum: crc32c [0-9a-f]{8} MISMATCH/);
  });

  it('a member nested 5,000 levels deep: E_FORMAT (exit 3), one JSON object, no internal error; 50 levels inspect fine', async () => {
    const r = await cliAsync(['--json', 'inspect', p('deep.slim')]);
    expect(r.code).toBe(3);
    expect(lines(r.stdout)).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'E_FORMAT' } });
    expect(r.stderr).toMatch(/\[E_FORMAT\] deep\.slim: the header is nested more than 64 levels deep/);
    const ok = await cliAsync(['--json', 'inspect', p('nested-ok.slim')]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, valid: true });
  });

  it('130,000 tensors: the table is printed', async () => {
    const r = await cliAsync(['inspect', p('many.slim')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^t129999 +U8 +\[1\] +1 +\d+$/m);
    expect(lines(r.stdout).length).toBeGreaterThan(count);
  });
});

describe('textTable', () => {
  it('takes more rows than a spread argument list can (no stack overflow)', () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => [`r${i}`, String(i)]);
    const t = textTable(['name', 'n'], rows).split('\n');
    expect(t).toHaveLength(300_002);
    expect(t[0]).toBe(`name${' '.repeat(10)}n`);
    expect(t[300_001]).toBe('r299999  299999');
  });
});
