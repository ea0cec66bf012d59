/**
 * A visit's joint examination, joint by joint (swollen, tender, limited), one record per joint of
 * the 71-joint catalogue examined. Named by visit and joint; a visit's subject must be at one of
 * the caller's sites.
 */
import type { Transaction } from '../transaction.js';
import { correctRecord, createRecord } from './record-service.js';
import type { StoredRecord } from './record-texts.js';
import type { SiteScope } from './site-scope.js';

/** A joint finding, by the field dictionary's keys (record type joint_finding). */
export interface JointFindingRecord {
  readonly visitId: string;
  /** A joint of the catalogue (packages/outcomes/data/joints.csv). */
  readonly jointCode: string;
  readonly swollen: boolean;
  readonly tender: boolean;
  readonly limited: boolean;
}

/** Records the finding of a joint at a visit. */
export function createJointFinding(
  tx: Transaction,
  studyId: string,
  finding: JointFindingRecord,
  sites: SiteScope,
): Promise<StoredRecord<JointFindingRecord>> {
  return createRecord(tx, studyId, 'joint_finding', finding, sites);
}

/** Replaces the finding of `finding.jointCode` at `finding.visitId` (at `basedOnVersion`). */
export function correctJointFinding(
  tx: Transaction,
  studyId: string,
  finding: JointFindingRecord,
  basedOnVersion: number,
  sites: SiteScope,
): Promise<StoredRecord<JointFindingRecord>> {
  return correctRecord(tx, studyId, 'joint_finding', 'natural key', finding, basedOnVersion, sites);
}
