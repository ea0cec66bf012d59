/**
 * A stored study as the protocol engine's subject timelines, read straight from the database in
 * one snapshot: what `jia-trial status --study` and `jia-trial report --study` evaluate, and
 * what the server will. Each record is read as its bundle text (the export's expressions) and
 * mapped by the dictionary's subjectTimelines, the mapping a bundle goes through too, so that a
 * bundle and the study imported from it give the same timelines (timelines.test.ts).
 * The day of evaluation is the engine's business (censor): every stored record is returned.
 */
import {
  BUNDLE_FILES,
  type BundleFile,
  type BundleFileName,
  dbColumn,
  type RecordTexts,
  subjectTimelines,
  visitObservationOf,
} from '@jia-trial/dictionary';
import type { SubjectTimeline, TimelineVisit } from '@jia-trial/protocol';
import type pg from 'pg';
import { escapeIdentifier } from 'pg';
import { bundleTextExpression } from './bundle/export-bundle.js';
import { notFound } from './errors.js';
import { type PoolHolder, withSnapshot } from './transaction.js';

/** Every record of a file of the study, as cell texts, in key order (as the export writes it). */
async function readTexts(
  client: pg.PoolClient,
  studyId: string,
  file: BundleFile,
  subjectId: string | null,
): Promise<RecordTexts[]> {
  const select = file.columns
    .map((c) => `${bundleTextExpression(file, c)} AS ${escapeIdentifier(c.name)}`)
    .join(', ');
  const order = file.key.map((name) => escapeIdentifier(dbColumn(file, name))).join(', ');
  // One subject's records: by their subject_id, or (joint findings, CHAQ answers) their visit's.
  const ofSubject =
    subjectId === null
      ? ''
      : file.columns.some((c) => c.name === 'subject_id')
        ? ' AND subject_id = $2'
        : ' AND visit_id IN (SELECT visit_id FROM visit WHERE study_id = $1 AND subject_id = $2)';
  const result = await client.query<Record<string, string | null>>(
    `SELECT ${select} FROM ${file.table} WHERE study_id = $1${ofSubject} ORDER BY ${order}`,
    subjectId === null ? [studyId] : [studyId, subjectId],
  );
  return result.rows.map(
    (row) =>
      new Map(Object.entries(row).filter((entry): entry is [string, string] => entry[1] !== null)),
  );
}

async function readStudy(
  client: pg.PoolClient,
  studyId: string,
  subjectId: string | null,
): Promise<SubjectTimeline[]> {
  const found = await client.query('SELECT 1 FROM study WHERE study_id = $1', [studyId]);
  if (found.rowCount === 0) throw notFound(`there is no study ${studyId}`);
  const texts = new Map<BundleFileName, RecordTexts[]>();
  for (const file of BUNDLE_FILES)
    texts.set(file.file, await readTexts(client, studyId, file, subjectId));
  const of = (file: BundleFileName) => texts.get(file) ?? [];
  return subjectTimelines({
    subjects: of('subjects.csv'),
    medications: of('medications.csv'),
    infusions: of('infusions.csv'),
    adverseEvents: of('adverse_events.csv'),
    eligibility: of('eligibility.csv'),
    visits: of('visits.csv').map((row): [string, TimelineVisit] => [
      row.get('subject_id') ?? '',
      {
        visitId: row.get('visit_id') ?? '',
        date: row.get('visit_date') ?? '',
        observation: visitObservationOf(row),
      },
    ]),
  });
}

/**
 * The subjects of study `studyId` with all their records, in subject order. Read in one
 * snapshot of its own, or in the given transaction's. NOT_FOUND when there is no such study.
 */
export async function loadStudyTimelines(
  db: PoolHolder | { readonly client: pg.PoolClient },
  studyId: string,
): Promise<SubjectTimeline[]> {
  if ('client' in db) return readStudy(db.client, studyId, null);
  return withSnapshot(db, (client) => readStudy(client, studyId, null));
}

/** One subject's timeline, read as loadStudyTimelines reads them all; null when there is none. */
export async function loadSubjectTimeline(
  db: PoolHolder | { readonly client: pg.PoolClient },
  studyId: string,
  subjectId: string,
): Promise<SubjectTimeline | null> {
  const read = (client: pg.PoolClient) => readStudy(client, studyId, subjectId);
  const [timeline] = 'client' in db ? await read(db.client) : await withSnapshot(db, read);
  return timeline ?? null;
}
