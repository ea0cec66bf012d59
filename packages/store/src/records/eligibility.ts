/**
 * The investigator's answers to eligibility criteria the record cannot decide ("no concurrent
 * infection"): one per subject and criterion of the protocol (migration 0005), read by the
 * protocol engine's eligibility check.
 */
import type { MissingCode } from '@jia-trial/dictionary';
import type { Transaction } from '../transaction.js';
import { correctRecord, createRecord } from './record-service.js';
import type { StoredRecord } from './record-texts.js';
import type { SiteScope } from './site-scope.js';

/** An eligibility answer, by the field dictionary's keys (record type eligibility_assessment). */
export interface EligibilityAssessmentRecord {
  readonly subjectId: string;
  /** The criterion's id in the protocol. */
  readonly criterionId: string;
  /**
   * Whether the criterion's statement is true for the subject; null when `valueMissing` says why
   * the investigator could not answer (ADR 0040: the criterion then stays unknown).
   */
  readonly value: boolean | null;
  readonly valueMissing?: MissingCode | null;
  readonly assessedDate: string;
  readonly assessedBy?: string | null;
}

/** Records a subject's answer to a criterion (a subject at one of the caller's sites). */
export function createEligibilityAssessment(
  tx: Transaction,
  studyId: string,
  assessment: EligibilityAssessmentRecord,
  sites: SiteScope,
): Promise<StoredRecord<EligibilityAssessmentRecord>> {
  return createRecord(tx, studyId, 'eligibility_assessment', assessment, sites);
}

/**
 * Replaces the answer of `assessment.subjectId` to `assessment.criterionId` (at version
 * `basedOnVersion`). Needs the transaction's reason.
 */
export function correctEligibilityAssessment(
  tx: Transaction,
  studyId: string,
  assessment: EligibilityAssessmentRecord,
  basedOnVersion: number,
  sites: SiteScope,
): Promise<StoredRecord<EligibilityAssessmentRecord>> {
  return correctRecord(
    tx,
    studyId,
    'eligibility_assessment',
    'natural key',
    assessment,
    basedOnVersion,
    sites,
  );
}
