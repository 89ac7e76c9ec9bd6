/** The coefficient table: each design column's float64 weight, its compressed value and the change (pruned weights read 0). */
import type { CompressResult, FitResult } from './protocol.js';

const fmt = (v: number) => (v === 0 ? '0' : Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3 ? v.toExponential(3) : v.toFixed(4));

function row(name: string, before: number, after: number | undefined): HTMLTableRowElement {
  const tr = document.createElement('tr');
  const th = document.createElement('th');
  th.scope = 'row';
  th.textContent = name;
  tr.append(th);
  for (const v of [fmt(before), after === undefined ? '–' : fmt(after), after === undefined ? '–' : fmt(after - before)]) {
    const td = document.createElement('td');
    td.textContent = v;
    tr.append(td);
  }
  if (after === 0 && before !== 0) tr.className = 'pruned';
  return tr;
}

export function renderCoefs(body: HTMLTableSectionElement, fit: FitResult, c?: CompressResult): void {
  const rows = [row('(intercept)', fit.intercept, c?.intercept)];
  fit.names.forEach((n, j) => rows.push(row(n, fit.coef[j], c?.coef[j])));
  body.replaceChildren(...rows);
}
