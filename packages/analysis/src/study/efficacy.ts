/**
 * Efficacy at each read-out against the baseline (issue 6; issue 14 section 4): for each
 * measure, the subjects with both values, the medians with IQR, how many improved (a lower
 * value than at baseline: every measure here is "lower is better"), the paired comparison
 * (statistics/paired-comparison.ts: the exact Wilcoxon signed-rank test, with ties or zeros the
 * exact permutation test, the SPSS-style asymptotic p beside it, and the Hodges-Lehmann median
 * change with its exact interval); the JIA-ACR 30/50/70/90 responders and the subjects in
 * inactive disease (Wallace 2011), as proportions of the completers and with non-responder
 * imputation (responders.ts). Every infused subject is accounted for: analysed, missing (due
 * without a baseline or a read-out visit), not yet due, or superseded (a repeat infusion ended
 * the series before its read-out; series read-outs only, series-readouts.ts). Beside them (issue
 * 14, section 6): damage (JADI) where recorded at both visits, and the intercurrent events of
 * each read-out (ICH E9(R1); the estimate is the treatment-policy one, the events listed).
 */
import {
  CORE_SET_VARIABLES,
  coreSetValue,
  inactiveDiseaseVerdict,
  jiaAcrLevel,
  jiaAcrOptionsFor,
  type SystemicJiaAcr,
  scoreJadasVariants,
  type VisitObservation,
} from '@jia-trial/outcomes';
import { day, type SubjectTimeline, studyDay, type TimelineVisit } from '@jia-trial/protocol';
import type { ProportionInterval } from '../statistics/binomial.js';
import type { HodgesLehmann } from '../statistics/hodges-lehmann.js';
import { comparePaired, type PairedTestOptions } from '../statistics/paired-comparison.js';
import { type Summary, summarise } from '../statistics/quantiles.js';
import type { WilcoxonResult } from '../statistics/wilcoxon.js';
import { type DamageAtReadout, damageAtReadout } from './damage.js';
import { type IntercurrentEvents, intercurrentEvents } from './intercurrent.js';
import {
  RESPONDER_OUTCOMES,
  type ResponderOutcome,
  type ResponderProportions,
  responderProportions,
} from './responders.js';
import { baselineVisit, readoutVisit, type Timepoint } from './timepoints.js';

export const EFFICACY_MEASURES = {
  activeJoints: { label: 'Active joints', value: (o: VisitObservation) => o.activeJoints },
  limitedJoints: {
    label: 'Joints with limited motion',
    value: (o: VisitObservation) => o.limitedJoints,
  },
  physicianGlobal: {
    label: 'Physician global (0-10)',
    value: (o: VisitObservation) => o.physicianGlobal,
  },
  parentGlobal: {
    label: 'Well-being, parent/patient (0-10)',
    value: (o: VisitObservation) => o.parentGlobal,
  },
  chaq: { label: 'CHAQ disability index (0-3)', value: (o: VisitObservation) => o.chaqDi },
  esr: { label: 'ESR (mm/h)', value: (o: VisitObservation) => o.esr },
  crp: { label: 'CRP (mg/L)', value: (o: VisitObservation) => o.crp },
  jadas71: { label: 'JADAS-71', value: (o: VisitObservation) => scoreJadasVariants(o).jadas71 },
  cjadas10: { label: 'cJADAS-10', value: (o: VisitObservation) => scoreJadasVariants(o).cjadas10 },
} as const satisfies Record<
  string,
  { label: string; value: (o: VisitObservation) => number | null | undefined }
>;
export type EfficacyMeasure = keyof typeof EFFICACY_MEASURES;

export interface MeasureComparison {
  readonly label: string;
  /** Subjects with the value at both times. */
  readonly n: number;
  readonly baseline: Summary;
  readonly readout: Summary;
  readonly baselineMedian: number | null;
  readonly median: number | null;
  /** Lower than at baseline. */
  readonly improved: number;
  /** The test the report stands on (its `method` says which); null without a pair. */
  readonly wilcoxon: WilcoxonResult | null;
  readonly wilcoxonP: number | null;
  /** SPSS's "Asymptotic Sig.": normal approximation, no continuity correction, zeros dropped. */
  readonly wilcoxonAsymptotic: WilcoxonResult | null;
  /** Hodges-Lehmann median change (read-out - baseline) with its exact 95% interval. */
  readonly hodgesLehmann: HodgesLehmann | null;
  /** Why there is no estimate despite pairs: more pairs than the exact computation takes. */
  readonly hodgesLehmannOmitted: 'too_many_pairs' | null;
  readonly pairs: ReadonlyArray<{
    readonly subjectId: string;
    readonly baseline: number;
    readonly readout: number;
  }>;
}

/** A read-out: each measure's comparison under its own key (activeJoints, esr, ...), then the rest. */
export type ReadoutAnalysis = Readonly<Record<EfficacyMeasure, MeasureComparison>> & ReadoutCounts;

export interface ReadoutCounts {
  readonly id: string;
  readonly label: string;
  readonly targetDay: number;
  readonly toleranceDays: number;
  /** The infusion the days count from: null for the first (the study read-out), else its number. */
  readonly series: number | null;
  /** The baseline compared with: before the first infusion, or before the series' own infusion. */
  readonly baselineFrom: 'first' | 'series';
  /** The visit used per subject, or why none. */
  readonly visits: ReadonlyArray<{
    readonly subjectId: string;
    readonly baselineVisitId: string | null;
    readonly visitId: string | null;
    /** Day 1 = the first infusion. */
    readonly studyDay: number | null;
    /** Days from the infusion the read-out counts from (the first, or the series'). */
    readonly daysAfterInfusion: number | null;
  }>;
  /** Without a baseline, or due by the data cut without a read-out visit. */
  readonly missing: readonly string[];
  /** Whose read-out window had not closed by the data cut (and no visit yet). */
  readonly notYetDue: readonly string[];
  /** Series read-outs: a repeat infusion came before the read-out window closed, with no read-out. */
  readonly superseded: readonly string[];
  readonly acrPedi30: number;
  readonly acrPedi50: number;
  readonly acrPedi70: number;
  readonly acrPedi90: number;
  /** Subjects whose JIA-ACR could not be decided (core-set values missing). */
  readonly acrUndetermined: number;
  readonly inactiveDisease: number;
  readonly inactiveUndetermined: number;
  /** Each responder outcome among the completers and with non-responder imputation (responders.ts). */
  readonly responders: Readonly<Record<ResponderOutcome, ResponderProportions>>;
  /**
   * The completers' proportions of `responders` (kept for readers of the earlier report.json):
   * responders among the subjects whose verdict could be decided, Clopper-Pearson 95%.
   */
  readonly proportions: {
    readonly acrPedi30: ProportionInterval | null;
    readonly acrPedi70: ProportionInterval | null;
    readonly inactiveDisease: ProportionInterval | null;
  };
  /** Improved (lower than at baseline) in at least 3 of the 6 core-set variables. */
  readonly improvedInThreeOrMoreCoreSet: number;
  /** ESR above its limit or CRP above its limit at baseline; and of those, all raised ones lower. */
  readonly raisedInflammatoryMarkers: number;
  readonly inflammatoryMarkersDown: number;
  /** JADI-A and JADI-E at the baseline and the read-out visit, where recorded (damage.ts). */
  readonly damage: DamageAtReadout;
  /** Concomitant-treatment changes between the infusion and the read-out (intercurrent.ts). */
  readonly intercurrentEvents: IntercurrentEvents;
}

const finite = (v: number | null | undefined): v is number =>
  typeof v === 'number' && Number.isFinite(v);

function compare(
  measure: EfficacyMeasure,
  pairs: ReadonlyArray<{ subjectId: string; baseline: TimelineVisit; readout: TimelineVisit }>,
  paired: PairedTestOptions,
): MeasureComparison {
  const { label, value } = EFFICACY_MEASURES[measure];
  const complete = pairs.flatMap(({ subjectId, baseline, readout }) => {
    const b = value(baseline.observation);
    const r = value(readout.observation);
    return finite(b) && finite(r) ? [{ subjectId, baseline: b, readout: r }] : [];
  });
  const comparison =
    complete.length === 0
      ? null
      : comparePaired(
          complete.map((p) => p.baseline),
          complete.map((p) => p.readout),
          paired,
        );
  const baseline = summarise(complete.map((p) => p.baseline));
  const readout = summarise(complete.map((p) => p.readout));
  return {
    label,
    n: complete.length,
    baseline,
    readout,
    baselineMedian: baseline.median,
    median: readout.median,
    improved: complete.filter((p) => p.readout < p.baseline).length,
    wilcoxon: comparison?.wilcoxon ?? null,
    wilcoxonP: comparison?.wilcoxon.p ?? null,
    wilcoxonAsymptotic: comparison?.asymptotic ?? null,
    hodgesLehmann: comparison?.hodgesLehmann ?? null,
    hodgesLehmannOmitted: comparison?.hodgesLehmannOmitted ?? null,
    pairs: complete,
  };
}

/** One infused subject at a read-out: the visits found, and whether the read-out was due. */
export interface SubjectReadout {
  readonly timeline: SubjectTimeline;
  readonly baseline: TimelineVisit | null;
  readonly readout: TimelineVisit | null;
  /** The read-out window had closed by the data cut. */
  readonly due: boolean;
  /** A repeat infusion came before the read-out window closed (series read-outs only). */
  readonly superseded: boolean;
  /** The date the read-out's days count from. */
  readonly anchorDate: string;
}

/** How a read-out is tested and judged: the paired test's options, the protocol's JIA-ACR. */
export interface ReadoutOptions {
  readonly paired?: PairedTestOptions | undefined;
  /** The JIA-ACR of systemic-JIA subjects, the protocol's `systemicJiaAcr` (ADR 0019). */
  readonly systemicJiaAcr?: SystemicJiaAcr | undefined;
}

export interface ReadoutSettings extends ReadoutOptions {
  readonly limits: { readonly esrUpperLimit: number; readonly crpUpperLimit: number };
}

/** The study read-out: days and baseline from the first infusion (issue 6). */
export function analyseReadout(
  timelines: readonly SubjectTimeline[],
  timepoint: Timepoint,
  limits: { esrUpperLimit: number; crpUpperLimit: number },
  asOf: string,
  options: ReadoutOptions = {},
): ReadoutAnalysis {
  const subjects = timelines
    .filter((t) => t.infusions.length > 0)
    .map((t): SubjectReadout => {
      const anchorDate = t.infusions[0]?.date as string;
      return {
        timeline: t,
        baseline: baselineVisit(t),
        readout: readoutVisit(t, timepoint),
        due: day(anchorDate) + timepoint.day + timepoint.toleranceDays <= day(asOf),
        superseded: false,
        anchorDate,
      };
    });
  return analyseSubjectReadouts(subjects, timepoint, { ...options, limits }, null, 'first');
}

/** The analysis of a read-out from each subject's visits (the study's, or a series'). */
export function analyseSubjectReadouts(
  subjects: readonly SubjectReadout[],
  timepoint: Timepoint,
  settings: ReadoutSettings,
  series: number | null,
  baselineFrom: 'first' | 'series',
): ReadoutAnalysis {
  const { limits } = settings;
  const pairs = subjects.flatMap(({ timeline, baseline, readout }) =>
    baseline && readout
      ? [{ subjectId: timeline.subjectId, category: timeline.ilarCategory, baseline, readout }]
      : [],
  );
  // Every subject in exactly one of: pairs, superseded, not yet due, missing.
  const inPairs = (s: SubjectReadout) => s.baseline !== null && s.readout !== null;
  const superseded = subjects.filter((s) => !inPairs(s) && !s.readout && s.superseded);
  const notYetDue = subjects.filter((s) => !inPairs(s) && !s.readout && !s.superseded && !s.due);
  const missing = subjects.filter(
    (s) => !inPairs(s) && !superseded.includes(s) && !notYetDue.includes(s),
  );
  const due = pairs.length + missing.length + superseded.length;
  const measures = Object.fromEntries(
    (Object.keys(EFFICACY_MEASURES) as EfficacyMeasure[]).map((m) => [
      m,
      compare(m, pairs, settings.paired ?? {}),
    ]),
  ) as Record<EfficacyMeasure, MeasureComparison>;
  const levels = pairs.map((p) =>
    jiaAcrLevel(
      p.baseline.observation,
      p.readout.observation,
      jiaAcrOptionsFor(p.category, settings.systemicJiaAcr),
    ),
  );
  const inactive = pairs.map((p) =>
    inactiveDiseaseVerdict(p.readout.observation, 'wallace2011', limits),
  );
  const atLeast = (level: number) => levels.filter((l) => l !== null && l >= level).length;
  const reaches = (level: number) => levels.map((l) => (l === null ? null : l >= level));
  const responders = Object.fromEntries(
    RESPONDER_OUTCOMES.map((outcome) => [
      outcome,
      responderProportions(
        outcome === 'inactiveDisease' ? inactive : reaches(Number(outcome.slice(-2))),
        due,
      ),
    ]),
  ) as Record<ResponderOutcome, ResponderProportions>;
  // The six core-set variables of the outcome library (Giannini 1997), ESR as the reactant.
  const improvedIn = (p: (typeof pairs)[number]) =>
    CORE_SET_VARIABLES.filter((v) => {
      const b = coreSetValue(p.baseline.observation, v);
      const r = coreSetValue(p.readout.observation, v);
      return b !== null && r !== null && r < b;
    }).length;
  const raised = pairs.flatMap((p) => {
    const markers = (['esr', 'crp'] as const).filter((m) => {
      const b = p.baseline.observation[m];
      return finite(b) && b > (m === 'esr' ? limits.esrUpperLimit : limits.crpUpperLimit);
    });
    return markers.length === 0 ? [] : [{ p, markers }];
  });
  const ids = (list: readonly SubjectReadout[]) => list.map((s) => s.timeline.subjectId);
  return {
    ...measures,
    id: timepoint.id,
    label: timepoint.label,
    targetDay: timepoint.day,
    toleranceDays: timepoint.toleranceDays,
    series,
    baselineFrom,
    visits: subjects.map(({ timeline, baseline, readout, anchorDate }) => ({
      subjectId: timeline.subjectId,
      baselineVisitId: baseline?.visitId ?? null,
      visitId: readout?.visitId ?? null,
      studyDay: readout ? studyDayOf(timeline, readout) : null,
      daysAfterInfusion: readout ? day(readout.date) - day(anchorDate) : null,
    })),
    missing: ids(missing),
    notYetDue: ids(notYetDue),
    superseded: ids(superseded),
    acrPedi30: atLeast(30),
    acrPedi50: atLeast(50),
    acrPedi70: atLeast(70),
    acrPedi90: atLeast(90),
    acrUndetermined: levels.filter((l) => l === null).length,
    inactiveDisease: inactive.filter((v) => v === true).length,
    inactiveUndetermined: inactive.filter((v) => v === null).length,
    responders,
    proportions: {
      acrPedi30: responders.acrPedi30.completers,
      acrPedi70: responders.acrPedi70.completers,
      inactiveDisease: responders.inactiveDisease.completers,
    },
    improvedInThreeOrMoreCoreSet: pairs.filter((p) => improvedIn(p) >= 3).length,
    raisedInflammatoryMarkers: raised.length,
    inflammatoryMarkersDown: raised.filter(({ p, markers }) =>
      markers.every((m) => {
        const r = p.readout.observation[m];
        const b = p.baseline.observation[m] as number;
        return finite(r) && r < b;
      }),
    ).length,
    damage: damageAtReadout(pairs),
    intercurrentEvents: intercurrentEvents(subjects),
  };
}

function studyDayOf(t: SubjectTimeline, visit: TimelineVisit): number {
  return studyDay(day(visit.date), day(t.infusions[0]?.date as string));
}
