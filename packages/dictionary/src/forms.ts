/**
 * The forms of a casebook (the eCRF sections a site fills in) and each form's completion status,
 * defined once for the server, the command line and the browser (docs/data-management.md, "Form
 * status"; ADR 0039).
 *
 * A form is a set of values: some fields of the visit record, and/or the records of one record
 * type (a visit's joint findings, a subject's medications). Every visit field but its identity
 * (visit_id, subject_id), the unit fields and the missing-data codes (which travel with their
 * value) belongs to exactly one visit form (forms.test.ts checks it), so that no value of a visit
 * is outside every form.
 *
 * Status is a pure function of five facts (formStatus): whether the form holds any value, whether
 * its required values are filled, whether every value is verified against the source, whether a
 * valid signature covers it, and whether it is locked. Whether one value is filled is decided in
 * one place, isFilled.
 */
import { isFilled, missingFieldName } from './missing-codes.js';
import { recordType } from './records.js';
import type { RecordTypeId } from './types.js';

export type FormId =
  | 'visit_core'
  | 'joint_examination'
  | 'chaq'
  | 'laboratory'
  | 'medications'
  | 'adverse_events'
  | 'eligibility'
  | 'infusions';

/** The statuses, lowest first: a form shows the highest one it has reached (formStatus). */
export const FORM_STATUSES = [
  'not_started',
  'incomplete',
  'complete',
  'verified',
  'signed',
  'locked',
] as const;
export type FormStatus = (typeof FORM_STATUSES)[number];

export interface FormDefinition {
  readonly id: FormId;
  readonly label: string;
  /** A form of each visit, or one form per subject. */
  readonly level: 'visit' | 'subject';
  /** The visit record's own fields the form holds (by field name; visit forms only). */
  readonly visitFields: readonly string[];
  /** The record type whose records the form holds, one record a line (null: none). */
  readonly records: RecordTypeId | null;
  /**
   * The values that must be filled for the form to be complete, by field name of the visit:
   * each entry is a list of alternatives, one of which must be filled (["esr", "crp"]: an
   * acute-phase reactant). Besides these, every record the form holds must have the required
   * fields of its record type filled (the field dictionary's `required`).
   */
  readonly requiredVisitFields: ReadonlyArray<readonly string[]>;
  /** When the form is complete, in words (docs/data-management.md). */
  readonly completeWhen: string;
}

/**
 * The forms, in the order a visit is examined and then the subject's own. The core set's
 * required values are the JIA core set of Giannini 1997 (definitions.md section 1.2: physician
 * and parent global, CHAQ, active and limited joint counts, an acute-phase reactant), each in the
 * form that records it.
 */
export const FORMS: readonly FormDefinition[] = [
  {
    id: 'visit_core',
    label: 'Visit core set',
    level: 'visit',
    visitFields: [
      'visit_date',
      'baseline_visit_id',
      'ilar_category',
      'physician_global',
      'parent_global',
      'morning_stiffness_min',
      'systemic_features',
      'active_uveitis',
      'fever',
      'cns_involvement',
      'haemorrhagic_manifestations',
    ],
    records: null,
    requiredVisitFields: [['visit_date'], ['physician_global'], ['parent_global']],
    completeWhen:
      "the visit date, the physician's global assessment and the parent's or patient's global assessment are filled",
  },
  {
    id: 'joint_examination',
    label: 'Joint examination',
    level: 'visit',
    visitFields: ['active_joints', 'limited_joints', 'active_joint_codes'],
    records: 'joint_finding',
    requiredVisitFields: [['active_joints'], ['limited_joints']],
    completeWhen:
      'the active and limited joint counts are filled (the body map fills them; an unrecorded joint is normal), and every joint finding has swelling, tenderness and limitation recorded',
  },
  {
    id: 'chaq',
    label: 'CHAQ',
    level: 'visit',
    visitFields: ['chaq_di'],
    records: 'chaq_response',
    requiredVisitFields: [['chaq_di']],
    completeWhen:
      'the CHAQ disability index is filled (computed from the answers once enough domains are answered, or entered), and every answer has its score and aid-or-help recorded',
  },
  {
    id: 'laboratory',
    label: 'Laboratory',
    level: 'visit',
    visitFields: [
      'esr',
      'crp',
      'ferritin',
      'platelets',
      'ast',
      'triglycerides',
      'fibrinogen',
      'ldh',
    ],
    records: null,
    requiredVisitFields: [['esr', 'crp']],
    completeWhen: 'an acute-phase reactant is filled: the ESR or the CRP',
  },
  {
    id: 'medications',
    label: 'Medications',
    level: 'subject',
    visitFields: [],
    records: 'medication',
    requiredVisitFields: [],
    completeWhen: 'at least one medication is recorded and each has its required fields filled',
  },
  {
    id: 'adverse_events',
    label: 'Adverse events',
    level: 'subject',
    visitFields: [],
    records: 'adverse_event',
    requiredVisitFields: [],
    completeWhen: 'at least one adverse event is recorded and each has its required fields filled',
  },
  {
    id: 'eligibility',
    label: 'Eligibility',
    level: 'subject',
    visitFields: [],
    records: 'eligibility_assessment',
    requiredVisitFields: [],
    completeWhen:
      'every criterion the protocol asks the investigator to confirm has an answer, with its required fields filled (a protocol with no such criterion has no eligibility form)',
  },
  {
    id: 'infusions',
    label: 'Infusions',
    level: 'subject',
    visitFields: [],
    records: 'infusion',
    requiredVisitFields: [],
    completeWhen:
      'at least one infusion is recorded and each has its required fields filled (only under a protocol with an intervention)',
  },
];

export function formDefinition(id: FormId): FormDefinition {
  const found = FORMS.find((f) => f.id === id);
  if (!found) throw new RangeError(`no form ${id}`);
  return found;
}

/** A record as cell texts by field name (absent: empty), as the store reads it. */
export type FormRecordTexts = ReadonlyMap<string, string>;

/** What a form holds for one visit (or one subject): the visit's texts and its records. */
export interface FormData {
  /** The visit record (visit forms), or null. */
  readonly visit: FormRecordTexts | null;
  /** The records of the form's record type (a visit's, or a subject's). */
  readonly records: readonly FormRecordTexts[];
}

/** What a form needs to know beyond its data: the protocol's criteria to confirm. */
export interface FormContext {
  /** The ids of the eligibility criteria the investigator confirms (kind `confirmation`). */
  readonly confirmationCriteria: readonly string[];
}

/** The facts a form's status is a function of (formStatus). */
export interface FormFacts {
  readonly hasAnyData: boolean;
  readonly requiredFilled: boolean;
  /** Every filled value of the form is verified against the source (SDV). */
  readonly verified: boolean;
  /** A valid (unbroken) signature covers the form's records. */
  readonly signed: boolean;
  /** The form's records are locked (freeze or database lock). */
  readonly locked: boolean;
}

/**
 * A form's status: locked, else signed, else verified, else complete, else incomplete, else not
 * started. Verified and signed are reached only by a complete form: an incomplete form stays
 * "incomplete" however much of it was verified or signed, since what is missing is what a data
 * manager must see (the facts themselves are returned beside the status). A locked form is
 * "locked" whatever else holds: nothing can be added to it.
 */
export function formStatus(facts: FormFacts): FormStatus {
  if (facts.locked) return 'locked';
  if (!facts.hasAnyData) return 'not_started';
  if (!facts.requiredFilled) return 'incomplete';
  if (facts.signed) return 'signed';
  if (facts.verified) return 'verified';
  return 'complete';
}

/**
 * Whether the form holds any value and whether its required values are filled, with the
 * required values that are missing (by field name, or `<record key>.<field>`, or a criterion).
 */
export function formCompletion(
  form: FormDefinition,
  data: FormData,
  context: FormContext,
): { hasAnyData: boolean; requiredFilled: boolean; missing: string[] } {
  const visitValue = (name: string) => data.visit?.get(name);
  const hasVisitValue = form.visitFields.some((name) =>
    isFilled(visitValue(name), visitValue(missingFieldName(name))),
  );
  const hasAnyData = hasVisitValue || data.records.length > 0;
  const missing: string[] = [];
  for (const alternatives of form.requiredVisitFields)
    if (
      !alternatives.some((name) => isFilled(visitValue(name), visitValue(missingFieldName(name))))
    )
      missing.push(alternatives.join(' or '));
  if (form.records !== null) {
    const required = recordType(form.records).fields.filter((f) => f.required);
    data.records.forEach((record, i) => {
      for (const field of required)
        if (!isFilled(record.get(field.name), record.get(missingFieldName(field.name))))
          missing.push(`${i + 1}.${field.name}`);
    });
  }
  if (form.id === 'eligibility') {
    const answered = new Set(data.records.map((r) => r.get('criterion_id')));
    for (const criterion of context.confirmationCriteria)
      if (!answered.has(criterion)) missing.push(criterion);
  } else if (form.level === 'subject' && data.records.length === 0)
    missing.push(form.records ?? form.id);
  return { hasAnyData, requiredFilled: missing.length === 0, missing };
}
