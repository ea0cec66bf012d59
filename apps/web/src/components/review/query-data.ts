/**
 * Data queries as the review parts show them (GET /studies/{studyId}/queries), narrowed from
 * the API's open objects. A query's thread is its steps in time order: raised with the question,
 * answered with the response, closed, reopened (packages/store review/queries.ts keeps the last
 * of each; the audit trail of the query keeps them all). Pure, tested without a browser.
 */
import { RECORD_TYPES } from '@jia-trial/dictionary';
import type { paths } from '../../api/schema.generated.js';
import { isObject, listOf, numberOf, objectOf, textOf } from '../subject/read.js';

export type QueriesBody =
  paths['/api/v1/studies/{studyId}/queries']['get']['responses'][200]['content']['application/json'];

export interface ThreadStep {
  readonly step: 'raised' | 'answered' | 'closed' | 'reopened';
  readonly by: string;
  readonly at: string;
  /** The question (raised) or the response (answered); null for the other steps. */
  readonly text: string | null;
}

export interface QueryItem {
  readonly queryId: string;
  readonly status: string;
  readonly table: string;
  readonly recordKey: string;
  readonly field: string | null;
  readonly site: string;
  readonly version: number;
  readonly thread: readonly ThreadStep[];
}

const STEPS = ['raised', 'answered', 'closed', 'reopened'] as const;

export function queryItems(body: QueriesBody): QueryItem[] {
  return listOf(body.queries)
    .map(objectOf)
    .map((q) => {
      const thread = STEPS.flatMap((step): ThreadStep[] => {
        if (!isObject(q[step])) return [];
        const s = objectOf(q[step]);
        const text =
          step === 'raised' ? textOf(q.question) : step === 'answered' ? textOf(q.response) : null;
        return [
          { step, by: textOf(objectOf(s.by).name) ?? '(unknown)', at: textOf(s.at) ?? '', text },
        ];
      }).sort((a, b) => a.at.localeCompare(b.at));
      return {
        queryId: textOf(q.queryId) ?? '',
        status: textOf(q.status) ?? '',
        table: textOf(q.table) ?? '',
        recordKey: textOf(q.recordKey) ?? '',
        field: textOf(q.field),
        site: textOf(q.siteCode) ?? '',
        version: numberOf(q.version) ?? 0,
        thread,
      };
    });
}

/** The record types that are parts of a visit (joint findings, CHAQ answers): they reference it. */
const VISIT_PARTS: ReadonlySet<string> = new Set(
  RECORD_TYPES.filter((r) => r.references.some((ref) => ref.to === 'visit')).map((r) => r.id),
);

/** The queries on a visit: on the visit itself, or on one of its parts (whose keys extend the visit's). */
export function queriesOfVisit(items: readonly QueryItem[], visitKey: string): QueryItem[] {
  return items.filter(
    (q) =>
      (q.table === 'visit' && q.recordKey === visitKey) ||
      (VISIT_PARTS.has(q.table) && q.recordKey.startsWith(`${visitKey}/`)),
  );
}

/** The steps a query's state allows (the server refuses the others: INVALID_TRANSITION). */
export function allowedSteps(status: string): ReadonlyArray<'answer' | 'close' | 'reopen'> {
  if (status === 'open') return ['answer', 'close'];
  if (status === 'answered') return ['close', 'reopen'];
  if (status === 'closed') return ['reopen'];
  return [];
}

/** The visit's fields by their dictionary name (as a query names them) -> the form's key. */
const VISIT_FIELD_KEYS: ReadonlyMap<string, string> = new Map(
  (RECORD_TYPES.find((r) => r.id === 'visit')?.fields ?? []).map((f) => [f.name, f.key]),
);

/**
 * How many queries not closed name each field of the visit itself, by the form's field key
 * (`esr`, `physicianGlobal`): the marker beside the field. Queries on the whole visit or on its
 * parts are shown with the visit, not on a field.
 */
export function openQueriesByField(
  items: readonly QueryItem[],
  visitKey: string,
): ReadonlyMap<string, number> {
  const counts = new Map<string, number>();
  for (const q of items) {
    if (q.status === 'closed' || q.table !== 'visit' || q.recordKey !== visitKey) continue;
    const key = q.field === null ? undefined : VISIT_FIELD_KEYS.get(q.field);
    if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
