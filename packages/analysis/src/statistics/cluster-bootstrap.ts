/**
 * The pooled rate ratio after/before with a cluster-bootstrap percentile interval (ADR 0021):
 * recurrent AEs in one child are not independent, so the exact Poisson interval, which treats
 * every event as independent, is too narrow when children differ in their AE rates. The
 * patient is the independent unit: a resample draws n patients with replacement, each with
 * both of its windows (events and person-time before and after), and recomputes the pooled
 * ratio (sum after / time after) / (sum before / time before). Resampling the clusters, and
 * not the events within them, is the nonparametric bootstrap for clustered data (Davison &
 * Hinkley 1997, Bootstrap Methods and their Application, section 3.8; Field & Welsh 2007, J R
 * Stat Soc B 69:369-390, doi:10.1111/j.1467-9868.2007.00593.x: consistent under both the
 * random-effect and the transformation model). The interval is the percentile interval (Efron
 * & Tibshirani 1993, chapter 13).
 * - With few patients the bootstrap distribution is enumerated exactly instead of sampled: a
 *   resample is a multiset of patients, counted by its multinomial weight n!/prod(c_i!)/n^n,
 *   and there are C(2n - 1, n) of them (462 for n = 6; Fisher & Hall 1991, J Stat Plan
 *   Inference 27:157-169, "exhaustive" bootstrap). No random number is drawn; fixtures/
 *   ae-bootstrap.R enumerates the same in base R.
 * - Above EXACT_MAX_RESAMPLES multisets, `resamples` draws with the seeded generator
 *   (seeded-random.ts); the seed is returned, so the report can be recomputed.
 * Percentiles are the inverse of the (weighted) distribution function: the lower limit is the
 * smallest ratio v with P(R* <= v) >= alpha/2, the upper the smallest with P(R* <= v) >=
 * 1 - alpha/2. A resample without any event, or without person-time before, has no ratio: its
 * weight is reported (`undefinedProbability`) and the percentiles are taken among the others.
 * A resample with events after but none before has an infinite ratio. With six children the
 * interval is coarse and may be too narrow (few clusters: the bootstrap's coverage falls below
 * its level), which the report says beside it.
 */
import { seededRandom } from './seeded-random.js';

/** One patient: events and person-time (years) before and after. */
export interface ClusterCounts {
  readonly preEvents: number;
  readonly preTime: number;
  readonly postEvents: number;
  readonly postTime: number;
}

/** Exact enumeration up to this many distinct resamples (n <= 10 patients: 92,378). */
export const EXACT_MAX_RESAMPLES = 100_000;

export interface BootstrapOptions {
  readonly confidence?: number;
  /** Monte Carlo draws above EXACT_MAX_RESAMPLES (default 10,000). */
  readonly resamples?: number;
  /** The generator's seed for the Monte Carlo branch (default 20261203). */
  readonly seed?: number;
}

export interface ClusterBootstrapInterval {
  readonly method: 'exact enumeration' | 'monte carlo';
  readonly clusters: number;
  /** Distinct multisets enumerated, or draws made. */
  readonly resamples: number;
  /** The seed of the draws; null when enumerated (nothing random). */
  readonly seed: number | null;
  readonly confidence: number;
  /** Percentile interval of the pooled ratio; null when no resample has a ratio. */
  readonly ci: readonly [number, number] | null;
  /** The probability (share of draws) of resamples without a ratio. */
  readonly undefinedProbability: number;
}

export const DEFAULT_BOOTSTRAP_SEED = 20261203;
export const DEFAULT_BOOTSTRAP_RESAMPLES = 10_000;
/**
 * A drawn bootstrap costs resamples x patients draws. Above 5 x 10^6 draws (500 patients at
 * 10,000 resamples) the resamples are cut to keep that cost, never below 1,000: enough for a 95%
 * percentile interval (Davison & Hinkley 1997, section 5.2.3). A report makes a dozen or more
 * comparisons, each with its interval: 10,000 patients took 40 s before the cap
 * (docs/performance.md). `resamples` says how many were made.
 */
export const MAX_BOOTSTRAP_DRAWS = 5_000_000;
export const MIN_CAPPED_RESAMPLES = 1_000;

/** The resamples a drawn bootstrap of `patients` makes when `requested` were asked for. */
export function cappedResamples(requested: number, patients: number): number {
  const affordable = Math.floor(MAX_BOOTSTRAP_DRAWS / Math.max(patients, 1));
  return Math.min(requested, Math.max(MIN_CAPPED_RESAMPLES, affordable));
}

/** The patients' counts as columns, read by index in the resampling loop. */
interface Columns {
  readonly preEvents: Float64Array;
  readonly preTime: Float64Array;
  readonly postEvents: Float64Array;
  readonly postTime: Float64Array;
}

function columnsOf(clusters: readonly ClusterCounts[]): Columns {
  const column = (read: (k: ClusterCounts) => number) => Float64Array.from(clusters, read);
  return {
    preEvents: column((k) => k.preEvents),
    preTime: column((k) => k.preTime),
    postEvents: column((k) => k.postEvents),
    postTime: column((k) => k.postTime),
  };
}

/** The pooled ratio of a resample given by the multiplicity of each patient; null: none. */
function pooledRatio(k: Columns, times: ArrayLike<number>): number | null {
  let x1 = 0;
  let t1 = 0;
  let x0 = 0;
  let t0 = 0;
  for (let i = 0; i < times.length; i++) {
    const c = times[i] as number;
    if (c === 0) continue;
    x1 += c * (k.postEvents[i] as number);
    t1 += c * (k.postTime[i] as number);
    x0 += c * (k.preEvents[i] as number);
    t0 += c * (k.preTime[i] as number);
  }
  return ratioOf(x1, t1, x0, t0);
}

/** After / before events per time; null when a window has no time or there is no event. */
function ratioOf(x1: number, t1: number, x0: number, t0: number): number | null {
  if (t0 <= 0 || t1 <= 0 || x0 + x1 === 0) return null;
  return x0 === 0 ? Number.POSITIVE_INFINITY : x1 / t1 / (x0 / t0);
}

/** C(n, k) as a float (exact below 2^53 for the sizes used here). */
function choose(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/** Every composition c_1 + ... + c_n = n (c_i >= 0), with its multinomial probability. */
function* multisets(n: number): Generator<[number[], number]> {
  const logFactorial = [0];
  for (let i = 1; i <= n; i++) logFactorial.push((logFactorial[i - 1] as number) + Math.log(i));
  const base = (logFactorial[n] as number) - n * Math.log(n);
  const c = new Array<number>(n).fill(0);
  function* place(i: number, left: number, logWeight: number): Generator<[number[], number]> {
    if (i === n - 1) {
      c[i] = left;
      yield [c, Math.exp(base - logWeight - (logFactorial[left] as number))];
      return;
    }
    for (let k = left; k >= 0; k--) {
      c[i] = k;
      yield* place(i + 1, left - k, logWeight + (logFactorial[k] as number));
    }
  }
  yield* place(0, n, 0);
}

/** The lower and upper percentiles of a weighted distribution (weights summing to `total`). */
function percentiles(
  values: Array<[number, number]>,
  total: number,
  confidence: number,
): [number, number] {
  values.sort((a, b) => a[0] - b[0]);
  const alpha = 1 - confidence;
  // A cumulative sum of many weights carries rounding: compare with a relative tolerance.
  const eps = 1e-12;
  const quantile = (p: number) => {
    let cumulative = 0;
    for (const [v, w] of values) {
      cumulative += w / total;
      if (cumulative >= p - eps) return v;
    }
    return (values.at(-1) as [number, number])[0];
  };
  return [quantile(alpha / 2), quantile(1 - alpha / 2)];
}

/** A patient's counts: whole events >= 0 and person-time >= 0, or a specific error. */
function checkCounts(k: ClusterCounts, index: number): void {
  const wrong =
    (['preEvents', 'postEvents'] as const).find((f) => !(Number.isInteger(k[f]) && k[f] >= 0)) ??
    (['preTime', 'postTime'] as const).find((f) => !(Number.isFinite(k[f]) && k[f] >= 0));
  if (wrong !== undefined)
    throw new RangeError(
      `patient ${index + 1}: ${wrong} is ${k[wrong]}; a patient's events are whole numbers >= 0 and its person-time >= 0`,
    );
}

/** The exact or drawn bootstrap distribution: the defined ratios with weights, the rest. */
function distribution(
  clusters: readonly ClusterCounts[],
  exact: boolean,
  draws: number,
  seed: number,
): { defined: Array<[number, number]>; undefinedWeight: number; total: number } {
  const n = clusters.length;
  const columns = columnsOf(clusters);
  const defined: Array<[number, number]> = [];
  let undefinedWeight = 0;
  let total = 0;
  const add = (times: ArrayLike<number>, weight: number) => {
    total += weight;
    const r = pooledRatio(columns, times);
    if (r === null) undefinedWeight += weight;
    else defined.push([r, weight]);
  };
  if (exact) {
    for (const [times, weight] of multisets(n)) add(times, weight);
    return { defined, undefinedWeight, total };
  }
  // Each patient drawn adds its counts at once: one pass of n draws per resample, no second
  // pass over the multiplicities (a 1,000-patient report draws 10^7 patients per comparison).
  const random = seededRandom(seed);
  const { preEvents, preTime, postEvents, postTime } = columns;
  for (let b = 0; b < draws; b++) {
    let x1 = 0;
    let t1 = 0;
    let x0 = 0;
    let t0 = 0;
    for (let i = 0; i < n; i++) {
      const drawn = random.nextIndex(n);
      x1 += postEvents[drawn] as number;
      t1 += postTime[drawn] as number;
      x0 += preEvents[drawn] as number;
      t0 += preTime[drawn] as number;
    }
    total += 1;
    const r = ratioOf(x1, t1, x0, t0);
    if (r === null) undefinedWeight += 1;
    else defined.push([r, 1]);
  }
  return { defined, undefinedWeight, total };
}

export function clusterBootstrapRateRatio(
  clusters: readonly ClusterCounts[],
  options: BootstrapOptions = {},
): ClusterBootstrapInterval {
  const confidence = options.confidence ?? 0.95;
  const draws = options.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  const seed = options.seed ?? DEFAULT_BOOTSTRAP_SEED;
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`confidence must lie between 0 and 1, got ${confidence}`);
  clusters.forEach(checkCounts);
  const n = clusters.length;
  if (n === 0)
    return {
      method: 'exact enumeration',
      clusters: 0,
      resamples: 0,
      seed: null,
      confidence,
      ci: null,
      undefinedProbability: 1,
    };
  const distinct = choose(2 * n - 1, n);
  const exact = distinct <= EXACT_MAX_RESAMPLES;
  if (!exact && !(Number.isInteger(draws) && draws >= 100))
    throw new RangeError(`bootstrap resamples are a whole number >= 100, got ${draws}`);
  const made = exact ? distinct : cappedResamples(draws, n);
  const { defined, undefinedWeight, total } = distribution(clusters, exact, made, seed);
  const definedWeight = total - undefinedWeight;
  return {
    method: exact ? 'exact enumeration' : 'monte carlo',
    clusters: n,
    resamples: made,
    seed: exact ? null : seed,
    confidence,
    ci: defined.length === 0 ? null : percentiles(defined, definedWeight, confidence),
    undefinedProbability: total > 0 ? undefinedWeight / total : 1,
  };
}
