/**
 * A visit's JADI damage scores, item by item (docs/clinical/jadi.md): a JADI-A unit (0, 1 or 2)
 * or a JADI-E domain's points, from which JADI-A and JADI-E are computed (@jia-trial/outcomes
 * scoreJadi). Named by visit and item; a visit's subject must be at one of the caller's sites.
 */
import type { Transaction } from '../transaction.js';
import { correctRecord, createRecord } from './record-service.js';
import type { StoredRecord } from './record-texts.js';
import type { SiteScope } from './site-scope.js';

/** A JADI item's score, by the field dictionary's keys (record type damage_item). */
export interface DamageItemRecord {
  readonly visitId: string;
  /** A JADI item (`jadi_a_knee_l`, `jadi_e_ocular`, ...). */
  readonly item: string;
  readonly score: number;
}

/** Records the score of a JADI item at a visit. */
export function createDamageItem(
  tx: Transaction,
  studyId: string,
  item: DamageItemRecord,
  sites: SiteScope,
): Promise<StoredRecord<DamageItemRecord>> {
  return createRecord(tx, studyId, 'damage_item', item, sites);
}

/** Replaces the score of `item.item` at `item.visitId` (at `basedOnVersion`). */
export function correctDamageItem(
  tx: Transaction,
  studyId: string,
  item: DamageItemRecord,
  basedOnVersion: number,
  sites: SiteScope,
): Promise<StoredRecord<DamageItemRecord>> {
  return correctRecord(tx, studyId, 'damage_item', 'natural key', item, basedOnVersion, sites);
}
