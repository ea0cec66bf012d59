/** What a report is made from, and report.json: the analysis as numbers (Infinity and NaN as null). */
import type { ProtocolDefinition, SubjectTimeline } from '@jia-trial/protocol';
import {
  analysePopulation,
  type StudyAnalysis,
  type StudyAnalysisOptions,
  studyPopulation,
} from '../study/analyse-study.js';

export interface AnalysedStudy {
  readonly analysis: StudyAnalysis;
  /** The subjects analysed, as known at the data cut (for the plots). */
  readonly timelines: readonly SubjectTimeline[];
  /** Shown at the top of the report (e.g. "synthetic data"). */
  readonly note: string | null;
  /**
   * The data are invented (a demonstration bundle says so): the title and the heading say
   * "SYNTHETIC DATA" and report.json carries `synthetic: true`, so that no reader takes the
   * patients for real ones under the real trial's title.
   */
  readonly synthetic: boolean;
  /** The software that made it. */
  readonly generator: string;
}

/**
 * The banner of a study whose study file (study.csv) says its data are synthetic, as the command
 * line and the server both write it (docs/bundle-format.md, "study.csv").
 */
export const SYNTHETIC_STUDY_NOTE =
  'SYNTHETIC DATA: the study file (study.csv) of this study says its patients are invented; no real patient is described.';

export function analysedStudy(
  protocol: ProtocolDefinition,
  timelines: readonly SubjectTimeline[],
  options: StudyAnalysisOptions & {
    note?: string | null;
    synthetic?: boolean | undefined;
    generator: string;
  },
): AnalysedStudy {
  const population = studyPopulation(timelines, options.asOf);
  return {
    analysis: analysePopulation(protocol, population, options),
    timelines: population,
    note: options.note ?? null,
    synthetic: options.synthetic === true,
    generator: options.generator,
  };
}

/** report.json: the analysis; a non-finite number (an infinite rate ratio) is written as null. */
export function reportJson(study: AnalysedStudy): string {
  return reportJsonText({
    ...study.analysis,
    note: study.note,
    synthetic: study.synthetic,
    generator: study.generator,
  });
}

/** A report as report.json's text: indented, a non-finite number as null, a final newline. */
export function reportJsonText(report: object): string {
  return `${JSON.stringify(
    report,
    (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value),
    2,
  )}\n`;
}
