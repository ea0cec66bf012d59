/**
 * What an import would do, before it does anything: per file and per subject, the records it
 * would add, change and leave unchanged, and the stored records it would keep although the
 * bundle does not hold them (docs/data-management.md, "Importing safely"). `import --dry-run`
 * prints it; the import reads it to refuse new subjects in a study that holds subjects unless
 * they were asked for (`--add-subjects`), listing by subject code everything it would add or
 * change. Computed from the staged files (import-bundle.ts) with reads only.
 */
import type { BundleFileName } from '@jia-trial/dictionary';
import type pg from 'pg';
import { differs, type MergePlan, quote } from './merge-plan.js';

export interface RecordCounts {
  /** New records: in the bundle, not stored. */
  readonly added: number;
  /** Stored records whose values the bundle changes. */
  readonly changed: number;
  /** Stored records the bundle holds with the same values. */
  readonly unchanged: number;
  /** Stored records the bundle does not hold: kept (an import never deletes). */
  readonly kept: number;
}

export interface FilePlan extends RecordCounts {
  readonly file: BundleFileName;
}

/**
 * A subject's part of the plan: `new` (its subject record is not stored), `kept` (stored, not in
 * the bundle), else `changed` when any of its records would be added or changed, `unchanged`.
 */
export interface SubjectPlan extends RecordCounts {
  readonly subjectId: string;
  readonly status: 'new' | 'changed' | 'unchanged' | 'kept';
  /** The counts per file, for the files where the subject has records. */
  readonly files: readonly FilePlan[];
}

export interface ImportPlan {
  readonly studyId: string;
  /** Whether the study is stored already. */
  readonly studyExists: boolean;
  /** Subjects stored in the study before the import. */
  readonly storedSubjects: number;
  /** Site codes the import would create. */
  readonly newSites: readonly string[];
  /** The study's synthetic-data flag the bundle's study file would set, when it differs. */
  readonly syntheticChange: { readonly from: boolean | null; readonly to: boolean } | null;
  readonly files: readonly FilePlan[];
  /** Every subject of the bundle or the study, by subject code. */
  readonly subjects: readonly SubjectPlan[];
}

/** A record's subject: its own subject_id, or its visit's (a joint finding, a CHAQ answer). */
function subjectExpressions(p: MergePlan): { staged: string; stored: string } {
  if (p.spec.table === 'subject' || p.spec.columns.some((c) => c.name === 'subject_id'))
    return { staged: `s.${quote('subject_id')}`, stored: 't.subject_id' };
  // Every visit_id of a child file is in visits.csv (the bundle validation), so staged.
  return {
    staged: '(SELECT v.subject_id FROM stage_visit v WHERE v.visit_id = s.visit_id LIMIT 1)',
    stored: '(SELECT v.subject_id FROM visit v WHERE v.study_id = $1 AND v.visit_id = t.visit_id)',
  };
}

interface Row {
  subject: string | null;
  added: string;
  changed: string;
  unchanged: string;
  kept: string;
}

/** One file's counts per subject. */
async function fileCounts(client: pg.PoolClient, studyId: string, p: MergePlan): Promise<Row[]> {
  const subject = subjectExpressions(p);
  const result = await client.query<Row>(
    `SELECT subject, sum(added)::text AS added, sum(changed)::text AS changed,
            sum(unchanged)::text AS unchanged, sum(kept)::text AS kept
       FROM (SELECT ${subject.staged} AS subject,
                    count(*) FILTER (WHERE t.row_id IS NULL) AS added,
                    count(*) FILTER (WHERE t.row_id IS NOT NULL AND ${differs(p)}) AS changed,
                    count(*) FILTER (WHERE t.row_id IS NOT NULL AND NOT ${differs(p)}) AS unchanged,
                    0 AS kept
               FROM ${p.stage} s LEFT JOIN ${p.spec.table} t ON ${p.keyMatch}
              GROUP BY 1
             UNION ALL
             SELECT ${subject.stored}, 0, 0, 0, count(*)
               FROM ${p.spec.table} t
              WHERE t.study_id = $1 AND NOT EXISTS (SELECT 1 FROM ${p.stage} s WHERE ${p.keyMatch})
              GROUP BY 1) c
      GROUP BY subject ORDER BY subject`,
    [studyId],
  );
  return result.rows;
}

const sum = (counts: readonly RecordCounts[]): RecordCounts => ({
  added: counts.reduce((n, c) => n + c.added, 0),
  changed: counts.reduce((n, c) => n + c.changed, 0),
  unchanged: counts.reduce((n, c) => n + c.unchanged, 0),
  kept: counts.reduce((n, c) => n + c.kept, 0),
});

/** The counts of every staged file, per file and per subject. */
export async function planFiles(
  client: pg.PoolClient,
  studyId: string,
  plans: readonly MergePlan[],
): Promise<{ files: FilePlan[]; subjects: SubjectPlan[] }> {
  const bySubject = new Map<string, FilePlan[]>();
  const files: FilePlan[] = [];
  for (const p of plans) {
    const perSubject: FilePlan[] = [];
    for (const row of await fileCounts(client, studyId, p)) {
      const counts: FilePlan = {
        file: p.spec.file,
        added: Number(row.added),
        changed: Number(row.changed),
        unchanged: Number(row.unchanged),
        kept: Number(row.kept),
      };
      perSubject.push(counts);
      const subject = row.subject ?? '';
      bySubject.set(subject, [...(bySubject.get(subject) ?? []), counts]);
    }
    files.push({ file: p.spec.file, ...sum(perSubject) });
  }
  const subjects = [...bySubject.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([subjectId, counts]): SubjectPlan => {
      const own = counts.find((c) => c.file === 'subjects.csv');
      const total = sum(counts);
      const status =
        own && own.added > 0
          ? 'new'
          : own && own.kept > 0
            ? 'kept'
            : total.added + total.changed > 0
              ? 'changed'
              : 'unchanged';
      return { subjectId, status, ...total, files: counts };
    });
  return { files, subjects };
}

/** The subjects a plan adds. */
export function newSubjects(plan: ImportPlan): SubjectPlan[] {
  return plan.subjects.filter((s) => s.status === 'new');
}
