/**
 * The report pseudonymised, for readers who may not read the subjects identified (the
 * statistician and the DSMB; docs/roles.md), by the rule of the pseudonymised records
 * (@jia-trial/dictionary's pseudonymise): the subject keeps its code (already a pseudonym), and
 * - every calendar date of a subject becomes its CDISC study day from the subject's day one
 *   (protocol's pseudonymDayOne: enrolment, else first visit, else diagnosis), the key renamed
 *   as the dictionary renames it: `onsetDate` -> `onsetStudyDay`, `dates` -> `studyDays`; a
 *   subject without a day one has null study days (the date goes, it is not kept);
 * - a birth date becomes the age in completed years on day one (`ageAtDayOne`);
 * - no narrative: the report is computed from timelines, which carry no narrative field (the
 *   dictionary's timelines.ts; tested there), and every text it lists is classified below.
 * The data cut (`asOf`), the protocol's identity and every aggregate number stay.
 *
 * Derived from the analysis types, so that a new field cannot stay identifiable unnoticed: a
 * date is recognised by its key (`...Date`, `dates`), every other text field of StudyAnalysis
 * must be named in KEPT_TEXT with why it may stay (the type check fails otherwise), a text the
 * table does not name is refused at run time, and a date found outside a subject's listing too.
 */
import {
  ageInterval,
  day,
  pseudonymDayOne,
  type SubjectTimeline,
  studyDay,
} from '@jia-trial/protocol';
import type { StudyAnalysis } from '../study/analyse-study.js';
import { type AnalysedStudy, reportJsonText } from './report-json.js';

/** A key of a subject's calendar date, renamed: `onsetDate` -> `onsetStudyDay`. */
type PseudonymKey<K extends string> = K extends 'birthDate'
  ? 'ageAtDayOne'
  : K extends `${infer Stem}Date`
    ? `${Stem}StudyDay`
    : K extends 'dates'
      ? 'studyDays'
      : K;

/** `T` with every subject's date as a study day and a birth date as an age (as the walk does). */
export type Pseudonymised<T> = T extends readonly (infer U)[]
  ? readonly Pseudonymised<U>[]
  : T extends object
    ? {
        readonly [K in keyof T & string as PseudonymKey<K>]: K extends `${string}Date`
          ? number | null
          : K extends 'dates'
            ? readonly (number | null)[]
            : Pseudonymised<T[K]>;
      }
    : T;

/** The report's own fields that are no subject's data: the data cut and the protocol. */
type StudyFields = 'asOf' | 'protocol';

export type PseudonymisedAnalysis = Pick<StudyAnalysis, StudyFields> &
  Pseudonymised<Omit<StudyAnalysis, StudyFields>>;

/** The keys, at any depth, of the fields holding a text or a list of texts. */
type TextKeys<T> = T extends readonly (infer U)[]
  ? TextKeys<U>
  : T extends object
    ? {
        [K in keyof T & string]-?:
          | ([Extract<T[K], string | readonly string[]>] extends [never] ? never : K)
          | TextKeys<T[K]>;
      }[keyof T & string]
    : never;

/** Every text field of the analysis's listings that is not a date. */
type ListedText = Exclude<TextKeys<Omit<StudyAnalysis, StudyFields>>, `${string}Date` | 'dates'>;

/**
 * Each text the report lists besides dates, and why it may stay in a pseudonymised report. A
 * text field added to StudyAnalysis fails the type check until it is named here (or is a date).
 */
export const KEPT_TEXT = {
  subjectId: 'the subject code: a pseudonym, no names are stored (dictionary, subject_id)',
  notInfused: 'subject codes',
  missing: 'subject codes',
  notYetDue: 'subject codes',
  aeId: "the adverse event's identifier (kept in the pseudonymised records too)",
  visitId: "the visit's identifier (kept in the pseudonymised records too)",
  baselineVisitId: "the baseline visit's identifier",
  term: "the AE's verbatim or preferred term (adverse_event.term: not narrative in the dictionary)",
  drug: 'the medicine (medication.drug: not narrative in the dictionary)',
  target: "the medicine's target, from the protocol's drug catalogue",
  ilarCategory: 'a code (ILAR category)',
  category:
    "a code (ILAR category), or an AE table's category: a code, a grade, or a system organ class as coded by the site",
  name: "the ILAR category's name",
  id: "the read-out's id, from the protocol",
  label: "a read-out's or a measure's label",
  method: 'the statistical method',
  warnings: "R's warnings of a test",
  responseVisitId: "the response visit's identifier",
  lossVisitId: 'the identifier of the visit where the response was lost',
  blockers: "ids of the protocol's retreatment checks",
  pending: "ids of the protocol's retreatment checks",
  status: 'a code (eligibility or criterion status)',
  criterionId: 'a criterion id of the protocol',
  text: "the protocol's wording of a retreatment check or a criterion (no subject data)",
  superseded: 'subject codes',
  baselineFrom: 'a code: the baseline a read-out is compared with (first or series)',
  zeroMethod: "a code: the Wilcoxon test's zero method",
  pMethod: "a code: the rate ratio's p-value method",
  notEstimable: 'a code: why a rate ratio has no finite estimate (no_aes_before, no_aes)',
  rateRatioP: "a code: the rate ratio's p-value method",
  wilcoxonZeroMethod: "a code: the Wilcoxon test's zero method",
  wilcoxonExactWithTies: "a code: the Wilcoxon test's method with ties",
  family: 'a path in the report: where a family of tests is',
  adjustment: 'a code: the multiplicity adjustment (none)',
  hodgesLehmannOmitted: 'a code: why an estimate was not computed',
  kind: 'a code: the kind of intercurrent event (intercurrent.ts)',
  route: 'a code: route of administration (medication.route)',
  jointCodes: 'joint codes of the 71-joint catalogue (medication.joint_codes)',
  strategy: 'a code: the ICH E9(R1) strategy of the estimate (treatment_policy)',
  subjectsWithEvents: 'subject codes',
  incomplete: 'subject codes',
  jadiEEvidence: 'an evidence tag (M) of the JADI-E rule',
  productLot: 'the product lot number (infusion.product_lot: kept in the pseudonymised records)',
  productState: 'a code: fresh or cryopreserved (infusion.product_state)',
  donorCode: "the donor's code (infusion.donor_code: a code, kept in the pseudonymised records)",
  drugs: 'medicines (medication.drug: not narrative in the dictionary)',
  source: 'a source id of the protocol',
  primaryProvenance: 'a code: which AEs the primary comparison counts (ADR 0020)',
  provenance: "a code: an AE's provenance (retrospective, prospective, unknown) or a comparison's",
  infusionDayRule: 'a code: the infusion-day rule (ADR 0020)',
  primaryComparison: 'a code: the primary AE comparison (ADR 0021)',
  relatedCodes: 'codes of ae_relatedness counted as related',
  related: 'a code of ae_relatedness',
  subjectsWithoutConsent: 'subject codes',
  repeatInfusionInside: 'subject codes',
  withoutPersonTime: 'subject codes',
  measure: 'a code: what the per-patient comparison compares',
  layout: "a code: the layout of a Fisher test's 2x2 table",
  closedBy: 'a code: what closed an AE window',
  aeIds: "adverse events' identifiers (kept in the pseudonymised records too)",
  preferredTerm:
    'a MedDRA preferred term as coded by the site (adverse_event.preferred_term: not narrative in the dictionary)',
  systemOrganClass:
    'a MedDRA system organ class as coded by the site (adverse_event.system_organ_class: not narrative)',
  onsetTime: 'a time of day without its date (HH:MM): the date is the study day beside it',
  consentSource: 'a code: the field the consent day came from',
  emergence: 'a code: how an AE is treatment-emergent (new, worsening)',
  emergenceDecidedBy: 'a code: what placed an AE before or after the infusion',
  window: "a code: an AE's side in the primary comparison",
  apply: 'codes of the limits of the AE comparison',
  statements: 'the limits of the AE comparison in words, sized by counts only (ae-limitations.ts)',
} as const satisfies Readonly<Record<ListedText, string>>;

const KEPT: ReadonlySet<string> = new Set(Object.keys(KEPT_TEXT));

/** Each subject's day one (YYYY-MM-DD, or null: none known), by subject code. */
export type DayOnes = ReadonlyMap<string, string | null>;

/**
 * The day one of each subject of `timelines`. Give the timelines as stored, not censored at the
 * data cut: the day one is then the pseudonymised records' own, and a date has the same study
 * day in every report.
 */
export function pseudonymDayOnes(timelines: readonly SubjectTimeline[]): DayOnes {
  return new Map(
    timelines.map((t) => [
      t.subjectId,
      pseudonymDayOne(
        t,
        t.visits.map((v) => v.date),
      ),
    ]),
  );
}

/** Where the walk is: the path (for messages) and the day one of the subject being listed. */
interface Place {
  readonly path: string;
  /** undefined: outside a subject's listing; null: a subject without a day one. */
  readonly dayOne: number | null | undefined;
}

function notClassified(path: string, what: string): Error {
  return new Error(
    `the report's ${path} is ${what}: classify it for pseudonymisation (packages/analysis/src/report/pseudonymised-report.ts)`,
  );
}

const dayNumber = (date: string | null) => (date === null ? null : day(date));

/** A date of the subject being listed as its study day (null: no date, or no day one). */
function studyDayOf(value: unknown, at: Place): number | null {
  if (at.dayOne === undefined) throw notClassified(at.path, "a date outside a subject's listing");
  if (value === null) return null;
  if (typeof value !== 'string') throw notClassified(at.path, 'a date key without a date');
  return at.dayOne === null ? null : studyDay(day(value), at.dayOne);
}

/** A birth date as the age in completed years on day one, as the pseudonymised records give it. */
function ageAtDayOne(value: unknown, at: Place): number | null {
  if (at.dayOne === undefined) throw notClassified(at.path, "a date outside a subject's listing");
  return typeof value === 'string' && at.dayOne !== null ? ageInterval(value, at.dayOne).min : null;
}

/** One field of an object, renamed and converted when it is a date, else walked. */
function pseudonymField(
  key: string,
  value: unknown,
  at: Place,
  dayOnes: DayOnes,
): [string, unknown] {
  if (key === 'birthDate') return ['ageAtDayOne', ageAtDayOne(value, at)];
  if (key.endsWith('Date'))
    return [`${key.slice(0, -'Date'.length)}StudyDay`, studyDayOf(value, at)];
  if (key === 'dates') {
    if (!Array.isArray(value)) throw notClassified(at.path, 'a date key without dates');
    return ['studyDays', value.map((d, i) => studyDayOf(d, { ...at, path: `${at.path}[${i}]` }))];
  }
  return [key, walk(value, key, at, dayOnes)];
}

/** `value` (under `key`) pseudonymised; an object with a `subjectId` lists that subject. */
function walk(value: unknown, key: string, place: Place, dayOnes: DayOnes): unknown {
  if (Array.isArray(value))
    return value.map((item, i) =>
      walk(item, key, { ...place, path: `${place.path}[${i}]` }, dayOnes),
    );
  if (typeof value === 'string') {
    if (!KEPT.has(key)) throw notClassified(place.path, 'a text not in KEPT_TEXT');
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  const subject = (value as { subjectId?: unknown }).subjectId;
  const dayOne =
    typeof subject === 'string' ? dayNumber(dayOnes.get(subject) ?? null) : place.dayOne;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) =>
      pseudonymField(k, v, { path: place.path === '' ? k : `${place.path}.${k}`, dayOne }, dayOnes),
    ),
  );
}

/**
 * The analysis pseudonymised: each subject's dates as study days from its day one in `dayOnes`
 * (a subject missing there has none: null study days). Pure.
 */
export function pseudonymiseAnalysis(
  analysis: StudyAnalysis,
  dayOnes: DayOnes,
): PseudonymisedAnalysis {
  const { asOf, protocol, ...listed } = analysis;
  const place: Place = { path: '', dayOne: undefined };
  return {
    protocol,
    asOf,
    ...(walk(listed, '', place, dayOnes) as Pseudonymised<Omit<StudyAnalysis, StudyFields>>),
  };
}

/**
 * report.json pseudonymised: `"pseudonymised": true` first, then the analysis as
 * pseudonymiseAnalysis gives it, the note, whether the data are synthetic, and the generator. `timelines`: the subjects as
 * stored (pseudonymDayOnes).
 */
export function pseudonymisedReportJson(
  study: AnalysedStudy,
  timelines: readonly SubjectTimeline[],
): string {
  return reportJsonText({
    pseudonymised: true,
    ...pseudonymiseAnalysis(study.analysis, pseudonymDayOnes(timelines)),
    note: study.note,
    synthetic: study.synthetic,
    generator: study.generator,
  });
}
