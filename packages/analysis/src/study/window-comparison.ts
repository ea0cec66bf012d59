/**
 * One before/after comparison of AEs over patients, each with its AEs and person-time on each
 * side (safety.ts and ae-by-infusion.ts build the windows):
 * - pooled: counts, patients with an AE, person-time, rates, serious AEs, CTCAE grades; the
 *   rate ratio after/before with its exact conditional interval and p (poisson.ts, ADR 0014),
 *   which treats every AE as independent, and beside it the cluster-bootstrap interval, which
 *   resamples patients and so allows for children differing in their AE rates (ADR 0021);
 * - the seed's 2x2 layout: patients with and without an AE, before and after, as two groups
 *   (Fisher's exact test, as the pilot reported), and paired (exact McNemar);
 * - per patient (the patient as the unit, ADR 0021): each child's AE rate after against its
 *   rate before (AEs per patient-year, which is the count when every window is as long; a
 *   window cut at a withdrawal, the data cut or the consent makes the counts unequal in
 *   reach), by comparePaired: the exact Wilcoxon signed-rank test (permutation with ties and
 *   zeros), the SPSS-style p beside it and the Hodges-Lehmann median change with its exact
 *   interval, as the efficacy read-outs (ADR 0015), and the exact sign test. A patient without
 *   person-time on a side has no rate there: listed, and outside the paired comparison.
 */
import { DAYS_PER_YEAR } from '@jia-trial/outcomes';
import type { TimelineAdverseEvent } from '@jia-trial/protocol';
import { exactMcNemar, signTest } from '../statistics/binomial.js';
import {
  type ClusterBootstrapInterval,
  clusterBootstrapRateRatio,
} from '../statistics/cluster-bootstrap.js';
import { fisherExactP } from '../statistics/fisher.js';
import {
  comparePaired,
  type PairedComparison,
  type PairedTestOptions,
} from '../statistics/paired-comparison.js';
import { poissonRateRatio, type RateRatioPMethod } from '../statistics/poisson.js';

export interface WindowSide {
  readonly count: number;
  /** Subjects with at least one AE. */
  readonly patients: number;
  readonly personYears: number;
  /** AEs per patient-year. */
  readonly rate: number;
  readonly serious: number;
  readonly byGrade: Readonly<Record<'1' | '2' | '3' | '4' | '5', number>>;
}

/** A patient's AEs and days at risk on each side. */
export interface PatientWindows {
  readonly subjectId: string;
  readonly pre: readonly TimelineAdverseEvent[];
  readonly preDays: number;
  readonly post: readonly TimelineAdverseEvent[];
  readonly postDays: number;
}

/** The 2x2 table behind Fisher's test: rows before, after; columns with an AE, without. */
export type TwoByTwo = readonly [readonly [number, number], readonly [number, number]];

export interface PerPatientComparison extends PairedComparison {
  readonly measure: 'aes_per_patient_year';
  readonly signTest: { readonly positive: number; readonly n: number; readonly p: number | null };
  readonly counts: ReadonlyArray<{
    readonly subjectId: string;
    readonly pre: number;
    readonly post: number;
    readonly prePersonYears: number;
    readonly postPersonYears: number;
  }>;
  /** Patients without person-time on a side: no rate there, outside the paired tests. */
  readonly withoutPersonTime: readonly string[];
}

export interface WindowComparison {
  /** Patients compared. */
  readonly subjects: number;
  readonly pre: WindowSide;
  readonly post: WindowSide;
  /** after / before; `p` is the one of `pMethod` (central by default, ADR 0014), both given. */
  readonly rateRatio: {
    /**
     * Why the ratio has no finite estimate, or null when it has one: `no_aes_before` (AEs after
     * and none before: the estimate and the upper bound of its exact CI are infinite),
     * `no_aes` (none on either side: nothing to estimate, the CI is 0 to infinity). report.json
     * writes an infinite number as null (docs/analysis.md, "Unbounded ratios").
     */
    readonly notEstimable: RatioNotEstimable | null;
    readonly estimate: number | null;
    readonly ci95: readonly [number, number];
    readonly p: number;
    readonly pMethod: RateRatioPMethod;
    readonly pCentral: number;
    readonly pMinlike: number;
    /** The interval that allows for between-patient variation (ADR 0021). */
    readonly clusterBootstrap: ClusterBootstrapInterval;
  };
  /** Patients with any AE, before vs after, as two groups (as the pilot reported). */
  readonly fisherP: number;
  readonly fisher: { readonly layout: 'patients'; readonly table: TwoByTwo; readonly p: number };
  /** The same, paired: exact McNemar on the patients who changed (null: none changed). */
  readonly mcnemarP: number | null;
  readonly perPatient: PerPatientComparison;
}

/** Why a rate ratio (after / before) has no finite estimate. */
export type RatioNotEstimable = 'no_aes_before' | 'no_aes';

/** The reason for the counts `after` and `before`, or null: the ratio is finite. */
export function ratioNotEstimable(after: number, before: number): RatioNotEstimable | null {
  if (before > 0) return null;
  return after > 0 ? 'no_aes_before' : 'no_aes';
}

export interface ComparisonOptions {
  readonly rateRatioP: RateRatioPMethod;
  readonly paired: PairedTestOptions;
  readonly bootstrap: { readonly resamples: number; readonly seed: number };
}

const years = (days: number) => days / DAYS_PER_YEAR;

export function windowSide(
  events: ReadonlyArray<readonly TimelineAdverseEvent[]>,
  days: number,
): WindowSide {
  const all = events.flat();
  const byGrade = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  for (const ae of all) byGrade[String(ae.grade) as keyof typeof byGrade]++;
  const personYears = years(days);
  return {
    count: all.length,
    patients: events.filter((e) => e.length > 0).length,
    personYears,
    rate: personYears > 0 ? all.length / personYears : Number.NaN,
    serious: all.filter((ae) => ae.serious).length,
    byGrade,
  };
}

/** Fisher's exact p of a 2x2 table; 1 for an empty table (nothing to compare). */
export function fisherOf(table: TwoByTwo): number {
  return table.flat().every((v) => v === 0) ? 1 : fisherExactP(table);
}

export function compareWindows(
  rows: readonly PatientWindows[],
  options: ComparisonOptions,
): WindowComparison {
  const sum = (f: (r: PatientWindows) => number) => rows.reduce((s, r) => s + f(r), 0);
  const before = windowSide(
    rows.map((r) => r.pre),
    sum((r) => r.preDays),
  );
  const after = windowSide(
    rows.map((r) => r.post),
    sum((r) => r.postDays),
  );
  const ratio = poissonRateRatio(
    [after.count, before.count],
    [Math.max(after.personYears, 1e-9), Math.max(before.personYears, 1e-9)],
    0.95,
    options.rateRatioP,
  );
  const bootstrap = clusterBootstrapRateRatio(
    rows.map((r) => ({
      preEvents: r.pre.length,
      preTime: years(r.preDays),
      postEvents: r.post.length,
      postTime: years(r.postDays),
    })),
    options.bootstrap,
  );
  const n = rows.length;
  const table: TwoByTwo = [
    [before.patients, n - before.patients],
    [after.patients, n - after.patients],
  ];
  const fisherP = fisherOf(table);
  const onlyBefore = rows.filter((r) => r.pre.length > 0 && r.post.length === 0).length;
  const onlyAfter = rows.filter((r) => r.pre.length === 0 && r.post.length > 0).length;
  const rated = rows.filter((r) => r.preDays > 0 && r.postDays > 0);
  const preRates = rated.map((r) => r.pre.length / years(r.preDays));
  const postRates = rated.map((r) => r.post.length / years(r.postDays));
  return {
    subjects: n,
    pre: before,
    post: after,
    rateRatio: {
      notEstimable: ratioNotEstimable(after.count, before.count),
      estimate: ratio.estimate,
      ci95: ratio.ci,
      p: ratio.p,
      pMethod: ratio.pMethod,
      pCentral: ratio.pCentral,
      pMinlike: ratio.pMinlike,
      clusterBootstrap: bootstrap,
    },
    fisherP,
    fisher: { layout: 'patients', table, p: fisherP },
    mcnemarP: exactMcNemar(onlyBefore, onlyAfter),
    perPatient: {
      measure: 'aes_per_patient_year',
      ...comparePaired(preRates, postRates, options.paired),
      signTest: signTest(postRates, preRates),
      counts: rows.map((r) => ({
        subjectId: r.subjectId,
        pre: r.pre.length,
        post: r.post.length,
        prePersonYears: years(r.preDays),
        postPersonYears: years(r.postDays),
      })),
      withoutPersonTime: rows
        .filter((r) => !(r.preDays > 0 && r.postDays > 0))
        .map((r) => r.subjectId),
    },
  };
}
