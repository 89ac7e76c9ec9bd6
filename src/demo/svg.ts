/**
 * A small rate-distortion chart as standalone SVG: bytes (log scale) on x,
 * the change of the quality metric vs the float model on y, one marker per
 * compressed model, labelled. No browser, no dependency.
 */
export interface ChartPoint {
  label: string;
  bytes: number;
  delta: number;
  group: string;
}

const W = 760;
const H = 420;
const M = { left: 70, right: 20, top: 40, bottom: 50 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function rateDistortionSvg(title: string, yLabel: string, points: ChartPoint[]): string {
  const xs = points.map((p) => Math.log10(p.bytes));
  const ys = points.map((p) => p.delta);
  const [x0, x1] = pad(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = pad(Math.min(0, ...ys), Math.max(0, ...ys));
  const px = (v: number) => M.left + ((v - x0) / (x1 - x0)) * (W - M.left - M.right);
  const py = (v: number) => H - M.bottom - ((v - y0) / (y1 - y0)) * (H - M.top - M.bottom);
  const groups = [...new Set(points.map((p) => p.group))];
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(title)}</text>`,
    `<line x1="${M.left}" y1="${py(0)}" x2="${W - M.right}" y2="${py(0)}" stroke="#999" stroke-dasharray="4 3"/>`,
    `<line x1="${M.left}" y1="${H - M.bottom}" x2="${W - M.right}" y2="${H - M.bottom}" stroke="black"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${H - M.bottom}" stroke="black"/>`,
    `<text x="${W / 2}" y="${H - 12}" text-anchor="middle">bytes (log scale)</text>`,
    `<text x="16" y="${H / 2}" text-anchor="middle" transform="rotate(-90 16 ${H / 2})">${esc(yLabel)}</text>`,
  ];
  for (let e = Math.ceil(x0); e <= Math.floor(x1); e++) {
    out.push(`<text x="${px(e)}" y="${H - M.bottom + 16}" text-anchor="middle">${10 ** e}</text>`);
  }
  for (const v of [y0, (y0 + y1) / 2, y1]) {
    out.push(`<text x="${M.left - 6}" y="${py(v) + 4}" text-anchor="end">${v.toPrecision(2)}</text>`);
  }
  points.forEach((p, i) => {
    const c = COLORS[groups.indexOf(p.group) % COLORS.length]!;
    out.push(`<circle cx="${px(xs[i]!).toFixed(1)}" cy="${py(ys[i]!).toFixed(1)}" r="4" fill="${c}"/>`);
    out.push(`<text x="${(px(xs[i]!) + 6).toFixed(1)}" y="${(py(ys[i]!) - 6).toFixed(1)}" fill="${c}">${esc(p.label)}</text>`);
  });
  groups.forEach((g, i) => {
    out.push(`<circle cx="${W - 150}" cy="${M.top + 14 * i}" r="4" fill="${COLORS[i % COLORS.length]}"/>`);
    out.push(`<text x="${W - 140}" y="${M.top + 4 + 14 * i}">${esc(g)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function pad(lo: number, hi: number): [number, number] {
  const span = hi - lo || Math.abs(hi) || 1;
  return [lo - 0.08 * span, hi + 0.08 * span];
}
