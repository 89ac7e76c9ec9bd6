/**
 * stats.privacy, the optional report of a differentially private fit
 * (src/privacy/report.ts), as one JSON object in both the model's JSON and a
 * .slim header (docs/FORMAT.md §1.6.8). Members in the order of RULES; the
 * reader refuses unknown members and values a private fit cannot produce.
 * Table-driven and terse: it is on the scoring path of every model.
 */
import type { PrivacyReport } from '../privacy/report.js';
import { decodeNum, encodeNum, formatError, getObject, type JsonObject } from '../json.js';

/**
 * b boolean, m mechanism, n neighbouring, i integer >= 0, p finite > 0,
 * z finite >= 0, d delta (in (0, 1); 0 for objective perturbation),
 * g finite > 0 (NaN for objective perturbation: no zCDP budget, no target bound).
 */
const RULES = { private: 'b', mechanism: 'm', neighbouring: 'n', epsilon: 'p', delta: 'd', rho: 'g', boundX: 'p', boundY: 'g', boundsFromData: 'b', seeded: 'b', clippedRows: 'i', ridge: 'z', projected: 'b' } as const satisfies Record<keyof PrivacyReport, string>;

export function writePrivacy(r: PrivacyReport): JsonObject {
  return Object.fromEntries(Object.keys(RULES).map((k) => [k, typeof r[k as keyof PrivacyReport] === 'number' ? encodeNum(r[k as keyof PrivacyReport] as number) : r[k as keyof PrivacyReport]]));
}

export function readPrivacy(v: unknown, what: string): PrivacyReport {
  const j = getObject(v, what);
  const op = j.mechanism === 'objective-perturbation';
  const out: Record<string, unknown> = {};
  const bad = (k: string) => formatError(`${what}.${k} is not what a private fit writes (docs/FORMAT.md §1.6.8): ${String(j[k])}`);
  for (const k of Object.keys(j)) if (!(k in RULES)) throw bad(k);
  for (const [k, rule] of Object.entries(RULES)) {
    const x = j[k];
    const num = 'pzdg'.includes(rule);
    const n = num ? decodeNum(x, `${what}.${k}`) : NaN;
    const ok =
      rule === 'b' ? typeof x === 'boolean'
      : rule === 'm' ? x === 'adassp' || x === 'ssp' || op
      : rule === 'n' ? x === 'add-remove' || x === 'replace-one'
      : rule === 'i' ? Number.isInteger(x) && (x as number) >= 0
      : rule === 'z' ? n >= 0 && n < Infinity
      : rule === 'd' ? (op ? n === 0 : n > 0 && n < 1)
      : rule === 'g' && op ? Number.isNaN(n)
      : n > 0 && n < Infinity;
    // a report that says private for a seeded fit or one with bounds from the data is not one a fit writes
    if (!ok || (k === 'projected' && out.private === true && (out.boundsFromData || out.seeded))) throw bad(k);
    out[k] = num ? n : x;
  }
  return out as unknown as PrivacyReport;
}
