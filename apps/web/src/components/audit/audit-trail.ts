/**
 * The audit trail page's filter and rows (issue 18, "Audit review"; docs/data-management.md):
 * the filter as the page's location holds it (so that a view can be shared and the back button
 * returns to the last one), the API query it becomes, and an event as a reviewer reads it.
 * Pure, so that it is tested without a browser (apps/web/tests/audit-trail-logic.test.ts).
 *
 * The location uses the API's filter names but one: `until`, a day included, where the API's
 * `to` is an instant excluded (packages/store review/audit-review.ts). A reviewer asking for
 * "until 3 December" means the 3rd too, so the API is asked for events before the 4th.
 */
import { RECORD_TYPES } from '@jia-trial/dictionary';
import type { paths } from '../../api/schema.generated.js';
import { changedFields, type FieldChange, OPERATION_TEXT } from '../review/audit-view.js';
import { fieldLabel, recordLabel } from '../review/record-keys.js';
import { labelOf } from '../subject/format.js';

type EventsGet = paths['/api/v1/studies/{studyId}/audit/events']['get'];
export type EventsQuery = NonNullable<EventsGet['parameters']['query']>;
export type EventsBody = EventsGet['responses'][200]['content']['application/json'];
export type TrailEvent = EventsBody['events'][number];
export type SecurityKind = NonNullable<EventsQuery['kind']>;
export type Operation = NonNullable<EventsQuery['operation']>;

/** The filters, as the location holds them ('' for none). */
export interface TrailFilter {
  readonly user: string;
  readonly site: string;
  readonly subject: string;
  readonly table: string;
  readonly key: string;
  /** `insert`, `update`, `delete` (query `operation`) or a security event's kind (`kind`). */
  readonly what: string;
  /** A date (YYYY-MM-DD), its events included. */
  readonly from: string;
  /** A date (YYYY-MM-DD), its events included. */
  readonly until: string;
}

export const NO_FILTER: TrailFilter = {
  user: '',
  site: '',
  subject: '',
  table: '',
  key: '',
  what: '',
  from: '',
  until: '',
};

/** The operations on records, in words (the record history's words). */
export const OPERATIONS: ReadonlyArray<{ value: Operation; label: string }> = [
  { value: 'insert', label: 'Entered (insert)' },
  { value: 'update', label: 'Changed (update)' },
  { value: 'delete', label: 'Removed (delete)' },
];

/** The security events (packages/store review/security-events.ts SECURITY_EVENT_KINDS). */
export const SECURITY_KIND_TEXT: Readonly<Record<SecurityKind, string>> = {
  sign_in: 'Sign-in',
  sign_in_failed: 'Failed sign-in',
  sign_out: 'Sign-out',
  password_changed: 'Password changed',
  password_reset: 'Password reset',
  export: 'Data export',
  report_download: 'Report download',
  audit_export: 'Audit trail export',
};

const isOperation = (v: string): v is Operation => OPERATIONS.some((o) => o.value === v);
const isKind = (v: string): v is SecurityKind => Object.hasOwn(SECURITY_KIND_TEXT, v);

/**
 * The audited tables that are not a clinical record type of the dictionary, in words. With
 * RECORD_TYPES they are every audited table (packages/store audit/audited-tables.ts: a test
 * checks that the two agree).
 */
export const OTHER_TABLE_TEXT: Readonly<Record<string, string>> = {
  study: 'Study',
  site: 'Site',
  app_user: 'Account',
  role_assignment: 'Role grant',
  study_access_policy: 'Access policy',
  alert: 'Alert',
  data_query: 'Data query',
  signature: 'Signature',
  quality_rule_set: 'Data-quality rule set',
  discrepancy: 'Discrepancy',
  import_batch: 'Import',
  sdv_verification: 'Source data verification',
  subject_transfer: 'Site transfer',
  record_lock: 'Lock',
  randomisation_list: 'Allocation list (header)',
  randomisation_allocation: 'Randomisation',
  randomisation_unblinding: 'Emergency unblinding',
  security_event: 'Security event',
};

/** Every record type the trail holds, in words, clinical records first. */
export const TABLES: ReadonlyArray<{ value: string; label: string }> = [
  ...RECORD_TYPES.map((r) => ({ value: r.id, label: r.label })),
  ...Object.entries(OTHER_TABLE_TEXT).map(([value, label]) => ({ value, label })),
];

export const tableText = (table: string) => OTHER_TABLE_TEXT[table] ?? recordLabel(table);

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The filter of a location's query (`subject=D01&what=update`); unknown names are ignored. */
export function filterOf(query: string): TrailFilter {
  const params = new URLSearchParams(query);
  const text = (name: keyof TrailFilter) => params.get(name)?.trim() ?? '';
  return {
    user: text('user'),
    site: text('site'),
    subject: text('subject'),
    table: text('table'),
    key: text('key'),
    what: text('what'),
    from: text('from'),
    until: text('until'),
  };
}

/** The location's query of a filter, without the empty ones ('' when there is none). */
export function queryOf(filter: TrailFilter): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filter) as Array<[keyof TrailFilter, string]>)
    if (value.trim() !== '') params.set(name, value.trim());
  return params.toString();
}

export const isFiltered = (filter: TrailFilter) => queryOf(filter) !== '';

/** The next day of a date (YYYY-MM-DD), in UTC as the trail's clock. */
function nextDay(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

/**
 * The API's query for a filter. A value the API would refuse (a malformed date, an unknown
 * operation) is passed as typed, so that the server's refusal names it; `until` becomes the
 * next day's midnight (`to`, excluded) only when it is a date.
 */
export function apiQueryOf(filter: TrailFilter): EventsQuery {
  const query: Record<string, string> = {};
  for (const name of ['user', 'site', 'subject', 'table', 'key', 'from'] as const)
    if (filter[name] !== '') query[name] = filter[name];
  if (filter.what !== '') {
    if (isKind(filter.what)) query.kind = filter.what;
    else query.operation = filter.what;
  }
  if (filter.until !== '')
    query.to = DATE.test(filter.until) ? nextDay(filter.until) : filter.until;
  return query as EventsQuery;
}

/** What happened, in words: a security event's kind, else the operation on the record. */
export function whatText(event: TrailEvent): string {
  const kind = event.table === 'security_event' ? valuesOf(event).kind : undefined;
  if (typeof kind === 'string' && isKind(kind)) return SECURITY_KIND_TEXT[kind];
  if (isOperation(event.operation)) return OPERATION_TEXT[event.operation] ?? event.operation;
  return event.operation;
}

const valuesOf = (event: TrailEvent): Readonly<Record<string, unknown>> =>
  event.newValues ?? event.oldValues ?? {};

/** The subject an event is about: the subject record's, or the one its values name. */
export function subjectOf(studyId: string, event: TrailEvent): string | null {
  if (event.table === 'subject' && event.recordKey.startsWith(`${studyId}/`))
    return event.recordKey.slice(studyId.length + 1);
  const named = valuesOf(event).subject_id;
  return typeof named === 'string' ? named : null;
}

/** A record's key as a reviewer reads it: without the study it is in, its parts spaced. */
export const keyText = (studyId: string, key: string) =>
  (key.startsWith(`${studyId}/`) ? key.slice(studyId.length + 1) : key).replaceAll('/', ' · ');

/** A field's stored value in words when it is coded (the SDV page's rule), else as stored. */
function valueInWords(table: string, field: string, value: string | null): string | null {
  if (value === null) return null;
  const type = RECORD_TYPES.find((r) => r.id === table);
  const list = type?.fields.find((f) => (f.storedAs ?? f.name) === field)?.codeList;
  return list ? labelOf(list, value) : value;
}

export interface ChangeText {
  readonly field: string;
  readonly old: string | null;
  readonly new: string | null;
}

/**
 * The fields an event changed, labelled and in words (the record history's changedFields: the
 * row's bookkeeping left out). A security event's facts (its account, outcome, address, what
 * was exported) are its "new" values; its kind is already said in the What column.
 */
export function changesOf(event: TrailEvent): ChangeText[] {
  const changes: FieldChange[] = changedFields(event.oldValues, event.newValues);
  return changes
    .filter((c) => !(event.table === 'security_event' && c.field === 'kind'))
    .map((c) => ({
      field: fieldLabel(event.table, c.field),
      old: valueInWords(event.table, c.field, c.old),
      new: valueInWords(event.table, c.field, c.new),
    }));
}
