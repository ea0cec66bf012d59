/**
 * Rules between the fields of one record, for every door: the bundle reader applies them to each
 * row (packages/interop validate-file.ts) and validateRecordValues to a record sent to the API.
 * The database enforces most of them with CHECK constraints (migrations/0002, 0005, 0007); here
 * they get a message a person can act on. Values are the record's valid typed values by field
 * name (field-rules.ts); dates are ISO text, so they compare as strings.
 */
import { countActiveJointCodes, jadiItemProblem, type LabAnalyte } from '@jia-trial/outcomes';
import { checkInRange, type FieldValue } from './field-rules.js';
import { standardUnit, standardValue } from './lab-values.js';
import { isMissingCode, MISSING_CODE_LABELS } from './missing-codes.js';
import { recordType, VISIT_DATE_YEARS } from './records.js';
import type { RecordTypeId } from './types.js';

/** A rule's finding: the field it is about (its name) and why. */
export interface RuleProblem {
  readonly field: string;
  readonly message: string;
}

/** A record's valid values by field name; a field without a value is absent. */
export type RecordValues = ReadonlyMap<string, FieldValue>;

/**
 * Whether a field's value is known: absent from the values means empty. An invalid value is not
 * known (its own problem is reported), nor, in a part of a record (the fields a form has filled
 * so far), a field not given: a rule that needs an unknown value is not applied.
 */
export type KnownField = (name: string) => boolean;

type Rule = (values: RecordValues, known: KnownField, out: RuleProblem[]) => void;

function notBefore(values: RecordValues, later: string, earlier: string, out: RuleProblem[]) {
  const a = values.get(later);
  const b = values.get(earlier);
  // A partial date (a birth month) compares by its own length.
  if (typeof a === 'string' && typeof b === 'string' && a < b.slice(0, a.length))
    out.push({ field: later, message: `${a} is before ${earlier} ${b}` });
}

/** `field` is given without `needed`, which it depends on. */
function needs(
  values: RecordValues,
  known: KnownField,
  field: string,
  needed: string,
  message: string,
  out: RuleProblem[],
) {
  if (values.has(field) && known(needed) && !values.has(needed)) out.push({ field, message });
}

const VISIT_LABS = recordType('visit').fields.filter((f) => f.unitField !== undefined);

const RULES: Partial<Record<RecordTypeId, Rule>> = {
  subject: (v, known, out) => {
    notBefore(v, 'diagnosis_date', 'birth_date', out);
    notBefore(v, 'enrolment_date', 'diagnosis_date', out);
    // Consent comes before any trial procedure, enrolment included (ICH E6(R2) 4.8.8).
    notBefore(v, 'enrolment_date', 'consent_date', out);
    notBefore(v, 'withdrawal_date', 'enrolment_date', out);
    notBefore(v, 'withdrawal_date', 'diagnosis_date', out);
    needs(
      v,
      known,
      'withdrawal_reason',
      'withdrawal_date',
      'a withdrawal reason needs a withdrawal_date',
      out,
    );
  },
  visit: (v, known, out) => {
    const date = v.get('visit_date');
    const year = typeof date === 'string' ? Number(date.slice(0, 4)) : null;
    if (year !== null && (year < VISIT_DATE_YEARS.first || year > VISIT_DATE_YEARS.last))
      out.push({
        field: 'visit_date',
        message: `${date} is not a plausible visit date (${VISIT_DATE_YEARS.first}-${VISIT_DATE_YEARS.last})`,
      });
    // Laboratory values: the range is stated in the standard unit (as the visits reader checks it).
    for (const field of VISIT_LABS) {
      const value = v.get(field.name);
      const unitField = field.unitField as string;
      if (typeof value !== 'number' || !known(unitField)) continue;
      const analyte = field.key as LabAnalyte;
      const unit = v.get(unitField) as string | undefined;
      const standard = standardValue(analyte, value, unit);
      const problem = checkInRange(field, standard);
      if (problem)
        out.push({
          field: field.name,
          message:
            unit === undefined || unit === standardUnit(analyte)
              ? problem
              : `${value} ${unit} (${standard} ${standardUnit(analyte)}): ${problem}`,
        });
    }
    // The joints listed and their count agree (the visits reader's rule).
    const codes = v.get('active_joint_codes');
    const count = v.get('active_joints');
    if (typeof codes === 'string' && typeof count === 'number') {
      const listed = countActiveJointCodes(codes.split(';')).active;
      if (listed !== count)
        out.push({
          field: 'active_joints',
          message: `${count} disagrees with the ${listed} joints listed in active_joint_codes`,
        });
    }
  },
  medication: (v, known, out) => {
    notBefore(v, 'stop_date', 'start_date', out);
    needs(v, known, 'stop_reason', 'stop_date', 'a stop reason needs a stop_date', out);
    // An intra-articular injection names its joints, and only an injection names joints
    // (ADR 0023: the intercurrent events listed by read-out).
    const route = v.get('route');
    if (v.has('joint_codes') && known('route') && route !== 'intra_articular')
      out.push({
        field: 'joint_codes',
        message: 'joints are given only for route intra_articular',
      });
    if (route === 'intra_articular' && known('joint_codes') && !v.has('joint_codes'))
      out.push({ field: 'joint_codes', message: 'an intra-articular injection names its joints' });
  },
  damage_item: (v, known, out) => {
    const item = v.get('item');
    const score = v.get('score');
    if (typeof item === 'string' && typeof score === 'number' && known('item')) {
      const problem = jadiItemProblem(item, score);
      if (problem) out.push({ field: 'score', message: problem });
    }
  },
  adverse_event: (v, known, out) => {
    for (const field of ['resolution_date', 'awareness_date', 'reported_date', 'worsened_date'])
      notBefore(v, field, 'onset_date', out);
    notBefore(v, 'resolution_date', 'worsened_date', out);
    // CTCAE grades start at 1: an AE can only have worsened to grade 2 or more.
    if (v.has('worsened_date') && known('grade') && (v.get('grade') as number) < 2)
      out.push({
        field: 'worsened_date',
        message: 'a worsening needs a grade of 2 or more (the grade it rose to)',
      });
    const serious = v.get('serious') === true;
    if (v.has('seriousness_criteria') && known('serious') && !serious)
      out.push({ field: 'seriousness_criteria', message: 'given for an AE that is not serious' });
    // CTCAE v5: grade 5 is death related to the AE, which is serious by definition (ICH E2A).
    if (v.get('grade') === 5) {
      if (known('serious') && !serious)
        out.push({ field: 'serious', message: 'a grade 5 AE (death) is serious' });
      if (known('outcome') && v.get('outcome') !== 'fatal')
        out.push({ field: 'outcome', message: 'a grade 5 AE (death) has outcome fatal' });
    }
  },
};

const EVERY_FIELD: KnownField = () => true;

/**
 * A field that accepts a missing-data code holds a value or a code, never both (ADR 0040): a
 * code says why the field is empty, so a value beside it contradicts it.
 */
function valueOrMissingCode(type: RecordTypeId, values: RecordValues, out: RuleProblem[]) {
  for (const field of recordType(type).fields) {
    if (!field.missingField) continue;
    const code = values.get(field.missingField);
    if (!values.has(field.name) || !isMissingCode(code)) continue;
    out.push({
      field: field.missingField,
      message: `${code} (${MISSING_CODE_LABELS[code]}) is given with a value of ${field.name} (${String(values.get(field.name))}): give the value or the reason it is empty, not both`,
    });
  }
}

/** The problems between the fields of a record of type `type` (none when it has no rule). */
export function checkRecordRules(
  type: RecordTypeId,
  values: RecordValues,
  known: KnownField = EVERY_FIELD,
): RuleProblem[] {
  const out: RuleProblem[] = [];
  valueOrMissingCode(type, values, out);
  RULES[type]?.(values, known, out);
  return out;
}
