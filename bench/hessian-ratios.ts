/**
 * Regenerates the README's "Why Hessian-aware" table (Compression section):
 * output-MSE ratios of the naive methods over the Hessian-aware ones, on
 * held-out data, for 64 AR(1) features with correlation 0.9.
 *
 *   npx tsx bench/hessian-ratios.ts                       the README setup: seeds 1-5, 2000 calibration rows, 5000 held-out
 *   npx tsx bench/hessian-ratios.ts --cal 1000 --test 2000  test/compress-hessian.test.ts's (smaller) setup
 *
 * The procedure (data, seeds, methods, the ratio) is test/helpers/hessian-ratios.ts,
 * which the test runs too. Prints the Markdown rows: geometric mean over
 * seeds and min-max.
 */
import { gm, hessianRatios, ROWS } from '../test/helpers/hessian-ratios.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return def;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} needs a positive integer`);
  return v;
}

async function main(): Promise<void> {
  const nCal = arg('--cal', 2000);
  const nTest = arg('--test', 5000);
  const seeds = [1, 2, 3, 4, 5];
  const r = await hessianRatios({ nCal, nTest, seeds });
  console.log(`<!-- npx tsx bench/hessian-ratios.ts${nCal !== 2000 || nTest !== 5000 ? ` --cal ${nCal} --test ${nTest}` : ''}: 64 AR(1) features, rho 0.9, seeds ${seeds.join(',')}, ${nCal} calibration rows, ${nTest} held-out -->`);
  console.log('| comparison | output-MSE ratio (geometric mean) | range over seeds |');
  console.log('| --- | --- | --- |');
  for (const { key, label } of ROWS) {
    const v = r[key];
    console.log(`| ${label} | ${gm(v).toFixed(1)}x lower | ${Math.min(...v).toFixed(1)}-${Math.max(...v).toFixed(1)} |`);
  }
  if (process.argv.includes('--raw')) console.log(JSON.stringify(Object.fromEntries(ROWS.map(({ key }) => [key, r[key].map((x) => +x.toFixed(3))]))));
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('hessian-ratios.ts')) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
