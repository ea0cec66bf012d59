/**
 * A study's records as the protocol engine's subject timelines, from their cell texts: one
 * mapping for every source, so that a study read from a bundle and the same study read from the
 * database give the same timelines (packages/store/src/timelines.test.ts checks it). The texts
 * are the bundle's (docs/bundle-format.md): ISO dates, `true`/`false`, plain decimals, an empty
 * cell absent.
 */
import {
  countActiveJointCodes,
  type IlarCategory,
  type LabAnalyte,
  type VisitObservation,
} from '@jia-trial/outcomes';
import type {
  SubjectTimeline,
  TimelineAdverseEvent,
  TimelineInfusion,
  TimelineMedication,
  TimelineVisit,
  VitalSigns,
} from '@jia-trial/protocol';
import { standardValue } from './lab-values.js';
import { recordType } from './records.js';

/** A record's cell texts by column name; an empty cell is absent. */
export type RecordTexts = ReadonlyMap<string, string>;

/** A study's records by bundle file, as cell texts; its visits already read. */
export interface StudyRecordTexts {
  readonly subjects: readonly RecordTexts[];
  readonly medications: readonly RecordTexts[];
  readonly infusions: readonly RecordTexts[];
  readonly adverseEvents: readonly RecordTexts[];
  readonly eligibility: readonly RecordTexts[];
  /** Each visit with its subject. */
  readonly visits: Iterable<readonly [string, TimelineVisit]>;
  /** JADI items (damage.csv), attached to their visits; absent: none recorded. */
  readonly damage?: readonly RecordTexts[];
}

const text = (row: RecordTexts, column: string): string => row.get(column) ?? '';
const optional = (row: RecordTexts, column: string): string | null => row.get(column) ?? null;
const number = (row: RecordTexts, column: string): number | null => {
  const value = row.get(column);
  return value === undefined ? null : Number(value);
};
const boolean = (row: RecordTexts, column: string): boolean | null => {
  const value = row.get(column);
  return value === undefined ? null : value === 'true';
};

function vitals(row: RecordTexts, when: 'pre' | 'post'): VitalSigns {
  return {
    heartRate: number(row, `${when}_heart_rate`),
    systolicBp: number(row, `${when}_systolic_bp`),
    diastolicBp: number(row, `${when}_diastolic_bp`),
    temperatureC: number(row, `${when}_temperature_c`),
    spo2: number(row, `${when}_spo2`),
  };
}

function groupBy<T>(items: Iterable<readonly [string, T]>): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const [key, item] of items) {
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** The visit fields an observation holds: its measures, findings and category, by key. */
const OBSERVED = recordType('visit').fields.filter(
  (f) =>
    f.type === 'integer' ||
    f.type === 'decimal' ||
    f.type === 'boolean' ||
    f.codeList === 'ilar_category',
);

/**
 * A visit's observations from its cell texts, as the visits reader of `jia-trial score` reads
 * them: every measure, finding and the category by its dictionary key, laboratory values in
 * standard units, and the active joints of the JADAS-27 subset counted from active_joint_codes
 * (0 when no joint is active; unknown otherwise).
 */
export function visitObservationOf(row: RecordTexts): VisitObservation {
  const out: Record<string, unknown> = {};
  for (const field of OBSERVED) {
    if (field.type === 'boolean') out[field.key] = boolean(row, field.name);
    else if (field.type === 'code') out[field.key] = optional(row, field.name);
    else {
      const value = number(row, field.name);
      out[field.key] =
        value === null || !field.unitField
          ? value
          : standardValue(field.key as LabAnalyte, value, optional(row, field.unitField));
    }
  }
  const codes = optional(row, 'active_joint_codes');
  const counted = codes === null ? null : countActiveJointCodes(codes.split(';'));
  if (counted) out.activeJoints = counted.active;
  out.activeJoints27 = counted?.active27 ?? (out.activeJoints === 0 ? 0 : null);
  return out as VisitObservation;
}

/** The subjects of a study, in the order of `records.subjects`, each with all its records. */
export function subjectTimelines(records: StudyRecordTexts): SubjectTimeline[] {
  const visits = groupBy(records.visits);
  const medications = groupBy(
    records.medications.map((r): [string, TimelineMedication] => [
      text(r, 'subject_id'),
      {
        drug: text(r, 'drug'),
        drugClass: text(r, 'drug_class') as TimelineMedication['drugClass'],
        startDate: text(r, 'start_date'),
        stopDate: optional(r, 'stop_date'),
        stopReason: optional(r, 'stop_reason') as TimelineMedication['stopReason'],
        doseMg: number(r, 'dose_mg'),
        route: optional(r, 'route'),
        jointCodes: optional(r, 'joint_codes')?.split(';') ?? null,
      },
    ]),
  );
  const infusions = groupBy(
    records.infusions.map((r): [string, TimelineInfusion] => [
      text(r, 'subject_id'),
      {
        date: text(r, 'infusion_date'),
        time: optional(r, 'infusion_time'),
        weightKg: Number(text(r, 'weight_kg')),
        cellsPerKg: Number(text(r, 'cells_per_kg')),
        totalCells: Number(text(r, 'total_cells')),
        productLot: text(r, 'product_lot'),
        infusionReaction: text(r, 'infusion_reaction') === 'true',
        volumeMl: number(r, 'volume_ml'),
        viabilityPct: number(r, 'viability_pct'),
        passage: number(r, 'passage'),
        productState: optional(r, 'product_state'),
        donorCode: optional(r, 'donor_code'),
        pre: vitals(r, 'pre'),
        post: vitals(r, 'post'),
      },
    ]),
  );
  const adverseEvents = groupBy(
    records.adverseEvents.map((r): [string, TimelineAdverseEvent] => [
      text(r, 'subject_id'),
      {
        aeId: text(r, 'ae_id'),
        term: text(r, 'term'),
        onsetDate: text(r, 'onset_date'),
        onsetTime: optional(r, 'onset_time'),
        resolutionDate: optional(r, 'resolution_date'),
        worsenedDate: optional(r, 'worsened_date'),
        grade: Number(text(r, 'grade')),
        serious: text(r, 'serious') === 'true',
        related: text(r, 'related') as TimelineAdverseEvent['related'],
        preferredTerm: optional(r, 'preferred_term'),
        systemOrganClass: optional(r, 'system_organ_class'),
        // The field's default (the dictionary's defaultFrom): the onset.
        awarenessDate: optional(r, 'awareness_date') ?? text(r, 'onset_date'),
        reportedDate: optional(r, 'reported_date'),
      },
    ]),
  );
  // An answer given as a missing-data code (not done, unknown: ADR 0040) is no answer: the
  // criterion stays unknown to the engine, as one never answered (eligibility.ts).
  const confirmations = groupBy(
    records.eligibility
      .filter((r) => r.has('value'))
      .map((r): [string, [string, { value: boolean; date: string }]] => [
        text(r, 'subject_id'),
        [
          text(r, 'criterion_id'),
          { value: text(r, 'value') === 'true', date: text(r, 'assessed_date') },
        ],
      ]),
  );
  const damage = new Map<string, Record<string, number>>();
  for (const r of records.damage ?? []) {
    const visitId = text(r, 'visit_id');
    const items = damage.get(visitId) ?? {};
    items[text(r, 'item')] = Number(text(r, 'score'));
    damage.set(visitId, items);
  }
  const withDamage = (visit: TimelineVisit): TimelineVisit => {
    const items = damage.get(visit.visitId);
    return items ? { ...visit, damage: items } : visit;
  };
  return records.subjects.map((r) => {
    const id = text(r, 'subject_id');
    return {
      subjectId: id,
      sex: text(r, 'sex') as SubjectTimeline['sex'],
      birthDate: text(r, 'birth_date'),
      ilarCategory: text(r, 'ilar_category') as IlarCategory,
      diagnosisDate: text(r, 'diagnosis_date'),
      enrolmentDate: optional(r, 'enrolment_date'),
      consentDate: optional(r, 'consent_date'),
      withdrawalDate: optional(r, 'withdrawal_date'),
      visits: (visits.get(id) ?? []).map(withDamage),
      medications: medications.get(id) ?? [],
      infusions: infusions.get(id) ?? [],
      adverseEvents: adverseEvents.get(id) ?? [],
      confirmations: Object.fromEntries(confirmations.get(id) ?? []),
    };
  });
}
