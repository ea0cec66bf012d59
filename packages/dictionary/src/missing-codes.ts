/**
 * Missing-data codes: why a field is empty, kept apart from a plain blank (issue 18; ADR 0040;
 * docs/data-management.md, "Missing-data codes"). A field that accepts a code (the dictionary
 * declares which) has a companion field `<name>_missing` holding one code of the short list
 * below; the value and its code are never both given (record-rules.ts, and a CHECK in the
 * database). A code is a reason, never a value: the scores see the field as missing.
 *
 * The codes are CDISC's "ND" (SDTM --STAT "NOT DONE") and HL7 v3 NullFlavor's NA, UNK and ASKU,
 * each mapped to the FHIR R4 (4.0.1) DataAbsentReason code that says the same thing, from the
 * normative CodeSystem http://terminology.hl7.org/CodeSystem/data-absent-reason (ValueSet
 * http://hl7.org/fhir/ValueSet/data-absent-reason, https://hl7.org/fhir/R4/valueset-data-absent-reason.html):
 * - not-performed: "The value is not available because the observation procedure (test, etc.)
 *   was not performed."
 * - not-applicable: "There is no proper value for this element (e.g. last menstrual period for a
 *   male)."
 * - unknown: "The value is expected to exist but is not known."
 * - asked-unknown: "The source was asked but does not know the value." (a child of unknown)
 * Pure data and one predicate: no imports but types, so that every package may read it.
 */
import type { Code, FieldDefinition } from './types.js';

/** The codes, in the order a form offers them. */
export const MISSING_CODES = ['ND', 'NA', 'UNK', 'ASKU'] as const;
export type MissingCode = (typeof MISSING_CODES)[number];

/** What each code says, for people (a form's "why empty?" choice, a score's missing input). */
export const MISSING_CODE_LABELS: Readonly<Record<MissingCode, string>> = {
  ND: 'not done',
  NA: 'not applicable',
  UNK: 'unknown',
  ASKU: 'asked but unknown',
};

/** The FHIR R4 DataAbsentReason system (normative since 4.0.0). */
export const DATA_ABSENT_REASON_SYSTEM = 'http://terminology.hl7.org/CodeSystem/data-absent-reason';

/** Each code's FHIR R4 DataAbsentReason code and display, as that CodeSystem gives them. */
export const DATA_ABSENT_REASONS: Readonly<
  Record<MissingCode, { readonly code: string; readonly display: string }>
> = {
  ND: { code: 'not-performed', display: 'Not Performed' },
  NA: { code: 'not-applicable', display: 'Not Applicable' },
  UNK: { code: 'unknown', display: 'Unknown' },
  ASKU: { code: 'asked-unknown', display: 'Asked But Unknown' },
};

/** The code list as the dictionary's code lists are declared (code-lists.ts). */
export const MISSING_REASON_CODES: readonly Code[] = MISSING_CODES.map((code) => ({
  code,
  label: MISSING_CODE_LABELS[code],
}));

export const MISSING_REASON_SOURCE =
  'CDISC SDTM --STAT NOT DONE (ND); HL7 v3 NullFlavor NA, UNK, ASKU; each mapped to FHIR R4 DataAbsentReason (not-performed, not-applicable, unknown, asked-unknown)';

/** Whether `code` is a missing-data code. */
export function isMissingCode(code: unknown): code is MissingCode {
  return typeof code === 'string' && (MISSING_CODES as readonly string[]).includes(code);
}

/**
 * Whether a field is filled: it holds a value (present, not null, not blank text; zero and false
 * are values), or a missing-data code that says why it is empty. A plain blank is not filled. A
 * code is not a value: a score never reads it (the field stays missing there). The one place
 * that decides it, for the form status, source data verification and the data-quality checks'
 * expected-but-missing rule.
 */
export function isFilled(value: unknown, missingCode?: unknown): boolean {
  if (isMissingCode(missingCode)) return true;
  return (
    value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '')
  );
}

/** The companion field's name of a field that accepts a code (`esr` -> `esr_missing`). */
export const missingFieldName = (name: string): string => `${name}_missing`;
/** The companion field's key (`esr` -> `esrMissing`). */
export const missingFieldKey = (key: string): string => `${key}Missing`;

/**
 * The fields of a record type with a companion code field appended for each field named in
 * `accepting`, in that order, after every other field (so the columns of earlier bundles keep
 * their positions). The value field names its companion (`missingField`), the companion its
 * value field (`missingFor`).
 */
export function withMissingCodes(
  fields: readonly FieldDefinition[],
  accepting: readonly string[],
): FieldDefinition[] {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const companions = accepting.map((name): FieldDefinition => {
    const field = byName.get(name);
    if (!field) throw new RangeError(`no field ${name} to accept a missing-data code`);
    return {
      name: missingFieldName(name),
      key: missingFieldKey(field.key),
      label: `Why ${field.label} is empty`,
      type: 'code',
      required: false,
      storage: 'text',
      codeList: 'missing_reason',
      missingFor: name,
    };
  });
  const set = new Set(accepting);
  return [
    ...fields.map((f) => (set.has(f.name) ? { ...f, missingField: missingFieldName(f.name) } : f)),
    ...companions,
  ];
}
