/**
 * A subject's record as the protocol engine reads it: everything known about one subject, each
 * item with its date. The engine never reads a clock: `censor` keeps what was known on a date.
 */
import type { IlarCategory, VisitObservation } from '@jia-trial/outcomes';

export const DRUG_CLASSES = ['biologic', 'csdmard', 'corticosteroid', 'nsaid', 'other'] as const;
export type DrugClass = (typeof DRUG_CLASSES)[number];
export const STOP_REASONS = ['inefficacy', 'intolerance', 'other'] as const;
export type StopReason = (typeof STOP_REASONS)[number];
/** The subject's sex (CDISC SDTM codelist SEX, C66731); the dictionary's `sex` code list takes them from here. */
export const SEXES = ['F', 'M', 'U'] as const;
export type Sex = (typeof SEXES)[number];

export interface TimelineVisit {
  readonly visitId: string;
  readonly date: string;
  readonly observation: VisitObservation;
  /** JADI items scored at the visit (item code -> points; docs/clinical/jadi.md), if any. */
  readonly damage?: Readonly<Record<string, number>>;
}

export interface TimelineMedication {
  /** International non-proprietary name, as recorded (matched case-insensitively). */
  readonly drug: string;
  readonly drugClass: DrugClass;
  readonly startDate: string;
  readonly stopDate: string | null;
  readonly stopReason: StopReason | null;
  /** Dose per administration in mg, route and injected joints: intercurrent events (ADR 0023). */
  readonly doseMg?: number | null;
  readonly route?: string | null;
  readonly jointCodes?: readonly string[] | null;
}

export interface VitalSigns {
  readonly heartRate: number | null;
  readonly systolicBp: number | null;
  readonly diastolicBp: number | null;
  readonly temperatureC: number | null;
  readonly spo2: number | null;
}

export interface TimelineInfusion {
  readonly date: string;
  /** The start, `HH:MM` local (null: not recorded). */
  readonly time: string | null;
  readonly weightKg: number;
  readonly cellsPerKg: number;
  readonly totalCells: number;
  readonly productLot: string;
  readonly infusionReaction: boolean;
  readonly volumeMl: number | null;
  /** The product as given (optional bundle columns): viable %, passage, fresh or thawed, donor. */
  readonly viabilityPct?: number | null;
  readonly passage?: number | null;
  readonly productState?: string | null;
  readonly donorCode?: string | null;
  readonly pre: VitalSigns;
  readonly post: VitalSigns;
}

export const AE_RELATEDNESS = [
  'not_related',
  'unlikely',
  'possible',
  'probable',
  'definite',
] as const;
export type AeRelatedness = (typeof AE_RELATEDNESS)[number];

export interface TimelineAdverseEvent {
  readonly aeId: string;
  readonly term: string;
  readonly onsetDate: string;
  /** `HH:MM` local (null: not recorded). */
  readonly onsetTime: string | null;
  readonly resolutionDate: string | null;
  /** The day a condition's grade rose to `grade` (null: it did not worsen). */
  readonly worsenedDate: string | null;
  /** CTCAE grade (the worst). */
  readonly grade: number;
  readonly serious: boolean;
  /** The investigator's causality, a code of ae_relatedness. */
  readonly related: AeRelatedness;
  /** MedDRA as coded by the site (no dictionary is shipped): null when not coded. */
  readonly preferredTerm: string | null;
  readonly systemOrganClass: string | null;
  /** When the team learnt of it (the bundle's default: the onset date). */
  readonly awarenessDate: string;
  /** When a serious AE was reported to the sponsor or authority. */
  readonly reportedDate: string | null;
}

export interface SubjectTimeline {
  readonly subjectId: string;
  readonly sex: Sex;
  /** `YYYY-MM` or `YYYY-MM-DD`. */
  readonly birthDate: string;
  readonly ilarCategory: IlarCategory;
  readonly diagnosisDate: string;
  readonly enrolmentDate: string | null;
  /** Informed consent (null: not recorded; the enrolment date stands for it, ADR 0020). */
  readonly consentDate: string | null;
  readonly withdrawalDate: string | null;
  readonly visits: readonly TimelineVisit[];
  readonly medications: readonly TimelineMedication[];
  readonly infusions: readonly TimelineInfusion[];
  readonly adverseEvents: readonly TimelineAdverseEvent[];
  /**
   * Investigator confirmations of criteria the record cannot decide (criterion id -> answer and
   * date), e.g. "no concurrent infection". A criterion without one is unknown.
   */
  readonly confirmations?: Readonly<
    Record<string, { readonly value: boolean; readonly date: string }>
  >;
}

const onOrBefore = (date: string | null, asOf: string): boolean => date !== null && date <= asOf;
/** A date after `asOf` was not known on `asOf`. */
const knownBy = (date: string | null, asOf: string): string | null =>
  onOrBefore(date, asOf) ? date : null;

/**
 * The timeline as it was known on `asOf`: only data dated on or before it counts. A medication
 * stopped later was still running; an AE resolved later was unresolved; a report sent later had
 * not been sent. ISO dates compare as strings.
 */
export function censor(timeline: SubjectTimeline, asOf: string): SubjectTimeline {
  const confirmations = timeline.confirmations
    ? Object.fromEntries(
        Object.entries(timeline.confirmations).filter(([, c]) => onOrBefore(c.date, asOf)),
      )
    : undefined;
  return {
    ...timeline,
    enrolmentDate: knownBy(timeline.enrolmentDate, asOf),
    consentDate: knownBy(timeline.consentDate, asOf),
    withdrawalDate: knownBy(timeline.withdrawalDate, asOf),
    visits: sortedBy(
      timeline.visits.filter((v) => v.date <= asOf),
      (v) => v.date,
    ),
    medications: timeline.medications
      .filter((m) => m.startDate <= asOf)
      .map((m) => (onOrBefore(m.stopDate, asOf) ? m : { ...m, stopDate: null, stopReason: null })),
    infusions: sortedBy(
      timeline.infusions.filter((i) => i.date <= asOf),
      (i) => i.date,
    ),
    adverseEvents: timeline.adverseEvents
      .filter((ae) => ae.onsetDate <= asOf && ae.awarenessDate <= asOf)
      .map((ae) => ({
        ...ae,
        resolutionDate: knownBy(ae.resolutionDate, asOf),
        worsenedDate: knownBy(ae.worsenedDate, asOf),
        reportedDate: knownBy(ae.reportedDate, asOf),
      })),
    ...(confirmations ? { confirmations } : {}),
  };
}

function sortedBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * The first day the study knew the subject: the earliest enrolment, visit, infusion or
 * investigator answer (null when the record holds none of them). A subject first known after
 * the as-of day was not in the study on it.
 */
export function inStudySince(timeline: SubjectTimeline): string | null {
  const dates = [
    timeline.enrolmentDate,
    ...timeline.visits.map((v) => v.date),
    ...timeline.infusions.map((i) => i.date),
    ...Object.values(timeline.confirmations ?? {}).map((c) => c.date),
  ].filter((d): d is string => d !== null);
  return dates.sort()[0] ?? null;
}

/**
 * The subject's day one in pseudonymised data (docs/roles.md): its enrolment date, else its
 * first visit, else its diagnosis (YYYY-MM-DD; null when none is known). Every date of the
 * subject becomes its CDISC study day from it. Defined here, below the dictionary (the
 * pseudonymised records) and the analysis (the pseudonymised report), so that both count from
 * the same day. `subject`: a subject record or a timeline; an empty text counts as absent.
 */
export function pseudonymDayOne(
  subject: { readonly enrolmentDate?: unknown; readonly diagnosisDate?: unknown },
  visitDates: readonly string[],
): string | null {
  const first = [...visitDates].sort()[0];
  const candidates = [subject.enrolmentDate, first, subject.diagnosisDate];
  return (candidates.find((d) => typeof d === 'string' && d !== '') as string | undefined) ?? null;
}
