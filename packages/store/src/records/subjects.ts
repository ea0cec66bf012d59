/**
 * Subjects: enrolled (or recorded while screened: no enrolment date yet), corrected, withdrawn.
 * A subject belongs to a site of the study, which must exist and be one of the caller's; its id
 * is its natural key and never changes (every other record of the subject names it).
 */
import { JiaError } from '@jia-trial/errors';
import type { IlarCategory } from '@jia-trial/outcomes';
import type { Transaction } from '../transaction.js';
import { correctRecord, createRecord, lockedRecord } from './record-service.js';
import type { StoredRecord } from './record-texts.js';
import type { SiteScope } from './site-scope.js';

/** A subject, by the field dictionary's keys (docs/field-dictionary.md, record type subject). */
export interface SubjectRecord {
  readonly subjectId: string;
  readonly site: string;
  readonly sex: 'F' | 'M' | 'U';
  /** YYYY-MM or YYYY-MM-DD. */
  readonly birthDate: string;
  readonly ilarCategory: IlarCategory;
  readonly diagnosisDate: string;
  /** Empty while the subject is screened. */
  readonly enrolmentDate?: string | null;
  readonly withdrawalDate?: string | null;
  readonly withdrawalReason?: string | null;
}

/** A subject's leaving the study: the day, and why (optional). */
export interface Withdrawal {
  readonly withdrawalDate: string;
  readonly withdrawalReason?: string | null;
}

/**
 * Records a new subject at one of the caller's sites (NOT_FOUND for a site that is not the
 * study's or not the caller's; VERSION_CONFLICT when the subject id is taken).
 */
export function enrolSubject(
  tx: Transaction,
  studyId: string,
  subject: SubjectRecord,
  sites: SiteScope,
): Promise<StoredRecord<SubjectRecord>> {
  return createRecord(tx, studyId, 'subject', subject, sites);
}

/**
 * Replaces subject `subject.subjectId`, stored at version `basedOnVersion`, by `subject` (which
 * may move it to another of the caller's sites). Needs the transaction's reason.
 */
export function correctSubject(
  tx: Transaction,
  studyId: string,
  subject: SubjectRecord,
  basedOnVersion: number,
  sites: SiteScope,
): Promise<StoredRecord<SubjectRecord>> {
  return correctRecord(tx, studyId, 'subject', 'natural key', subject, basedOnVersion, sites);
}

/**
 * Records that subject `subjectId` (at version `basedOnVersion`) left the study: the withdrawal
 * date (not before enrolment or diagnosis) and reason, every other field kept. It changes a
 * stored record, so it needs the transaction's reason for change as well (the audit trail's,
 * which may simply say that the subject withdrew). A withdrawal already recorded is replaced.
 */
export async function withdrawSubject(
  tx: Transaction,
  studyId: string,
  subjectId: string,
  withdrawal: Withdrawal,
  basedOnVersion: number,
  sites: SiteScope,
): Promise<StoredRecord<SubjectRecord>> {
  if (withdrawal.withdrawalDate === null || withdrawal.withdrawalDate === undefined)
    throw new JiaError('VALIDATION_FAILED', 'a withdrawal needs its date', {
      issues: [{ path: 'withdrawalDate', message: 'is required' }],
    });
  const current = await lockedRecord<SubjectRecord>(tx, studyId, 'subject', { subjectId }, sites);
  return correctSubject(
    tx,
    studyId,
    {
      ...current.record,
      withdrawalDate: withdrawal.withdrawalDate,
      withdrawalReason: withdrawal.withdrawalReason ?? null,
    },
    basedOnVersion,
    sites,
  );
}
