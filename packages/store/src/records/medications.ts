/**
 * A subject's medications (concomitant and prior treatments, which the protocol engine reads for
 * eligibility and failure of treatment).
 *
 * A medication's natural key (subject, drug, start date) is made of what a correction may need
 * to change: a misspelt drug, a wrong start date. So a correction names the record by its row id
 * (`rowId` of the stored record: the table's row_id, the audit trail's identity of the record,
 * which the database never lets change: ROW_IDENTITY_IMMUTABLE), and the corrected record keeps
 * its identity and its whole history in the audit trail even when its key changes.
 */
import type { DrugClass, StopReason } from '@jia-trial/protocol';
import type { Transaction } from '../transaction.js';
import { correctRecord, createRecord } from './record-service.js';
import type { StoredRecord } from './record-texts.js';
import type { SiteScope } from './site-scope.js';

/** A medication, by the field dictionary's keys (record type medication). */
export interface MedicationRecord {
  readonly subjectId: string;
  readonly drug: string;
  readonly drugClass: DrugClass;
  readonly startDate: string;
  /** Empty: ongoing. */
  readonly stopDate?: string | null;
  readonly stopReason?: StopReason | null;
}

/** Records a medication of a subject at one of the caller's sites. */
export function createMedication(
  tx: Transaction,
  studyId: string,
  medication: MedicationRecord,
  sites: SiteScope,
): Promise<StoredRecord<MedicationRecord>> {
  return createRecord(tx, studyId, 'medication', medication, sites);
}

/**
 * Replaces the medication with row id `rowId` (at version `basedOnVersion`) by `medication`,
 * whose drug, dates and even subject may differ. VERSION_CONFLICT when it would take the natural
 * key of another medication. Needs the transaction's reason.
 */
export function correctMedication(
  tx: Transaction,
  studyId: string,
  rowId: string,
  medication: MedicationRecord,
  basedOnVersion: number,
  sites: SiteScope,
): Promise<StoredRecord<MedicationRecord>> {
  return correctRecord(tx, studyId, 'medication', { rowId }, medication, basedOnVersion, sites);
}
