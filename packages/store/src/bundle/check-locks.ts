/**
 * An import refuses to change what a lock covers (docs/data-management.md, "Locking and
 * freezing"): before anything is merged, every staged record that would be inserted or would
 * change a stored one is looked up among the study's locks in force, with the database guard's
 * own rule (migrations/0023_locks.sql: the widest lock first), and the import is refused with
 * every such record named (file, key, lock), nothing written. A record that the bundle leaves as
 * it is stored is no change, so re-importing an unchanged export of a locked study passes. The
 * guard itself stays the safety net, for a lock placed while the import runs.
 */
import { type Issue, JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { loadLock, type RecordLock } from '../locks/locks.js';
import { differs, type MergePlan, quote } from './merge-plan.js';

/** How many refused records are listed (the rest are counted). */
const LISTED = 20;

/** SQL giving a staged record's subject, visit and (stored) former subject. */
function placeOf(p: MergePlan, staged: ReadonlySet<string>) {
  const has = (name: string) => p.spec.columns.some((c) => c.name === name);
  const visitSubject = staged.has('visit')
    ? `coalesce((SELECT v.subject_id FROM visit v WHERE v.study_id = $1 AND v.visit_id = s.visit_id),
                (SELECT sv.subject_id FROM stage_visit sv WHERE sv.visit_id = s.visit_id LIMIT 1))`
    : '(SELECT v.subject_id FROM visit v WHERE v.study_id = $1 AND v.visit_id = s.visit_id)';
  return {
    subject: has('subject_id') ? 's.subject_id' : has('visit_id') ? visitSubject : 'NULL::text',
    visit: has('visit_id') ? 's.visit_id' : 'NULL::text',
    formerSubject: has('subject_id') ? 't.subject_id' : 'NULL::text',
  };
}

async function lockedIn(client: pg.ClientBase, studyId: string, p: MergePlan, staged: Set<string>) {
  const place = placeOf(p, staged);
  const key = [`$1::text`, ...p.spec.key.map((name) => `coalesce(s.${quote(name)}, '')`)].join(
    ` || '/' || `,
  );
  // The study's few locks in force joined to the staged records that would be written (a
  // subject's lock covers its former subject too: a record moved away from it).
  const result = await client.query<{ key: string; lock_id: string; n: string }>(
    `WITH locks AS MATERIALIZED (
       SELECT l.lock_id, l.scope, l.subject_id, l.visit_id, l.locked_at, l.row_id FROM record_lock l
        WHERE l.released_at IS NULL AND l.study_id = $1
     ), written AS (
       SELECT ${key} AS key, ${place.subject} AS subject_id, ${place.visit} AS visit_id,
              ${place.formerSubject} AS former_subject
         FROM ${p.stage} s LEFT JOIN ${p.spec.table} t ON ${p.keyMatch}
        WHERE t.row_id IS NULL OR ${differs(p)}
     ), covered AS (
       SELECT DISTINCT ON (w.key) w.key, l.lock_id
         FROM written w JOIN locks l
           ON l.scope = 'study'
           OR (l.scope = 'subject' AND l.subject_id IN (w.subject_id, w.former_subject))
           OR (l.scope = 'visit' AND l.visit_id = w.visit_id)
        ORDER BY w.key, CASE l.scope WHEN 'study' THEN 0 WHEN 'subject' THEN 1 ELSE 2 END,
                 l.locked_at, l.row_id
     )
     SELECT key, lock_id, count(*) OVER () AS n FROM covered ORDER BY key LIMIT ${LISTED}`,
    [studyId],
  );
  return { count: Number(result.rows[0]?.n ?? 0), rows: result.rows };
}

/** RECORD_LOCKED naming every staged record a lock in force covers, when there are any. */
export async function refuseLockedRecords(
  client: pg.ClientBase,
  studyId: string,
  plans: readonly MergePlan[],
): Promise<void> {
  const inForce = await client.query(
    'SELECT 1 FROM record_lock WHERE study_id = $1 AND released_at IS NULL LIMIT 1',
    [studyId],
  );
  if (inForce.rowCount === 0) return;
  const staged = new Set(plans.map((p) => p.spec.table as string));
  const issues: Issue[] = [];
  const locks = new Map<string, RecordLock>();
  let total = 0;
  for (const p of plans) {
    const found = await lockedIn(client, studyId, p, staged);
    total += found.count;
    for (const row of found.rows) {
      if (!locks.has(row.lock_id))
        locks.set(row.lock_id, (await loadLock(client, studyId, row.lock_id)) as RecordLock);
      const lock = locks.get(row.lock_id) as RecordLock;
      issues.push({
        path: `${p.spec.file}/${row.key}`,
        file: p.spec.file,
        record: row.key,
        message: `${p.spec.table} ${row.key} is covered by ${lock.lockId} (${lock.scope} ${lock.key}, ${lock.kind === 'freeze' ? 'frozen' : 'locked'} by ${lock.locked.by.name} at ${lock.locked.at}: ${lock.reason})`,
      });
    }
  }
  if (total === 0) return;
  const first = [...locks.values()][0] as RecordLock;
  throw new JiaError(
    'RECORD_LOCKED',
    `the bundle would change ${total} record(s) of study ${studyId} that locks cover; nothing was imported (a data manager releases a lock with a reason)`,
    {
      issues: issues.slice(0, LISTED),
      moreIssues: total - Math.min(issues.length, LISTED),
      details: {
        lock: first,
        locks: [...locks.values()],
        records: issues.map((i) => ({ file: i.file, key: i.record })),
      },
    },
  );
}
