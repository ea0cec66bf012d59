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
import {
  CODE_LISTS,
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
  FhirResource,
  MedicationStatement,
  Patient,
  Procedure,
  ResearchSubject,
} from 'fhir/r4.js';
import { type ExchangeRecord, recordsOf, type SubjectRecords } from '../exchange/study-data.js';
import { type BundleBytes, utf8 } from './fhir-bytes.js';
import {
  CTCAE_GRADE_EXTENSION,
  codeListSystem,
  recordCoding,
  SCORES,
  type ScoreKey,
  SUBJECT_IDENTIFIER_SYSTEM,
} from './fhir-codes.js';
import { hashName, lastUuid, urnOf, uuidFor } from './fhir-ids.js';
import { jsonString } from './fhir-json.js';
import {
  bodySiteOf,
  membersOf,
  OBSERVATION,
  observedFields,
  recordObservationText,
  SCORE_HEAD_BYTES,
  SCORE_NAMES,
} from './fhir-observations.js';

export { urnOf, uuidFor } from './fhir-ids.js';

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

/** A record's texts with every date shifted (the texts themselves when there is no shift). */
function shifted(record: RecordType, texts: RecordTexts, rules: DateRules): RecordTexts {
  if (rules.shiftDays === 0) return texts;
  const out = new Map(texts);
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

export interface SubjectContext {
  readonly studyId: string;
  readonly researchStudy: string;
  readonly rules: DateRules;
}

/**
 * Writes a subject's resources into the Bundle's bytes. The Observations and Encounters, which
 * are nearly all of the export (about 18 a visit), are written from their fields' constant parts
 * (fhir-observations.ts) and their ids' digests (fhir-ids.ts); the other resources, one or a few
 * a subject, are built as objects.
 */
class SubjectResources {
  /** The Patient's `urn:uuid:`. */
  readonly patient: string;
  /** `"subject":{"reference":"<Patient>"}`. */
  private readonly subjectMember: string;
  /** The names of the subject's resources start with this (fhir-ids.ts). */
  private readonly namePrefix: string;

  constructor(
    subject: SubjectRecords,
    context: SubjectContext,
    readonly out: BundleBytes,
  ) {
    this.patient = urnOf(uuidFor(`${context.studyId}/Patient/${subject.subjectId}`));
    this.subjectMember = `"subject":{"reference":${JSON.stringify(this.patient)}}`;
    this.namePrefix = `${context.studyId}/${subject.subjectId}/`;
  }

  /** The uuid of a resource of the subject named by `parts`. */
  uuid(...parts: string[]): string {
    return uuidFor(this.namePrefix + parts.join('/'));
  }

  key(...parts: string[]): string {
    return urnOf(this.uuid(...parts));
  }

  /** The name's start of the resources of a record: the subject's, then `parts`, then '/'. */
  namesOf(parts: readonly string[]): Uint8Array {
    return utf8(`${this.namePrefix}${parts.join('/')}/`);
  }

  /** A resource built as an object (the id is added as its last member). */
  add(fullUrl: string, resource: FhirResource): void {
    const uuid = fullUrl.slice('urn:uuid:'.length);
    this.out.entry(resource.resourceType, uuid, JSON.stringify({ ...resource, id: uuid }));
  }

  /**
   * The members an Observation has after its code, and a comma: the subject, the date it is
   * about (when there is one) and its link to the resource it is about (`"encounter":...`).
   */
  context(effective: string | undefined, link: object): Uint8Array {
    return this.contextOf(effective, membersOf(link));
  }

  /** context(), its link given as JSON members (`"encounter":{...}`, '' none). */
  contextOf(effective: string | undefined, linked: string): Uint8Array {
    return utf8(
      `${this.subjectMember}${effective ? `,"effectiveDateTime":${jsonString(effective)}` : ''}${linked === '' ? '' : `,${linked}`},`,
    );
  }

  /** Observations for the fields of a record that its resource does not hold. */
  fieldObservations(
    record: RecordType,
    texts: RecordTexts,
    keyParts: readonly string[],
    consumed: readonly string[],
    link: object,
    effective: string | undefined,
  ): void {
    this.observe(record, texts, this.namesOf(keyParts), consumed, this.context(effective, link));
  }

  /** fieldObservations, the names' start (namesOf) and the context (context()) made. */
  observe(
    record: RecordType,
    texts: RecordTexts,
    names: Uint8Array,
    consumed: readonly string[],
    context: Uint8Array,
  ): void {
    const out = this.out;
    for (const field of observedFields(record, consumed)) {
      const text = texts.get(field.field.name);
      let absent: Uint8Array | null = null;
      if (text === undefined) {
        absent = field.absentBytes(texts);
        if (absent === null) continue;
      }
      hashName(names, field.nameBytes);
      out.startEntry();
      out.bytes(field.observationHeadBytes(field.unitOf(texts)));
      out.bytes(context);
      if (absent !== null) out.bytes(absent);
      else field.writeValue(out, text as string, texts);
      out.endEntry('Observation');
    }
  }

  /** One Observation for a whole record (joint finding, CHAQ answer, a new record type). */
  recordObservation(
    record: RecordType,
    texts: RecordTexts,
    keyParts: string[],
    link: object,
    effective: string | undefined,
  ): void {
    const plan = recordObservationText(record);
    let component = '';
    let bodySite = '';
    for (const { text: field, bodySite: isSite } of plan.fields) {
      const text = texts.get(field.field.name);
      if (text === undefined) {
        // An empty field with a missing-data code: a component with its dataAbsentReason.
        const absent = field.value(texts);
        if (absent !== null)
          component += `${component === '' ? '' : ','}${field.componentHead}${absent}}`;
        continue;
      }
      if (isSite) bodySite = bodySiteOf(text);
      else
        component += `${component === '' ? '' : ','}${field.componentHead}${field.valueOf(text, texts)}}`;
    }
    const linked = membersOf(link);
    const uuid = this.uuid(...keyParts);
    this.out.entry(
      'Observation',
      uuid,
      `${OBSERVATION}${plan.code},${this.subjectMember}${effective ? `,"effectiveDateTime":${jsonString(effective)}` : ''}${bodySite === '' ? '' : `,"bodySite":${bodySite}`}${linked === '' ? '' : `,${linked}`},"component":[${component}],"id":"${uuid}"}`,
    );
  }

  /** A visit's Encounter, named `names` without its last '/'; its `urn:uuid:`. */
  encounter(names: Uint8Array, visitId: string, date: string, identifierSystem: string): string {
    hashName(names.subarray(0, names.length - 1), NO_BYTES);
    const out = this.out;
    out.startEntry();
    out.text(
      `{"resourceType":"Encounter","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB","display":"ambulatory"},"identifier":[{"system":${identifierSystem},"value":`,
    );
    out.json(visitId);
    out.text(`}],${this.subjectMember},"period":{"start":`);
    out.json(date);
    out.text(',"end":');
    out.json(date);
    out.text('}');
    out.endEntry('Encounter');
    return urnOf(lastUuid());
  }

  /** A score of a visit (`context`: its subject, encounter and date, and a comma). */
  score(key: ScoreKey, value: number | boolean, names: Uint8Array, context: Uint8Array): void {
    hashName(names, SCORE_NAMES[key]);
    const out = this.out;
    out.startEntry();
    out.bytes(SCORE_HEAD_BYTES[key]);
    out.bytes(context);
    if (typeof value === 'boolean') out.text(`"valueBoolean":${value}`);
    else if (key === 'acrPedi') out.text(`"valueInteger":${JSON.stringify(value)}`);
    else out.text(`"valueQuantity":{"value":${JSON.stringify(value)}}`);
    out.endEntry('Observation');
  }

  /** What a visit's scores have after their code: subject, encounter and date, and a comma. */
  scoreContext(encounter: string, date: string): Uint8Array {
    return utf8(
      `${this.subjectMember},"encounter":{"reference":${JSON.stringify(encounter)}},"effectiveDateTime":${jsonString(date)},`,
    );
  }
}

const NO_BYTES = new Uint8Array(0);

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
): RecordTexts | null {
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
    individual: { reference: b.patient },
    identifier: [{ system: SUBJECT_IDENTIFIER_SYSTEM(ctx.studyId), value: subject.subjectId }],
    ...(enrolled ? { period: { start: enrolled, ...(withdrawn ? { end: withdrawn } : {}) } } : {}),
  } satisfies ResearchSubject);
  b.fieldObservations(
    record,
    texts,
    ['subject'],
    ['sex', 'birth_date', 'enrolment_date', 'withdrawal_date'],
    { focus: [{ reference: researchSubject }] },
    undefined,
  );
  return texts;
}

/**
 * The scores of each visit, as the server scores them: against the visit's reference among all
 * the subject's visits in (date, id) order (referenceVisitOf). The visits are read as records
 * once a subject, not once a visit.
 */
class VisitScoring {
  private inOrder: VisitRecord[] | null = null;
  private readonly records = new Map<RecordTexts, VisitRecord>();

  constructor(private readonly visits: readonly RecordTexts[]) {}

  scores(visit: RecordTexts) {
    if (this.inOrder === null) {
      for (const texts of this.visits)
        this.records.set(texts, recordFromTexts('visit', texts) as unknown as VisitRecord);
      this.inOrder = [...this.records.values()].sort(
        (a, b) => a.visitDate.localeCompare(b.visitDate) || a.visitId.localeCompare(b.visitId),
      );
    }
    const current = this.records.get(visit) as VisitRecord;
    return {
      visit: current,
      scores: scoreAgainstReference(current, referenceVisitOf(current, this.inOrder)),
    };
  }
}

const SCORE_KEYS = Object.keys(SCORES) as ScoreKey[];

function addScores(
  b: SubjectResources,
  scoring: VisitScoring,
  visit: RecordTexts,
  names: Uint8Array,
  encounter: string,
  date: string,
): void {
  const { scores } = scoring.scores(visit);
  const context = b.scoreContext(encounter, date);
  for (const key of SCORE_KEYS) {
    const value = scores[key];
    if (value === null || value === undefined) continue;
    b.score(key, value, names, context);
  }
}

/** The fields of a visit its Encounter holds. */
const VISIT_CONSUMED = ['visit_id', 'visit_date'];

/** Record types whose records belong to a visit (joint findings, CHAQ answers). */
const OF_VISIT = RECORD_TYPES.filter(
  (r) => r.id !== 'visit' && r.references.some((x) => x.to === 'visit'),
);

/** The records of a type of a subject by their visit, in their order. */
function byVisit(records: readonly ExchangeRecord[]): Map<string, ExchangeRecord[]> {
  const out = new Map<string, ExchangeRecord[]>();
  for (const row of records) {
    const visitId = row.texts.get('visit_id');
    if (visitId === undefined) continue;
    const list = out.get(visitId);
    if (list) list.push(row);
    else out.set(visitId, [row]);
  }
  return out;
}

function addVisits(b: SubjectResources, ctx: SubjectContext, subject: SubjectRecords): void {
  const record = typeOf('visit');
  const visits = recordsOf(subject, 'visit').map((v) => shifted(record, v.texts, ctx.rules));
  const kept = visits.filter(
    (v) => !ctx.rules.dropBefore || (v.get('visit_date') ?? '') >= (ctx.rules.dropBefore as string),
  );
  const scoring = new VisitScoring(visits);
  const children = OF_VISIT.map((child) => ({
    child,
    rows: byVisit(recordsOf(subject, child.id)),
  }));
  const identifierSystem = JSON.stringify(`${SUBJECT_IDENTIFIER_SYSTEM(ctx.studyId)}/visit`);
  for (const texts of kept) {
    const visitId = texts.get('visit_id') ?? '';
    const date = texts.get('visit_date') ?? '';
    // The names of the visit's resources start `<study>/<subject>/visit/<visit id>/`.
    const names = b.namesOf(['visit', visitId]);
    const encounter = b.encounter(names, visitId, date, identifierSystem);
    const linked = `"encounter":{"reference":${JSON.stringify(encounter)}}`;
    b.observe(record, texts, names, VISIT_CONSUMED, b.contextOf(date, linked));
    addScores(b, scoring, texts, names, encounter, date);
    const link = { encounter: { reference: encounter } };
    for (const { child, rows } of children)
      for (const row of rows.get(visitId) ?? []) {
        const rowTexts = shifted(child, row.texts, ctx.rules);
        const key = child.key.map((k) => rowTexts.get(k) ?? '');
        b.recordObservation(child, rowTexts, [child.id, ...key], link, date);
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
      subject: { reference: b.patient },
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
      [
        'drug',
        'drug_class',
        'start_date',
        'stop_date',
        ...(t.get('stop_reason') ? ['stop_reason'] : []),
      ],
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
      subject: { reference: b.patient },
      performedDateTime: date,
    } satisfies Procedure);
    // Dose, weight, lot, vital signs: Observations part of the infusion.
    b.fieldObservations(
      record,
      t,
      ['infusion', date],
      ['infusion_date'],
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
      subject: { reference: b.patient },
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
      [
        'ae_id',
        'term',
        'onset_date',
        'awareness_date',
        'reported_date',
        'serious',
        'outcome',
        'grade',
        'meddra_code',
      ],
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

/**
 * Writes the resources of one subject into `out`, in the Bundle's order; gives the Patient's
 * `urn:uuid:` and whether the subject is enrolled (a member of the Bundle's Group).
 */
export function subjectResources(
  subject: SubjectRecords,
  ctx: SubjectContext,
  out: BundleBytes,
): { patient: string; enrolled: boolean } {
  const b = new SubjectResources(subject, ctx, out);
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
  return { patient: b.patient, enrolled: own?.has('enrolment_date') === true };
}
