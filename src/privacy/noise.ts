/**
 * Noise for the private fits. Uniforms come from crypto.getRandomValues
 * (globalThis.crypto: Node >= 19 and browsers) unless a seed is given; a
 * seeded stream is xoshiro128** (Blackman & Vigna) keyed by splitmix32 of the
 * seed, reproducible by anyone who knows the seed, so a seeded fit protects
 * nothing against them (its report says seeded: true and private: false).
 *
 * Uniforms carry 53 random bits and lie strictly inside (0, 1): (k + 1/2) /
 * 2^53, k uniform on [0, 2^53). Gaussians are Box-Muller on two such
 * uniforms, both outputs used: no rejection loop (so no timing that depends
 * on the values), log never sees 0, and the radius sqrt(-2 ln u) is at most
 * sqrt(2 * 53 ln 2) = 8.57, so |z| <= 8.57 always; a true N(0, 1) exceeds that
 * with probability 1e-17, far below any delta used here. Caveat, stated
 * plainly: this is a continuous-Gaussian sampler in floating point. Its
 * output is not exactly Gaussian at the level of single ulps, and the
 * attacks of Mironov (2012, Laplace) and Jin et al. (2022, Gaussian) that
 * read the low bits of a noisy float are not ruled out; an exact discrete
 * Gaussian (Canonne, Kamath & Steinke 2020) would be. The sufficient
 * statistics here are sums over many rows, and the noise scale is far above
 * their ulp, but the guarantee is the one of the continuous mechanism.
 */
import { SlimfitError } from '../errors.js';

export interface NoiseStream {
  /** Uniform in (0, 1), 53 random bits. */
  uniform(): number;
  /** Standard normal (Box-Muller, see the module comment). */
  gaussian(): number;
  readonly seeded: boolean;
}

const TWO26 = 67108864;
const TWO53 = 9007199254740992;

/** 32-bit words from crypto.getRandomValues, fetched in blocks. */
function cryptoWords(): () => number {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
  if (!c || typeof c.getRandomValues !== 'function') {
    throw new SlimfitError('E_BACKEND', 'no cryptographically secure random source here (globalThis.crypto.getRandomValues); private fits need one (privacy.seed is for tests and audits only)');
  }
  const buf = new Uint32Array(256);
  let at = buf.length;
  return () => {
    if (at === buf.length) {
      c.getRandomValues!(buf);
      at = 0;
    }
    return buf[at++];
  };
}

/** xoshiro128** keyed by splitmix32 of the seed's low and high 32 bits. */
function seededWords(seed: number): () => number {
  let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) >>> 0, 0x9e3779b9);
  const splitmix = (): number => {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitmix();
  let s1 = splitmix();
  let s2 = splitmix();
  let s3 = splitmix();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  const rotl = (v: number, k: number) => (v << k) | (v >>> (32 - k));
  return () => {
    const out = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return out;
  };
}

/** A noise stream: seeded (reproducible) when seed is a number, else from crypto.getRandomValues. */
export function noiseStream(seed?: number): NoiseStream {
  const word = seed === undefined ? cryptoWords() : seededWords(seed);
  const uniform = (): number => ((word() >>> 5) * TWO26 + (word() >>> 6) + 0.5) / TWO53;
  let spare = NaN;
  let has = false;
  return {
    seeded: seed !== undefined,
    uniform,
    gaussian(): number {
      if (has) {
        has = false;
        return spare;
      }
      const r = Math.sqrt(-2 * Math.log(uniform()));
      const a = 2 * Math.PI * uniform();
      spare = r * Math.sin(a);
      has = true;
      return r * Math.cos(a);
    },
  };
}

/** Gamma(k, scale) for an integer shape k: -scale * sum of k log-uniforms. */
export function gammaInteger(s: NoiseStream, k: number, scale: number): number {
  let t = 0;
  for (let i = 0; i < k; i++) t -= Math.log(s.uniform());
  return t * scale;
}

/** A vector with density proportional to exp(-||b|| / scale): norm Gamma(p, scale), direction uniform on the sphere. */
export function radialLaplace(s: NoiseStream, p: number, scale: number): Float64Array {
  const b = new Float64Array(p);
  let nn = 0;
  while (!(nn > 0)) {
    nn = 0;
    for (let j = 0; j < p; j++) {
      b[j] = s.gaussian();
      nn += b[j] * b[j];
    }
  }
  const r = gammaInteger(s, p, scale) / Math.sqrt(nn);
  for (let j = 0; j < p; j++) b[j] *= r;
  return b;
}
