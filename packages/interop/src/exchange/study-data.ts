/**
 * A study as the exchange writers (ODM, FHIR) read it: pure data, from the store
 * (packages/store/src/exchange) or from a bundle. A subject comes with all its records as their
 * bundle texts (the one reading of a record: records/record-texts.ts in the store), each with
 * the last change the audit trail holds for it, so that a writer streams one subject at a time.
 */
import type { RecordTexts, RecordTypeId } from '@jia-trial/dictionary';
import type { ProtocolDefinition } from '@jia-trial/protocol';

/** Who changed a record, when and why: one audit event. */
export interface AuditStamp {
  /** The actor's stable id (`user:<username>`, `os:<login>`, `system:<name>`). */
  readonly actorId: string;
  /** ISO 8601 date-time in UTC. */
  readonly at: string;
  readonly reason: string | null;
  /** The site the change was made in (the record's subject's), when the trail says. */
  readonly site: string | null;
  /** The audit event's id. */
  readonly eventId: string;
}

export interface ExchangeRecord {
  readonly texts: RecordTexts;
  /** The last audit event of the record (absent: read from a bundle, which has no trail). */
  readonly lastChange?: AuditStamp;
}

/** An electronic signature of a visit (with its findings) or of a subject's casebook. */
export interface SignatureStamp {
  readonly signatureId: string;
  /** Null: the subject's whole casebook. */
  readonly visitId: string | null;
  /** A code of the dictionary's signature_meaning list. */
  readonly meaning: string;
  readonly signerActorId: string;
  readonly at: string;
}

export interface SubjectRecords {
  readonly subjectId: string;
  /** Every record of the subject by record type, its own `subject` record included. */
  readonly records: ReadonlyMap<RecordTypeId, readonly ExchangeRecord[]>;
  readonly signatures: readonly SignatureStamp[];
}

/**
 * What a reading of a study's subjects holds (the store's readStudyForExchange takes it): by
 * default every record with its last change, and the signatures. A writer that needs less (the
 * Transactional export's first pass, which places the visits in the schedule) says so.
 */
export interface SubjectReadOptions {
  /** Only the records of these types (a type without subject_id needs `visit` with it). */
  readonly types?: readonly RecordTypeId[];
  /** False: no last change per record and no signatures. */
  readonly trail?: boolean;
  /** True: the next batch of subjects is read while the current one is written. */
  readonly readAhead?: boolean;
  /** Only these columns of these record types (a type not named: every column). */
  readonly columns?: Readonly<Partial<Record<RecordTypeId, readonly string[]>>>;
}

/** Someone or something that changed or signed the study's records. */
export interface ExchangeActor {
  readonly id: string;
  readonly name: string;
}

export interface ExchangeStudy {
  readonly studyId: string;
  readonly title: string | null;
  /** The protocol the study runs under; null: none (every visit is unscheduled). */
  readonly protocol: ProtocolDefinition | null;
  readonly sites: ReadonlyArray<{ readonly code: string; readonly name: string | null }>;
  /** Every actor of the study's audit trail and signatures. */
  readonly actors: readonly ExchangeActor[];
}

/** A user account of the server (`user:<username>`), as opposed to a system actor. */
export function isUserActor(actorId: string): boolean {
  return actorId.startsWith('user:');
}

/** The records of one type of a subject (none: empty). */
export function recordsOf(subject: SubjectRecords, type: RecordTypeId): readonly ExchangeRecord[] {
  return subject.records.get(type) ?? [];
}

/** Appends `value` to the list of `key` in `map`. */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
