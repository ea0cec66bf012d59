/**
 * A validated study bundle as the protocol engine's subject timelines: one reader of the bundle
 * (readBundle, the same validation as `jia-trial import`) for every command that reasons about
 * subjects without a database (`jia-trial status`, and the report).
 */
import { formatIsoDate, type IlarCategory } from '@jia-trial/outcomes';
import type {
  SubjectTimeline,
  TimelineAdverseEvent,
  TimelineInfusion,
  TimelineMedication,
  TimelineVisit,
  VitalSigns,
} from '@jia-trial/protocol';
import { readObservation } from '../visits-csv/score-rows.js';
import type { VisitTable } from '../visits-csv/visit-table.js';
import type { BundleReading } from './read-bundle.js';

type Row = ReadonlyMap<string, string>;

const text = (row: Row, column: string): string => row.get(column) ?? '';
const optional = (row: Row, column: string): string | null => row.get(column) ?? null;
const number = (row: Row, column: string): number | null => {
  const value = row.get(column);
  return value === undefined ? null : Number(value);
};

function vitals(row: Row, when: 'pre' | 'post'): VitalSigns {
  return {
    heartRate: number(row, `${when}_heart_rate`),
    systolicBp: number(row, `${when}_systolic_bp`),
    diastolicBp: number(row, `${when}_diastolic_bp`),
    temperatureC: number(row, `${when}_temperature_c`),
    spo2: number(row, `${when}_spo2`),
  };
}

function groupBy<T>(items: Iterable<[string, T]>): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const [key, item] of items) {
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function* visitsOf(table: VisitTable | null): Generator<[string, TimelineVisit]> {
  if (!table) return;
  for (let row = 0; row < table.count; row++)
    yield [
      table.subjectIds[table.subject[row] as number] as string,
      {
        visitId: table.ids.id(row),
        date: formatIsoDate(table.day[row] as number),
        observation: readObservation(table, row),
      },
    ];
}

/** The subjects of a bundle without problems (check `reading.problems` first), in file order. */
export function bundleTimelines(reading: BundleReading): SubjectTimeline[] {
  const rows = (file: Parameters<BundleReading['validated']['get']>[0]) =>
    (reading.validated.get(file)?.rows ?? []).map((r) => r.values);
  const visits = groupBy(visitsOf(reading.visits));
  const medications = groupBy(
    rows('medications.csv').map((r): [string, TimelineMedication] => [
      text(r, 'subject_id'),
      {
        drug: text(r, 'drug'),
        drugClass: text(r, 'drug_class') as TimelineMedication['drugClass'],
        startDate: text(r, 'start_date'),
        stopDate: optional(r, 'stop_date'),
        stopReason: optional(r, 'stop_reason') as TimelineMedication['stopReason'],
      },
    ]),
  );
  const infusions = groupBy(
    rows('infusions.csv').map((r): [string, TimelineInfusion] => [
      text(r, 'subject_id'),
      {
        date: text(r, 'infusion_date'),
        weightKg: Number(text(r, 'weight_kg')),
        cellsPerKg: Number(text(r, 'cells_per_kg')),
        totalCells: Number(text(r, 'total_cells')),
        productLot: text(r, 'product_lot'),
        infusionReaction: text(r, 'infusion_reaction') === 'true',
        volumeMl: number(r, 'volume_ml'),
        pre: vitals(r, 'pre'),
        post: vitals(r, 'post'),
      },
    ]),
  );
  const adverseEvents = groupBy(
    rows('adverse_events.csv').map((r): [string, TimelineAdverseEvent] => [
      text(r, 'subject_id'),
      {
        aeId: text(r, 'ae_id'),
        term: text(r, 'term'),
        onsetDate: text(r, 'onset_date'),
        resolutionDate: optional(r, 'resolution_date'),
        grade: Number(text(r, 'grade')),
        serious: text(r, 'serious') === 'true',
        awarenessDate: optional(r, 'awareness_date') ?? text(r, 'onset_date'),
        reportedDate: optional(r, 'reported_date'),
      },
    ]),
  );
  const confirmations = groupBy(
    rows('eligibility.csv').map((r): [string, [string, { value: boolean; date: string }]] => [
      text(r, 'subject_id'),
      [
        text(r, 'criterion_id'),
        { value: text(r, 'value') === 'true', date: text(r, 'assessed_date') },
      ],
    ]),
  );
  return rows('subjects.csv').map((r) => {
    const id = text(r, 'subject_id');
    return {
      subjectId: id,
      sex: text(r, 'sex') as SubjectTimeline['sex'],
      birthDate: text(r, 'birth_date'),
      ilarCategory: text(r, 'ilar_category') as IlarCategory,
      diagnosisDate: text(r, 'diagnosis_date'),
      enrolmentDate: optional(r, 'enrolment_date'),
      withdrawalDate: optional(r, 'withdrawal_date'),
      visits: visits.get(id) ?? [],
      medications: medications.get(id) ?? [],
      infusions: infusions.get(id) ?? [],
      adverseEvents: adverseEvents.get(id) ?? [],
      confirmations: Object.fromEntries(confirmations.get(id) ?? []),
    };
  });
}
