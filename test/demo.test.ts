/** The main job end to end, as `npm start` runs it, on a small dataset. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('demo (the main job)', () => {
  it('fits, compresses every way, prints the table and writes models + report', () => {
    const out = mkdtempSync(join(tmpdir(), 'slimfit-demo-'));
    try {
      const stdout = execFileSync(process.execPath, ['--import', 'tsx', 'src/demo/main.ts', '--rows', '20000', '--out', out, '--json'], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      const rows = JSON.parse(stdout) as { target: string; method: string; bytes: number; metric: number; delta: number }[];
      for (const target of ['default', 'loss']) {
        const mine = rows.filter((r) => r.target === target);
        expect(mine.length).toBe(12);
        const teacher = mine[0]!;
        expect(teacher.method).toBe('float64 teacher');
        // every compressed model is smaller than the teacher
        for (const r of mine.slice(1)) expect(r.bytes).toBeLessThan(teacher.bytes);
        // 8-bit round-to-nearest barely moves the metric
        const r8 = mine.find((r) => r.method === 'rtn 8-bit')!;
        expect(Math.abs(r8.delta)).toBeLessThan(target === 'default' ? 2e-3 : 0.02 * teacher.metric);
      }
      // the default model is a real scorecard: AUC well above chance
      expect(rows[0]!.metric).toBeGreaterThan(0.7);
      const saved = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as unknown[];
      expect(saved.length).toBe(rows.length);
      expect(readFileSync(join(out, 'report-default.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
      expect(JSON.parse(readFileSync(join(out, 'teacher-default.json'), 'utf8'))).toHaveProperty('coef');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('rejects a bad option with one line and a non-zero exit', () => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'src/demo/main.ts', '--rows', '12'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      status = (e as { status: number }).status;
      stderr = (e as { stderr: string }).stderr;
    }
    expect(status).not.toBe(0);
    expect(stderr).toMatch(/--rows/);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
