/**
 * An import refuses to change what a lock covers (docs/data-management.md, "Locking and
 * freezing"): before anything is merged, every staged record that would be inserted or would
 * change a stored one is looked up among the study's locks in force, with the database guard's
 * own question (record_lock_over, migrations/0018_locks.sql), and the import is refused with
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
  const result = await client.query<{ key: string; lock_id: string; n: string }>(
    `WITH written AS (
       SELECT ${key} AS key, ${place.subject} AS subject_id, ${place.visit} AS visit_id,
              ${place.formerSubject} AS former_subject
         FROM ${p.stage} s LEFT JOIN ${p.spec.table} t ON ${p.keyMatch}
        WHERE t.row_id IS NULL OR ${differs(p)}
     ), covered AS (
       SELECT w.key, coalesce((record_lock_over($1, w.subject_id, w.visit_id, false, 'data')).lock_id,
                              (record_lock_over($1, w.former_subject, NULL, false, 'data')).lock_id) AS lock_id
         FROM written w
     )
     SELECT key, lock_id, count(*) OVER () AS n FROM covered WHERE lock_id IS NOT NULL
      ORDER BY key LIMIT ${LISTED}`,
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
