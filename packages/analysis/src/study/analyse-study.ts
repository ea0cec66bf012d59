/**
 * The whole analysis of a study (issue 6) from its subjects' timelines and its protocol's
 * analysis plan: what `jia-trial report` writes as report.json and renders as report.html.
 * Only data dated on or before `asOf` (the data cut) is used.
 */

import { DAYS_PER_YEAR } from '@jia-trial/outcomes';
import {
  type AeAnalysisPlan,
  censor,
  DEFAULT_AE_ANALYSIS,
  inStudySince,
  type ProtocolDefinition,
  type SubjectTimeline,
  type TimelineAdverseEvent,
} from '@jia-trial/protocol';
import type { RateRatioPMethod } from '../statistics/poisson.js';
import type { ExactWithTies, ZeroMethod } from '../statistics/wilcoxon.js';
import { type AeByInfusion, analyseAeByInfusion } from './ae-by-infusion.js';
import { type AeLimitations, aeLimitations, limitationsText } from './ae-limitations.js';
import { type AeTables, type ListedAe, listAes, tabulateAes } from './ae-tables.js';
import {
  type BaselineTable,
  baselineTable,
  type InfusionSummary,
  infusionSummary,
} from './baseline.js';
import { analyseReadout, type ReadoutAnalysis } from './efficacy.js';
import { type ListedEvent, listSeriousAndMas } from './events.js';
import {
  aeTestPValues,
  countTests,
  type Multiplicity,
  type PValueFamily,
  readoutTestPValues,
} from './multiplicity.js';
import { type ProtocolDecisions, protocolDecisions } from './protocol-decisions.js';
import { type AeWindowAnalysis, analyseAeWindows } from './safety.js';
import { analyseSeriesReadouts, type SeriesReadout } from './series-readouts.js';
import type { Timepoint } from './timepoints.js';

export interface StudyAnalysisOptions {
  readonly asOf: string;
  /** Overrides the protocol's primary AE window. */
  readonly aeWindowMonths?: number | undefined;
  /** Read-outs replacing the protocol's of the same id, or added after them. */
  readonly readouts?: readonly Timepoint[] | undefined;
  /** The rate ratio's two-sided p: central (default, matches the interval) or R's minlike. */
  readonly rateRatioP?: RateRatioPMethod | undefined;
  /** Zero differences in the Wilcoxon test: dropped (wilcox, default) or ranked first (pratt). */
  readonly wilcoxonZeroMethod?: ZeroMethod | undefined;
  /** With ties or zeros: the exact permutation test (default) or R's normal approximation. */
  readonly wilcoxonExactWithTies?: ExactWithTies | undefined;
}

/** The statistical options the analysis ran with (printed with the report). */
export interface AnalysisMethods {
  readonly rateRatioP: RateRatioPMethod;
  readonly wilcoxonZeroMethod: ZeroMethod;
  readonly wilcoxonExactWithTies: ExactWithTies;
}

export interface StudyAnalysis {
  readonly protocol: { readonly id: string; readonly version: string; readonly title: string };
  readonly asOf: string;
  readonly subjects: number;
  /** Subjects in the study without an infusion by the data cut: outside every analysis below. */
  readonly notInfused: readonly string[];
  readonly baseline: BaselineTable;
  readonly infusions: InfusionSummary;
  readonly adverseEvents: AeWindowAnalysis & {
    /** The protocol's AE options the analysis ran with (ADR 0020, 0021). */
    readonly plan: AeAnalysisPlan;
    /** The same comparison with the other provenance (prospective when 'all' is primary). */
    readonly alternativeProvenance: AeWindowAnalysis;
    /** The primary window after each infusion, against the window before the first. */
    readonly byInfusion: AeByInfusion;
    /** Every AE of the infused patients with its timing; the tables by category. */
    readonly events: readonly ListedAe[];
    readonly tables: AeTables;
    /** The limits of the comparison, and their words as the report states them. */
    readonly limitations: AeLimitations & { readonly statements: readonly string[] };
    readonly sensitivity: AeWindowAnalysis;
    /** The primary window restricted to serious AEs, and to AEs of CTCAE grade 3 or more. */
    readonly serious: AeWindowAnalysis;
    readonly grade3OrMore: AeWindowAnalysis;
    readonly seriousAndMas: readonly ListedEvent[];
  };
  /** Each read-out from the first infusion, against the baseline before it. */
  readonly efficacy: Readonly<Record<string, ReadoutAnalysis>>;
  /** Retreatment (qualifies, allowed, pending) and vacuous eligibility passes at the data cut. */
  readonly decisions: ProtocolDecisions;
  /** Each read-out from every infusion series' own infusion (series-readouts.ts). */
  readonly efficacyBySeries: Readonly<Record<string, readonly SeriesReadout[]>>;
  readonly methods: AnalysisMethods;
  /** The tests made, and how many are below 0.05 with and without Bonferroni's bound. */
  readonly multiplicity: Multiplicity;
  /** Upper limits of normal used for inactive disease and the "normal" statements. */
  readonly limits: { readonly esrUpperLimit: number; readonly crpUpperLimit: number };
}

function readoutsOf(planned: readonly Timepoint[], given: readonly Timepoint[]): Timepoint[] {
  const byId = new Map(given.map((tp) => [tp.id, tp]));
  return [
    ...planned.map((tp) => {
      const replaced = byId.get(tp.id);
      return replaced ? { ...replaced, label: tp.label } : tp;
    }),
    ...given.filter((tp) => !planned.some((p) => p.id === tp.id)),
  ];
}

/**
 * The subjects in the study by the data cut (a subject first recorded after it was not there
 * yet), each as known on that day.
 */
export function studyPopulation(
  timelines: readonly SubjectTimeline[],
  asOf: string,
): SubjectTimeline[] {
  return timelines.filter((t) => (inStudySince(t) ?? asOf) <= asOf).map((t) => censor(t, asOf));
}

/** The pooled per-infusion family: its tests and the Fisher test on periods. */
const withPeriodFisher = (family: PValueFamily, p: number): PValueFamily => ({
  ...family,
  p: [...family.p, p],
});

/** The limits with their words, so that every reader of report.json states them alike. */
function withStatements(limits: AeLimitations, windowMonths: number) {
  return { ...limits, statements: limitationsText(limits, windowMonths) };
}

export function analyseStudy(
  protocol: ProtocolDefinition,
  timelines: readonly SubjectTimeline[],
  options: StudyAnalysisOptions,
): StudyAnalysis {
  return analysePopulation(protocol, studyPopulation(timelines, options.asOf), options);
}

/** analyseStudy on a population already made by studyPopulation. */
export function analysePopulation(
  protocol: ProtocolDefinition,
  known: readonly SubjectTimeline[],
  options: StudyAnalysisOptions,
): StudyAnalysis {
  const plan = protocol.analysis;
  if (!plan) throw new RangeError(`protocol ${protocol.id} has no analysis plan`);
  const windowMonths = options.aeWindowMonths ?? plan.aeWindowMonths;
  const limits = { esrUpperLimit: protocol.esrUpperLimit, crpUpperLimit: protocol.crpUpperLimit };
  const methods: AnalysisMethods = {
    rateRatioP: options.rateRatioP ?? 'central',
    wilcoxonZeroMethod: options.wilcoxonZeroMethod ?? 'wilcox',
    wilcoxonExactWithTies: options.wilcoxonExactWithTies ?? 'permutation',
  };
  const paired = {
    zeroMethod: methods.wilcoxonZeroMethod,
    exactWithTies: methods.wilcoxonExactWithTies,
  };
  const readoutOptions = {
    paired,
    // The protocol's JIA-ACR for systemic JIA, as retreatment judges it (ADR 0019).
    systemicJiaAcr: protocol.systemicJiaAcr,
  };
  const aePlan = plan.adverseEvents ?? DEFAULT_AE_ANALYSIS;
  const all = () => true;
  const windowOptions = (
    months: number,
    include: (e: TimelineAdverseEvent) => boolean = all,
    provenance = aePlan.primaryProvenance,
  ) => ({
    windowMonths: months,
    asOf: options.asOf,
    include,
    rateRatioP: methods.rateRatioP,
    provenance,
    infusionDayRule: aePlan.infusionDayRule,
    paired,
    bootstrap: aePlan.bootstrap,
  });
  const ae = (months: number, include?: (e: TimelineAdverseEvent) => boolean) =>
    analyseAeWindows(known, windowOptions(months, include));
  const windowDays = (windowMonths / 12) * DAYS_PER_YEAR;
  const rules = (provenance = aePlan.primaryProvenance) => ({
    asOf: options.asOf,
    provenance,
    infusionDayRule: aePlan.infusionDayRule,
    include: all,
  });
  const events = listAes(known, windowDays, rules(), aePlan.relatedCodes);
  const adverseEvents = {
    ...ae(windowMonths),
    plan: aePlan,
    alternativeProvenance: analyseAeWindows(
      known,
      windowOptions(windowMonths, all, aePlan.primaryProvenance === 'all' ? 'prospective' : 'all'),
    ),
    byInfusion: analyseAeByInfusion(known, {
      ...windowOptions(windowMonths),
      comparison: { rateRatioP: methods.rateRatioP, paired, bootstrap: aePlan.bootstrap },
    }),
    events,
    tables: tabulateAes(events, aePlan.relatedCodes),
    // Sized on every AE of the "before" window, the chart-reviewed ones too.
    limitations: withStatements(
      aeLimitations(
        known,
        listAes(known, windowDays, rules('all'), aePlan.relatedCodes),
        windowDays,
      ),
      windowMonths,
    ),
    sensitivity: ae(plan.sensitivityAeWindowMonths),
    serious: ae(windowMonths, (e) => e.serious),
    grade3OrMore: ae(windowMonths, (e) => e.grade >= 3),
    seriousAndMas: listSeriousAndMas(protocol, known),
  };
  const timepoints = readoutsOf(plan.timepoints, options.readouts ?? []);
  const efficacy = Object.fromEntries(
    timepoints.map((tp) => [
      tp.id,
      analyseReadout(known, tp, limits, options.asOf, readoutOptions),
    ]),
  );
  const efficacyBySeries = Object.fromEntries(
    timepoints.map((tp) => [
      tp.id,
      analyseSeriesReadouts(
        known.filter((t) => t.infusions.length > 0),
        tp,
        limits,
        options.asOf,
        readoutOptions,
      ),
    ]),
  );
  const multiplicity = countTests([
    aeTestPValues('adverseEvents', adverseEvents),
    aeTestPValues('adverseEvents.alternativeProvenance', adverseEvents.alternativeProvenance),
    ...adverseEvents.byInfusion.infusions.map((c) =>
      aeTestPValues(`adverseEvents.byInfusion.infusions[${c.infusion - 1}]`, c),
    ),
    withPeriodFisher(
      aeTestPValues('adverseEvents.byInfusion.pooled', adverseEvents.byInfusion.pooled),
      adverseEvents.byInfusion.pooled.periodFisher.p,
    ),
    // A sensitivity window equal to the primary one is the same analysis: not a test made again.
    ...(plan.sensitivityAeWindowMonths === windowMonths
      ? []
      : [aeTestPValues('adverseEvents.sensitivity', adverseEvents.sensitivity)]),
    aeTestPValues('adverseEvents.serious', adverseEvents.serious),
    aeTestPValues('adverseEvents.grade3OrMore', adverseEvents.grade3OrMore),
    ...Object.entries(efficacy).map(([id, r]) => readoutTestPValues(`efficacy.${id}`, r)),
    ...Object.entries(efficacyBySeries).flatMap(([id, series]) =>
      series.flatMap((s) => [
        readoutTestPValues(`efficacyBySeries.${id}[${s.series - 1}].ownBaseline`, s.ownBaseline),
        ...(s.firstBaseline
          ? [
              readoutTestPValues(
                `efficacyBySeries.${id}[${s.series - 1}].firstBaseline`,
                s.firstBaseline,
              ),
            ]
          : []),
      ]),
    ),
  ]);
  return {
    protocol: { id: protocol.id, version: protocol.version, title: protocol.title },
    asOf: options.asOf,
    subjects: known.length,
    notInfused: known.filter((t) => t.infusions.length === 0).map((t) => t.subjectId),
    baseline: baselineTable(protocol, known),
    infusions: infusionSummary(known),
    adverseEvents,
    efficacy,
    efficacyBySeries,
    methods,
    multiplicity,
    decisions: protocolDecisions(protocol, known, options.asOf),
    limits,
  };
}
