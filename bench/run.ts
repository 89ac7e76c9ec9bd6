/**
 * slimfit benchmark program: `npm run bench` (builds the wasm, then runs this).
 *
 *   npm run bench                      every family, full sizes; writes bench/RESULTS.md + bench/results.json
 *   npm run bench -- --quick           smaller sizes and fewer samples (smoke run; prints only)
 *   npm run bench -- gram              one family (or a part: prune, quantize, ...); prints only
 *   npm run bench -- quantize --write  a partial run that still writes the results files
 *
 * Both engines (wasm-simd and the JS twin) run side by side in this one process.
 * Missing a floor prints `FLOOR MISSED: ...` but never fails the run.
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { init } from '../src/index.js';
import { makeContext, selected, type Family } from './context.js';
import { BUSY_CPU_PCT, FULL_TIMING, QUICK_TIMING, machineInfo, machineLine } from './harness.js';
import { gramFamily } from './kernels-gram.js';
import { solveFamily } from './kernels-solve.js';
import { streamFamily } from './kernels-stream.js';
import { Report } from './report.js';
import { sizeFamily } from './size.js';
import { fitFamily } from './fit.js';
import { compressFamily } from './compress.js';
import { batchFamily } from './batch.js';
import { predictFamily } from './predict.js';
import { fitQuantizedFamily } from './fit-quantized.js';
import { irlsFamily } from './logistic.js';
import { scalingFamily } from './scaling.js';
import { queueFamily } from './queue.js';

/** Every family, in run order. Add new ones here. */
export const FAMILIES: Family[] = [sizeFamily, gramFamily, solveFamily, streamFamily, fitFamily, irlsFamily, compressFamily, fitQuantizedFamily, predictFamily, batchFamily, queueFamily, scalingFamily];

const MD = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
const JSON_OUT = fileURLToPath(new URL('./results.json', import.meta.url));

function usage(): string {
  const fams = FAMILIES.map((f) => `  ${f.name.padEnd(8)} ${f.description}${f.tags.length ? ` (also: ${f.tags.join(', ')})` : ''}`).join('\n');
  return `usage: npm run bench [-- [--quick] [--write | --no-write] [family or part ...]]\n\nfamilies:\n${fams}\n`;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(usage());
    return 0;
  }
  const quick = args.includes('--quick');
  const filters = args.filter((a) => !a.startsWith('-')).map((a) => a.toLowerCase());
  const unknown = filters.filter((f) => !FAMILIES.some((fam) => fam.name === f || fam.tags.includes(f)));
  if (unknown.length > 0) {
    process.stderr.write(`unknown bench filter(s): ${unknown.join(', ')}\n${usage()}`);
    return 2;
  }
  const partial = quick || filters.length > 0;
  const write = args.includes('--write') || (!partial && !args.includes('--no-write'));
  const timing = quick ? QUICK_TIMING : FULL_TIMING;
  const machine = machineInfo();
  const command = `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`;
  const report = new Report({
    machine,
    command,
    args,
    quick,
    filters,
    partial,
    timing: { ...timing },
  });
  const log = (msg: string) => process.stderr.write(`${msg}\n`);
  console.log(`# slimfit bench\n\n${machineLine(machine)}\ncommand: ${command}${quick ? ' (quick)' : ''}\n`);

  const cpuShares: number[] = [];
  const t0 = performance.now();
  const wasm = await init({ backend: 'wasm' });
  const js = await init({ backend: 'js' });
  if (wasm.backend !== 'wasm-simd' || js.backend !== 'js') throw new Error(`unexpected backends ${wasm.backend} / ${js.backend}`);

  for (const fam of FAMILIES) {
    if (!selected(fam, filters)) continue;
    const f0 = performance.now();
    log(`[${fam.name}] ${fam.description}`);
    const ctx = makeContext({ wasm, js, quick, timing, report, log, cpuShares }, filters, fam);
    try {
      await fam.run(ctx);
    } catch (e) {
      const msg = e instanceof Error ? `${(e as { code?: string }).code ?? e.name}: ${e.message}` : String(e);
      console.log(`\nBENCH FAMILY FAILED: ${fam.name}: ${msg}`);
      report.notes.push(`Family \`${fam.name}\` failed: ${msg}`);
      if (e instanceof Error && e.stack) log(e.stack);
    }
    log(`[${fam.name}] ${((performance.now() - f0) / 1000).toFixed(1)} s`);
  }
  report.meta.durationS = (performance.now() - t0) / 1000;
  const sorted = [...cpuShares].sort((a, b) => a - b);
  report.meta.noise = {
    load1Start: machine.load1,
    load1End: os.loadavg()[0],
    cpuShareMedianPct: sorted.length ? sorted[sorted.length >> 1] : NaN,
    cpuShareMinPct: sorted.length ? sorted[0] : NaN,
  };
  const noisy = report.meta.noise.cpuShareMedianPct < BUSY_CPU_PCT;
  if (noisy) {
    const msg = `NOISY RUN: this process had a core only ${report.meta.noise.cpuShareMedianPct.toFixed(0)}% of the sampling time (median over cases; load average ${machine.load1.toFixed(1)} -> ${report.meta.noise.load1End.toFixed(1)} on ${machine.cores} vCPU): absolute times are inflated, ratios less so; rerun on a quiet machine`;
    console.log(`\n${msg}`);
    report.notes.push(`**${msg}**`);
  }

  console.log('\n## Ratio lines\n');
  for (const line of report.ratios) console.log(line);
  console.log('\n## Floors\n');
  for (const line of report.floorLines()) console.log(line);
  const failed = report.checks.filter((c) => !c.ok);
  console.log(`\nresult checks: ${report.checks.length - failed.length}/${report.checks.length} agree${failed.length ? ' — CHECKS FAILED, see above' : ''}`);
  if (write) {
    report.write(MD, JSON_OUT);
    console.log(`\nwrote bench/RESULTS.md and bench/results.json (${report.meta.durationS.toFixed(0)} s)`);
  } else {
    console.log(`\n(partial run: results files not written; add --write to write them) ${report.meta.durationS.toFixed(0)} s`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
