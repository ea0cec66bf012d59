/**
 * The visit form's values as typed (texts, so that nothing typed is lost or rounded), and what
 * follows from them: the visit record the server stores and scores, with the joint counts
 * counted from the body map and the CHAQ disability index scored from the answers, both by the
 * outcome library. Pure: the page renders, this module decides.
 */
import {
  type ChaqAnswerValues,
  chaqInputOf,
  codesOf,
  fieldOf,
  LAB_UNIT_FIELDS,
  recordType,
  type VisitRecord,
} from '@jia-trial/dictionary';
import {
  CHAQ_ITEM_CODES,
  type ChaqResponse,
  countJoints,
  type JointFinding,
  scoreChaq,
} from '@jia-trial/outcomes';

export interface JointValues {
  readonly swollen: boolean;
  readonly tender: boolean;
  readonly limited: boolean;
}
/** A CHAQ answer as typed: '' not answered, '0'-'3', or 'na'. */
export interface ChaqValues {
  readonly score: string;
  readonly aidOrHelp: boolean;
}

/** The visit's own fields, by dictionary key, as typed ('' empty; 'yes'/'no' for a boolean). */
export type VisitFieldValues = Readonly<Record<string, string>>;

export interface VisitFormValues {
  readonly visitId: string;
  readonly fields: VisitFieldValues;
  /** Joints with a finding (a joint not listed was examined and found normal). */
  readonly joints: Readonly<Record<string, JointValues>>;
  readonly chaq: Readonly<Record<string, ChaqValues>>;
  /** Why a stored visit or record is changed (the audit trail keeps it). */
  readonly reason: string;
}

const VISIT = recordType('visit');
/** The fields the form types in directly (the joint fields follow from the body map). */
const DERIVED = new Set([
  'visitId',
  'subjectId',
  'activeJoints',
  'limitedJoints',
  'activeJointCodes',
  'chaqDi',
]);
export const TYPED_FIELDS = VISIT.fields.filter((f) => !DERIVED.has(f.key));

/** The units a laboratory value may be entered in, the standard one first. */
export function unitsOf(unitKey: string): readonly string[] {
  const lab = LAB_UNIT_FIELDS.find((l) => l.unitKey === unitKey);
  if (!lab) return [];
  return codesOf(fieldOf(VISIT, lab.unitName).codeList as Parameters<typeof codesOf>[0]);
}

/** A typed number: null when empty, NaN when it is no number (the form says so). */
export function numberOf(text: string | undefined): number | null {
  if (text === undefined || text.trim() === '') return null;
  const value = Number(text.trim().replace(',', '.'));
  return Number.isFinite(value) ? value : Number.NaN;
}

/** The answers typed, as the CHAQ answer records (items not answered left out). */
export function chaqAnswersOf(chaq: VisitFormValues['chaq']): ChaqAnswerValues[] {
  const out: ChaqAnswerValues[] = [];
  for (const item of CHAQ_ITEM_CODES) {
    const typed = chaq[item];
    if (!typed || typed.score === '') continue;
    const score = (typed.score === 'na' ? 'na' : Number(typed.score)) as ChaqResponse;
    out.push({ item, score, aidOrHelp: typed.aidOrHelp });
  }
  return out;
}

/**
 * The joint counts of the body map, by the outcome library's countJoints (active: swollen, or
 * limited with pain on motion or tenderness; definitions.md section 1.2). A joint without a
 * finding was examined and is normal: the map is the whole 71-joint examination.
 */
export function jointCountsOf(joints: VisitFormValues['joints']) {
  const exam: Record<string, JointFinding> = {};
  for (const [code, j] of Object.entries(joints))
    exam[code] = { swollen: j.swollen, painful: j.tender, limited: j.limited };
  return countJoints(exam, { unlistedJoints: 'normal' });
}

/** Whether the body map holds any finding (none: every joint normal, or not examined). */
export function hasJointFindings(joints: VisitFormValues['joints']): boolean {
  return Object.values(joints).some((j) => j.swollen || j.tender || j.limited);
}

/** The CHAQ disability index of the answers (null: none answered, or too few domains). */
export function chaqDiOf(chaq: VisitFormValues['chaq']) {
  const answers = chaqAnswersOf(chaq);
  return answers.length === 0 ? null : scoreChaq(chaqInputOf(answers));
}

/**
 * The joint counts of the body map, or, for a joint examination not done (a code, ADR 0040), no
 * counts: an empty body map then is no examination, never "every joint normal". The one code
 * chosen beside the body map stands for both counts.
 */
function jointCountFields(values: VisitFormValues): Record<string, unknown> {
  const code = values.fields.activeJointsMissing || '';
  if (code !== '' && !hasJointFindings(values.joints))
    return {
      activeJoints: null,
      limitedJoints: null,
      activeJointCodes: null,
      limitedJointsMissing: code,
    };
  const counts = jointCountsOf(values.joints);
  return {
    activeJoints: counts.active.value,
    limitedJoints: counts.limited.value,
    activeJointCodes: counts.activeCodes.join(';'),
  };
}

/** A code says why a field is empty: a value typed since wins, and the code is dropped. */
function keepCodesOfEmptyFields(record: Record<string, unknown>, fields: VisitFieldValues): void {
  for (const field of VISIT.fields) {
    if (!field.missingField) continue;
    const codeKey = `${field.key}Missing`;
    const empty = record[field.key] === null || record[field.key] === undefined;
    record[codeKey] = empty ? fields[codeKey] || record[codeKey] || null : null;
  }
}

/** The visit record of the form (numbers that are no number are left empty). */
export function visitRecordOf(subjectId: string, values: VisitFormValues): VisitRecord {
  const record: Record<string, unknown> = { visitId: values.visitId.trim(), subjectId };
  for (const field of TYPED_FIELDS) {
    const text = values.fields[field.key] ?? '';
    if (field.type === 'boolean') record[field.key] = text === '' ? null : text === 'yes';
    else if (field.type === 'integer' || field.type === 'decimal') {
      const n = numberOf(text);
      record[field.key] = n === null || Number.isNaN(n) ? null : n;
    } else record[field.key] = text === '' ? null : text;
  }
  // A unit without its value says nothing: stored empty, as the value.
  for (const lab of LAB_UNIT_FIELDS) if (record[lab.analyte] === null) record[lab.unitKey] = null;
  Object.assign(record, jointCountFields(values));
  record.chaqDi = chaqDiOf(values.chaq)?.value ?? null;
  keepCodesOfEmptyFields(record, values.fields);
  return record as unknown as VisitRecord;
}

/** The form's values of a stored visit as the API returns it (codes as an array). */
export function fieldValuesOf(stored: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of TYPED_FIELDS) {
    const value = stored[field.key];
    out[field.key] =
      value === null || value === undefined
        ? ''
        : typeof value === 'boolean'
          ? value
            ? 'yes'
            : 'no'
          : String(value);
  }
  return out;
}

/** A stored visit (API JSON: active joints as an array) as the record the scores read. */
export function visitRecordOfJson(json: Readonly<Record<string, unknown>>): VisitRecord {
  const codes = json.activeJointCodes;
  return {
    ...json,
    activeJointCodes: Array.isArray(codes)
      ? codes.length
        ? codes.join(';')
        : null
      : (codes ?? null),
  } as unknown as VisitRecord;
}

/** The request body of a visit record (API JSON: the active joints as an array). */
export function visitJsonOf(record: VisitRecord): Record<string, unknown> {
  const { visitId: _id, activeJointCodes, ...fields } = record;
  return { ...fields, activeJointCodes: activeJointCodes ? activeJointCodes.split(';') : [] };
}
