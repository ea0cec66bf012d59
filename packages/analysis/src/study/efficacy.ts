/**
 * Efficacy at each read-out against the baseline (issue 6): for each measure, the subjects with
 * both values, the medians with IQR, how many improved (a lower value than at baseline: every
 * measure here is "lower is better"), and the paired Wilcoxon signed-rank test (exact when
 * there are no ties or zeros, otherwise R's normal approximation, as the result says); the
 * JIA-ACR 30/50/70/90 responders and the subjects in inactive disease (Wallace 2011). Subjects
 * without a baseline or a read-out visit are counted as missing and listed.
 */
import {
  CORE_SET_VARIABLES,
  coreSetValue,
  inactiveDiseaseVerdict,
  jiaAcrLevel,
  scoreJadasVariants,
  type VisitObservation,
} from '@jia-trial/outcomes';
import { day, type SubjectTimeline, studyDay, type TimelineVisit } from '@jia-trial/protocol';
import { clopperPearson, type ProportionInterval } from '../statistics/binomial.js';
import { type Summary, summarise } from '../statistics/quantiles.js';
import { type WilcoxonResult, wilcoxonSignedRank } from '../statistics/wilcoxon.js';
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
  readonly wilcoxon: WilcoxonResult | null;
  readonly wilcoxonP: number | null;
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
  /** The visit used per subject, or why none. */
  readonly visits: ReadonlyArray<{
    readonly subjectId: string;
    readonly baselineVisitId: string | null;
    readonly visitId: string | null;
    readonly studyDay: number | null;
  }>;
  /** Due by the data cut but without a baseline or a read-out visit. */
  readonly missing: readonly string[];
  /** Whose read-out window had not closed by the data cut (and no visit yet). */
  readonly notYetDue: readonly string[];
  readonly acrPedi30: number;
  readonly acrPedi50: number;
  readonly acrPedi70: number;
  readonly acrPedi90: number;
  /** Subjects whose JIA-ACR could not be decided (core-set values missing). */
  readonly acrUndetermined: number;
  readonly inactiveDisease: number;
  readonly inactiveUndetermined: number;
  /** Responders and inactive disease as proportions of the subjects with the read-out, with Clopper-Pearson 95% intervals. */
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
}

const finite = (v: number | null | undefined): v is number =>
  typeof v === 'number' && Number.isFinite(v);

function compare(
  measure: EfficacyMeasure,
  pairs: ReadonlyArray<{ subjectId: string; baseline: TimelineVisit; readout: TimelineVisit }>,
): MeasureComparison {
  const { label, value } = EFFICACY_MEASURES[measure];
  const complete = pairs.flatMap(({ subjectId, baseline, readout }) => {
    const b = value(baseline.observation);
    const r = value(readout.observation);
    return finite(b) && finite(r) ? [{ subjectId, baseline: b, readout: r }] : [];
  });
  const wilcoxon =
    complete.length === 0
      ? null
      : wilcoxonSignedRank(
          complete.map((p) => p.baseline),
          complete.map((p) => p.readout),
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
    wilcoxon,
    wilcoxonP: wilcoxon?.p ?? null,
    pairs: complete,
  };
}

export function analyseReadout(
  timelines: readonly SubjectTimeline[],
  timepoint: Timepoint,
  limits: { esrUpperLimit: number; crpUpperLimit: number },
  asOf: string,
): ReadoutAnalysis {
  const infused = timelines.filter((t) => t.infusions.length > 0);
  const due = (t: SubjectTimeline) =>
    day(t.infusions[0]?.date as string) + timepoint.day + timepoint.toleranceDays <= day(asOf);
  const found = infused.map((t) => ({
    t,
    baseline: baselineVisit(t),
    readout: readoutVisit(t, timepoint),
  }));
  const pairs = found.flatMap(({ t, baseline, readout }) =>
    baseline && readout ? [{ subjectId: t.subjectId, baseline, readout }] : [],
  );
  const measures = Object.fromEntries(
    (Object.keys(EFFICACY_MEASURES) as EfficacyMeasure[]).map((m) => [m, compare(m, pairs)]),
  ) as Record<EfficacyMeasure, MeasureComparison>;
  const levels = pairs.map((p) => jiaAcrLevel(p.baseline.observation, p.readout.observation));
  const inactive = pairs.map((p) =>
    inactiveDiseaseVerdict(p.readout.observation, 'wallace2011', limits),
  );
  const atLeast = (level: number) => levels.filter((l) => l !== null && l >= level).length;
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
  return {
    ...measures,
    id: timepoint.id,
    label: timepoint.label,
    targetDay: timepoint.day,
    toleranceDays: timepoint.toleranceDays,
    visits: found.map(({ t, baseline, readout }) => ({
      subjectId: t.subjectId,
      baselineVisitId: baseline?.visitId ?? null,
      visitId: readout?.visitId ?? null,
      studyDay: readout ? studyDayOf(t, readout) : null,
    })),
    missing: found.filter((f) => (!f.baseline || !f.readout) && due(f.t)).map((f) => f.t.subjectId),
    notYetDue: found.filter((f) => !f.readout && !due(f.t)).map((f) => f.t.subjectId),
    acrPedi30: atLeast(30),
    acrPedi50: atLeast(50),
    acrPedi70: atLeast(70),
    acrPedi90: atLeast(90),
    acrUndetermined: levels.filter((l) => l === null).length,
    inactiveDisease: inactive.filter((v) => v === true).length,
    inactiveUndetermined: inactive.filter((v) => v === null).length,
    proportions: {
      acrPedi30: pairs.length === 0 ? null : clopperPearson(atLeast(30), pairs.length),
      acrPedi70: pairs.length === 0 ? null : clopperPearson(atLeast(70), pairs.length),
      inactiveDisease:
        pairs.length === 0
          ? null
          : clopperPearson(inactive.filter((v) => v === true).length, pairs.length),
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
  };
}

function studyDayOf(t: SubjectTimeline, visit: TimelineVisit): number {
  return studyDay(day(visit.date), day(t.infusions[0]?.date as string));
}
