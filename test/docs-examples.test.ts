/**
 * Every ```ts example in README.md and docs/*.md runs here, with the results its comments state
 * checked (the convention is in test/helpers/doc-examples.ts), and every `slimfit ...` command line
 * in the docs uses only commands and flags the CLI defines.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../src/cli/main.js';
import { fencedBlocks, ROOT, runBlock, runnableChains, type DocBlock } from './helpers/doc-examples.js';

const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const blocks = PAGES.flatMap((p) => fencedBlocks(join(ROOT, p)));
const ts = blocks.filter((b) => b.lang === 'ts' || b.lang === 'typescript');

/** Blocks that are not examples (`no-run`): none today; a new one must be added here on purpose. */
const NOT_RUN: Record<string, number> = {};
const skipped = (b: DocBlock) => b.flags.includes('no-run');

describe('docs examples', () => {
  it('every page is scanned and almost every ts block runs', () => {
    expect(PAGES).toEqual(expect.arrayContaining(['README.md', 'docs/API.md', 'docs/CLI.md', 'docs/COMPRESSION.md', 'docs/FITTING.md']));
    const notRun: Record<string, number> = {};
    for (const b of ts.filter(skipped)) notRun[b.file] = (notRun[b.file] ?? 0) + 1;
    expect(notRun).toEqual(NOT_RUN);
    expect(ts.filter((b) => !skipped(b)).length).toBeGreaterThanOrEqual(10);
  });

  for (const chain of runnableChains(blocks, skipped)) {
    const b = chain[chain.length - 1];
    it(`${b.file}:${b.line} runs and its stated results hold`, async () => {
      const checks = await runBlock(chain);
      // an example states what it gives: a block without a single check would only be run, not tested
      expect(checks, `${b.file}:${b.line} states no result (// =>, // ≈ or // throws)`).toBeGreaterThan(0);
    });
  }
});

// ------------------------------------------------------------------ command lines

/** `slimfit ...` / `npx slimfit ...` command lines: every line of sh blocks, every inline code span. */
function commandLines(): { where: string; args: string[] }[] {
  const out: { where: string; args: string[] }[] = [];
  const add = (where: string, text: string) => {
    const m = /(?:^|\s|`)(?:npx\s+)?slimfit\s+([^`#|]*)/.exec(text);
    if (!m || /^slimfit:/.test(text.trim())) return;
    const args = (m[1].match(/'[^']*'|"[^"]*"|\S+/g) ?? []).map((a) => a.replace(/^['"]|['"]$/g, ''));
    if (args.some((a) => a.startsWith('<'))) return; // a pattern such as `slimfit <command> --help`
    out.push({ where, args });
  };
  for (const b of blocks.filter((x) => x.lang === 'sh' || x.lang === 'bash')) {
    b.code.split('\n').forEach((l, i) => add(`${b.file}:${b.line + 1 + i}`, l));
  }
  for (const p of PAGES) {
    const text = fencedBlocks(join(ROOT, p)).reduce((t, b) => t.replace(b.code, ''), readFileSync(join(ROOT, p), 'utf8'));
    text.split('\n').forEach((l, i) => {
      for (const span of l.match(/`[^`]+`/g) ?? []) if (/^`(npx )?slimfit /.test(span)) add(`${p}:${i + 1}`, span.slice(1, -1));
    });
  }
  return out;
}

function flagsOf(cmd: Command): Set<string> {
  const s = new Set<string>(['--help', '-h']);
  for (const o of cmd.options) {
    if (o.long) s.add(o.long);
    if (o.short) s.add(o.short);
  }
  return s;
}

describe('docs command lines', () => {
  const program = buildProgram();
  const global = new Set([...flagsOf(program), '-V', '--version']);
  const lines = commandLines();

  it('are found', () => {
    expect(lines.length).toBeGreaterThanOrEqual(10);
  });

  it('name only commands and flags the CLI defines', () => {
    const bad: string[] = [];
    for (const { where, args } of lines) {
      const name = args.find((a) => !a.startsWith('-'));
      const cmd = program.commands.find((c) => c.name() === name);
      if (name !== undefined && !cmd) {
        bad.push(`${where}: no command '${name}' (slimfit ${args.join(' ')})`);
        continue;
      }
      const known = cmd ? new Set([...flagsOf(cmd), ...global]) : global;
      for (const a of args) {
        const flag = a.split('=')[0];
        if (/^--?[a-zA-Z]/.test(flag) && !known.has(flag)) bad.push(`${where}: ${cmd ? cmd.name() : 'slimfit'} has no flag ${flag}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
