/**
 * How the field dictionary becomes ODM 1.3.2 metadata (docs/interop.md, ADR 0027): one ItemDef
 * per field of every record type (OID `IT.<RECORD>.<FIELD>`), one ItemGroupDef per record type
 * (the visit's split in its core set and its laboratory values), one FormDef per group, and
 * two kinds of StudyEventDef: the subject's own records (`SE.SUBJECT`) and a visit (one per
 * scheduled visit of the protocol, plus `SE.UNSCHEDULED`). Everything is derived from
 * RECORD_TYPES, so a record type or a field added to the dictionary appears in the metadata and
 * the clinical data with no change here:
 * - a record type that references a visit repeats inside the visit's event (joint findings,
 *   CHAQ answers); one that references only a subject repeats inside SE.SUBJECT;
 * - the fields that name the container are structural, not items: a record's reference fields
 *   (a joint finding's visit_id is the visit it sits in), the subject's subject_id (the
 *   SubjectKey) and site (the SiteRef). Every other stored value is exactly one ItemData.
 */
import {
  type FieldDefinition,
  RECORD_TYPES,
  type RecordType,
  type RecordTypeId,
} from '@jia-trial/dictionary';

export type EventKind = 'subject' | 'visit';

export interface OdmItem {
  readonly oid: string;
  readonly field: FieldDefinition;
}

export interface OdmGroup {
  readonly oid: string;
  readonly name: string;
  readonly record: RecordType;
  readonly repeating: boolean;
  readonly items: readonly OdmItem[];
}

export interface OdmForm {
  readonly oid: string;
  readonly name: string;
  readonly event: EventKind;
  readonly group: OdmGroup;
}

export const SUBJECT_EVENT_OID = 'SE.SUBJECT';
export const UNSCHEDULED_EVENT_OID = 'SE.UNSCHEDULED';

const upper = (name: string) => name.toUpperCase();

export function itemOid(record: RecordTypeId, field: string): string {
  return `IT.${upper(record)}.${upper(field)}`;
}

/** The fields of a record type that are its container in ODM, not items. */
export function structuralFields(record: RecordType): ReadonlySet<string> {
  if (record.id === 'subject') return new Set(['subject_id', 'site']);
  return new Set(record.references.flatMap((r) => r.fields));
}

/** Where a record type sits: in a visit's event or in the subject's. */
export function eventKindOf(record: RecordType): EventKind {
  if (record.id === 'visit') return 'visit';
  return record.references.some((r) => r.to === 'visit') ? 'visit' : 'subject';
}

/**
 * A visit's laboratory values: the fields with a LOINC code or a unit of entry, and those unit
 * fields. The rest of the visit is its core set (ODM form F.VISIT.CORE).
 */
export function isLaboratoryField(record: RecordType, field: FieldDefinition): boolean {
  // A missing-data code sits in its field's group (crp_missing with crp; ADR 0040).
  const valueField = field.missingFor
    ? record.fields.find((f) => f.name === field.missingFor)
    : undefined;
  if (valueField) return isLaboratoryField(record, valueField);
  const unitFields = new Set(record.fields.flatMap((f) => (f.unitField ? [f.unitField] : [])));
  return (
    field.standardCode !== undefined ||
    field.standardCodeByUnit !== undefined ||
    field.unitField !== undefined ||
    unitFields.has(field.name)
  );
}

function group(
  record: RecordType,
  oid: string,
  name: string,
  fields: readonly FieldDefinition[],
  repeating: boolean,
): OdmGroup {
  const structural = structuralFields(record);
  return {
    oid,
    name,
    record,
    repeating,
    items: fields
      .filter((f) => !structural.has(f.name))
      .map((field) => ({ oid: itemOid(record.id, field.name), field })),
  };
}

/** The forms of every record type of `records` (the dictionary's, by default), in its order. */
export function odmForms(records: readonly RecordType[] = RECORD_TYPES): OdmForm[] {
  const forms: OdmForm[] = [];
  for (const record of records) {
    const id = upper(record.id);
    if (record.id === 'visit') {
      const lab = record.fields.filter((f) => isLaboratoryField(record, f));
      const core = record.fields.filter((f) => !isLaboratoryField(record, f));
      forms.push(
        {
          oid: 'F.VISIT.CORE',
          name: 'Visit: core set',
          event: 'visit',
          group: group(record, 'IG.VISIT.CORE', 'Visit: core set', core, false),
        },
        {
          oid: 'F.VISIT.LAB',
          name: 'Visit: laboratory',
          event: 'visit',
          group: group(record, 'IG.VISIT.LAB', 'Visit: laboratory', lab, false),
        },
      );
      continue;
    }
    const repeating = record.id !== 'subject';
    forms.push({
      oid: `F.${id}`,
      name: record.label,
      event: eventKindOf(record),
      group: group(record, `IG.${id}`, record.label, record.fields, repeating),
    });
  }
  return forms;
}

/** The key of a repeating group's record: its key fields' values, joined by `|`. */
export function repeatKeyOf(record: RecordType, value: (field: string) => string): string {
  const structural = structuralFields(record);
  return record.key
    .filter((k) => !structural.has(k))
    .map(value)
    .join('|');
}
