/**
 * Option names: every public function refuses an option it does not know
 * (E_RANGE with a did-you-mean), so a misspelt `{ ridg: 1 }` cannot silently
 * turn into a plain fit. Each function's allowed names are a constant beside
 * its options type, built with `optionKeys<T>()`, which the compiler checks
 * against the type: a new option that is not listed is a type error.
 */
import { SlimfitError } from './errors.js';
import { toOptions } from './validate.js';

/** The names of T that `K` leaves out; `never` when K lists them all. */
type Missing<T, K extends readonly PropertyKey[]> = Exclude<keyof T, K[number]>;

/**
 * `optionKeys<FitLinearOptions>()(['intercept', 'ridge', ...])`: the list,
 * typed. Compile errors: a name that is not an option of T, and (as a
 * missing `listEveryOptionOf` property naming them) options of T the list leaves out.
 */
export function optionKeys<T extends object>() {
  return <const K extends readonly (keyof T & string)[]>(keys: K & ([Missing<T, K>] extends [never] ? unknown : { listEveryOptionOf: Missing<T, K> })): K => keys;
}

/** Edit distance (case-insensitive; an adjacent transposition counts as one edit), for the did-you-mean. */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows: number[][] = [Array.from({ length: t.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    const prev = rows[i - 1];
    for (let j = 1; j <= t.length; j++) {
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) v = Math.min(v, rows[i - 2][j - 2] + 1);
      cur[j] = v;
    }
    rows.push(cur);
  }
  return rows[s.length][t.length];
}

/** The allowed name closest to `key`, when it is close enough to be a typo (about a third of its letters). */
function closestName(key: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const n of names) {
    const d = distance(key, n);
    if (d < bestD) {
      best = n;
      bestD = d;
    }
  }
  return bestD <= Math.max(1, Math.floor(Math.max(key.length, best?.length ?? 0) / 3)) ? best : undefined;
}

/**
 * Throws E_RANGE for the first own key of `o` not in `keys` (even one whose
 * value is undefined: a misspelt name is a mistake either way), naming the
 * function, the closest allowed name and the full list. `o` must already be
 * an object.
 */
export function refuseUnknown(fn: string, o: object, keys: readonly string[], what = 'options'): void {
  for (const key of Object.keys(o)) {
    if (keys.includes(key)) continue;
    const near = closestName(key, keys);
    const hint = near !== undefined ? `; did you mean '${near}'?` : '';
    const list = keys.length > 0 ? keys.map((k) => `'${k}'`).join(', ') : 'none';
    throw new SlimfitError('E_RANGE', `${fn}: unknown ${what === 'options' ? 'option' : `${what} option`} '${key}'${hint} (${what === 'options' ? 'the options' : `${what}'s options`} are ${list})`, {
      option: key,
      ...(near !== undefined ? { suggestion: near } : {}),
    });
  }
}

/**
 * An options argument checked by name: undefined/null mean {} (toOptions),
 * a non-object is E_RANGE, an unknown name is E_RANGE (refuseUnknown).
 */
export function checkOptions<T extends object>(fn: string, o: T | null | undefined, keys: readonly string[], what = 'options'): T {
  const opts = toOptions(o, what);
  refuseUnknown(fn, opts, keys, what);
  return opts;
}
