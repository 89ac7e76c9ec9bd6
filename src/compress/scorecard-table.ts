/**
 * A Scorecard as a table: CSV (one row per bin, base points first) for the
 * systems that load scorecards, and a Markdown table for people.
 */
import type { Scorecard } from './scorecard.js';

/** A CSV cell: quoted when it holds a comma, quote or line break (RFC 4180). */
function cell(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const float = (v: number) => String(+v.toFixed(4));

/** `feature,bin,points,float_points,columns` (columns: the design columns set, '|'-separated indices); base points first. */
export function scorecardCsv(card: Scorecard): string {
  const lines = ['feature,bin,points,float_points,columns', ['(base)', '(base points)', card.basePoints, float(card.floatBasePoints), ''].map(cell).join(',')];
  for (const f of card.features) for (const b of f.bins) lines.push([f.name, b.label, b.points, float(b.floatPoints), b.columns.join('|')].map(cell).join(','));
  return `${lines.join('\n')}\n`;
}

/** The smallest deployable form: `feature,bin,points` only (no float points or column indices). */
export function scorecardPointsCsv(card: Scorecard): string {
  const lines = ['feature,bin,points', ['(base)', '(base points)', card.basePoints].map(cell).join(',')];
  for (const f of card.features) for (const b of f.bins) lines.push([f.name, b.label, b.points].map(cell).join(','));
  return `${lines.join('\n')}\n`;
}

/** A Markdown table (feature, bin, points, float points), the convention in a line above it. */
export function scorecardMarkdown(card: Scorecard): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const rows = [
    `Score = base points + one bin's points per feature; pdo ${card.pdo} (factor ${card.factor.toFixed(4)}), ${card.baseScore} points at odds ${card.baseOdds}:1 (offset ${card.offset.toFixed(4)}); rounding: ${card.rounding}.`,
    '',
    '| feature | bin | points | float points |',
    '| --- | --- | ---: | ---: |',
    `| (base) | (base points) | ${card.basePoints} | ${float(card.floatBasePoints)} |`,
  ];
  for (const f of card.features) for (const b of f.bins) rows.push(`| ${esc(f.name)} | ${esc(b.label)} | ${b.points} | ${float(b.floatPoints)} |`);
  return `${rows.join('\n')}\n`;
}
