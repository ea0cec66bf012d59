/**
 * The Observations of the FHIR export as JSON text (docs/interop.md, ADR 0028; docs/performance.md
 * says why): a field's Observation is the same from one record to the next but for its id, its
 * value and its record's context (subject, date, encounter), so everything else (category, code,
 * coding, units) is written once per field, here, by JSON.stringify of the same objects the
 * export has always built, and each Observation is those fragments joined around its value. The
 * value of a field follows the field dictionary as fieldValue always did:
 * - boolean: valueBoolean; integer and decimal: valueQuantity in the unit its unit field names
 *   (UCUM from the unit's code list), or its standard unit, or a coding when the field has a code
 *   list (the CTCAE grade); chaq_score: valueInteger, "na" the dataAbsentReason not-applicable;
 * - code: a coding with the code list's display; codes: a coding per code; date: valueDateTime;
 *   anything else valueString;
 * - an empty field with a missing-data code (ADR 0040): the code's dataAbsentReason, and no
 *   value; an empty field without one: no Observation.
 */
import {
  CODE_LISTS,
  DATA_ABSENT_REASON_SYSTEM,
  DATA_ABSENT_REASONS,
  type FieldDefinition,
  MISSING_CODE_LABELS,
  MISSING_CODES,
  type RecordTexts,
  type RecordType,
} from '@jia-trial/dictionary';
import { structuralFields } from '../odm/odm-layout.js';
import { type BundleBytes, utf8 } from './fhir-bytes.js';
import {
  codeListSystem,
  fieldCoding,
  recordCoding,
  SCORES,
  type ScoreKey,
  scoreCoding,
  UCUM,
} from './fhir-codes.js';
import { jsonNumber, jsonString } from './fhir-json.js';

/** The start of every Observation, up to its category or code. */
export const OBSERVATION = '{"resourceType":"Observation","status":"final",';

/** The members of an object as JSON.stringify writes them, without the braces. */
export const membersOf = (value: object): string => JSON.stringify(value).slice(1, -1);

const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
const categoryOf = (code: string) => ({
  category: [{ coding: [{ system: OBSERVATION_CATEGORY, code }] }],
});

/** `"dataAbsentReason":...` of each missing-data code. */
const ABSENT: ReadonlyMap<string, string> = new Map(
  MISSING_CODES.map((code) => [
    code,
    membersOf({
      dataAbsentReason: {
        coding: [
          {
            system: DATA_ABSENT_REASON_SYSTEM,
            code: DATA_ABSENT_REASONS[code].code,
            display: DATA_ABSENT_REASONS[code].display,
          },
        ],
        text: MISSING_CODE_LABELS[code],
      },
    }),
  ]),
);

const NOT_APPLICABLE = membersOf({
  dataAbsentReason: { coding: [{ system: DATA_ABSENT_REASON_SYSTEM, code: 'not-applicable' }] },
});

const ABSENT_BYTES: ReadonlyMap<string, Uint8Array> = new Map(
  [...ABSENT].map(([code, text]) => [code, utf8(text)]),
);
const TRUE = utf8('"valueBoolean":true');
const FALSE = utf8('"valueBoolean":false');
const QUANTITY = utf8('"valueQuantity":{"value":');
const DATE_TIME = utf8('"valueDateTime":');
const STRING = utf8('"valueString":');

/** How a field's value is written, and the constant parts of its Observation and component. */
export class FieldText {
  /** `"category":[...],"code":{...}` of its Observation, by the unit entered ('' none). */
  private readonly heads = new Map<string, string>();
  /** `{"code":{...},` of its component (a record's Observation). */
  readonly componentHead: string;
  /** `"valueCodeableConcept":...` of each code of its code list (code and codes fields). */
  private readonly codings = new Map<string, string>();
  /** The end of a valueQuantity after its value, by the unit entered ('' none). */
  private readonly quantityEnds = new Map<string, string>();
  private readonly defaultQuantityEnd: string;
  private readonly system: string | undefined;
  /** The field naming why this one is empty, and the field holding its unit. */
  private readonly missingField: string | undefined;
  private readonly unitField: string | undefined;
  /** The field's name in UTF-8: the end of its Observations' names (fhir-ids.ts). */
  readonly nameBytes: Uint8Array;
  /** observationHead as bytes, with the Observation's start before and a comma after. */
  private readonly headBytes = new Map<string, Uint8Array>();
  private readonly codingBytes = new Map<string, Uint8Array>();
  private readonly quantityEndBytes = new Map<string, Uint8Array>();
  private readonly defaultQuantityEndBytes: Uint8Array;

  constructor(
    readonly record: RecordType,
    readonly field: FieldDefinition,
  ) {
    this.componentHead = `{"code":${JSON.stringify({ coding: [fieldCoding(record, field)], text: field.label })},`;
    this.system = field.codeList ? codeListSystem(field.codeList) : undefined;
    this.missingField = field.missingField;
    this.unitField = field.unitField;
    this.nameBytes = utf8(field.name);
    if (field.codeList && field.type === 'code')
      for (const c of CODE_LISTS[field.codeList].codes)
        if (!this.codings.has(c.code)) this.codings.set(c.code, this.coding(c.code, c.label));
    const unitList = record.fields.find((f) => f.name === field.unitField)?.codeList;
    this.defaultQuantityEnd = quantityEnd(field.unit?.symbol, field.unit?.ucum);
    if (unitList)
      for (const unit of CODE_LISTS[unitList].codes)
        if (!this.quantityEnds.has(unit.code))
          this.quantityEnds.set(unit.code, quantityEnd(unit.code, unit.ucum ?? unit.code));
    for (const [code, text] of this.codings) this.codingBytes.set(code, utf8(text));
    for (const [code, text] of this.quantityEnds) this.quantityEndBytes.set(code, utf8(text));
    this.defaultQuantityEndBytes = utf8(this.defaultQuantityEnd);
  }

  private coding(code: string, display: string): string {
    return membersOf({
      valueCodeableConcept: { coding: [{ system: this.system, code, display }] },
    });
  }

  /** `"category":[...],"code":{...}` of the field's Observation, its unit entered `unit`. */
  observationHead(unit: string | undefined): string {
    const key = unit ?? '';
    let head = this.heads.get(key);
    if (head === undefined) {
      const lab =
        this.field.standardCode !== undefined || this.field.standardCodeByUnit !== undefined;
      head = membersOf({
        ...categoryOf(lab ? 'laboratory' : 'exam'),
        code: { coding: [fieldCoding(this.record, this.field, unit)], text: this.field.label },
      });
      this.heads.set(key, head);
    }
    return head;
  }

  /** The Observation's start, observationHead and a comma, as bytes. */
  observationHeadBytes(unit: string | undefined): Uint8Array {
    const key = unit ?? '';
    let head = this.headBytes.get(key);
    if (head === undefined) {
      head = utf8(`${OBSERVATION}${this.observationHead(unit)},`);
      this.headBytes.set(key, head);
    }
    return head;
  }

  /** The dataAbsentReason of the field when empty (value(texts) as bytes), null: none. */
  absentBytes(texts: RecordTexts): Uint8Array | null {
    const code = this.missingField === undefined ? undefined : texts.get(this.missingField);
    return code === undefined ? null : (ABSENT_BYTES.get(code) ?? null);
  }

  /** Writes valueOf(text, texts) into `out`, the common kinds from bytes made once. */
  writeValue(out: BundleBytes, text: string, texts: RecordTexts): void {
    const field = this.field;
    switch (field.type) {
      case 'boolean':
        out.bytes(text === 'true' ? TRUE : FALSE);
        return;
      case 'integer':
      case 'decimal': {
        if (this.system !== undefined) break;
        const unit = this.unitField === undefined ? undefined : texts.get(this.unitField);
        out.bytes(QUANTITY);
        out.text(jsonNumber(text));
        out.bytes((unit && this.quantityEndBytes.get(unit)) || this.defaultQuantityEndBytes);
        return;
      }
      case 'code': {
        const coding = this.codingBytes.get(text);
        if (coding === undefined) break;
        out.bytes(coding);
        return;
      }
      case 'date':
        out.bytes(DATE_TIME);
        out.json(text);
        return;
      case 'text':
      case 'id':
      case 'partial_date':
        out.bytes(STRING);
        out.json(text);
        return;
    }
    out.text(this.valueOf(text, texts));
  }

  /** The unit entered for the field, when it has a unit field. */
  unitOf(texts: RecordTexts): string | undefined {
    return this.unitField === undefined ? undefined : texts.get(this.unitField);
  }

  /**
   * The field's value[x] member (or its dataAbsentReason) as JSON text; null when it is empty
   * without a missing-data code.
   */
  value(texts: RecordTexts): string | null {
    const text = texts.get(this.field.name);
    if (text === undefined) {
      const code = this.missingField === undefined ? undefined : texts.get(this.missingField);
      return code === undefined ? null : (ABSENT.get(code) ?? null);
    }
    return this.valueOf(text, texts);
  }

  /** The value[x] member of a field's text. */
  valueOf(text: string, texts: RecordTexts): string {
    const field = this.field;
    switch (field.type) {
      case 'boolean':
        return text === 'true' ? '"valueBoolean":true' : '"valueBoolean":false';
      case 'integer':
      case 'decimal': {
        if (this.system !== undefined)
          return `"valueCodeableConcept":{"coding":[{"system":${JSON.stringify(this.system)},"code":${jsonString(text)}}]}`;
        const unit = this.unitField === undefined ? undefined : texts.get(this.unitField);
        const end = (unit && this.quantityEnds.get(unit)) || this.defaultQuantityEnd;
        return `"valueQuantity":{"value":${jsonNumber(text)}${end}`;
      }
      case 'chaq_score':
        return text === 'na' ? NOT_APPLICABLE : `"valueInteger":${jsonNumber(text)}`;
      case 'code':
        if (this.system === undefined) return `"valueString":${jsonString(text)}`;
        return this.codings.get(text) ?? this.coding(text, text);
      case 'codes': {
        if (this.system === undefined) return `"valueString":${jsonString(text)}`;
        const system = JSON.stringify(this.system);
        let codings = '';
        for (const code of text.split(';'))
          codings += `${codings === '' ? '' : ','}{"system":${system},"code":${jsonString(code)}}`;
        return `"valueCodeableConcept":{"coding":[${codings}]}`;
      }
      case 'date':
        return `"valueDateTime":${jsonString(text)}`;
      default:
        return `"valueString":${jsonString(text)}`;
    }
  }
}

/** The end of a valueQuantity after its value: its unit and UCUM code, when there are. */
function quantityEnd(symbol: string | undefined, ucum: string | undefined): string {
  return `${symbol ? `,"unit":${JSON.stringify(symbol)}` : ''}${ucum ? `,"system":${JSON.stringify(UCUM)},"code":${JSON.stringify(ucum)}` : ''}}`;
}

/** The fields of a record written as Observations of their own, and how. */
export interface FieldObservations {
  readonly fields: readonly FieldText[];
}

const fieldTexts = new Map<string, FieldText>();

function fieldText(record: RecordType, field: FieldDefinition): FieldText {
  const key = `${record.id}.${field.name}`;
  let text = fieldTexts.get(key);
  if (!text) {
    text = new FieldText(record, field);
    fieldTexts.set(key, text);
  }
  return text;
}

const observationPlans = new Map<string, readonly FieldText[]>();

/**
 * The fields of `record` that become Observations of their own: all but its structural fields
 * (odm-layout.ts), those `consumed` by the record's own resource, unit fields (a value's unit
 * is part of its Quantity) and missing-data code fields (the dataAbsentReason of theirs).
 */
export function observedFields(
  record: RecordType,
  consumed: readonly string[],
): readonly FieldText[] {
  const key = `${record.id}|${consumed.join(',')}`;
  let plan = observationPlans.get(key);
  if (!plan) {
    const structural = structuralFields(record);
    const unitFields = new Set(record.fields.flatMap((f) => (f.unitField ? [f.unitField] : [])));
    plan = record.fields
      .filter(
        (f) =>
          !structural.has(f.name) &&
          !consumed.includes(f.name) &&
          !unitFields.has(f.name) &&
          !f.missingFor,
      )
      .map((f) => fieldText(record, f));
    observationPlans.set(key, plan);
  }
  return plan;
}

/** How one Observation carries a whole record: its code, and a component per field. */
export interface RecordObservationText {
  /** `"code":{...}` of the record type. */
  readonly code: string;
  /** The fields as components, in order; a joint code field is the bodySite instead. */
  readonly fields: ReadonlyArray<{ readonly text: FieldText; readonly bodySite: boolean }>;
}

const recordPlans = new Map<string, RecordObservationText>();

export function recordObservationText(record: RecordType): RecordObservationText {
  let plan = recordPlans.get(record.id);
  if (!plan) {
    const structural = structuralFields(record);
    plan = {
      code: membersOf({ code: { coding: [recordCoding(record)], text: record.label } }),
      fields: record.fields
        .filter((f) => !structural.has(f.name) && !f.missingFor)
        .map((f) => ({
          text: fieldText(record, f),
          bodySite: f.codeList === 'joint' && f.type === 'code',
        })),
    };
    recordPlans.set(record.id, plan);
  }
  return plan;
}

const jointSites = new Map<string, string>();
for (const c of CODE_LISTS.joint.codes)
  if (!jointSites.has(c.code)) jointSites.set(c.code, jointSite(c.code, c.label));

function jointSite(code: string, display: string): string {
  return JSON.stringify({ coding: [{ system: codeListSystem('joint'), code, display }] });
}

/** A joint's bodySite CodeableConcept as JSON. */
export function bodySiteOf(code: string): string {
  return jointSites.get(code) ?? jointSite(code, code);
}

/** `"category":[...],"code":{...}` of each score's Observation. */
export const SCORE_HEADS: Readonly<Record<ScoreKey, string>> = Object.fromEntries(
  (Object.keys(SCORES) as ScoreKey[]).map((key) => [
    key,
    membersOf({
      ...categoryOf('survey'),
      code: { coding: [scoreCoding(key)], text: SCORES[key].display },
    }),
  ]),
) as Record<ScoreKey, string>;

/** The start of each score's Observation up to its subject: SCORE_HEADS and a comma, as bytes. */
export const SCORE_HEAD_BYTES: Readonly<Record<ScoreKey, Uint8Array>> = Object.fromEntries(
  (Object.keys(SCORES) as ScoreKey[]).map((key) => [
    key,
    utf8(`${OBSERVATION}${SCORE_HEADS[key]},`),
  ]),
) as Record<ScoreKey, Uint8Array>;

/** The end of a score's name (`score/<key>`), as bytes. */
export const SCORE_NAMES: Readonly<Record<ScoreKey, Uint8Array>> = Object.fromEntries(
  (Object.keys(SCORES) as ScoreKey[]).map((key) => [key, utf8(`score/${key}`)]),
) as Record<ScoreKey, Uint8Array>;
