/**
 * The shape of the field dictionary: a record type (a subject, a visit, an adverse event, ...)
 * is a list of fields; a field has a type, whether it is required, how it is stored, and where
 * they exist its range, unit, code list and standard code. Everything that reads or writes a
 * record (the bundle reader, the database's columns and checks, the API's schemas, the ODM
 * ItemDefs, the FHIR mappings) is derived from these declarations or tested against them.
 */

/** What a value is, independently of where it is written. */
export type FieldType =
  /** An identifier: text without control characters or edge spaces, at most 64 characters. */
  | 'id'
  | 'text'
  /** `YYYY-MM-DD`, a real calendar day. */
  | 'date'
  /** `YYYY-MM` or `YYYY-MM-DD` (a birth date may be known to the month). */
  | 'partial_date'
  | 'boolean'
  | 'integer'
  /** A plain decimal number: no exponent, no thousands separator. */
  | 'decimal'
  /** One code of the field's code list. */
  | 'code'
  /** Codes of the field's code list separated by `;`, each at most once. */
  | 'codes'
  /** A CHAQ item's answer: 0-3, or `na` (not applicable), which is stored as NULL. */
  | 'chaq_score';

/** The database column's type. */
export type StorageType = 'text' | 'date' | 'boolean' | 'integer' | 'smallint' | 'numeric';

/** A value's valid range; both ends included unless `minExclusive` (a weight of 0 is no weight). */
export interface FieldRange {
  readonly min: number;
  readonly max?: number;
  readonly minExclusive?: boolean;
}

/** A unit: as people write it (`10^9/L`), and its UCUM code (`10*9/L`) for exchange. */
export interface Unit {
  readonly symbol: string;
  readonly ucum: string;
}

/** A LOINC code with its long common name (verified at loinc.org or an HL7 source). */
export interface StandardCode {
  readonly system: 'http://loinc.org';
  readonly code: string;
  readonly display: string;
}

export interface FieldDefinition {
  /** snake_case: the bundle column, and the database column unless `storedAs` says otherwise. */
  readonly name: string;
  /** camelCase: the property in TypeScript records and JSON. */
  readonly key: string;
  /** A short label for people (forms, the ODM Question). */
  readonly label: string;
  readonly type: FieldType;
  readonly required: boolean;
  readonly storage: StorageType;
  /** The database column, when it is not `name`. */
  readonly storedAs?: string;
  readonly range?: FieldRange;
  /**
   * The unit of a measured value. With `unitField`, the standard unit: the value is entered in
   * the unit that field names (empty: this one), and compared with its range once converted.
   */
  readonly unit?: Unit;
  /** The field holding the unit the value was entered in (a `code` field of unit codes). */
  readonly unitField?: string;
  readonly codeList?: CodeListId;
  readonly maxLength?: number;
  /** A text's form, and how to name it in a message. */
  readonly pattern?: { readonly regex: RegExp; readonly description: string };
  /** The standard code of what the field measures (LOINC), in its standard unit. */
  readonly standardCode?: StandardCode;
  /** A standard code that depends on the unit entered (triglycerides: mass or molar). */
  readonly standardCodeByUnit?: Readonly<Record<string, StandardCode>>;
  /** When empty, the value of this other field of the same record is stored (awareness_date). */
  readonly defaultFrom?: string;
  /**
   * Free narrative a person writes (a reason in their own words): it may name people or places,
   * so pseudonymised data leaves it out (pseudonymise.ts).
   */
  readonly narrative?: boolean;
  /**
   * The companion field holding why this field is empty (a missing-data code, missing-codes.ts):
   * present only on fields where an empty value means something (ADR 0040).
   */
  readonly missingField?: string;
  /** On a companion code field: the field whose emptiness it explains. */
  readonly missingFor?: string;
}

/** One code of a code list, with its label and, for a unit, its UCUM code. */
export interface Code {
  readonly code: string;
  readonly label: string;
  readonly ucum?: string;
}

export interface CodeList {
  readonly id: CodeListId;
  readonly label: string;
  readonly codes: readonly Code[];
  /** Where the list comes from (a standard, a publication, or jia-trial's own choice). */
  readonly source: string;
}

export type CodeListId =
  | 'sex'
  | 'ilar_category'
  | 'joint'
  | 'chaq_item'
  | 'jadi_item'
  | 'medication_route'
  | 'product_state'
  | 'drug_class'
  | 'stop_reason'
  | 'ae_relatedness'
  | 'ae_outcome'
  | 'ae_action'
  | 'seriousness_criterion'
  | 'ctcae_grade'
  | 'role'
  | 'alert_status'
  | 'query_status'
  | 'signature_meaning'
  | 'missing_reason'
  | 'unit_crp'
  | 'unit_ferritin'
  | 'unit_platelets'
  | 'unit_ast'
  | 'unit_triglycerides'
  | 'unit_fibrinogen';

export type RecordTypeId =
  | 'subject'
  | 'visit'
  | 'joint_finding'
  | 'chaq_response'
  | 'damage_item'
  | 'medication'
  | 'infusion'
  | 'adverse_event'
  | 'eligibility_assessment';

export type BundleFileName =
  | 'subjects.csv'
  | 'visits.csv'
  | 'joints.csv'
  | 'chaq.csv'
  | 'damage.csv'
  | 'medications.csv'
  | 'infusions.csv'
  | 'adverse_events.csv'
  | 'eligibility.csv';

/** A reference from a record's fields to another record type's key. */
export interface RecordReference {
  readonly fields: readonly string[];
  readonly to: RecordTypeId;
}

export interface RecordType {
  /** The record type, which is also its database table. */
  readonly id: RecordTypeId;
  readonly label: string;
  /** Its file in a study bundle, and whether a bundle may leave the file out. */
  readonly file: BundleFileName;
  readonly optionalFile: boolean;
  readonly fields: readonly FieldDefinition[];
  /** The fields that identify a record within a study. */
  readonly key: readonly string[];
  readonly references: readonly RecordReference[];
}
