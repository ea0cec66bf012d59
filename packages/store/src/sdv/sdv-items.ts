/**
 * What a monitor verifies against the source (docs/data-management.md, "Source data
 * verification"; ADR 0038): the items of a casebook. An item is one filled field of one record
 * of a subject: a visit's ESR, a joint finding's swelling, a CHAQ answer's score, a medication's
 * dose. Left out are a record's identity and its links (a visit's id and subject, a joint
 * finding's visit and joint: what the value is *of*, not a value), the subject's site (where the
 * subject is followed, changed by a transfer, not a source value), and a laboratory value's unit,
 * which is verified with its value (one item: "CRP 3.1 mg/dL"). An empty field is not an item:
 * there is nothing entered to verify; once filled it becomes one, unverified.
 *
 * Records are read as their bundle texts (records/record-texts.ts), the one reading of the
 * clinical tables, so "filled" is the forms' isFilled on the same texts.
 */
import {
  columnOf,
  type FieldDefinition,
  isFilled,
  RECORD_TYPES,
  type RecordType,
  type RecordTypeId,
} from '@jia-trial/dictionary';
import type pg from 'pg';
import { fileOf, readRecordTexts } from '../records/record-texts.js';

/**
 * Record types whose natural key is made of facts a correction may change (a drug, a start date,
 * an infusion day), corrected by row id (docs/store.md, "Medications and infusions"): their key
 * fields are values to verify. The other types' keys are assigned ids or a pair a correction
 * does not change: identity.
 */
const KEY_IS_A_VALUE: ReadonlySet<RecordTypeId> = new Set(['medication', 'infusion']);

/** Fields that are no source value: the subject's site follows transfers (sites/transfers.ts). */
const NOT_SOURCE_VALUES: ReadonlySet<string> = new Set(['subject.site']);

/** A verifiable field of a record type, with the columns a change of which clears it. */
export interface SdvField {
  readonly field: FieldDefinition;
  /** The columns holding the value (the value and, for a laboratory value, its unit). */
  readonly columns: readonly string[];
  /**
   * The columns a verification watches: its own, and the record's identity and links (a value
   * moved to another visit or subject is not the value that was verified).
   */
  readonly watched: readonly string[];
}

/** The identity and link fields of a record type (by name). */
function identityFields(record: RecordType): Set<string> {
  const names = new Set(record.references.flatMap((r) => r.fields));
  if (!KEY_IS_A_VALUE.has(record.id)) for (const name of record.key) names.add(name);
  // A key that is a value still links the record to its subject.
  return names;
}

const FIELDS_OF = new Map<RecordTypeId, readonly SdvField[]>(
  RECORD_TYPES.map((record) => {
    const identity = identityFields(record);
    const units = new Set(record.fields.flatMap((f) => (f.unitField ? [f.unitField] : [])));
    const identityColumns = record.fields
      .filter((f) => identity.has(f.name))
      .map((f) => columnOf(f));
    const fields = record.fields
      .filter(
        (f) =>
          !identity.has(f.name) &&
          !units.has(f.name) &&
          !NOT_SOURCE_VALUES.has(`${record.id}.${f.name}`),
      )
      .map((field) => {
        const unit = field.unitField ? [field.unitField] : [];
        const columns = [columnOf(field), ...unit];
        return { field, columns, watched: [...columns, ...identityColumns] };
      });
    return [record.id, fields];
  }),
);

/** The verifiable fields of a record type. */
export function sdvFields(table: RecordTypeId): readonly SdvField[] {
  return FIELDS_OF.get(table) ?? [];
}

/** One item: a filled field of a stored record. */
export interface SdvItem {
  readonly subjectId: string;
  /** The visit it belongs to: a visit's own field or a visit's joint finding, CHAQ answer, JADI item; null: the subject's own records. */
  readonly visitId: string | null;
  readonly table: RecordTypeId;
  /** The record key as the audit trail writes it (`demo/D01-W8`). */
  readonly recordKey: string;
  readonly rowId: string;
  /** The record's version now. */
  readonly version: number;
  /** The field's name and its key in the API (`esr`, `physicianGlobal`). */
  readonly field: string;
  readonly fieldKey: string;
  readonly label: string;
  /** The value as its cell text, with its unit when it has one (`3.1 mg/dL`). */
  readonly value: string;
  readonly watched: readonly string[];
}

export interface ReadItemsOptions {
  /** One subject's items; absent: the study's. */
  readonly subjectId?: string;
}

/** The visit a record belongs to, by its texts. */
function visitOf(table: RecordTypeId, texts: ReadonlyMap<string, string>): string | null {
  if (table === 'visit') return texts.get('visit_id') ?? null;
  const record = RECORD_TYPES.find((r) => r.id === table);
  const ref = record?.references.find((r) => r.to === 'visit');
  return ref ? (texts.get(ref.fields[0] as string) ?? null) : null;
}

/** Every record of the study (or a subject) with its subject and visit, as texts. */
export interface CasebookRecord {
  readonly table: RecordTypeId;
  readonly subjectId: string;
  readonly visitId: string | null;
  readonly recordKey: string;
  readonly rowId: string;
  readonly version: number;
  readonly texts: ReadonlyMap<string, string>;
}

/**
 * Every clinical record of the study, or of one subject, in record type order (subjects, visits,
 * their children, the subject's own records), each with its subject and visit.
 */
export async function readCasebookRecords(
  client: pg.ClientBase,
  studyId: string,
  options: ReadItemsOptions = {},
): Promise<CasebookRecord[]> {
  const query = options.subjectId === undefined ? {} : { subjectId: options.subjectId };
  const subjectOfVisit = new Map<string, string>();
  const out: CasebookRecord[] = [];
  for (const record of RECORD_TYPES) {
    const rows = await readRecordTexts(client, studyId, fileOf(record.id), query);
    for (const texts of rows) {
      const visitId = visitOf(record.id, texts);
      const subjectId =
        texts.get('subject_id') ?? (visitId === null ? undefined : subjectOfVisit.get(visitId));
      if (subjectId === undefined) continue; // unreachable: every record reaches its subject
      if (record.id === 'visit' && visitId !== null) subjectOfVisit.set(visitId, subjectId);
      out.push({
        table: record.id,
        subjectId,
        visitId,
        recordKey: [studyId, ...record.key.map((name) => texts.get(name) ?? '')].join('/'),
        rowId: texts.get('row_id') as string,
        version: Number(texts.get('version')),
        texts,
      });
    }
  }
  return out;
}

/** The items of stored records: each filled verifiable field. */
export function itemsOf(records: readonly CasebookRecord[]): SdvItem[] {
  const items: SdvItem[] = [];
  for (const record of records)
    for (const { field, watched } of sdvFields(record.table)) {
      const text = record.texts.get(field.name);
      if (!isFilled(text)) continue;
      const unit = field.unitField
        ? (record.texts.get(field.unitField) ?? field.unit?.symbol)
        : field.unit?.symbol;
      items.push({
        subjectId: record.subjectId,
        visitId: record.visitId,
        table: record.table,
        recordKey: record.recordKey,
        rowId: record.rowId,
        version: record.version,
        field: field.name,
        fieldKey: field.key,
        label: field.label,
        value: unit ? `${text} ${unit}` : (text as string),
        watched,
      });
    }
  return items;
}
