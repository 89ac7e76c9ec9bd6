/**
 * A scorecard's characteristics: the model's design columns grouped by raw
 * feature, from the column names the input spec (src/features/inputs.ts) and
 * the demo's binning (src/data/bins.ts) give them:
 *  - `name>=cut`: cumulative bin indicators (value >= cut), the bins of `name` are
 *    [-inf, c1), [c1, c2), ..., [ck, inf): bin l sets the first l indicators;
 *  - `name=level`: categorical levels, one indicator each; the baseline level has
 *    none (all zeros);
 *  - `name:missing`: the missing indicator (the bin and level indicators are then 0).
 * Each group's *attributes* (its rows of the scorecard) are the indicator patterns
 * a row can have. A column that is none of these (a raw numeric value) is no bin,
 * and toScorecard refuses it (E_RANGE naming the columns).
 */
import { SlimfitError } from '../errors.js';

export interface ScorecardAttribute {
  /** '< 34.47', '[34.47, 42.69)', '>= 97.45', 'renter', 'baseline', 'missing'. */
  label: string;
  /** The design columns that are 1 for this attribute (every other column of the group is 0). */
  columns: number[];
}

export interface ScorecardGroup {
  /** The raw feature. */
  name: string;
  coding: 'cumulative' | 'levels';
  /** Every design column of the group. */
  columns: number[];
  attributes: ScorecardAttribute[];
}

const CUT = /^(.+)>=(.+)$/;
const LEVEL = /^(.+?)=(.*)$/;
const MISSING = /^(.+):missing$/;

interface Pending {
  name: string;
  cuts: { col: number; cut: number; text: string }[];
  levels: { col: number; level: string }[];
  missing: number | undefined;
}

/** Groups the design columns by raw feature; E_RANGE naming every column that is not a bin, level or missing indicator. */
export function scorecardGroups(columns: readonly string[]): ScorecardGroup[] {
  const byName = new Map<string, Pending>();
  const bad: string[] = [];
  const get = (name: string): Pending => {
    let p = byName.get(name);
    if (!p) byName.set(name, (p = { name, cuts: [], levels: [], missing: undefined }));
    return p;
  };
  columns.forEach((c, col) => {
    let m = MISSING.exec(c);
    if (m) {
      const p = get(m[1]);
      if (p.missing !== undefined) bad.push(`${c} (twice)`);
      p.missing = col;
      return;
    }
    m = CUT.exec(c);
    if (m && Number.isFinite(Number(m[2])) && m[2].trim() !== '') {
      get(m[1]).cuts.push({ col, cut: Number(m[2]), text: m[2] });
      return;
    }
    m = LEVEL.exec(c);
    if (m) {
      get(m[1]).levels.push({ col, level: m[2] });
      return;
    }
    bad.push(c);
  });
  for (const p of byName.values()) if (p.cuts.length > 0 && p.levels.length > 0) bad.push(`${p.name} (both bins and levels)`);
  if (bad.length > 0) {
    const shown = bad.slice(0, 8).map((b) => `'${b}'`).join(', ');
    throw new SlimfitError(
      'E_RANGE',
      `a scorecard needs every column to be a bin of a raw feature ('name>=cut'), a level ('name=level') or a missing indicator ('name:missing'); ` +
        `not grouped bins: ${shown}${bad.length > 8 ? ` and ${bad.length - 8} more` : ''}`,
    );
  }
  const out: ScorecardGroup[] = [];
  for (const p of byName.values()) {
    const attributes: ScorecardAttribute[] = [];
    let coding: ScorecardGroup['coding'] = 'levels';
    if (p.cuts.length > 0) {
      coding = 'cumulative';
      const cuts = [...p.cuts].sort((a, b) => a.cut - b.cut);
      for (let i = 1; i < cuts.length; i++) {
        if (cuts[i].cut === cuts[i - 1].cut) throw new SlimfitError('E_RANGE', `columns '${columns[cuts[i - 1].col]}' and '${columns[cuts[i].col]}' are the same bin edge`);
      }
      attributes.push({ label: `< ${cuts[0].text}`, columns: [] });
      for (let l = 1; l <= cuts.length; l++) {
        const label = l === cuts.length ? `>= ${cuts[l - 1].text}` : `[${cuts[l - 1].text}, ${cuts[l].text})`;
        attributes.push({ label, columns: cuts.slice(0, l).map((c) => c.col) });
      }
    } else {
      attributes.push({ label: p.levels.length > 0 ? 'baseline' : 'present', columns: [] });
      for (const l of p.levels) attributes.push({ label: l.level, columns: [l.col] });
    }
    if (p.missing !== undefined) attributes.push({ label: 'missing', columns: [p.missing] });
    const cols = [...p.cuts.map((c) => c.col), ...p.levels.map((l) => l.col), ...(p.missing !== undefined ? [p.missing] : [])].sort((a, b) => a - b);
    out.push({ name: p.name, coding, columns: cols, attributes });
  }
  return out;
}

/**
 * Which attribute of each group each row of X (n x d, 0/1 indicators) falls in: n * groups indices,
 * row-major. E_RANGE when a row's indicators match no attribute (e.g. a cumulative pattern with a gap).
 */
export function assignAttributes(groups: readonly ScorecardGroup[], data: Float64Array, n: number, d: number): Int32Array {
  const G = groups.length;
  const out = new Int32Array(n * G);
  for (let g = 0; g < G; g++) {
    const grp = groups[g];
    for (let i = 0; i < n; i++) {
      const row = i * d;
      let found = -1;
      for (let a = 0; a < grp.attributes.length && found < 0; a++) {
        const on = grp.attributes[a].columns;
        let ok = true;
        for (const c of grp.columns) {
          const v = data[row + c];
          const want = on.includes(c) ? 1 : 0;
          if (v !== want) {
            ok = false;
            break;
          }
        }
        if (ok) found = a;
      }
      if (found < 0) {
        const pattern = grp.columns.map((c) => data[row + c]).join('');
        throw new SlimfitError('E_RANGE', `row ${i}: the indicators of '${grp.name}' (${pattern}) match none of its bins; a scorecard row sets one bin per feature`, { index: i });
      }
      out[i * G + g] = found;
    }
  }
  return out;
}
