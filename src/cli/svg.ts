/**
 * A small, dependency-free SVG line chart for rate-distortion plots: x =
 * bytes (log scale by default), y = the quality metric, one line per method
 * (a distinct colour and marker each) through its best point at each x,
 * points labelled (e.g. by bit width), a dashed reference line (the float
 * model), round tick values at readable spacing, and a legend sized to its
 * longest name. Standalone SVG 1.1 (no scripts, no external fonts), so it
 * opens in any browser and embeds in Markdown.
 */

export interface ChartPoint {
  x: number;
  y: number;
  /** Shown in the point's <title> tooltip. */
  label?: string;
  /** A short text drawn beside the marker (e.g. '4-bit'). */
  tag?: string;
}

export interface ChartSeries {
  name: string;
  points: ChartPoint[];
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** Log-10 x axis (default true: bytes span decades). */
  xLog?: boolean;
  /** Log-10 y axis (default false). */
  yLog?: boolean;
  /** A horizontal dashed line, e.g. the float model's metric. */
  reference?: { y: number; label: string };
  /** A second line under the title. */
  subtitle?: string;
  /**
   * Which way is better on y: a series' line joins its best point at each x
   * (the others at that x are markers only), so points at equal x never
   * zig-zag. Default: higher.
   */
  better?: 'higher' | 'lower';
  width?: number;
  height?: number;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
/** Width of one character at font-size 11 in Helvetica / Arial, a little generous (digits are 6.1 px, capitals up to 7.9). */
export const CHAR_WIDTH = 6.6;
/** The least distance between two tick labels on the x axis, in px. */
const MIN_TICK_GAP = 30;
const MARKERS = ['circle', 'square', 'triangle', 'diamond'] as const;

export const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const fmt = (v: number) => (Math.abs(v) < 1e-12 ? '0' : +v.toPrecision(4) === Math.round(v) && Math.abs(v) < 1e6 ? String(Math.round(v)) : v.toPrecision(3).replace(/\.?0+(e|$)/, '$1'));
const r1 = (v: number) => v.toFixed(1);

/** About `count` round tick values covering [lo, hi] (1, 2, 5 x 10^k steps). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : +v.toPrecision(12));
  return out;
}

/**
 * Round ticks for a log axis over [lo, hi] (values, not logs): the decades,
 * then each multiple 2, 5, then 3, 4, 6, 8, then 1.5, 2.5, 7, 9 of them that
 * keeps `minGap` (a fraction of the axis) from its neighbours. Never fewer
 * than two: a span too narrow for them gets linear round ticks.
 */
export function logTicks(lo: number, hi: number, minGap = 0.08): number[] {
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const span = Math.log10(hi) - Math.log10(lo);
  const kept: number[] = [];
  const fits = (v: number) => kept.every((k) => Math.abs(Math.log10(v) - Math.log10(k)) / span >= minGap);
  for (const m of [1, 2, 5, 3, 4, 6, 8, 1.5, 2.5, 7, 9])
    for (let e = a; e <= b; e++) {
      const v = +(m * 10 ** e).toPrecision(6);
      if (v >= lo * 0.999 && v <= hi * 1.001 && fits(v)) kept.push(v);
    }
  kept.sort((x, y) => x - y);
  return kept.length >= 2 ? kept : niceTicks(lo, hi, 4).filter((v) => v > 0);
}

function marker(kind: (typeof MARKERS)[number], x: number, y: number, color: string): string {
  switch (kind) {
    case 'circle':
      return `<circle cx="${r1(x)}" cy="${r1(y)}" r="3.5" fill="${color}"/>`;
    case 'square':
      return `<rect x="${r1(x - 3.2)}" y="${r1(y - 3.2)}" width="6.4" height="6.4" fill="${color}"/>`;
    case 'triangle':
      return `<path d="M${r1(x)} ${r1(y - 4.2)}L${r1(x + 4)} ${r1(y + 3)}L${r1(x - 4)} ${r1(y + 3)}Z" fill="${color}"/>`;
    case 'diamond':
      return `<path d="M${r1(x)} ${r1(y - 4.5)}L${r1(x + 4)} ${r1(y)}L${r1(x)} ${r1(y + 4.5)}L${r1(x - 4)} ${r1(y)}Z" fill="${color}"/>`;
  }
}

export function lineChart(o: LineChartOptions): string {
  const W = o.width ?? 820;
  // The legend takes what its longest name needs (marker 30 px + text + margin), so no name is cut off.
  const legendW = Math.max(150, Math.ceil(30 + CHAR_WIDTH * Math.max(0, ...o.series.map((s) => s.name.length)) + 12));
  const H = o.height ?? 460;
  const M = { left: 74, right: 20 + legendW, top: o.subtitle ? 58 : 44, bottom: 52 };
  const xLog = o.xLog ?? true;
  const yLog = o.yLog ?? false;
  const pts = o.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!xLog || p.x > 0) && (!yLog || p.y > 0));
  const ys = pts.map((p) => p.y);
  if (o.reference && Number.isFinite(o.reference.y) && (!yLog || o.reference.y > 0)) ys.push(o.reference.y);
  const xs = pts.map((p) => p.x);
  const tx = (v: number) => (xLog ? Math.log10(v) : v);
  const ty = (v: number) => (yLog ? Math.log10(v) : v);
  const span = (vals: number[], f: (v: number) => number): [number, number] => {
    if (vals.length === 0) return [0, 1];
    let lo = f(Math.min(...vals));
    let hi = f(Math.max(...vals));
    if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) [lo, hi] = [lo - 0.5 * (Math.abs(lo) || 1) * 0.1, hi + 0.5 * (Math.abs(hi) || 1) * 0.1];
    const pad = 0.06 * (hi - lo);
    return [lo - pad, hi + pad];
  };
  const [x0, x1] = span(xs, tx);
  const [y0, y1] = span(ys, ty);
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const px = (v: number) => M.left + ((tx(v) - x0) / (x1 - x0)) * pw;
  const py = (v: number) => M.top + ph - ((ty(v) - y0) / (y1 - y0)) * ph;
  const inv = (t: number, log: boolean) => (log ? 10 ** t : t);

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="11" fill="#222">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${M.left}" y="22" font-size="15" font-weight="bold">${escapeXml(o.title)}</text>`,
  ];
  if (o.subtitle) out.push(`<text x="${M.left}" y="40" fill="#555">${escapeXml(o.subtitle)}</text>`);
  // grid + ticks
  const xt = xLog ? logTicks(inv(x0, true), inv(x1, true), MIN_TICK_GAP / pw) : niceTicks(x0, x1);
  const yt = yLog ? logTicks(inv(y0, true), inv(y1, true)) : niceTicks(y0, y1);
  out.push('<g stroke="#e6e6e6" stroke-width="1">');
  for (const v of xt) out.push(`<line x1="${r1(px(v))}" y1="${M.top}" x2="${r1(px(v))}" y2="${M.top + ph}"/>`);
  for (const v of yt) out.push(`<line x1="${M.left}" y1="${r1(py(v))}" x2="${M.left + pw}" y2="${r1(py(v))}"/>`);
  out.push('</g>');
  out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>`);
  out.push('<g text-anchor="middle">');
  for (const v of xt) out.push(`<text x="${r1(px(v))}" y="${M.top + ph + 16}">${fmt(v)}</text>`);
  out.push('</g><g text-anchor="end">');
  for (const v of yt) out.push(`<text x="${M.left - 6}" y="${r1(py(v) + 4)}">${fmt(v)}</text>`);
  out.push('</g>');
  out.push(`<text x="${M.left + pw / 2}" y="${H - 12}" text-anchor="middle">${escapeXml(o.xLabel)}${xLog ? ' (log scale)' : ''}</text>`);
  const yc = M.top + ph / 2;
  out.push(`<text x="18" y="${yc}" text-anchor="middle" transform="rotate(-90 18 ${yc})">${escapeXml(o.yLabel)}${yLog ? ' (log scale)' : ''}</text>`);
  // reference
  if (o.reference && Number.isFinite(o.reference.y) && (!yLog || o.reference.y > 0)) {
    const y = py(o.reference.y);
    out.push(`<line x1="${M.left}" y1="${r1(y)}" x2="${M.left + pw}" y2="${r1(y)}" stroke="#555" stroke-dasharray="5 4"/>`);
    out.push(`<text x="${M.left + pw - 4}" y="${r1(y - 5)}" text-anchor="end" fill="#555">${escapeXml(o.reference.label)}</text>`);
  }
  // series: neighbours differ in colour and in marker shape
  const better = o.better === 'lower' ? -1 : 1;
  o.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    const mk = MARKERS[i % MARKERS.length];
    const sp = s.points.filter((p) => pts.includes(p)).sort((a, b) => a.x - b.x || better * (b.y - a.y));
    // The line joins the best point at each x (the first after the sort); the others are markers only.
    const line = sp.filter((p, k) => k === 0 || p.x !== sp[k - 1].x);
    out.push(`<g><title>${escapeXml(s.name)}</title>`);
    if (line.length > 1) out.push(`<polyline points="${line.map((p) => `${r1(px(p.x))},${r1(py(p.y))}`).join(' ')}" fill="none" stroke="${color}" stroke-width="1.8"/>`);
    for (const p of sp) {
      const tip = `${p.label ?? s.name}: ${fmt(p.x)} bytes, ${fmt(p.y)}`;
      out.push(`<g><title>${escapeXml(tip)}</title>${marker(mk, px(p.x), py(p.y), color)}</g>`);
      if (p.tag) out.push(`<text x="${r1(px(p.x) + 6)}" y="${r1(py(p.y) - 5)}" font-size="9" fill="${color}">${escapeXml(p.tag)}</text>`);
    }
    out.push('</g>');
    const ly = M.top + 8 + 18 * i;
    const lx = W - legendW + 4;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${color}" stroke-width="1.8"/>${marker(mk, lx + 11, ly, color)}`);
    out.push(`<text x="${lx + 30}" y="${ly + 4}">${escapeXml(s.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Stacks standalone charts vertically into one SVG (nested <svg> elements, SVG 1.1). */
export function stackSvgs(svgs: string[]): string {
  let y = 0;
  let w = 0;
  const parts: string[] = [];
  for (const s of svgs) {
    const m = /<svg[^>]*width="(\d+(?:\.\d+)?)"[^>]*height="(\d+(?:\.\d+)?)"/.exec(s);
    const sw = m ? Number(m[1]) : 820;
    const sh = m ? Number(m[2]) : 460;
    parts.push(s.replace(/<svg /, `<svg x="0" y="${y}" `));
    y += sh;
    w = Math.max(w, sw);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${y}" viewBox="0 0 ${w} ${y}">\n${parts.join('')}</svg>\n`;
}
