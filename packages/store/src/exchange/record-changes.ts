/**
 * The audit trail of a study's records as changes with bundle texts, oldest first, and the
 * e-signatures given in it: what an ODM Transactional file writes (packages/interop
 * odm/write-odm.ts). Read through a cursor in the caller's snapshot, so that memory holds one page
 * of events.
 *
 * A change's values are the row as the trail holds it (the text `to_json` made of the row,
 * migration 0004), sent as that text and read here as the record's bundle texts (trail-json.ts):
 * a value of the trail is written exactly as the same value of the Snapshot, which reads the
 * table through records/record-texts.ts (a decimal entered as 1.50 is 1.50 in both, where JSON
 * numbers would give 1.5 in one and 1.50 in the other).
 *
 * A signature is an insert into `signature` (audited, never changed: migration 0011); it is read
 * from the signature table, as the Snapshot reads it. Events written before migration 0007 carry
 * no study and are not read here (docs/interop.md says so).
 */
import { BUNDLE_FILES, type RecordTexts, type RecordTypeId } from '@jia-trial/dictionary';
import type pg from 'pg';
import { utcText } from '../review/timestamps.js';
import type { ExchangeAuditStamp, ExchangeSignature } from './read-for-exchange.js';
import { TrailRowReader } from './trail-json.js';

export interface ExchangeRecordChange {
  readonly type: RecordTypeId;
  readonly operation: 'insert' | 'update' | 'delete';
  readonly subjectId: string;
  readonly texts: RecordTexts;
  readonly changed: ReadonlySet<string> | null;
  readonly stamp: ExchangeAuditStamp;
}

/** An e-signature given, in its place in the trail. */
export interface ExchangeSignatureEvent {
  readonly subjectId: string;
  readonly signature: ExchangeSignature;
  readonly stamp: ExchangeAuditStamp;
}

export type ExchangeTrailEvent = ExchangeRecordChange | ExchangeSignatureEvent;

interface EventRow {
  table_name: string;
  operation: 'insert' | 'update' | 'delete';
  /** The row before and after the change, as to_json wrote it (null: none). */
  old_json: string | null;
  new_json: string | null;
  actor_id: string;
  at: string;
  reason: string | null;
  site: string | null;
  event_id: string;
  sig_subject: string | null;
  sig_id: string | null;
  sig_visit: string | null;
  sig_meaning: string | null;
  sig_signer: string | null;
  sig_at: string | null;
}

/**
 * Events fetched at a time. Each holds the text of one or two rows of the trail (some 1.3 KB a
 * visit); the next page is asked for before this one is read, so that PostgreSQL and the command
 * work at the same time. 250 rather than 1,000: a page then mostly dies before the garbage
 * collector would move it to the old generation (the Transactional export of the benchmark study:
 * 14.1 s of CPU with pages of 1,000, 11.4 s with 250; docs/performance.md).
 */
const PAGE = 250;

function stampOf(row: EventRow): ExchangeAuditStamp {
  return {
    actorId: row.actor_id,
    at: row.at,
    reason: row.reason,
    site: row.site,
    eventId: row.event_id,
  };
}

/**
 * The subject of each visit the trail has named, for the changes of a visit's records that carry
 * only its visit id. A 200,000-visit trail gives as many entries: the subject ids are interned
 * (one string per subject, not one per visit).
 */
class VisitSubjects {
  readonly #subjectOf = new Map<string, string>();
  readonly #interned = new Map<string, string>();

  set(visitId: string, subjectId: string): void {
    let subject = this.#interned.get(subjectId);
    if (subject === undefined) {
      subject = subjectId;
      this.#interned.set(subject, subject);
    }
    this.#subjectOf.set(visitId, subject);
  }

  get(visitId: string): string | undefined {
    return this.#subjectOf.get(visitId);
  }
}

/** The fields whose texts differ (one absent on one side included). */
function changedFields(before: RecordTexts, after: RecordTexts): Set<string> {
  const changed = new Set<string>();
  for (const [name, text] of before) if (after.get(name) !== text) changed.add(name);
  for (const name of after.keys()) if (!before.has(name)) changed.add(name);
  return changed;
}

function changeOf(
  type: RecordTypeId,
  reader: TrailRowReader,
  row: EventRow,
  visitSubject: VisitSubjects,
): ExchangeRecordChange {
  const texts =
    reader.texts(row.operation === 'delete' ? row.old_json : row.new_json) ??
    new Map<string, string>();
  if (type === 'visit')
    visitSubject.set(texts.get('visit_id') ?? '', texts.get('subject_id') ?? '');
  const subjectId = texts.get('subject_id') ?? visitSubject.get(texts.get('visit_id') ?? '') ?? '';
  const before = row.operation === 'update' ? reader.texts(row.old_json) : null;
  const changed = before ? changedFields(before, texts) : null;
  return {
    type,
    operation: row.operation,
    subjectId,
    texts,
    changed,
    stamp: stampOf(row),
  };
}

function signatureOf(row: EventRow): ExchangeSignatureEvent | null {
  // Only a signature's insert is a signing (an update or delete is refused by migration 0011).
  if (row.operation !== 'insert' || row.sig_id === null) return null;
  return {
    subjectId: row.sig_subject ?? '',
    signature: {
      signatureId: row.sig_id,
      visitId: row.sig_visit,
      meaning: row.sig_meaning ?? '',
      signerActorId: row.sig_signer ?? '',
      at: row.sig_at ?? '',
    },
    stamp: stampOf(row),
  };
}

/**
 * Every change of the study's records and every signature, in the trail's order (a cursor in the
 * caller's transaction).
 */
export async function* recordChanges(
  client: pg.ClientBase,
  studyId: string,
): AsyncGenerator<ExchangeTrailEvent> {
  const readers = new Map(
    BUNDLE_FILES.map((f) => [f.table as string, { type: f.table, reader: new TrailRowReader(f) }]),
  );
  const visitSubject = new VisitSubjects();
  await client.query(
    `DECLARE jia_exchange_changes NO SCROLL CURSOR FOR
       SELECT e.table_name, e.operation, e.old_values::text AS old_json,
              e.new_values::text AS new_json,
              coalesce(e.actor_id, e.actor) AS actor_id, ${utcText('e.occurred_at')} AS at,
              e.reason, e.site_code AS site, e.event_id::text AS event_id,
              s.subject_id AS sig_subject, s.signature_id AS sig_id, s.visit_id AS sig_visit,
              s.meaning AS sig_meaning, 'user:' || s.signer_username AS sig_signer,
              ${utcText('s.signed_at')} AS sig_at
         FROM audit_event e
         LEFT JOIN signature s ON e.table_name = 'signature' AND s.study_id = e.study_id
                              AND s.signature_id = e.new_values ->> 'signature_id'
        WHERE e.study_id = $1 AND e.table_name = ANY ($2) ORDER BY e.event_id`,
    [studyId, [...readers.keys(), 'signature']],
  );
  const fetch = () => client.query<EventRow>(`FETCH ${PAGE} FROM jia_exchange_changes`);
  let next: Promise<pg.QueryResult<EventRow>> | null = fetch();
  try {
    while (next) {
      const page: pg.QueryResult<EventRow> = await next;
      // The next page is produced while this one is read and written.
      next = page.rows.length < PAGE ? null : fetch();
      // A rejection of the page asked for ahead is seen when it is awaited (or dropped below).
      next?.catch(() => {});
      for (const row of page.rows) {
        if (row.table_name === 'signature') {
          const signature = signatureOf(row);
          if (signature) yield signature;
          continue;
        }
        const table = readers.get(row.table_name);
        if (table) yield changeOf(table.type, table.reader, row, visitSubject);
      }
    }
  } finally {
    // A page asked for ahead must be read before the cursor is closed (the connection is shared).
    await next?.catch(() => {});
    await client.query('CLOSE jia_exchange_changes').catch(() => {});
  }
}
