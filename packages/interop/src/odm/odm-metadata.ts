/**
 * The ODM `Study` element: GlobalVariables, the measurement units (BasicDefinitions) and one
 * MetaDataVersion generated from the field dictionary (odm-layout.ts) and the study's protocol
 * (its scheduled visits). Data types, lengths, ranges (RangeCheck), units (MeasurementUnitRef),
 * code lists and LOINC codes (Alias Context="LOINC") all come from the dictionary's fields.
 */
import {
  CODE_LISTS,
  type CodeListId,
  type FieldDefinition,
  type FieldType,
  type RecordType,
} from '@jia-trial/dictionary';
import type { ProtocolDefinition } from '@jia-trial/protocol';
import type { XmlText } from '../exchange/xml-text.js';
import { isRepeatingVisit, scheduledEventOid } from './odm-events.js';
import { type OdmForm, SUBJECT_EVENT_OID, UNSCHEDULED_EVENT_OID } from './odm-layout.js';

const DATA_TYPES: Readonly<Record<FieldType, string>> = {
  id: 'text',
  text: 'text',
  date: 'date',
  partial_date: 'partialDate',
  boolean: 'boolean',
  integer: 'integer',
  decimal: 'float',
  code: 'text',
  codes: 'text',
  chaq_score: 'integer',
};

export function odmDataType(field: FieldDefinition): string {
  return DATA_TYPES[field.type];
}

export const codeListOid = (id: CodeListId) => `CL.${id.toUpperCase()}`;
export const unitOid = (ucum: string) => `MU.${ucum.replace(/[^A-Za-z0-9]+/g, '_')}`;

/** A code list referenced by the field's ItemDef (a `codes` list is several codes: no ref). */
function codeListOf(field: FieldDefinition): CodeListId | null {
  return field.codeList && field.type !== 'codes' ? field.codeList : null;
}

/** The units an item may be in: its standard unit first, then the others of its unit field. */
export function unitsOf(
  field: FieldDefinition,
  record: RecordType,
): Array<{ symbol: string; ucum: string }> {
  if (!field.unit) return [];
  const units = [field.unit];
  const unitField = field.unitField
    ? record.fields.find((f) => f.name === field.unitField)
    : undefined;
  if (unitField?.codeList)
    for (const code of CODE_LISTS[unitField.codeList].codes)
      if (!units.some((u) => u.ucum === (code.ucum ?? code.code)))
        units.push({ symbol: code.code, ucum: code.ucum ?? code.code });
  return units;
}

export interface MetaDataInput {
  readonly studyOid: string;
  readonly metaDataVersionOid: string;
  readonly studyId: string;
  readonly title: string | null;
  readonly protocol: ProtocolDefinition | null;
  readonly forms: readonly OdmForm[];
}

export function metaDataVersionOid(protocol: ProtocolDefinition | null): string {
  return protocol ? `MDV.${protocol.id}.${protocol.version}` : 'MDV.NO_PROTOCOL';
}

interface EventDef {
  readonly oid: string;
  readonly name: string;
  readonly repeating: boolean;
  readonly type: 'Scheduled' | 'Unscheduled' | 'Common';
  readonly description: string;
  readonly kind: 'subject' | 'visit';
}

function eventDefs(protocol: ProtocolDefinition | null): EventDef[] {
  const scheduled: EventDef[] = (protocol?.schedule.visits ?? []).map((v) => ({
    oid: scheduledEventOid(v),
    name: v.name,
    repeating: isRepeatingVisit(v),
    type: 'Scheduled',
    description: `Day ${v.day} after ${v.anchor === 'enrolment' ? 'enrolment' : 'each infusion'} (window -${v.windowBefore}/+${v.windowAfter} days)`,
    kind: 'visit',
  }));
  return [
    {
      oid: SUBJECT_EVENT_OID,
      name: 'Subject',
      repeating: false,
      type: 'Common',
      description:
        "The subject's own records: demographics and the records kept for the subject, not for a visit",
      kind: 'subject',
    },
    ...scheduled,
    {
      oid: UNSCHEDULED_EVENT_OID,
      name: 'Unscheduled visit',
      repeating: true,
      type: 'Unscheduled',
      description: protocol
        ? 'A visit that fulfils no scheduled visit of the protocol'
        : 'A visit (the study has no protocol, so no visit is scheduled)',
      kind: 'visit',
    },
  ];
}

const yesNo = (value: boolean) => (value ? 'Yes' : 'No');

function writeItemDef(xml: XmlText, form: OdmForm, field: FieldDefinition, oid: string): void {
  const record = form.group.record;
  const codeList = codeListOf(field);
  const length =
    field.maxLength ??
    (codeList ? Math.max(...CODE_LISTS[codeList].codes.map((c) => c.code.length)) : undefined);
  xml.start('ItemDef', {
    OID: oid,
    Name: field.name,
    DataType: odmDataType(field),
    Length: DATA_TYPES[field.type] === 'text' ? length : undefined,
  });
  xml.translated('Question', field.label);
  const units = unitsOf(field, record);
  for (const unit of units)
    xml.leaf('MeasurementUnitRef', { MeasurementUnitOID: unitOid(unit.ucum) });
  if (field.range) {
    const checks: Array<[string, number]> = [
      [field.range.minExclusive ? 'GT' : 'GE', field.range.min],
      ...(field.range.max === undefined
        ? []
        : ([['LE', field.range.max]] as Array<[string, number]>)),
    ];
    for (const [comparator, value] of checks) {
      xml.start('RangeCheck', { Comparator: comparator, SoftHard: 'Hard' });
      xml.leaf('CheckValue', {}, String(value));
      // A value entered in another unit is compared once converted to the standard unit.
      if (units.length > 1 && units[0])
        xml.leaf('MeasurementUnitRef', { MeasurementUnitOID: unitOid(units[0].ucum) });
      xml.end();
    }
  }
  if (codeList) xml.leaf('CodeListRef', { CodeListOID: codeListOid(codeList) });
  if (field.standardCode) xml.leaf('Alias', { Context: 'LOINC', Name: field.standardCode.code });
  for (const [unit, code] of Object.entries(field.standardCodeByUnit ?? {}))
    xml.leaf('Alias', { Context: `LOINC (${unit})`, Name: code.code });
  if (field.type === 'codes' && field.codeList)
    xml.leaf('Alias', {
      Context: 'jia-trial:codes-separated-by-semicolon',
      Name: codeListOid(field.codeList),
    });
  if (field.type === 'chaq_score')
    xml.leaf('Alias', { Context: 'jia-trial:not-applicable', Name: 'IsNull="Yes"' });
  xml.end();
}

function writeUnits(xml: XmlText, forms: readonly OdmForm[]): void {
  const units = new Map<string, string>();
  for (const form of forms)
    for (const item of form.group.items)
      for (const unit of unitsOf(item.field, form.group.record)) units.set(unit.ucum, unit.symbol);
  if (units.size === 0) return;
  xml.start('BasicDefinitions');
  for (const [ucum, symbol] of units) {
    xml.start('MeasurementUnit', { OID: unitOid(ucum), Name: symbol });
    xml.translated('Symbol', symbol);
    xml.leaf('Alias', { Context: 'UCUM', Name: ucum });
    xml.end();
  }
  xml.end();
}

function writeEventDefs(
  xml: XmlText,
  forms: readonly OdmForm[],
  events: readonly EventDef[],
): void {
  xml.start('Protocol');
  for (const [i, event] of events.entries())
    xml.leaf('StudyEventRef', { StudyEventOID: event.oid, OrderNumber: i + 1, Mandatory: 'No' });
  xml.end();
  for (const event of events) {
    xml.start('StudyEventDef', {
      OID: event.oid,
      Name: event.name,
      Repeating: yesNo(event.repeating),
      Type: event.type,
    });
    xml.translated('Description', event.description);
    for (const [i, form] of forms.filter((f) => f.event === event.kind).entries())
      xml.leaf('FormRef', { FormOID: form.oid, OrderNumber: i + 1, Mandatory: 'No' });
    xml.end();
  }
  for (const form of forms) {
    xml.start('FormDef', { OID: form.oid, Name: form.name, Repeating: 'No' });
    xml.leaf('ItemGroupRef', { ItemGroupOID: form.group.oid, OrderNumber: 1, Mandatory: 'No' });
    xml.end();
  }
}

function writeGroupDefs(xml: XmlText, forms: readonly OdmForm[]): void {
  for (const { group } of forms) {
    xml.start('ItemGroupDef', {
      OID: group.oid,
      Name: group.name,
      Repeating: yesNo(group.repeating),
      Purpose: 'Tabulation',
    });
    const keys = group.record.key.filter((k) => group.items.some((i) => i.field.name === k));
    for (const [i, item] of group.items.entries()) {
      const keyAt = keys.indexOf(item.field.name);
      xml.leaf('ItemRef', {
        ItemOID: item.oid,
        OrderNumber: i + 1,
        // A required field that accepts a missing-data code may give its companion instead (ADR 0040).
        Mandatory: yesNo(item.field.required && item.field.missingField === undefined),
        KeySequence: group.repeating && keyAt >= 0 ? keyAt + 1 : undefined,
      });
    }
    xml.leaf('Alias', { Context: 'jia-trial:record-type', Name: group.record.id });
    xml.end();
  }
}

function writeCodeLists(xml: XmlText, forms: readonly OdmForm[]): void {
  const codeLists = new Map<CodeListId, string>();
  for (const form of forms)
    for (const item of form.group.items) {
      const list = codeListOf(item.field);
      if (list) codeLists.set(list, odmDataType(item.field) === 'integer' ? 'integer' : 'text');
    }
  for (const [id, dataType] of codeLists) {
    const list = CODE_LISTS[id];
    xml.start('CodeList', { OID: codeListOid(id), Name: list.label, DataType: dataType });
    xml.translated('Description', `Source: ${list.source}`);
    for (const [i, code] of list.codes.entries()) {
      xml.start('CodeListItem', { CodedValue: code.code, OrderNumber: i + 1 });
      xml.translated('Decode', code.label);
      if (code.ucum) xml.leaf('Alias', { Context: 'UCUM', Name: code.ucum });
      xml.end();
    }
    xml.end();
  }
}

export function writeStudy(xml: XmlText, input: MetaDataInput): void {
  const { protocol, forms } = input;
  xml.start('Study', { OID: input.studyOid });
  xml.start('GlobalVariables');
  xml.leaf('StudyName', {}, input.studyId);
  xml.leaf('StudyDescription', {}, input.title ?? protocol?.title ?? input.studyId);
  xml.leaf('ProtocolName', {}, protocol?.id ?? 'none');
  xml.end();
  writeUnits(xml, forms);
  xml.start('MetaDataVersion', {
    OID: input.metaDataVersionOid,
    Name: protocol ? `${protocol.title}, version ${protocol.version}` : 'No protocol',
    Description: 'Generated by jia-trial from its field dictionary and the study protocol',
  });
  writeEventDefs(xml, forms, eventDefs(protocol));
  writeGroupDefs(xml, forms);
  for (const form of forms)
    for (const item of form.group.items) writeItemDef(xml, form, item.field, item.oid);
  writeCodeLists(xml, forms);
  xml.end(); // MetaDataVersion
  xml.end(); // Study
}
