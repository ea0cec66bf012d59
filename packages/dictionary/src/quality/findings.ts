/**
 * What a data-quality rule finds: one discrepancy, on one record (and field) of one subject.
 */
import type { SubjectEvaluation } from '@jia-trial/protocol';
import { fieldOf, recordType } from '../records.js';
import type { RecordTypeId } from '../types.js';
import type { TypedRecord } from '../validate-values.js';
import type { QualityRuleKind } from './rule-set.js';

export interface QualityFinding {
  readonly ruleId: string;
  readonly kind: QualityRuleKind;
  /** The record: its type and its key as the audit trail writes it (`demo/D01-W8`). */
  readonly table: RecordTypeId;
  readonly recordKey: string;
  /** The field in question (the dictionary's name); null: the record as a whole. */
  readonly field: string | null;
  /** What tells apart findings of one rule on one field (a joint, an alert's id); '' if nothing. */
  readonly occasion: string;
  readonly subjectId: string;
  readonly message: string;
  /**
   * The values the rule read. A discrepancy excluded with a reason stays excluded while these
   * are unchanged (ADR 0042).
   */
  readonly observed: Readonly<Record<string, string | number | boolean | null>>;
}

/** One subject's records, as the rules read them. */
export interface SubjectData {
  readonly studyId: string;
  readonly subjectId: string;
  /** Every record of the subject by type: typed values by field key (recordFromTexts). */
  readonly records: ReadonlyMap<RecordTypeId, readonly TypedRecord[]>;
  /**
   * The protocol engine's evaluation of the subject (what its status shows), or null when the
   * study follows no protocol: the visit-window and deviation rules then find nothing.
   */
  readonly evaluation: SubjectEvaluation | null;
}

export function recordsOf(data: SubjectData, type: RecordTypeId): readonly TypedRecord[] {
  return data.records.get(type) ?? [];
}

/** A record's key as the audit trail writes it: the study and the key fields' values, by `/`. */
export function recordKeyOf(studyId: string, type: RecordTypeId, record: TypedRecord): string {
  const rt = recordType(type);
  return [studyId, ...rt.key.map((name) => String(record[fieldOf(rt, name).key] ?? ''))].join('/');
}
