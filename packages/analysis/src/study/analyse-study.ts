/**
 * The whole analysis of a study (issue 6) from its subjects' timelines and its protocol's
 * analysis plan: what `jia-trial report` writes as report.json and renders as report.html.
 * Only data dated on or before `asOf` (the data cut) is used.
 */
import {
  censor,
  inStudySince,
  type ProtocolDefinition,
  type SubjectTimeline,
} from '@jia-trial/protocol';
import {
  type BaselineTable,
  baselineTable,
  type InfusionSummary,
  infusionSummary,
} from './baseline.js';
import { analyseReadout, type ReadoutAnalysis } from './efficacy.js';
import { type ListedEvent, listSeriousAndMas } from './events.js';
import { type ProtocolDecisions, protocolDecisions } from './protocol-decisions.js';
import { type AeWindowAnalysis, analyseAeWindows } from './safety.js';
import type { Timepoint } from './timepoints.js';

export interface StudyAnalysisOptions {
  readonly asOf: string;
  /** Overrides the protocol's primary AE window. */
  readonly aeWindowMonths?: number | undefined;
  /** Read-outs replacing the protocol's of the same id, or added after them. */
  readonly readouts?: readonly Timepoint[] | undefined;
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
    readonly sensitivity: AeWindowAnalysis;
    /** The primary window restricted to serious AEs, and to AEs of CTCAE grade 3 or more. */
    readonly serious: AeWindowAnalysis;
    readonly grade3OrMore: AeWindowAnalysis;
    readonly seriousAndMas: readonly ListedEvent[];
  };
  readonly efficacy: Readonly<Record<string, ReadoutAnalysis>>;
  /** Retreatment (qualifies, allowed, pending) and vacuous eligibility passes at the data cut. */
  readonly decisions: ProtocolDecisions;
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
  return {
    protocol: { id: protocol.id, version: protocol.version, title: protocol.title },
    asOf: options.asOf,
    subjects: known.length,
    notInfused: known.filter((t) => t.infusions.length === 0).map((t) => t.subjectId),
    baseline: baselineTable(protocol, known),
    infusions: infusionSummary(known),
    adverseEvents: {
      ...analyseAeWindows(known, windowMonths, options.asOf),
      sensitivity: analyseAeWindows(known, plan.sensitivityAeWindowMonths, options.asOf),
      serious: analyseAeWindows(known, windowMonths, options.asOf, (ae) => ae.serious),
      grade3OrMore: analyseAeWindows(known, windowMonths, options.asOf, (ae) => ae.grade >= 3),
      seriousAndMas: listSeriousAndMas(protocol, known),
    },
    efficacy: Object.fromEntries(
      readoutsOf(plan.timepoints, options.readouts ?? []).map((tp) => [
        tp.id,
        analyseReadout(known, tp, limits, options.asOf),
      ]),
    ),
    decisions: protocolDecisions(protocol, known, options.asOf),
    limits,
  };
}
