/**
 * Every AE of the infused patients listed with its timing (ae-timing.ts: provenance,
 * treatment-emergence and what decided it, duration) and its window in the primary
 * first-infusion comparison, and the AEs tabulated by relatedness (the investigator's code and
 * the binary reading of definitions.md 8.3, the protocol's relatedCodes counting as related),
 * by seriousness (ICH E2A), by CTCAE grade and by MedDRA system organ class as the site coded
 * it (no MedDRA dictionary is shipped: classes are taken as written, an AE without one is
 * counted as not coded, never dropped). Each row counts the AEs before and after (the primary
 * windows), the treatment-emergent ones, all of them, and the patients with one.
 */
import {
  type AeRelatedness,
  day,
  type SubjectTimeline,
  type TimelineAdverseEvent,
} from '@jia-trial/protocol';
import {
  aeDuration,
  type ConsentSource,
  consentOf,
  type Emergence,
  type OnsetDecidedBy,
  type Provenance,
  provenanceOf,
  treatmentEmergence,
} from './ae-timing.js';
import { firstInfusionWindows, type WindowRules } from './safety.js';

export interface ListedAe {
  readonly subjectId: string;
  readonly aeId: string;
  readonly term: string;
  readonly preferredTerm: string | null;
  readonly systemOrganClass: string | null;
  readonly onsetDate: string;
  readonly onsetTime: string | null;
  readonly resolutionDate: string | null;
  readonly worsenedDate: string | null;
  /** Onset to resolution, both days counted; ongoing: to the data cut (a lower bound). */
  readonly durationDays: number;
  readonly ongoing: boolean;
  readonly grade: number;
  readonly serious: boolean;
  readonly related: AeRelatedness;
  /** The binary reading: one of the protocol's relatedCodes. */
  readonly relatedBinary: boolean;
  readonly provenance: Provenance;
  readonly consentSource: ConsentSource | null;
  /** null: not treatment-emergent. */
  readonly emergence: Emergence | null;
  readonly emergenceDecidedBy: OnsetDecidedBy | null;
  readonly daysAfterFirstInfusion: number;
  /** Its side in the primary first-infusion comparison (null: outside both windows). */
  readonly window: 'before' | 'after' | null;
}

export interface AeTableRow {
  /** The category: a code, a grade, or a system organ class (null: not coded). */
  readonly category: string | null;
  readonly before: number;
  readonly after: number;
  readonly treatmentEmergent: number;
  readonly all: number;
  readonly patients: number;
}

export interface AeTables {
  readonly relatedCodes: readonly AeRelatedness[];
  readonly byRelatedness: readonly AeTableRow[];
  readonly byRelated: readonly AeTableRow[];
  readonly bySeriousness: readonly AeTableRow[];
  readonly byGrade: readonly AeTableRow[];
  readonly bySystemOrganClass: readonly AeTableRow[];
  /** AEs with a system organ class (the table above is a MedDRA table only when > 0). */
  readonly systemOrganClassCoded: number;
}

const RELATEDNESS: readonly AeRelatedness[] = [
  'definite',
  'probable',
  'possible',
  'unlikely',
  'not_related',
];

export function listAes(
  timelines: readonly SubjectTimeline[],
  windowDays: number,
  rules: WindowRules,
  relatedCodes: readonly AeRelatedness[],
): ListedAe[] {
  return timelines
    .filter((t) => t.infusions.length > 0)
    .flatMap((t) => {
      const first = t.infusions[0] as SubjectTimeline['infusions'][number];
      const { row } = firstInfusionWindows(t, windowDays, rules);
      const before = new Set(row.pre.map((ae) => ae.aeId));
      const after = new Set(row.post.map((ae) => ae.aeId));
      const consent = consentOf(t);
      return t.adverseEvents.filter(rules.include).map((ae: TimelineAdverseEvent): ListedAe => {
        const duration = aeDuration(ae, rules.asOf);
        const emergence = treatmentEmergence(ae, first, rules.infusionDayRule);
        return {
          subjectId: t.subjectId,
          aeId: ae.aeId,
          term: ae.term,
          preferredTerm: ae.preferredTerm,
          systemOrganClass: ae.systemOrganClass,
          onsetDate: ae.onsetDate,
          onsetTime: ae.onsetTime,
          resolutionDate: ae.resolutionDate,
          worsenedDate: ae.worsenedDate,
          durationDays: duration.days,
          ongoing: duration.ongoing,
          grade: ae.grade,
          serious: ae.serious,
          related: ae.related,
          relatedBinary: relatedCodes.includes(ae.related),
          provenance: provenanceOf(ae.onsetDate, consent),
          consentSource: consent?.source ?? null,
          emergence: emergence.emergence,
          emergenceDecidedBy: emergence.decidedBy,
          daysAfterFirstInfusion: day(ae.onsetDate) - day(first.date),
          window: before.has(ae.aeId) ? 'before' : after.has(ae.aeId) ? 'after' : null,
        };
      });
    });
}

function tabulate(
  listed: readonly ListedAe[],
  categories: ReadonlyArray<string | null>,
  categoryOf: (ae: ListedAe) => string | null,
): AeTableRow[] {
  return categories.map((category) => {
    const in_ = listed.filter((ae) => categoryOf(ae) === category);
    return {
      category,
      before: in_.filter((ae) => ae.window === 'before').length,
      after: in_.filter((ae) => ae.window === 'after').length,
      treatmentEmergent: in_.filter((ae) => ae.emergence !== null).length,
      all: in_.length,
      patients: new Set(in_.map((ae) => ae.subjectId)).size,
    };
  });
}

export function tabulateAes(
  listed: readonly ListedAe[],
  relatedCodes: readonly AeRelatedness[],
): AeTables {
  const classes = [
    ...new Set(listed.map((ae) => ae.systemOrganClass).filter((c): c is string => c !== null)),
  ].sort();
  return {
    relatedCodes,
    byRelatedness: tabulate(listed, RELATEDNESS, (ae) => ae.related),
    byRelated: tabulate(listed, ['related', 'not_related'], (ae) =>
      ae.relatedBinary ? 'related' : 'not_related',
    ),
    bySeriousness: tabulate(listed, ['serious', 'not_serious'], (ae) =>
      ae.serious ? 'serious' : 'not_serious',
    ),
    byGrade: tabulate(listed, ['1', '2', '3', '4', '5'], (ae) => String(ae.grade)),
    bySystemOrganClass: tabulate(listed, [...classes, null], (ae) => ae.systemOrganClass),
    systemOrganClassCoded: listed.filter((ae) => ae.systemOrganClass !== null).length,
  };
}
