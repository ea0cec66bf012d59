/**
 * Adverse events: term and MedDRA code, CTCAE grade (1-5; grade 5 is death, so serious with
 * outcome fatal), seriousness (ICH E2A criteria, only for a serious AE), relatedness, outcome,
 * action taken, and the awareness and report dates (the clock of expedited reporting). An AE is
 * named by its id, assigned once; a correction may change everything else, its subject too.
 */
import type { Transaction } from '../transaction.js';
import { correctRecord, createRecord } from './record-service.js';
import type { StoredRecord } from './record-texts.js';
import type { SiteScope } from './site-scope.js';

/** An adverse event, by the field dictionary's keys (record type adverse_event). */
export interface AdverseEventRecord {
  readonly subjectId: string;
  readonly aeId: string;
  readonly term: string;
  readonly onsetDate: string;
  /** Empty: ongoing. */
  readonly resolutionDate?: string | null;
  /** CTCAE grade, 1-5. */
  readonly grade: number;
  readonly serious: boolean;
  readonly related: 'not_related' | 'unlikely' | 'possible' | 'probable' | 'definite';
  readonly outcome:
    | 'recovered'
    | 'recovering'
    | 'not_recovered'
    | 'recovered_with_sequelae'
    | 'fatal'
    | 'unknown';
  /** 8 digits. */
  readonly meddraCode?: string | null;
  /** ICH E2A criteria separated by `;` (`hospitalisation;life_threatening`). */
  readonly seriousnessCriteria?: string | null;
  readonly actionTaken?:
    | 'none'
    | 'dose_reduced'
    | 'drug_interrupted'
    | 'drug_withdrawn'
    | 'not_applicable'
    | 'unknown'
    | null;
  /** Empty: the onset (it is stored so). */
  readonly awarenessDate?: string | null;
  readonly reportedDate?: string | null;
}

/** Records an adverse event of a subject at one of the caller's sites. */
export function createAdverseEvent(
  tx: Transaction,
  studyId: string,
  adverseEvent: AdverseEventRecord,
  sites: SiteScope,
): Promise<StoredRecord<AdverseEventRecord>> {
  return createRecord(tx, studyId, 'adverse_event', adverseEvent, sites);
}

/**
 * Replaces adverse event `adverseEvent.aeId` (at version `basedOnVersion`) by `adverseEvent`.
 * Needs the transaction's reason.
 */
export function correctAdverseEvent(
  tx: Transaction,
  studyId: string,
  adverseEvent: AdverseEventRecord,
  basedOnVersion: number,
  sites: SiteScope,
): Promise<StoredRecord<AdverseEventRecord>> {
  return correctRecord(
    tx,
    studyId,
    'adverse_event',
    'natural key',
    adverseEvent,
    basedOnVersion,
    sites,
  );
}
