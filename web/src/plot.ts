/**
 * The rate-distortion plot (uPlot): one line per method and sparsity across
 * bit widths, the float model as a dashed level, and the model the sliders
 * pick as a ringed point. x is the bytes the coefficients take (log scale),
 * y the held-out metric.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { FitResult, RdPoint } from './protocol.js';

/** Okabe–Ito colours (black kept for the selected point): distinguishable with the common colour-vision deficiencies. */
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#882255', '#777777', '#44AA99', '#999933'];
const METHOD_NAMES: Record<string, string> = { rtn: 'RTN', gptq: 'GPTQ', qat: 'QAT' };

export function familyName(p: Pick<RdPoint, 'method' | 'sparsity' | 'rounding'>): string {
  if (p.method === 'qat') return 'QAT (trained on the grid)';
  if (p.method === 'distill') return `distilled onto ${Math.round((1 - p.sparsity) * 100)}% of columns + GPTQ`;
  if (p.method === 'scorecard') return `scorecard, points ${p.rounding === 'optimal' ? 'optimal' : 'rounded'}`;
  if (p.sparsity === 0) return `${METHOD_NAMES[p.method]} dense`;
  const pct = `${Math.round(p.sparsity * 100)}% pruned`;
  return p.method === 'gptq' ? `OBS ${pct} + GPTQ` : `magnitude ${pct} + RTN`;
}

/** Ticks at 1, 2 and 5 times the powers of ten inside [lo, hi]: round byte counts on a log axis. */
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let p = 10 ** Math.floor(Math.log10(Math.max(lo, 1))); p <= hi; p *= 10) for (const m of [1, 2, 5]) if (m * p >= lo && m * p <= hi) out.push(m * p);
  return out;
}

export class RdPlot {
  private plot: uPlot | undefined;
  private families: string[] = [];
  /** The report's series (families, then float64), without the selected point. */
  private tables: uPlot.AlignedData[] = [];

  constructor(private readonly el: HTMLElement) {}

  /** Moves the ring to the model the sliders picked: new data on the same plot, so a slider step costs one redraw. */
  select(selected: { bytes: number; metric: number }): void {
    this.plot?.setData(uPlot.join([...this.tables, [[selected.bytes], [selected.metric]]]));
  }

  /** A new plot for a new fit's report (no point selected yet). */
  draw(fit: FitResult): void {
    const groups = new Map<string, RdPoint[]>();
    for (const p of fit.rd) {
      if (p.method === 'float') continue;
      const k = familyName(p);
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k)!.push(p);
    }
    this.families = [...groups.keys()];
    const tables: uPlot.AlignedData[] = [...groups.values()].map((ps) => {
      const s = [...ps].sort((a, b) => a.bytes - b.bytes);
      return [s.map((p) => p.bytes), s.map((p) => p.metric)];
    });
    const float = fit.rd.find((p) => p.method === 'float')!;
    tables.push([[float.bytes], [float.metric]]);
    this.tables = tables;
    const data = uPlot.join([...tables, [[float.bytes], [null]]]);
    const series: uPlot.Series[] = [
      { label: 'bytes' },
      // a family of one point (a scorecard) gets a larger marker: it has no line to be seen by
      ...this.families.map((label, i) => ({ label, stroke: COLOURS[i % COLOURS.length], width: 2, spanGaps: true, points: { show: true, size: groups.get(label)!.length > 1 ? 6 : 10, fill: COLOURS[i % COLOURS.length] } })),
      { label: 'float64', stroke: '#444', points: { show: true, size: 9, fill: '#fff' } },
      { label: 'selected', stroke: '#000', width: 0, paths: () => null, points: { show: true, size: 16, width: 3, stroke: '#000', fill: 'transparent' } },
    ];
    const width = Math.max(320, Math.floor(this.el.clientWidth || 640));
    const opts: uPlot.Options = {
      width,
      height: Math.round(Math.min(340, width * 0.55)),
      // log x from just below the smallest model to just above the float64 one, so the curves are not squeezed
      scales: { x: { time: false, distr: 3, range: (_u, lo, hi) => [lo / 1.25, hi * 1.25] } },
      axes: [
        { label: 'bytes stored for the coefficients', stroke: '#222', grid: { stroke: '#e3e3e3' }, splits: (_u, _i, lo, hi) => logTicks(lo, hi), filter: (_u, splits) => splits, values: (_u, ticks) => ticks.map((t) => String(t)) },
        { label: `held-out ${fit.metricName}`, stroke: '#222', grid: { stroke: '#e3e3e3' }, size: 70 },
      ],
      series,
      legend: { show: true, live: false },
      cursor: { points: { size: 8 } },
    };
    this.plot?.destroy();
    this.plot = new uPlot(opts, data, this.el);
  }
}
