/**
 * One subject as FHIR R4 resources (docs/interop.md, ADR 0028): a pseudonymised Patient (the
 * subject code as identifier, birth year-month only, no name), its ResearchSubject, an Encounter
 * per visit with an Observation per core-set value and laboratory value (LOINC where the
 * dictionary has a code) and per score of the visit, the joint findings and CHAQ answers as
 * Observations (a joint as bodySite), MedicationStatement, a Procedure per infusion and an
 * AdverseEvent per adverse event (the CTCAE grade as an extension). A record type the
 * resources here do not know becomes one Observation per record with a component per field, so
 * that a record type added to the dictionary is carried with no change here; a field that a
 * resource does not hold becomes an Observation about that resource (`focus`): nothing stored is
 * left out. Every reference is the `urn:uuid:` of a resource of the same Bundle.
 */
import { createHash } from 'node:crypto';
import {
  CODE_LISTS,
  DATA_ABSENT_REASON_SYSTEM,
  DATA_ABSENT_REASONS,
  type FieldDefinition,
  isMissingCode,
  MISSING_CODE_LABELS,
  RECORD_TYPES,
  type RecordTexts,
  type RecordType,
  type RecordTypeId,
  recordFromTexts,
  referenceVisitOf,
  scoreAgainstReference,
  type VisitRecord,
} from '@jia-trial/dictionary';
import type {
  AdverseEvent,
  CodeableConcept,
  Encounter,
  FhirResource,
  MedicationStatement,
  Observation,
  ObservationComponent,
  Patient,
  Procedure,
  Reference,
  ResearchSubject,
} from 'fhir/r4.js';
import { recordsOf, type SubjectRecords } from '../exchange/study-data.js';
import { structuralFields } from '../odm/odm-layout.js';
import {
  CTCAE_GRADE_EXTENSION,
  codeListSystem,
  fieldCoding,
  recordCoding,
  SCORES,
  type ScoreKey,
  SUBJECT_IDENTIFIER_SYSTEM,
  scoreCoding,
  UCUM,
} from './fhir-codes.js';

/** A deterministic UUID (RFC 4122 layout, name-based on SHA-1) for a resource of the export. */
export function uuidFor(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  const variant = ((Number.parseInt(h[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const urnOf = (uuid: string) => `urn:uuid:${uuid}`;

export interface FhirEntry {
  readonly fullUrl: string;
  readonly resource: FhirResource;
}

export interface DateRules {
  /** Days added to every date (de-identified sharing); 0: none. */
  readonly shiftDays: number;
  /** Records dated before this day (already shifted) are left out; null: none. */
  readonly dropBefore: string | null;
}

export function shiftDate(date: string, days: number): string {
  if (days === 0) return date;
  const partial = date.length === 7;
  const d = new Date(`${partial ? `${date}-01` : date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  const iso = d.toISOString().slice(0, 10);
  return partial ? iso.slice(0, 7) : iso;
}

/** A record's texts with every date shifted. */
function shifted(record: RecordType, texts: RecordTexts, rules: DateRules): Map<string, string> {
  const out = new Map(texts);
  if (rules.shiftDays === 0) return out;
  for (const field of record.fields)
    if ((field.type === 'date' || field.type === 'partial_date') && out.has(field.name))
      out.set(field.name, shiftDate(out.get(field.name) as string, rules.shiftDays));
  return out;
}

/** The first date of a record (the day it is about), for --drop-dates-before. */
function recordDate(record: RecordType, texts: RecordTexts): string | null {
  const field = record.fields.find((f) => f.type === 'date' && f.required);
  return field ? (texts.get(field.name) ?? null) : null;
}

const decimal = (text: string) => Number(text);

/** A number as a Quantity in the unit it was entered in (its unit field) or its standard unit. */
function quantityOf(
  record: RecordType,
  field: FieldDefinition,
  texts: RecordTexts,
  text: string,
): Partial<Observation> {
  if (field.codeList)
    return {
      valueCodeableConcept: { coding: [{ system: codeListSystem(field.codeList), code: text }] },
    };
  const unitCode = field.unitField ? texts.get(field.unitField) : undefined;
  const unitList = record.fields.find((f) => f.name === field.unitField)?.codeList;
  const unit =
    unitCode && unitList ? CODE_LISTS[unitList].codes.find((c) => c.code === unitCode) : undefined;
  const symbol = unit ? unit.code : field.unit?.symbol;
  const ucum = unit ? (unit.ucum ?? unit.code) : field.unit?.ucum;
  return {
    valueQuantity: {
      value: decimal(text),
      ...(symbol ? { unit: symbol } : {}),
      ...(ucum ? { system: UCUM, code: ucum } : {}),
    },
  };
}

/**
 * An empty field's missing-data code (ADR 0040) as the Observation's dataAbsentReason, the FHIR
 * R4 element for "why the value is missing" (the code list's mapping, missing-codes.ts); null
 * for a plain blank, which has no Observation.
 */
function absentReason(field: FieldDefinition, texts: RecordTexts): Partial<Observation> | null {
  const code = field.missingField ? texts.get(field.missingField) : undefined;
  if (!isMissingCode(code)) return null;
  const reason = DATA_ABSENT_REASONS[code];
  return {
    dataAbsentReason: {
      coding: [{ system: DATA_ABSENT_REASON_SYSTEM, code: reason.code, display: reason.display }],
      text: MISSING_CODE_LABELS[code],
    },
  };
}

/** A field's value as an Observation's or a component's value[x]. */
function fieldValue(
  record: RecordType,
  field: FieldDefinition,
  texts: RecordTexts,
): Partial<Observation> | null {
  const text = texts.get(field.name);
  if (text === undefined) return absentReason(field, texts);
  switch (field.type) {
    case 'boolean':
      return { valueBoolean: text === 'true' };
    case 'integer':
    case 'decimal':
      return quantityOf(record, field, texts, text);
    case 'chaq_score':
      return text === 'na'
        ? {
            dataAbsentReason: {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason',
                  code: 'not-applicable',
                },
              ],
            },
          }
        : { valueInteger: Number(text) };
    case 'code':
      return field.codeList
        ? {
            valueCodeableConcept: {
              coding: [
                {
                  system: codeListSystem(field.codeList),
                  code: text,
                  display:
                    CODE_LISTS[field.codeList].codes.find((c) => c.code === text)?.label ?? text,
                },
              ],
            },
          }
        : { valueString: text };
    case 'codes':
      return field.codeList
        ? {
            valueCodeableConcept: {
              coding: text.split(';').map((code) => ({
                system: codeListSystem(field.codeList as NonNullable<typeof field.codeList>),
                code,
              })),
            },
          }
        : { valueString: text };
    case 'date':
      return { valueDateTime: text };
    default:
      return { valueString: text };
  }
}

export interface SubjectContext {
  readonly studyId: string;
  readonly researchStudy: string;
  readonly rules: DateRules;
}

/** Builds the resources; `fields` consumed by a resource are not repeated as Observations. */
class SubjectResources {
  readonly entries: FhirEntry[] = [];
  readonly patient: string;

  constructor(
    private readonly subject: SubjectRecords,
    private readonly context: SubjectContext,
  ) {
    this.patient = urnOf(uuidFor(`${context.studyId}/Patient/${subject.subjectId}`));
  }

  key(...parts: string[]): string {
    return urnOf(uuidFor([this.context.studyId, this.subject.subjectId, ...parts].join('/')));
  }

  add(fullUrl: string, resource: FhirResource): void {
    this.entries.push({
      fullUrl,
      resource: { ...resource, id: fullUrl.slice('urn:uuid:'.length) } as FhirResource,
    });
  }

  get subjectRef(): Reference {
    return { reference: this.patient };
  }

  /** Observations for the fields of a record that its resource does not hold. */
  fieldObservations(
    record: RecordType,
    texts: RecordTexts,
    keyParts: string[],
    consumed: ReadonlySet<string>,
    link: Partial<Observation>,
    effective: string | undefined,
  ): void {
    const structural = structuralFields(record);
    const unitFields = new Set(record.fields.flatMap((f) => (f.unitField ? [f.unitField] : [])));
    for (const field of record.fields) {
      // A missing-data code is its field's dataAbsentReason, not an Observation of its own.
      if (
        structural.has(field.name) ||
        consumed.has(field.name) ||
        unitFields.has(field.name) ||
        field.missingFor
      )
        continue;
      const value = fieldValue(record, field, texts);
      if (value === null) continue;
      const lab = field.standardCode !== undefined || field.standardCodeByUnit !== undefined;
      const unit = field.unitField ? texts.get(field.unitField) : undefined;
      this.add(this.key(...keyParts, field.name), {
        resourceType: 'Observation',
        status: 'final',
        category: [
          {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/observation-category',
                code: lab ? 'laboratory' : 'exam',
              },
            ],
          },
        ],
        code: { coding: [fieldCoding(record, field, unit)], text: field.label },
        subject: this.subjectRef,
        ...(effective ? { effectiveDateTime: effective } : {}),
        ...link,
        ...value,
      } as Observation);
    }
  }

  /** One Observation for a whole record (joint finding, CHAQ answer, a new record type). */
  recordObservation(
    record: RecordType,
    texts: RecordTexts,
    keyParts: string[],
    link: Partial<Observation>,
    effective: string | undefined,
  ): void {
    const structural = structuralFields(record);
    const component: ObservationComponent[] = [];
    let bodySite: CodeableConcept | undefined;
    for (const field of record.fields) {
      if (structural.has(field.name) || field.missingFor) continue;
      const text = texts.get(field.name);
      if (text === undefined) {
        // An empty field with a missing-data code: a component with its dataAbsentReason.
        const absent = absentReason(field, texts);
        if (absent)
          component.push({
            code: { coding: [fieldCoding(record, field)], text: field.label },
            ...absent,
          } as ObservationComponent);
        continue;
      }
      if (field.codeList === 'joint' && field.type === 'code') {
        bodySite = {
          coding: [
            {
              system: codeListSystem('joint'),
              code: text,
              display: CODE_LISTS.joint.codes.find((c) => c.code === text)?.label ?? text,
            },
          ],
        };
        continue;
      }
      const value = fieldValue(record, field, texts);
      if (value)
        component.push({
          code: { coding: [fieldCoding(record, field)], text: field.label },
          ...value,
        } as ObservationComponent);
    }
    this.add(this.key(...keyParts), {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [recordCoding(record)], text: record.label },
      subject: this.subjectRef,
      ...(effective ? { effectiveDateTime: effective } : {}),
      ...(bodySite ? { bodySite } : {}),
      ...link,
      component,
    } as Observation);
  }
}

const typeOf = (id: RecordTypeId) => RECORD_TYPES.find((r) => r.id === id) as RecordType;
const PATIENT_GENDER: Readonly<Record<string, Patient['gender']>> = {
  F: 'female',
  M: 'male',
  U: 'unknown',
};

function addPatient(
  b: SubjectResources,
  ctx: SubjectContext,
  subject: SubjectRecords,
): Map<string, string> | null {
  const record = typeOf('subject');
  const own = recordsOf(subject, 'subject')[0];
  if (!own) return null;
  const texts = shifted(record, own.texts, ctx.rules);
  const birth = texts.get('birth_date');
  b.add(b.patient, {
    resourceType: 'Patient',
    identifier: [{ system: SUBJECT_IDENTIFIER_SYSTEM(ctx.studyId), value: subject.subjectId }],
    ...(texts.get('sex')
      ? { gender: PATIENT_GENDER[texts.get('sex') as string] ?? 'unknown' }
      : {}),
    // Year and month only (pseudonymisation): a full birth date is cut to its month.
    ...(birth ? { birthDate: birth.slice(0, 7) } : {}),
  } satisfies Patient);
  const enrolled = texts.get('enrolment_date');
  const withdrawn = texts.get('withdrawal_date');
  const researchSubject = b.key('ResearchSubject');
  b.add(researchSubject, {
    resourceType: 'ResearchSubject',
    status: withdrawn ? 'withdrawn' : enrolled ? 'on-study' : 'candidate',
    study: { reference: ctx.researchStudy },
    individual: b.subjectRef,
    identifier: [{ system: SUBJECT_IDENTIFIER_SYSTEM(ctx.studyId), value: subject.subjectId }],
    ...(enrolled ? { period: { start: enrolled, ...(withdrawn ? { end: withdrawn } : {}) } } : {}),
  } satisfies ResearchSubject);
  b.fieldObservations(
    record,
    texts,
    ['subject'],
    new Set(['sex', 'birth_date', 'enrolment_date', 'withdrawal_date']),
    { focus: [{ reference: researchSubject }] },
    undefined,
  );
  return texts;
}

function addScores(
  b: SubjectResources,
  visit: RecordTexts,
  visits: readonly RecordTexts[],
  encounter: string,
  date: string,
): void {
  const asRecord = (t: RecordTexts) => recordFromTexts('visit', t) as unknown as VisitRecord;
  const all = visits
    .map(asRecord)
    .sort((a, b) => a.visitDate.localeCompare(b.visitDate) || a.visitId.localeCompare(b.visitId));
  const current = asRecord(visit);
  const scores = scoreAgainstReference(current, referenceVisitOf(current, all));
  for (const key of Object.keys(SCORES) as ScoreKey[]) {
    const value = scores[key];
    if (value === null || value === undefined) continue;
    const valuePart: Partial<Observation> =
      typeof value === 'boolean'
        ? { valueBoolean: value }
        : key === 'acrPedi'
          ? { valueInteger: value }
          : { valueQuantity: { value } };
    b.add(b.key('visit', current.visitId, 'score', key), {
      resourceType: 'Observation',
      status: 'final',
      category: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/observation-category',
              code: 'survey',
            },
          ],
        },
      ],
      code: { coding: [scoreCoding(key)], text: SCORES[key].display },
      subject: b.subjectRef,
      encounter: { reference: encounter },
      effectiveDateTime: date,
      ...valuePart,
    } as Observation);
  }
}

function addVisits(b: SubjectResources, ctx: SubjectContext, subject: SubjectRecords): void {
  const record = typeOf('visit');
  const keptForVisit = RECORD_TYPES.filter(
    (r) => r.id !== 'visit' && r.references.some((x) => x.to === 'visit'),
  );
  const visits = recordsOf(subject, 'visit').map((v) => shifted(record, v.texts, ctx.rules));
  const kept = visits.filter(
    (v) => !ctx.rules.dropBefore || (v.get('visit_date') ?? '') >= (ctx.rules.dropBefore as string),
  );
  for (const texts of kept) {
    const visitId = texts.get('visit_id') ?? '';
    const date = texts.get('visit_date') ?? '';
    const encounter = b.key('visit', visitId);
    b.add(encounter, {
      resourceType: 'Encounter',
      status: 'finished',
      class: {
        system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
        code: 'AMB',
        display: 'ambulatory',
      },
      identifier: [{ system: `${SUBJECT_IDENTIFIER_SYSTEM(ctx.studyId)}/visit`, value: visitId }],
      subject: b.subjectRef,
      period: { start: date, end: date },
    } satisfies Encounter);
    b.fieldObservations(
      record,
      texts,
      ['visit', visitId],
      new Set(['visit_id', 'visit_date']),
      { encounter: { reference: encounter } },
      date,
    );
    addScores(b, texts, visits, encounter, date);
    for (const child of keptForVisit)
      for (const row of recordsOf(subject, child.id).filter(
        (r) => r.texts.get('visit_id') === visitId,
      )) {
        const rowTexts = shifted(child, row.texts, ctx.rules);
        const key = child.key.map((k) => rowTexts.get(k) ?? '');
        b.recordObservation(
          child,
          rowTexts,
          [child.id, ...key],
          { encounter: { reference: encounter } },
          date,
        );
      }
  }
}

const dropped = (ctx: SubjectContext, record: RecordType, texts: RecordTexts) => {
  const date = recordDate(record, texts);
  return ctx.rules.dropBefore !== null && date !== null && date < ctx.rules.dropBefore;
};

function addMedications(b: SubjectResources, ctx: SubjectContext, subject: SubjectRecords): void {
  const record = typeOf('medication');
  for (const row of recordsOf(subject, 'medication')) {
    const t = shifted(record, row.texts, ctx.rules);
    if (dropped(ctx, record, t)) continue;
    const url = b.key('medication', t.get('drug') ?? '', t.get('start_date') ?? '');
    const stop = t.get('stop_date');
    b.add(url, {
      resourceType: 'MedicationStatement',
      status: stop ? 'completed' : 'active',
      medicationCodeableConcept: { text: t.get('drug') ?? '' },
      category: {
        coding: [{ system: codeListSystem('drug_class'), code: t.get('drug_class') ?? 'other' }],
      },
      subject: b.subjectRef,
      effectivePeriod: { start: t.get('start_date') ?? '', ...(stop ? { end: stop } : {}) },
      ...(t.get('stop_reason')
        ? {
            statusReason: [
              {
                coding: [
                  { system: codeListSystem('stop_reason'), code: t.get('stop_reason') as string },
                ],
              },
            ],
          }
        : {}),
    } satisfies MedicationStatement);
    b.fieldObservations(
      record,
      t,
      ['medication', t.get('drug') ?? '', t.get('start_date') ?? ''],
      // A stop reason is the statement's statusReason; one given as a missing-data code has no
      // code there, so it is an Observation with its dataAbsentReason, as a dose or a route.
      new Set([
        'drug',
        'drug_class',
        'start_date',
        'stop_date',
        ...(t.get('stop_reason') ? ['stop_reason'] : []),
      ]),
      { focus: [{ reference: url }] },
      t.get('start_date'),
    );
  }
}

function addInfusions(b: SubjectResources, ctx: SubjectContext, subject: SubjectRecords): void {
  const record = typeOf('infusion');
  for (const row of recordsOf(subject, 'infusion')) {
    const t = shifted(record, row.texts, ctx.rules);
    if (dropped(ctx, record, t)) continue;
    const date = t.get('infusion_date') ?? '';
    const url = b.key('infusion', date);
    b.add(url, {
      resourceType: 'Procedure',
      status: 'completed',
      code: { coding: [recordCoding(record)], text: 'Mesenchymal stromal cell infusion' },
      subject: b.subjectRef,
      performedDateTime: date,
    } satisfies Procedure);
    // Dose, weight, lot, vital signs: Observations part of the infusion.
    b.fieldObservations(
      record,
      t,
      ['infusion', date],
      new Set(['infusion_date']),
      { partOf: [{ reference: url }] },
      date,
    );
  }
}

function addAdverseEvents(b: SubjectResources, ctx: SubjectContext, subject: SubjectRecords): void {
  const record = typeOf('adverse_event');
  for (const row of recordsOf(subject, 'adverse_event')) {
    const t = shifted(record, row.texts, ctx.rules);
    if (dropped(ctx, record, t)) continue;
    const url = b.key('adverse_event', t.get('ae_id') ?? '');
    const grade = t.get('grade');
    const serious = t.get('serious') === 'true';
    b.add(url, {
      resourceType: 'AdverseEvent',
      actuality: 'actual',
      identifier: {
        system: `${SUBJECT_IDENTIFIER_SYSTEM(ctx.studyId)}/adverse-event`,
        value: t.get('ae_id') ?? '',
      },
      subject: b.subjectRef,
      event: {
        text: t.get('term') ?? '',
        ...(t.get('meddra_code')
          ? {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/mdr',
                  code: t.get('meddra_code') as string,
                },
              ],
            }
          : {}),
      },
      date: t.get('onset_date') ?? '',
      ...(t.get('awareness_date') ? { detected: t.get('awareness_date') } : {}),
      ...(t.get('reported_date') ? { recordedDate: t.get('reported_date') } : {}),
      seriousness: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/adverse-event-seriousness',
            code: serious ? 'serious' : 'non-serious',
          },
        ],
      },
      ...(t.get('outcome')
        ? {
            outcome: {
              coding: [{ system: codeListSystem('ae_outcome'), code: t.get('outcome') as string }],
            },
          }
        : {}),
      ...(grade
        ? {
            extension: [
              {
                url: CTCAE_GRADE_EXTENSION,
                valueCoding: {
                  system: codeListSystem('ctcae_grade'),
                  code: grade,
                  display:
                    CODE_LISTS.ctcae_grade.codes.find((c) => c.code === grade)?.label ?? grade,
                },
              },
            ],
          }
        : {}),
      suspectEntity: undefined,
      study: [{ reference: ctx.researchStudy }],
    } as AdverseEvent);
    b.fieldObservations(
      record,
      t,
      ['adverse_event', t.get('ae_id') ?? ''],
      new Set([
        'ae_id',
        'term',
        'onset_date',
        'awareness_date',
        'reported_date',
        'serious',
        'outcome',
        'grade',
        'meddra_code',
      ]),
      { focus: [{ reference: url }] },
      t.get('onset_date'),
    );
  }
}

/** Record types with a resource of their own here; any other is carried by recordObservation. */
const OWN: ReadonlySet<string> = new Set([
  'subject',
  'visit',
  'medication',
  'infusion',
  'adverse_event',
]);

export function subjectResources(
  subject: SubjectRecords,
  ctx: SubjectContext,
): { entries: FhirEntry[]; patient: string; enrolled: boolean } {
  const b = new SubjectResources(subject, ctx);
  const own = addPatient(b, ctx, subject);
  addVisits(b, ctx, subject);
  addMedications(b, ctx, subject);
  addInfusions(b, ctx, subject);
  addAdverseEvents(b, ctx, subject);
  for (const record of RECORD_TYPES) {
    if (OWN.has(record.id) || record.references.some((r) => r.to === 'visit')) continue;
    for (const row of recordsOf(subject, record.id)) {
      const t = shifted(record, row.texts, ctx.rules);
      if (dropped(ctx, record, t)) continue;
      b.recordObservation(
        record,
        t,
        [record.id, ...record.key.map((k) => t.get(k) ?? '')],
        {},
        recordDate(record, t) ?? undefined,
      );
    }
  }
  return { entries: b.entries, patient: b.patient, enrolled: own?.has('enrolment_date') === true };
}
