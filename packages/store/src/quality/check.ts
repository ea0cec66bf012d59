/**
 * Running the data-quality checks: a study's rule set over its subjects' stored records, the
 * discrepancies found kept in `discrepancy` (ADR 0042). Run for one subject after each save
 * (the server) and for a whole study on demand (API, `jia-trial check`).
 *
 * A check compares what the rules find now with what is stored for the subjects checked:
 * - a new finding is a new open discrepancy (DQ-<n>);
 * - an open one found again with other values or words is updated; with the same, left alone
 *   (an unchanged check writes nothing, so it adds nothing to the audit trail);
 * - an excluded one found with the values it was excluded for stays excluded; with other values
 *   it is open again (the exclusion held for those values only; the audit trail keeps it);
 * - a stored one no longer found is resolved; a resolved one found again is open again.
 * Every change is audited, with the transaction's actor and reason.
 */
import {
  RECORD_TYPES,
  type RecordTypeId,
  recordFromTexts,
  type TypedRecord,
} from '@jia-trial/dictionary';
import {
  type QualityFinding,
  runQualityRules,
  type SubjectData,
} from '@jia-trial/dictionary/quality';
import { evaluate, type ProtocolDefinition } from '@jia-trial/protocol';
import { nextId } from '../review/next-id.js';
import { readStudyTexts, timelinesOfTexts } from '../timelines.js';
import type { Transaction } from '../transaction.js';
import { canonicalJson, identityOf } from './identity.js';
import { loadRuleSet } from './rule-sets.js';

export interface CheckInput {
  readonly studyId: string;
  /** The subjects to check; absent: every subject of the study. */
  readonly subjectId?: string | undefined;
  /** The study's protocol (its visit windows and deviations); null: the study has none. */
  readonly protocol: ProtocolDefinition | null;
  /** The day the protocol engine evaluates the subjects on (YYYY-MM-DD). */
  readonly asOf: string;
}

export interface CheckSummary {
  readonly studyId: string;
  readonly subjects: number;
  readonly ruleSetVersion: number;
  readonly asOf: string;
  /** Discrepancies opened (new, or found again), updated, resolved, and left as they were. */
  readonly opened: number;
  readonly updated: number;
  readonly resolved: number;
  readonly unchanged: number;
  /** The open discrepancies of the subjects checked, after the check. */
  readonly open: number;
  readonly excluded: number;
}

interface StoredRow {
  readonly discrepancy_id: string;
  readonly rule_id: string;
  readonly table_name: string;
  readonly record_key: string;
  readonly field: string | null;
  readonly occasion: string;
  readonly status: 'open' | 'excluded' | 'resolved';
  readonly message: string;
  readonly observed: unknown;
  readonly excluded_observed: unknown;
}

/** Each subject's records, typed, from the texts the timelines are read from. */
function subjectData(
  studyId: string,
  texts: Awaited<ReturnType<typeof readStudyTexts>>,
  protocol: ProtocolDefinition | null,
  asOf: string,
): SubjectData[] {
  const records = new Map<string, Map<RecordTypeId, TypedRecord[]>>();
  const subjectOfVisit = new Map<string, string>();
  for (const row of texts.get('visits.csv') ?? [])
    subjectOfVisit.set(row.get('visit_id') ?? '', row.get('subject_id') ?? '');
  for (const type of RECORD_TYPES) {
    for (const row of texts.get(type.file) ?? []) {
      const subjectId = row.get('subject_id') ?? subjectOfVisit.get(row.get('visit_id') ?? '');
      if (subjectId === undefined) continue;
      const bySubject = records.get(subjectId) ?? new Map<RecordTypeId, TypedRecord[]>();
      records.set(subjectId, bySubject);
      const list = bySubject.get(type.id) ?? [];
      bySubject.set(type.id, list);
      list.push(recordFromTexts(type.id, row));
    }
  }
  const evaluations = new Map(
    protocol === null
      ? []
      : timelinesOfTexts(texts).map((t) => [t.subjectId, evaluate(protocol, t, asOf)] as const),
  );
  return [...records.keys()].sort().map((subjectId) => ({
    studyId,
    subjectId,
    records: records.get(subjectId) as Map<RecordTypeId, TypedRecord[]>,
    evaluation: evaluations.get(subjectId) ?? null,
  }));
}

interface Update {
  readonly id: string;
  /** The finding now; null: no longer found (resolved). */
  readonly finding: QualityFinding | null;
  /** Open again (from excluded or resolved): found anew. */
  readonly reopen: boolean;
}

/** The change one stored discrepancy needs, given what the rules find now; null: none. */
function changeOf(row: StoredRow, finding: QualityFinding | null): Update | null {
  const id = row.discrepancy_id;
  if (finding === null) return row.status === 'resolved' ? null : { id, finding, reopen: false };
  if (row.status === 'resolved') return { id, finding, reopen: true };
  const observed = canonicalJson(finding.observed);
  if (row.status === 'excluded')
    return canonicalJson(row.excluded_observed) === observed ? null : { id, finding, reopen: true };
  const same = canonicalJson(row.observed) === observed && row.message === finding.message;
  return same ? null : { id, finding, reopen: false };
}

/** What a check changes in the stored discrepancies, by the rules of this module's header. */
function reconcile(rows: readonly StoredRow[], findings: ReadonlyMap<string, QualityFinding>) {
  const counts = { opened: 0, updated: 0, resolved: 0, unchanged: 0 };
  const seen = new Set<string>();
  const updates: Update[] = [];
  for (const row of rows) {
    const identity = identityOf({
      ruleId: row.rule_id,
      table: row.table_name,
      recordKey: row.record_key,
      field: row.field,
      occasion: row.occasion,
    });
    seen.add(identity);
    const change = changeOf(row, findings.get(identity) ?? null);
    if (change === null) counts.unchanged++;
    else {
      updates.push(change);
      if (change.finding === null) counts.resolved++;
      else if (change.reopen) counts.opened++;
      else counts.updated++;
    }
  }
  return { updates, seen, counts };
}

/**
 * Checks one subject (`subjectId`) or every subject of the study, in the caller's transaction
 * (which needs a reason: a check may update discrepancies). Checks of one subject run one at a
 * time, and a whole study's check waits for them and they for it (advisory locks), so that two
 * checks never file the same discrepancy twice.
 */
export async function checkStudy(tx: Transaction, input: CheckInput): Promise<CheckSummary> {
  const { studyId, asOf } = input;
  const one = input.subjectId ?? null;
  await tx.client.query(
    one === null
      ? 'SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))'
      : 'SELECT pg_advisory_xact_lock_shared(hashtext($1), hashtext($2)), pg_advisory_xact_lock(hashtext($1), hashtext($2 || $3))',
    one === null ? ['jia.quality', studyId] : ['jia.quality', studyId, `/${one}`],
  );
  const { ruleSet, version } = await loadRuleSet(tx.client, studyId);
  const texts = await readStudyTexts(tx.client, studyId, one);
  const subjects = subjectData(studyId, texts, input.protocol, asOf);
  const findings = new Map<string, QualityFinding>();
  for (const data of subjects)
    for (const finding of runQualityRules(ruleSet, data))
      findings.set(identityOf(finding), finding);

  const stored = await tx.client.query<StoredRow>(
    `SELECT discrepancy_id, rule_id, table_name, record_key, field, occasion, status, message,
            observed, excluded_observed
       FROM discrepancy WHERE study_id = $1 AND ($2::text IS NULL OR subject_id = $2)`,
    [studyId, one],
  );
  const { updates, seen, counts: tally } = reconcile(stored.rows, findings);
  let { opened } = tally;
  const { updated, resolved, unchanged } = tally;
  for (const update of updates) {
    if (update.finding === null)
      await tx.client.query(
        `UPDATE discrepancy SET status = 'resolved', resolved_at = statement_timestamp(),
                excluded_by = NULL, excluded_by_name = NULL, excluded_at = NULL,
                exclusion_reason = NULL, excluded_observed = NULL
          WHERE study_id = $1 AND discrepancy_id = $2`,
        [studyId, update.id],
      );
    else
      await tx.client.query(
        `UPDATE discrepancy SET status = 'open', resolved_at = NULL, message = $3, observed = $4,
                rule_kind = $5, rule_set_version = $6,
                found_at = CASE WHEN $7 THEN statement_timestamp() ELSE found_at END,
                excluded_by = NULL, excluded_by_name = NULL, excluded_at = NULL,
                exclusion_reason = NULL, excluded_observed = NULL
          WHERE study_id = $1 AND discrepancy_id = $2`,
        [
          studyId,
          update.id,
          update.finding.message,
          JSON.stringify(update.finding.observed),
          update.finding.kind,
          version,
          update.reopen,
        ],
      );
  }
  const fresh = [...findings].filter(([identity]) => !seen.has(identity)).map(([, f]) => f);
  if (fresh.length > 0) {
    // One number taken under the study's lock for discrepancy ids (held to commit), the rest
    // counted on from it.
    const first = Number((await nextId(tx.client, 'discrepancy', studyId)).slice(3));
    await tx.client.query(
      `INSERT INTO discrepancy (study_id, discrepancy_id, rule_id, rule_kind, table_name,
                                record_key, field, occasion, subject_id, message, observed,
                                status, rule_set_version, found_at)
       SELECT $1, 'DQ-' || ($2::integer + f.n - 1), f.rule_id, f.rule_kind, f.table_name,
              f.record_key, f.field, f.occasion, f.subject_id, f.message, f.observed, 'open', $3,
              statement_timestamp()
         FROM jsonb_to_recordset($4::jsonb)
              AS f(rule_id text, rule_kind text, table_name text, record_key text, field text,
                   occasion text, subject_id text, message text, observed jsonb, n integer)`,
      [
        studyId,
        first,
        version,
        JSON.stringify(
          fresh.map((f, i) => ({
            n: i + 1,
            rule_id: f.ruleId,
            rule_kind: f.kind,
            table_name: f.table,
            record_key: f.recordKey,
            field: f.field,
            occasion: f.occasion,
            subject_id: f.subjectId,
            message: f.message,
            observed: f.observed,
          })),
        ),
      ],
    );
    opened += fresh.length;
  }
  const counts = await tx.client.query<{ status: string; n: number }>(
    `SELECT status, count(*)::integer AS n FROM discrepancy
      WHERE study_id = $1 AND ($2::text IS NULL OR subject_id = $2) GROUP BY status`,
    [studyId, one],
  );
  const count = (status: string) => counts.rows.find((r) => r.status === status)?.n ?? 0;
  return {
    studyId,
    subjects: subjects.length,
    ruleSetVersion: version,
    asOf,
    opened,
    updated,
    resolved,
    unchanged,
    open: count('open'),
    excluded: count('excluded'),
  };
}
