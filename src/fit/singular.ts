/**
 * Rank-deficiency diagnosis: every E_SINGULAR names the columns involved
 * (0-based indices into the user's X; "the intercept" when it takes part), in
 * `details.columns` and in the message, and says what to do.
 *
 * How the columns are found, in the equilibrated normal matrix As:
 *  - Cholesky broke down at pivot k: column k is (numerically) a combination
 *    of columns 0..k-1; solving the leading block As[0:k,0:k] c = As[0:k,k]
 *    gives that combination; columns with |c_j| > 1e-6 max|c| take part.
 *  - Cholesky succeeded but cond is beyond the limit: the inverse is then
 *    dominated by the near-null vector v (As^-1 ~ v v^T / lambda_min); the row
 *    of the largest diagonal entry (largest variance inflation) is ~ v.
 */
import { SlimfitError } from '../errors.js';

const SIGNIFICANT = 1e-6;

function listNames(columns: number[], withIntercept: boolean): string {
  const parts = columns.map((c) => `column ${c}`);
  if (withIntercept) parts.unshift('the intercept');
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * Throws E_SINGULAR for system indices `sys` (off = 1 when system index 0 is
 * the intercept, 0 when the system has no intercept row; `centred` when that
 * system was centred for an intercept). `say` replaces the message's lead
 * ("the design is rank deficient") and remedy, and adds details.
 */
export function throwCollinear(sys: number[], off: number, why: string, centred = false, say: { lead?: string; remedy?: string; details?: Record<string, unknown> } = {}): never {
  const uniq = [...new Set(sys)].sort((a, b) => a - b);
  // a centred system has no intercept row, but a lone "zero" centred column is a constant one
  const withIntercept = (off === 1 && uniq.includes(0)) || (centred && uniq.length === 1);
  const columns = uniq.filter((t) => t >= off).map((t) => t - off);
  const names = listNames(columns, withIntercept);
  const what =
    columns.length === 1 && !withIntercept
      ? `${names} is (numerically) zero`
      : columns.length === 1 && withIntercept
        ? `column ${columns[0]} is (numerically) constant, which duplicates the intercept`
        : centred && !withIntercept
          ? `${names} are collinear (a linear combination of them is constant, which the intercept already spans)`
          : `${names} are collinear (one is a linear combination of the others)`;
  const lead = say.lead ?? 'the design is rank deficient';
  const remedy = say.remedy ?? 'drop one of these columns, or pass ridge > 0 to regularise';
  throw new SlimfitError('E_SINGULAR', `${lead}: ${what}${why ? ` (${why})` : ''}; ${remedy}`, { ...say.details, columns, intercept: withIntercept });
}

export function throwTooFewRows(n: number, d: number, intercept: boolean): never {
  const p = d + (intercept ? 1 : 0);
  throw new SlimfitError(
    'E_SINGULAR',
    `only ${n} row(s) with positive weight for ${p} parameters (${d} column(s)${intercept ? ' + intercept' : ''}); the least-squares solution is not unique — add rows, drop columns, or pass ridge > 0`,
    { rows: n, parameters: p, columns: Array.from({ length: d }, (_, j) => j) },
  );
}

export function throwConstantColumns(cols: number[], values: Map<number, number>, intercept: boolean): never {
  const desc = cols.map((c) => `column ${c} (= ${values.get(c)})`).join(', ');
  const why = intercept ? 'constant, so it duplicates the intercept' : 'all zero';
  throw new SlimfitError(
    'E_SINGULAR',
    `${desc} ${cols.length > 1 ? 'are' : 'is'} ${why}; drop ${cols.length > 1 ? 'them' : 'it'}${intercept ? ' or fit with intercept: false' : ''}, or pass ridge > 0`,
    { columns: cols, intercept },
  );
}

/** Columns taking part in the dependency found at Cholesky pivot k. */
export function dependentFromPivot(As: Float64Array, p: number, k: number, solve: (A: Float64Array, b: Float64Array) => Float64Array): number[] {
  if (k <= 0) return [0];
  const A = new Float64Array(k * k);
  const b = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) A[i * k + j] = As[i * p + j];
    b[i] = As[i * p + k];
  }
  let c: Float64Array;
  try {
    c = solve(A, b);
  } catch {
    return Array.from({ length: k + 1 }, (_, j) => j);
  }
  let big = 0;
  for (let j = 0; j < k; j++) big = Math.max(big, Math.abs(c[j]));
  const out = [k];
  for (let j = 0; j < k; j++) if (Math.abs(c[j]) > SIGNIFICANT * big) out.push(j);
  return out;
}

/** Columns taking part in the near-dependency, read off the inverse. */
export function dependentFromInverse(AinvS: Float64Array, p: number): number[] {
  let r = 0;
  for (let j = 1; j < p; j++) if (AinvS[j * p + j] > AinvS[r * p + r]) r = j;
  let big = 0;
  for (let j = 0; j < p; j++) big = Math.max(big, Math.abs(AinvS[r * p + j]));
  const out: number[] = [];
  for (let j = 0; j < p; j++) if (Math.abs(AinvS[r * p + j]) > SIGNIFICANT * big) out.push(j);
  return out;
}
