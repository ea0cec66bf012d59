/**
 * A stored study as the exchange writers read it (ODM, FHIR: packages/interop, docs/interop.md):
 * the study, its sites and every actor of its audit trail and signatures, then its subjects one
 * by one, each with all its records as their bundle texts (records/record-texts.ts, the one
 * reading of a record), the last audit event of each record and its signatures. Everything is
 * read in one snapshot, the subjects in batches, so that memory holds one batch, not the study.
 * The shapes are those of @jia-trial/interop's exchange/study-data.ts (the store cannot import
 * it: interop depends on the store).
 */
import {
  BUNDLE_FILES,
  type BundleFile,
  type RecordTexts,
  type RecordTypeId,
} from '@jia-trial/dictionary';
import type pg from 'pg';
import { escapeIdentifier, escapeLiteral } from 'pg';
import { notFound } from '../errors.js';
import { prepared } from '../prepared.js';
import { textColumns } from '../records/record-texts.js';
import { utcText } from '../review/timestamps.js';
import { type PoolHolder, withSnapshot } from '../transaction.js';
import { type ExchangeTrailEvent, recordChanges } from './record-changes.js';
import { RowTexts, TextColumns } from './row-texts.js';

export interface ExchangeAuditStamp {
  readonly actorId: string;
  readonly at: string;
  readonly reason: string | null;
  readonly site: string | null;
  readonly eventId: string;
}

/** An e-signature of a visit (visitId) or of the subject's casebook (visitId null). */
export interface ExchangeSignature {
  readonly signatureId: string;
  readonly visitId: string | null;
  readonly meaning: string;
  readonly signerActorId: string;
  readonly at: string;
}

export interface ExchangeSubject {
  readonly subjectId: string;
  readonly records: ReadonlyMap<
    RecordTypeId,
    ReadonlyArray<{ readonly texts: RecordTexts; readonly lastChange?: ExchangeAuditStamp }>
  >;
  readonly signatures: readonly ExchangeSignature[];
}

export interface ExchangeStudyInfo {
  readonly studyId: string;
  readonly title: string | null;
  readonly protocolId: string | null;
  readonly sites: ReadonlyArray<{ readonly code: string; readonly name: string | null }>;
  readonly actors: ReadonlyArray<{ readonly id: string; readonly name: string }>;
}

/**
 * What a reading of the subjects holds (the same shape as @jia-trial/interop's
 * SubjectReadOptions): by default every record with its last change, and the signatures.
 */
export interface ExchangeReadOptions {
  /** Only the records of these types (a type without subject_id needs `visit` with it). */
  readonly types?: readonly RecordTypeId[];
  /** False: no last change per record and no signatures (what the trail would add). */
  readonly trail?: boolean;
  /**
   * True: the next batch of subjects is read while the current one is consumed, so that the
   * database and the consumer work at the same time (two batches in memory instead of one).
   */
  readonly readAhead?: boolean;
  /**
   * Only these columns of these record types (their row_id always; a type not named: every
   * column). A reading that needs a few values of a wide record (the Transactional export's
   * first pass needs a visit's id, subject and date, not its 45 columns) asks for those.
   */
  readonly columns?: Readonly<Partial<Record<RecordTypeId, readonly string[]>>>;
}

/**
 * Subjects read per batch. With readAhead the next batch is read while one is written, so two
 * are held: 100 hold less than one batch of 500 did before. Batches of 25 cost PostgreSQL a third more CPU
 * (more queries) for no gain in the command (docs/performance.md).
 */
export const EXCHANGE_BATCH_SUBJECTS = 100;

async function studyInfo(client: pg.ClientBase, studyId: string): Promise<ExchangeStudyInfo> {
  const study = await client.query<{ title: string | null; protocol_id: string | null }>(
    'SELECT title, protocol_id FROM study WHERE study_id = $1',
    [studyId],
  );
  const row = study.rows[0];
  if (!row) throw notFound(`there is no study ${studyId}`);
  const sites = await client.query<{ code: string; name: string | null }>(
    'SELECT site_code AS code, name FROM site WHERE study_id = $1 ORDER BY site_code',
    [studyId],
  );
  // Every actor of the study's trail (an event before migration 0007 has no actor id: its name
  // is its id) and every signer, with the latest name of each actor id. The trail's actors are
  // read by skipping through the index of migration 0027 (study, actor, newest event first): one
  // probe an actor, each finding the actor's newest event (a scan of the whole trail took 0.5 s
  // of a 200,000-visit study before anything could be written: docs/performance.md).
  const actors = await client.query<{ id: string; name: string }>(
    `WITH RECURSIVE last AS (
       (SELECT coalesce(actor_id, actor) AS id, actor AS name FROM audit_event
         WHERE study_id = $1 ORDER BY coalesce(actor_id, actor), event_id DESC LIMIT 1)
       UNION ALL
       SELECT next.id, next.name FROM last CROSS JOIN LATERAL (
         SELECT coalesce(e.actor_id, e.actor) AS id, e.actor AS name FROM audit_event e
          WHERE e.study_id = $1 AND coalesce(e.actor_id, e.actor) > last.id
          ORDER BY coalesce(e.actor_id, e.actor), e.event_id DESC LIMIT 1) next
     )
     SELECT DISTINCT ON (id) id, name FROM (
       SELECT id, name, 1 AS rank FROM last
       UNION ALL
       SELECT 'user:' || signer_username, signer_name, 2 FROM signature WHERE study_id = $1
     ) a ORDER BY id, rank`,
    [studyId],
  );
  return {
    studyId,
    title: row.title,
    protocolId: row.protocol_id,
    sites: sites.rows,
    actors: actors.rows,
  };
}

type ExchangeRecordRead = { texts: RecordTexts; lastChange?: ExchangeAuditStamp };

/**
 * A record's last audit event, joined to its row: the newest event of the row through
 * audit_event_record (one index probe a record). Its columns are named apart (`le_`) so that the
 * record's own columns stay unambiguous.
 */
const LAST_CHANGE_JOIN = (table: string) => `LEFT JOIN LATERAL (
    SELECT coalesce(a.actor_id, a.actor) AS le_actor, ${utcText('a.occurred_at')} AS le_at,
           a.reason AS le_reason, a.site_code AS le_site, a.event_id::text AS le_event
      FROM audit_event a WHERE a.table_name = ${escapeLiteral(table)} AND a.row_id = ${escapeIdentifier(table)}.row_id
     ORDER BY a.event_id DESC LIMIT 1) le ON true`;
const LAST_CHANGE_COUNT = 5;

/**
 * The records of one file for some subjects, each with its row id and, with `trail`, its last
 * audit event, in one query (one round trip less a file, and no list of row ids sent back).
 */
async function batchRecords(
  client: pg.ClientBase,
  studyId: string,
  file: BundleFile,
  subjectIds: readonly string[],
  trail: boolean,
  only: readonly string[] | undefined,
): Promise<ExchangeRecordRead[]> {
  const bySubject = file.columns.some((c) => c.name === 'subject_id');
  const where = bySubject
    ? 'study_id = $1 AND subject_id = ANY ($2)'
    : 'study_id = $1 AND visit_id IN (SELECT visit_id FROM visit WHERE study_id = $1 AND subject_id = ANY ($2))';
  const order = file.key
    .map((name) => escapeIdentifier(file.columns.find((c) => c.name === name)?.dbColumn ?? name))
    .join(', ');
  const select = textColumns(file, only);
  const text = trail
    ? `SELECT ${select}, le.* FROM ${file.table} ${LAST_CHANGE_JOIN(file.table)} WHERE ${where} ORDER BY ${order}`
    : `SELECT ${select} FROM ${file.table} WHERE ${where} ORDER BY ${order}`;
  // Named, so planned once per connection (the visits' query alone is some 45 expressions).
  const result = await client.query<Array<string | null>>({
    ...prepared(text, [studyId, subjectIds]),
    rowMode: 'array',
  });
  const names = result.fields.map((f) => f.name);
  const columns = new TextColumns(trail ? names.slice(0, -LAST_CHANGE_COUNT) : names);
  if (!trail) return result.rows.map((row) => ({ texts: new RowTexts(columns, row) }));
  const count = columns.names.length;
  return result.rows.map((row) => {
    const texts = new RowTexts(columns, row);
    const eventId = row[count + 4];
    if (eventId === null || eventId === undefined) return { texts };
    const lastChange: ExchangeAuditStamp = {
      actorId: row[count] as string,
      at: row[count + 1] as string,
      reason: row[count + 2] ?? null,
      site: row[count + 3] ?? null,
      eventId,
    };
    return { texts, lastChange };
  });
}

async function batchSignatures(
  client: pg.ClientBase,
  studyId: string,
  subjectIds: readonly string[],
) {
  const result = await client.query<ExchangeSubject['signatures'][number] & { subjectId: string }>(
    prepared(
      `SELECT subject_id AS "subjectId", signature_id AS "signatureId", visit_id AS "visitId", meaning,
            'user:' || signer_username AS "signerActorId", ${utcText('signed_at')} AS at
       FROM signature WHERE study_id = $1 AND subject_id = ANY ($2) ORDER BY signed_at, signature_id`,
      [studyId, subjectIds],
    ),
  );
  return result.rows;
}

type SubjectBuild = {
  records: Map<RecordTypeId, Array<{ texts: RecordTexts; lastChange?: ExchangeAuditStamp }>>;
  signatures: Array<ExchangeSubject['signatures'][number]>;
};

/** The files read: every file, or those of `types` (in the bundle's order: visits first). */
function filesRead(types: readonly RecordTypeId[] | undefined): readonly BundleFile[] {
  if (types === undefined) return BUNDLE_FILES;
  const files = BUNDLE_FILES.filter((f) => types.includes(f.table));
  const byVisit = files.find((f) => !f.columns.some((c) => c.name === 'subject_id'));
  // Without the visits, the records of a visit could not be given to their subject.
  if (byVisit && !types.includes('visit'))
    throw new RangeError(`reading ${byVisit.table} needs the visits read with it`);
  return files;
}

/** Reads the files' records of a batch of subjects into `subjects`. */
async function readBatch(
  client: pg.ClientBase,
  studyId: string,
  batch: readonly string[],
  files: readonly BundleFile[],
  trail: boolean,
  columns: ExchangeReadOptions['columns'],
): Promise<Map<string, SubjectBuild>> {
  const subjects = new Map<string, SubjectBuild>(
    batch.map((id) => [id, { records: new Map(), signatures: [] }]),
  );
  const visitSubject = new Map<string, string>();
  // One query at a time: pg refuses to queue another on a busy connection (deprecated in pg 8).
  for (const file of files) {
    const only = columns?.[file.table];
    for (const record of await batchRecords(client, studyId, file, batch, trail, only)) {
      const { texts } = record;
      const visitId = texts.get('visit_id') ?? '';
      const subjectId = texts.get('subject_id') ?? visitSubject.get(visitId) ?? '';
      if (file.table === 'visit') visitSubject.set(visitId, subjectId);
      const subject = subjects.get(subjectId);
      if (!subject) continue;
      const list = subject.records.get(file.table);
      if (list) list.push(record);
      else subject.records.set(file.table, [record]);
    }
  }
  if (trail)
    for (const { subjectId, ...signature } of await batchSignatures(client, studyId, batch))
      subjects.get(subjectId)?.signatures.push(signature);
  return subjects;
}

async function* subjectsOf(
  client: pg.ClientBase,
  studyId: string,
  batchSize: number,
  options: ExchangeReadOptions,
): AsyncGenerator<ExchangeSubject> {
  const files = filesRead(options.types);
  const trail = options.trail ?? true;
  const ids = (
    await client.query<{ subject_id: string }>(
      'SELECT subject_id FROM subject WHERE study_id = $1 ORDER BY subject_id',
      [studyId],
    )
  ).rows.map((r) => r.subject_id);
  const read = (start: number) =>
    start < ids.length
      ? readBatch(
          client,
          studyId,
          ids.slice(start, start + batchSize),
          files,
          trail,
          options.columns,
        )
      : null;
  let next = read(0);
  try {
    for (let start = 0; next; start += batchSize) {
      const subjects = await next;
      // With readAhead, the next batch is read while this one is written: its queries follow one
      // another as each answer arrives, while the writer waits for the file (PostgreSQL and the
      // command work at the same time on two cores).
      next = options.readAhead ? read(start + batchSize) : null;
      next?.catch(() => {});
      for (const [subjectId, subject] of subjects) yield { subjectId, ...subject };
      next ??= read(start + batchSize);
    }
  } finally {
    // A batch asked for ahead is read to its end before the connection is used again.
    await next?.catch(() => {});
  }
}

/**
 * Reads study `studyId` in one snapshot and hands `use` its description, its subjects (read in
 * batches while `use` consumes them; all their records, or what `options` asks for) and, on demand, the changes of its audit trail (read
 * and its signatures, through a cursor). NOT_FOUND when there is no study.
 */
export async function readStudyForExchange<T>(
  db: PoolHolder,
  studyId: string,
  use: (
    study: ExchangeStudyInfo,
    subjects: (options?: ExchangeReadOptions) => AsyncIterable<ExchangeSubject>,
    changes: () => AsyncIterable<ExchangeTrailEvent>,
  ) => Promise<T>,
  batchSize = EXCHANGE_BATCH_SUBJECTS,
): Promise<T> {
  return withSnapshot(db, async (client) =>
    use(
      await studyInfo(client, studyId),
      (options = {}) => subjectsOf(client, studyId, batchSize, options),
      () => recordChanges(client, studyId),
    ),
  );
}
