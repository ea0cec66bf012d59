/**
 * A stored study as the protocol engine's subject timelines, read straight from the database in
 * one snapshot: what `jia-trial status --study` and `jia-trial report --study` evaluate, and
 * what the server will. Each record is read as its bundle text (records/record-texts.ts, the
 * export's expressions) and mapped by the dictionary's subjectTimelines, the mapping a bundle goes through too, so that a
 * bundle and the study imported from it give the same timelines (timelines.test.ts).
 * The day of evaluation is the engine's business (censor): every stored record is returned.
 */
import {
  BUNDLE_FILES,
  type BundleFileName,
  type RecordTexts,
  subjectTimelines,
  visitObservationOf,
} from '@jia-trial/dictionary';
import type { SubjectTimeline, TimelineVisit } from '@jia-trial/protocol';
import type pg from 'pg';
import { notFound } from './errors.js';
import { readRecordTexts } from './records/record-texts.js';
import { type PoolHolder, withSnapshot } from './transaction.js';

/** A study's records (or one subject's) as cell texts, by bundle file; NOT_FOUND for no study. */
export async function readStudyTexts(
  client: pg.ClientBase,
  studyId: string,
  subjectId: string | null,
): Promise<ReadonlyMap<BundleFileName, RecordTexts[]>> {
  const found = await client.query('SELECT 1 FROM study WHERE study_id = $1', [studyId]);
  if (found.rowCount === 0) throw notFound(`there is no study ${studyId}`);
  const texts = new Map<BundleFileName, RecordTexts[]>();
  for (const file of BUNDLE_FILES)
    texts.set(
      file.file,
      await readRecordTexts(client, studyId, file, subjectId === null ? {} : { subjectId }),
    );
  return texts;
}

/** Records read by readStudyTexts as the protocol engine's timelines, in subject order. */
export function timelinesOfTexts(
  texts: ReadonlyMap<BundleFileName, readonly RecordTexts[]>,
): SubjectTimeline[] {
  const of = (file: BundleFileName) => texts.get(file) ?? [];
  return subjectTimelines({
    subjects: of('subjects.csv'),
    medications: of('medications.csv'),
    infusions: of('infusions.csv'),
    adverseEvents: of('adverse_events.csv'),
    eligibility: of('eligibility.csv'),
    damage: of('damage.csv'),
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

async function readStudy(
  client: pg.PoolClient,
  studyId: string,
  subjectId: string | null,
): Promise<SubjectTimeline[]> {
  return timelinesOfTexts(await readStudyTexts(client, studyId, subjectId));
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
