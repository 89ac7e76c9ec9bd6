/**
 * stats.privacy, the optional report of a differentially private fit
 * (src/privacy/report.ts), as one JSON object in both the model's JSON and a
 * .slim header (docs/FORMAT.md §1.6.6). Members in the order below; the
 * reader refuses unknown members and values a private fit cannot produce.
 */
import { PRIVACY_MECHANISMS, type PrivacyReport } from '../privacy/report.js';
import { decodeNum, encodeNum, formatError, getBool, getEnum, getInt, getObject, type JsonObject } from '../json.js';
import { shapeError } from './fields.js';

const KEYS = ['private', 'mechanism', 'neighbouring', 'epsilon', 'delta', 'rho', 'boundX', 'boundY', 'boundsFromData', 'seeded', 'clippedRows', 'ridge', 'projected'] as const satisfies readonly (keyof PrivacyReport)[];

export function writePrivacy(r: PrivacyReport): JsonObject {
  if (typeof r !== 'object' || r === null) throw shapeError('model.stats.privacy must be an object');
  const out: JsonObject = {};
  for (const k of KEYS) {
    const v = r[k];
    if (v === undefined) throw shapeError(`model.stats.privacy.${k} is missing`);
    out[k] = typeof v === 'number' ? encodeNum(v) : v;
  }
  return out;
}

export function readPrivacy(v: unknown, what: string): PrivacyReport {
  const j = getObject(v, what);
  for (const k of Object.keys(j)) if (!(KEYS as readonly string[]).includes(k)) throw formatError(`${what} has an unknown member '${k}'`);
  const num = (k: string, ok: (x: number) => boolean, rule: string): number => {
    const x = decodeNum(j[k], `${what}.${k}`);
    if (!ok(x)) throw formatError(`${what}.${k} ${rule}, got ${String(j[k])}`);
    return x;
  };
  const mechanism = getEnum(j.mechanism, `${what}.mechanism`, PRIVACY_MECHANISMS);
  const gaussian = mechanism !== 'objective-perturbation';
  const r: PrivacyReport = {
    private: getBool(j.private, `${what}.private`),
    mechanism,
    neighbouring: getEnum(j.neighbouring, `${what}.neighbouring`, ['add-remove', 'replace-one'] as const),
    epsilon: num('epsilon', (x) => x > 0 && Number.isFinite(x), 'must be a finite number > 0'),
    delta: num('delta', (x) => (gaussian ? x > 0 && x < 1 : x === 0), gaussian ? 'must be in (0, 1)' : 'must be 0 (objective perturbation is pure epsilon-DP)'),
    rho: num('rho', (x) => (gaussian ? x > 0 && Number.isFinite(x) : Number.isNaN(x)), gaussian ? 'must be a finite number > 0' : 'must be NaN'),
    boundX: num('boundX', (x) => x > 0 && Number.isFinite(x), 'must be a finite number > 0'),
    boundY: num('boundY', (x) => (gaussian ? x > 0 && Number.isFinite(x) : Number.isNaN(x)), gaussian ? 'must be a finite number > 0' : 'must be NaN (labels are 0/1)'),
    boundsFromData: getBool(j.boundsFromData, `${what}.boundsFromData`),
    seeded: getBool(j.seeded, `${what}.seeded`),
    clippedRows: getInt(j.clippedRows, `${what}.clippedRows`),
    ridge: num('ridge', (x) => x >= 0 && Number.isFinite(x), 'must be a finite number >= 0'),
    projected: getBool(j.projected, `${what}.projected`),
  };
  if (r.private && (r.boundsFromData || r.seeded)) throw formatError(`${what}.private is true but the bounds came from the data or the noise from a seed`);
  return r;
}
