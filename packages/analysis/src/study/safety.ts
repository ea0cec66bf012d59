/**
 * Adverse events before versus after the first infusion (issue 6; the pilot's primary outcome,
 * AEs in the 3 months before versus after, Swart 2019; the windows below are jia-trial's
 * decisions, docs/analysis.md): equal windows of N months on each side, a window of N months
 * being N/12 years of 365.25 days. An AE counts by its onset day: before when first infusion -
 * window <= onset < first infusion, after when first infusion <= onset < first infusion +
 * window (an AE on the infusion day is after). Each subject contributes the window's length in
 * person-time to each side, the "after" side cut at a withdrawal.
 */
import { DAYS_PER_YEAR } from '@jia-trial/outcomes';
import { day, type SubjectTimeline, type TimelineAdverseEvent } from '@jia-trial/protocol';
import { exactMcNemar, signTest } from '../statistics/binomial.js';
import { fisherExactP } from '../statistics/fisher.js';
import { poissonRateRatio, type RateRatio, type RateRatioPMethod } from '../statistics/poisson.js';
import { type WilcoxonResult, wilcoxonSignedRank } from '../statistics/wilcoxon.js';

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

export interface AeWindowAnalysis {
  readonly windowMonths: number;
  readonly windowDays: number;
  /** Subjects with a first infusion (the others have no windows). */
  readonly subjects: number;
  readonly pre: WindowSide;
  readonly post: WindowSide;
  /** after / before; `p` is the one of `pMethod` (central by default, ADR 0014), both given. */
  readonly rateRatio: {
    readonly estimate: number | null;
    readonly ci95: readonly [number, number];
    readonly p: number;
    readonly pMethod: RateRatioPMethod;
    readonly pCentral: number;
    readonly pMinlike: number;
  };
  /** Patients with any AE, before vs after, as two groups (as the pilot reported). */
  readonly fisherP: number;
  /** The same, paired: exact McNemar on the patients who changed (null: none changed). */
  readonly mcnemarP: number | null;
  /** Per-patient counts, after vs before. */
  readonly perPatient: {
    readonly wilcoxon: WilcoxonResult;
    readonly signTest: { readonly positive: number; readonly n: number; readonly p: number | null };
    readonly counts: ReadonlyArray<{
      readonly subjectId: string;
      readonly pre: number;
      readonly post: number;
    }>;
  };
}

function side(events: TimelineAdverseEvent[][], personYears: number): WindowSide {
  const all = events.flat();
  const byGrade = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  for (const ae of all) byGrade[String(ae.grade) as keyof typeof byGrade]++;
  return {
    count: all.length,
    patients: events.filter((e) => e.length > 0).length,
    personYears,
    rate: personYears > 0 ? all.length / personYears : Number.NaN,
    serious: all.filter((ae) => ae.serious).length,
    byGrade,
  };
}

/**
 * `asOf` is the data cut: the "after" window of a subject infused less than a window ago ends
 * there (and its person-time with it).
 */
export function analyseAeWindows(
  timelines: readonly SubjectTimeline[],
  windowMonths: number,
  asOf: string,
  include: (ae: TimelineAdverseEvent) => boolean = () => true,
  rateRatioP: RateRatioPMethod = 'central',
): AeWindowAnalysis {
  const windowDays = (windowMonths / 12) * DAYS_PER_YEAR;
  const infused = timelines.filter((t) => t.infusions.length > 0);
  const pre: TimelineAdverseEvent[][] = [];
  const post: TimelineAdverseEvent[][] = [];
  let preYears = 0;
  let postYears = 0;
  for (const t of infused) {
    const first = day(t.infusions[0]?.date as string);
    const onset = (ae: TimelineAdverseEvent) => day(ae.onsetDate);
    const counted = t.adverseEvents.filter(include);
    pre.push(counted.filter((ae) => onset(ae) >= first - windowDays && onset(ae) < first));
    const end = Math.min(
      first + windowDays,
      day(asOf) + 1,
      t.withdrawalDate === null ? Number.POSITIVE_INFINITY : day(t.withdrawalDate) + 1,
    );
    post.push(counted.filter((ae) => onset(ae) >= first && onset(ae) < end));
    preYears += windowDays / DAYS_PER_YEAR;
    postYears += (end - first) / DAYS_PER_YEAR;
  }
  const before = side(pre, preYears);
  const after = side(post, postYears);
  const ratio: RateRatio = poissonRateRatio(
    [after.count, before.count],
    [Math.max(postYears, 1e-9), Math.max(preYears, 1e-9)],
    0.95,
    rateRatioP,
  );
  const any = (events: TimelineAdverseEvent[][], i: number) =>
    (events[i]?.length ?? 0) > 0 ? 1 : 0;
  let onlyBefore = 0;
  let onlyAfter = 0;
  infused.forEach((_, i) => {
    if (any(pre, i) && !any(post, i)) onlyBefore++;
    if (!any(pre, i) && any(post, i)) onlyAfter++;
  });
  const preCounts = pre.map((e) => e.length);
  const postCounts = post.map((e) => e.length);
  return {
    windowMonths,
    windowDays,
    subjects: infused.length,
    pre: before,
    post: after,
    rateRatio: {
      estimate: ratio.estimate,
      ci95: ratio.ci,
      p: ratio.p,
      pMethod: ratio.pMethod,
      pCentral: ratio.pCentral,
      pMinlike: ratio.pMinlike,
    },
    fisherP:
      infused.length === 0
        ? 1
        : fisherExactP([
            [before.patients, infused.length - before.patients],
            [after.patients, infused.length - after.patients],
          ]),
    mcnemarP: exactMcNemar(onlyBefore, onlyAfter),
    perPatient: {
      wilcoxon: wilcoxonSignedRank(postCounts, preCounts),
      signTest: signTest(postCounts, preCounts),
      counts: infused.map((t, i) => ({
        subjectId: t.subjectId,
        pre: preCounts[i] as number,
        post: postCounts[i] as number,
      })),
    },
  };
}
