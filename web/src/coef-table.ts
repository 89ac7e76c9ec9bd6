/**
 * The page's tables: each design column's float64 weight, its compressed
 * value and the change (pruned weights read 0); and the rate-distortion
 * report's points, the plot's content as text.
 */
import { familyName } from './plot.js';
import type { CompressResult, FitResult } from './protocol.js';

const fmt = (v: number) => (v === 0 ? '0' : Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3 ? v.toExponential(3) : v.toFixed(4));

function cells(tr: HTMLTableRowElement, header: string, values: string[]): HTMLTableRowElement {
  const th = document.createElement('th');
  th.scope = 'row';
  th.textContent = header;
  tr.append(th);
  for (const v of values) {
    const td = document.createElement('td');
    td.textContent = v;
    tr.append(td);
  }
  return tr;
}

function row(name: string, before: number, after: number | undefined): HTMLTableRowElement {
  const tr = cells(document.createElement('tr'), name, [fmt(before), after === undefined ? '–' : fmt(after), after === undefined ? '–' : fmt(after - before)]);
  if (after === 0 && before !== 0) tr.className = 'pruned';
  return tr;
}

export function renderCoefs(body: HTMLTableSectionElement, fit: FitResult, c?: CompressResult): void {
  const rows = [row('(intercept)', fit.intercept, c?.intercept)];
  fit.names.forEach((n, j) => rows.push(row(n, fit.coef[j], c?.coef[j])));
  body.replaceChildren(...rows);
}

/** One row per point of the report: method, bits, bytes, held-out metric and its change from float64. */
export function renderPoints(body: HTMLTableSectionElement, fit: FitResult): void {
  const digits = fit.metricName === 'AUC' ? 4 : 5;
  body.replaceChildren(
    ...fit.rd.map((p) =>
      cells(document.createElement('tr'), p.method === 'float' ? 'float64' : familyName(p), [p.bits === null ? '64' : String(p.bits), String(p.bytes), p.metric.toFixed(digits), (p.metric - fit.metric).toFixed(digits)]),
    ),
  );
}
