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
import { escapeIdentifier } from 'pg';
import { notFound } from '../errors.js';
import { textColumns, textsOfColumns } from '../records/record-texts.js';
import { utcText } from '../review/timestamps.js';
import { type PoolHolder, withSnapshot } from '../transaction.js';
import { type ExchangeTrailEvent, recordChanges } from './record-changes.js';

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
}

/** Subjects read per batch. */
export const EXCHANGE_BATCH_SUBJECTS = 500;

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
  // is its id) and every signer. The latest name of an actor id is kept: its last event found
  // by a hashed aggregate, then read by its key (sorting every event of a 200,000-visit trail
  // took seconds).
  const actors = await client.query<{ id: string; name: string }>(
    `WITH last AS (
       SELECT coalesce(actor_id, actor) AS id, max(event_id) AS n FROM audit_event
        WHERE study_id = $1 GROUP BY 1
     )
     SELECT DISTINCT ON (id) id, name FROM (
       SELECT last.id, e.actor AS name, 1 AS rank FROM last JOIN audit_event e ON e.event_id = last.n
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

/** The records of one file for some subjects, each with its row id. */
async function batchRecords(
  client: pg.ClientBase,
  studyId: string,
  file: BundleFile,
  subjectIds: readonly string[],
): Promise<RecordTexts[]> {
  const bySubject = file.columns.some((c) => c.name === 'subject_id');
  const where = bySubject
    ? 'study_id = $1 AND subject_id = ANY ($2)'
    : 'study_id = $1 AND visit_id IN (SELECT visit_id FROM visit WHERE study_id = $1 AND subject_id = ANY ($2))';
  const order = file.key
    .map((name) => escapeIdentifier(file.columns.find((c) => c.name === name)?.dbColumn ?? name))
    .join(', ');
  const result = await client.query<Array<string | null>>({
    text: `SELECT ${textColumns(file)} FROM ${file.table} WHERE ${where} ORDER BY ${order}`,
    values: [studyId, subjectIds],
    rowMode: 'array',
  });
  const names = result.fields.map((f) => f.name);
  return result.rows.map((row) => textsOfColumns(names, row));
}

/** The last audit event of each of these rows of a table (through audit_event_record). */
async function lastChanges(
  client: pg.ClientBase,
  table: string,
  rowIds: readonly string[],
): Promise<Map<string, ExchangeAuditStamp>> {
  if (rowIds.length === 0) return new Map();
  const result = await client.query<ExchangeAuditStamp & { rowId: string }>(
    `SELECT DISTINCT ON (row_id) row_id::text AS "rowId", coalesce(actor_id, actor) AS "actorId",
            ${utcText('occurred_at')} AS at, reason, site_code AS site, event_id::text AS "eventId"
       FROM audit_event WHERE table_name = $1 AND row_id = ANY ($2::bigint[])
      ORDER BY row_id, event_id DESC`,
    [table, rowIds],
  );
  return new Map(result.rows.map(({ rowId, ...stamp }) => [rowId, stamp]));
}

async function batchSignatures(
  client: pg.ClientBase,
  studyId: string,
  subjectIds: readonly string[],
) {
  const result = await client.query<ExchangeSubject['signatures'][number] & { subjectId: string }>(
    `SELECT subject_id AS "subjectId", signature_id AS "signatureId", visit_id AS "visitId", meaning,
            'user:' || signer_username AS "signerActorId", ${utcText('signed_at')} AS at
       FROM signature WHERE study_id = $1 AND subject_id = ANY ($2) ORDER BY signed_at, signature_id`,
    [studyId, subjectIds],
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
  subjects: Map<string, SubjectBuild>,
  files: readonly BundleFile[],
  trail: boolean,
): Promise<void> {
  const visitSubject = new Map<string, string>();
  for (const file of files) {
    const rows = await batchRecords(client, studyId, file, batch);
    const changes = trail
      ? await lastChanges(
          client,
          file.table,
          rows.map((r) => r.get('row_id') ?? '0'),
        )
      : new Map<string, ExchangeAuditStamp>();
    for (const texts of rows) {
      const visitId = texts.get('visit_id') ?? '';
      const subjectId = texts.get('subject_id') ?? visitSubject.get(visitId) ?? '';
      if (file.table === 'visit') visitSubject.set(visitId, subjectId);
      const subject = subjects.get(subjectId);
      if (!subject) continue;
      const lastChange = changes.get(texts.get('row_id') ?? '');
      const list = subject.records.get(file.table) ?? [];
      subject.records.set(file.table, list);
      list.push(lastChange ? { texts, lastChange } : { texts });
    }
  }
  if (!trail) return;
  for (const { subjectId, ...signature } of await batchSignatures(client, studyId, batch))
    subjects.get(subjectId)?.signatures.push(signature);
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
  const read = async (start: number) => {
    const batch = ids.slice(start, start + batchSize);
    const subjects = new Map<string, SubjectBuild>(
      batch.map((id) => [id, { records: new Map(), signatures: [] }]),
    );
    await readBatch(client, studyId, batch, subjects, files, trail);
    return subjects;
  };
  let next: Promise<Map<string, SubjectBuild>> | null = null;
  try {
    for (let start = 0; start < ids.length; start += batchSize) {
      const subjects = await (next ?? read(start));
      next = null;
      if (options.readAhead && start + batchSize < ids.length) {
        next = read(start + batchSize);
        // Its failure is seen when it is awaited (or below, when the reading stops early).
        next.catch(() => {});
      }
      for (const [subjectId, subject] of subjects) yield { subjectId, ...subject };
    }
  } finally {
    // Stopped early: the batch being read must end before the snapshot's client is released.
    if (next) await next.catch(() => {});
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
