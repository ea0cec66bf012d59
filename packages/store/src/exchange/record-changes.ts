/**
 * The audit trail of a study's records as changes with bundle texts, oldest first: what an ODM
 * Transactional file writes (packages/interop odm/write-odm.ts). Read through a cursor in the
 * caller's snapshot, so that memory holds one page of events. The trail's values are the
 * database's columns as JSON: each becomes its bundle text (a CHAQ answer's NULL `na`, a
 * subject's site_code its `site`). Events written before migration 0007 carry no study and are
 * not read here (docs/interop.md says so).
 */
import { BUNDLE_FILES, type RecordTexts, type RecordTypeId } from '@jia-trial/dictionary';
import type pg from 'pg';
import { utcText } from '../review/timestamps.js';
import type { ExchangeAuditStamp } from './read-for-exchange.js';

export interface ExchangeRecordChange {
  readonly type: RecordTypeId;
  readonly operation: 'insert' | 'update' | 'delete';
  readonly subjectId: string;
  readonly texts: RecordTexts;
  readonly changed: ReadonlySet<string> | null;
  readonly stamp: ExchangeAuditStamp;
}

interface EventRow {
  table_name: string;
  operation: 'insert' | 'update' | 'delete';
  old_values: Record<string, unknown> | null;
  new_values: Record<string, unknown> | null;
  actor_id: string;
  at: string;
  reason: string | null;
  site: string | null;
  event_id: string;
}

const PAGE = 5000;

/** A JSON value of the trail as a bundle text; undefined for an empty field. */
function textOf(value: unknown, chaq: boolean): string | undefined {
  if (value === null || value === undefined) return chaq ? 'na' : undefined;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

function textsOf(
  file: (typeof BUNDLE_FILES)[number],
  values: Record<string, unknown>,
): Map<string, string> {
  const texts = new Map<string, string>();
  for (const column of file.columns) {
    if (column.name === 'version') continue;
    const text = textOf(values[column.dbColumn], column.type === 'chaq_score');
    if (text !== undefined) texts.set(column.name, text);
  }
  return texts;
}

function changeOf(
  file: (typeof BUNDLE_FILES)[number],
  row: EventRow,
  visitSubject: Map<string, string>,
): ExchangeRecordChange {
  const values = (row.operation === 'delete' ? row.old_values : row.new_values) ?? {};
  const texts = textsOf(file, values);
  if (file.table === 'visit')
    visitSubject.set(texts.get('visit_id') ?? '', texts.get('subject_id') ?? '');
  const subjectId = texts.get('subject_id') ?? visitSubject.get(texts.get('visit_id') ?? '') ?? '';
  let changed: Set<string> | null = null;
  if (row.operation === 'update' && row.old_values) {
    const before = textsOf(file, row.old_values);
    const names = new Set([...before.keys(), ...texts.keys()]);
    changed = new Set([...names].filter((k) => before.get(k) !== texts.get(k)));
  }
  return {
    type: file.table,
    operation: row.operation,
    subjectId,
    texts,
    changed,
    stamp: {
      actorId: row.actor_id,
      at: row.at,
      reason: row.reason,
      site: row.site,
      eventId: row.event_id,
    },
  };
}

/** Every change of the study's records, in the trail's order (a cursor in the caller's transaction). */
export async function* recordChanges(
  client: pg.ClientBase,
  studyId: string,
): AsyncGenerator<ExchangeRecordChange> {
  const files = new Map(BUNDLE_FILES.map((f) => [f.table as string, f]));
  const visitSubject = new Map<string, string>();
  await client.query(
    `DECLARE jia_exchange_changes NO SCROLL CURSOR FOR
       SELECT table_name, operation, old_values, new_values, coalesce(actor_id, actor) AS actor_id,
              ${utcText('occurred_at')} AS at, reason, site_code AS site, event_id::text AS event_id
         FROM audit_event WHERE study_id = $1 AND table_name = ANY ($2) ORDER BY event_id`,
    [studyId, [...files.keys()]],
  );
  try {
    for (;;) {
      const page = await client.query<EventRow>(`FETCH ${PAGE} FROM jia_exchange_changes`);
      for (const row of page.rows) {
        const file = files.get(row.table_name);
        if (file) yield changeOf(file, row, visitSubject);
      }
      if (page.rows.length < PAGE) break;
    }
  } finally {
    await client.query('CLOSE jia_exchange_changes').catch(() => {});
  }
}
