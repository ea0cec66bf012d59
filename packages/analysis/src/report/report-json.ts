/** What a report is made from, and report.json: the analysis as numbers (Infinity and NaN as null). */
import { censor, type ProtocolDefinition, type SubjectTimeline } from '@jia-trial/protocol';
import {
  analyseStudy,
  type StudyAnalysis,
  type StudyAnalysisOptions,
} from '../study/analyse-study.js';

export interface AnalysedStudy {
  readonly analysis: StudyAnalysis;
  readonly timelines: readonly SubjectTimeline[];
  readonly esrUpperLimit: number;
  readonly crpUpperLimit: number;
  /** Shown at the top of the report (e.g. "synthetic data"). */
  readonly note: string | null;
  /** The software that made it. */
  readonly generator: string;
}

export function analysedStudy(
  protocol: ProtocolDefinition,
  timelines: readonly SubjectTimeline[],
  options: StudyAnalysisOptions & { note?: string | null; generator: string },
): AnalysedStudy {
  return {
    analysis: analyseStudy(protocol, timelines, options),
    timelines: timelines.map((t) => censor(t, options.asOf)),
    esrUpperLimit: protocol.esrUpperLimit,
    crpUpperLimit: protocol.crpUpperLimit,
    note: options.note ?? null,
    generator: options.generator,
  };
}

/** report.json: the analysis; a non-finite number (an infinite rate ratio) is written as null. */
export function reportJson(study: AnalysedStudy): string {
  return `${JSON.stringify(
    { ...study.analysis, note: study.note, generator: study.generator },
    (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value),
    2,
  )}\n`;
}
