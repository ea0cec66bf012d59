/**
 * What the API reads of a study's subjects: the list (one line per subject) and one subject with
 * every record of theirs, each with its version (what a correction is based on) and row id, and
 * each visit with its scores. Read in one snapshot of its own (withSnapshot) or in a given
 * transaction's, through the reading the timelines use (record-texts.ts), scored by saveVisit's
 * scoring (scoreAgainstReference). A subject outside the caller's sites is NOT_FOUND exactly as
 * a missing one.
 */
import { referenceVisitOf, scoreAgainstReference } from '@jia-trial/dictionary';
import type { IlarCategory, VisitScores } from '@jia-trial/outcomes';
import type pg from 'pg';
import { notFound } from '../errors.js';
import { prepared } from '../prepared.js';
import { type PoolHolder, withSnapshot } from '../transaction.js';
import type { VisitRecord } from '../visits.js';
import type { AdverseEventRecord } from './adverse-events.js';
import type { ChaqAnswerRecord } from './chaq-answers.js';
import type { EligibilityAssessmentRecord } from './eligibility.js';
import type { InfusionRecord } from './infusions.js';
import type { JointFindingRecord } from './joint-findings.js';
import type { MedicationRecord } from './medications.js';
import { fileOf, readRecordTexts, type StoredRecord, storedRecordOf } from './record-texts.js';
import { inScope, type SiteScope } from './site-scope.js';
import type { SubjectRecord } from './subjects.js';

/** Where a read runs: a snapshot of its own (the store or its pool), or a transaction's. */
export type ReadSource = PoolHolder | { readonly client: pg.PoolClient };

function read<T>(db: ReadSource, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return 'client' in db ? work(db.client) : withSnapshot(db, work);
}

/** A subject's line in the list of a study's subjects. */
export interface SubjectSummary {
  readonly subjectId: string;
  readonly site: string;
  readonly ilarCategory: IlarCategory;
  readonly enrolmentDate: string | null;
  readonly withdrawalDate: string | null;
  readonly visitCount: number;
  readonly lastVisitDate: string | null;
  /** The subject record's version. */
  readonly version: number;
}

/**
 * The subjects of study `studyId` at the caller's sites, in subject id order. NOT_FOUND when
 * there is no such study.
 */
export function listSubjects(
  db: ReadSource,
  studyId: string,
  sites: SiteScope,
): Promise<SubjectSummary[]> {
  return read(db, async (client) => {
    const study = await client.query(
      prepared('SELECT 1 FROM study WHERE study_id = $1', [studyId]),
    );
    if (study.rowCount === 0) throw notFound(`there is no study ${studyId}`);
    const result = await client.query<SubjectSummary>(
      prepared(
        `SELECT s.subject_id AS "subjectId", s.site_code AS site, s.ilar_category AS "ilarCategory",
              to_char(s.enrolment_date, 'YYYY-MM-DD') AS "enrolmentDate",
              to_char(s.withdrawal_date, 'YYYY-MM-DD') AS "withdrawalDate",
              v.count AS "visitCount", to_char(v.last, 'YYYY-MM-DD') AS "lastVisitDate",
              s.version
         FROM subject s
         CROSS JOIN LATERAL (SELECT count(*)::int AS count, max(visit_date) AS last FROM visit
                              WHERE study_id = s.study_id AND subject_id = s.subject_id) v
        WHERE s.study_id = $1 AND ($2::text[] IS NULL OR s.site_code = ANY ($2))
        ORDER BY s.subject_id`,
        [studyId, sites === 'all' ? null : sites],
      ),
    );
    return result.rows;
  });
}

/** A stored visit and its scores against its reference visit, as saveVisit scores it. */
export interface ScoredVisit extends StoredRecord<VisitRecord> {
  readonly scores: VisitScores;
}

/** A subject with every record of theirs. */
export interface SubjectRecords {
  readonly subject: StoredRecord<SubjectRecord>;
  /** By date, then id. */
  readonly visits: readonly ScoredVisit[];
  /** By visit, then joint. */
  readonly jointFindings: readonly StoredRecord<JointFindingRecord>[];
  /** By visit, then item. */
  readonly chaqAnswers: readonly StoredRecord<ChaqAnswerRecord>[];
  /** By start date, then drug. */
  readonly medications: readonly StoredRecord<MedicationRecord>[];
  /** By date. */
  readonly infusions: readonly StoredRecord<InfusionRecord>[];
  /** By onset, then id. */
  readonly adverseEvents: readonly StoredRecord<AdverseEventRecord>[];
  /** By criterion. */
  readonly eligibilityAssessments: readonly StoredRecord<EligibilityAssessmentRecord>[];
}

/**
 * Each visit's scores against its named baseline or, naming none, the first other visit in
 * (date, id) order, the visits being in that order (as save_visit chooses, migrations/0007).
 */
function scored(visits: readonly StoredRecord<VisitRecord>[]): ScoredVisit[] {
  return visits.map((visit) => {
    const reference = referenceVisitOf(
      visit.record,
      visits.map((other) => other.record),
    );
    return { ...visit, scores: scoreAgainstReference(visit.record, reference) };
  });
}

/**
 * Subject `subjectId` of study `studyId` with all their records. NOT_FOUND when there is no such
 * subject, or none at the caller's sites.
 */
export function getSubject(
  db: ReadSource,
  studyId: string,
  subjectId: string,
  sites: SiteScope,
): Promise<SubjectRecords> {
  return read(db, async (client) => {
    const records = async <T>(
      type: Parameters<typeof fileOf>[0],
      orderBy?: readonly string[],
    ): Promise<StoredRecord<T>[]> =>
      (
        await readRecordTexts(client, studyId, fileOf(type), {
          subjectId,
          ...(orderBy ? { orderBy } : {}),
        })
      ).map((texts) => storedRecordOf<T>(type, texts));
    const [subject] = await records<SubjectRecord>('subject');
    if (!subject || !inScope(sites, subject.record.site))
      throw notFound(`there is no subject ${subjectId} in study ${studyId}`);
    return {
      subject,
      visits: scored(await records<VisitRecord>('visit', ['visit_date', 'visit_id'])),
      jointFindings: await records<JointFindingRecord>('joint_finding'),
      chaqAnswers: await records<ChaqAnswerRecord>('chaq_response'),
      medications: await records<MedicationRecord>('medication', ['start_date', 'drug']),
      infusions: await records<InfusionRecord>('infusion', ['infusion_date']),
      adverseEvents: await records<AdverseEventRecord>('adverse_event', ['onset_date', 'ae_id']),
      eligibilityAssessments: await records<EligibilityAssessmentRecord>('eligibility_assessment', [
        'criterion_id',
      ]),
    };
  });
}
