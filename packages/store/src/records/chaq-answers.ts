/**
 * A visit's CHAQ answers, item by item (0-3, or `na`: not applicable, stored as NULL; and whether
 * an aid or help was used), from which the disability index is computed. Named by visit and
 * item; a visit's subject must be at one of the caller's sites.
 */
import type { Transaction } from '../transaction.js';
import { correctRecord, createRecord } from './record-service.js';
import type { StoredRecord } from './record-texts.js';
import type { SiteScope } from './site-scope.js';

/** A CHAQ answer, by the field dictionary's keys (record type chaq_response). */
export interface ChaqAnswerRecord {
  readonly visitId: string;
  /** A CHAQ item (`dressing_1`, ...). */
  readonly item: string;
  /** 0-3, or 'na' (not applicable). */
  readonly score: 0 | 1 | 2 | 3 | 'na';
  readonly aidOrHelp: boolean;
}

/** Records the answer to a CHAQ item at a visit. */
export function createChaqAnswer(
  tx: Transaction,
  studyId: string,
  answer: ChaqAnswerRecord,
  sites: SiteScope,
): Promise<StoredRecord<ChaqAnswerRecord>> {
  return createRecord(tx, studyId, 'chaq_response', answer, sites);
}

/** Replaces the answer to `answer.item` at `answer.visitId` (at `basedOnVersion`). */
export function correctChaqAnswer(
  tx: Transaction,
  studyId: string,
  answer: ChaqAnswerRecord,
  basedOnVersion: number,
  sites: SiteScope,
): Promise<StoredRecord<ChaqAnswerRecord>> {
  return correctRecord(tx, studyId, 'chaq_response', 'natural key', answer, basedOnVersion, sites);
}
