/**
 * The data-quality page's pure rules (docs/data-management.md, "Data-quality checks"): the
 * discrepancies grouped by site and subject as the server orders them, the page a record lives
 * on, the values a rule read in words, and the filter as the list's query. No browser, no I/O:
 * tested in tests/quality-logic.test.ts.
 */
import type { components } from '../../api/schema.generated.js';
import { hrefOf, type Route } from '../../routes.js';
import { fieldLabel, recordLabel } from '../review/record-keys.js';

export type Discrepancy = components['schemas']['Discrepancy'];
export type CheckSummary = components['schemas']['CheckSummary'];
export type DiscrepancyKind = Discrepancy['kind'];
export type DiscrepancyStatus = Discrepancy['status'];

/** The rule kinds in words, in the order docs/data-management.md lists them. */
export const KIND_TEXT: Readonly<Record<DiscrepancyKind, string>> = {
  range: 'Range',
  cross_field: 'Cross-field',
  visit_window: 'Visit window',
  expected: 'Expected but missing',
  protocol_deviation: 'Protocol deviation',
};

export const STATUS_TEXT: Readonly<Record<DiscrepancyStatus, string>> = {
  open: 'Open',
  excluded: 'Excluded',
  resolved: 'Resolved',
};

export const QUERY_STATUS_TEXT: Readonly<Record<'open' | 'answered' | 'closed', string>> = {
  open: 'open',
  answered: 'answered',
  closed: 'closed',
};

/** The list's filter as the page holds it: '' is "any". */
export interface DiscrepancyFilter {
  readonly site: string;
  readonly subjectId: string;
  readonly status: DiscrepancyStatus | '';
  readonly kind: DiscrepancyKind | '';
  readonly ruleId: string;
  readonly page: number;
}

export const NO_FILTER: DiscrepancyFilter = {
  site: '',
  subjectId: '',
  status: '',
  kind: '',
  ruleId: '',
  page: 1,
};

/** The filter as GET /discrepancies's query: only what is set. */
export function listQuery(filter: DiscrepancyFilter) {
  return {
    ...(filter.site ? { site: filter.site } : {}),
    ...(filter.subjectId ? { subjectId: filter.subjectId } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.kind ? { kind: filter.kind } : {}),
    ...(filter.ruleId ? { ruleId: filter.ruleId } : {}),
    page: filter.page,
    pageSize: PAGE_SIZE,
  };
}

/** The server's default page (packages/store DEFAULT_PAGE_SIZE), asked for by name. */
export const PAGE_SIZE = 50;

export const pageCount = (total: number, pageSize: number) =>
  Math.max(1, Math.ceil(total / pageSize));

export interface SubjectGroup {
  readonly subjectId: string;
  readonly discrepancies: readonly Discrepancy[];
}

export interface SiteGroup {
  readonly site: string;
  readonly subjects: readonly SubjectGroup[];
}

/**
 * A page's discrepancies by site, then subject, in the server's order (site, subject, number):
 * consecutive runs are grouped, so an order the server changes is kept, never re-sorted here.
 */
export function bySiteAndSubject(list: readonly Discrepancy[]): SiteGroup[] {
  const sites: Array<{
    site: string;
    subjects: Array<{ subjectId: string; discrepancies: Discrepancy[] }>;
  }> = [];
  for (const d of list) {
    let site = sites.at(-1);
    if (site === undefined || site.site !== d.siteCode) {
      site = { site: d.siteCode, subjects: [] };
      sites.push(site);
    }
    let subject = site.subjects.at(-1);
    if (subject === undefined || subject.subjectId !== d.subjectId) {
      subject = { subjectId: d.subjectId, discrepancies: [] };
      site.subjects.push(subject);
    }
    subject.discrepancies.push(d);
  }
  return sites;
}

/**
 * Record types whose key starts with the visit's id (RECORD_TYPES: a joint finding, a CHAQ
 * answer, a JADI item are parts of their visit): they, and their queries, are on the visit's page.
 */
const PARTS_OF_A_VISIT = new Set(['visit', 'joint_finding', 'chaq_response', 'damage_item']);

/**
 * The page where a discrepancy's record, and a query raised on it, are shown: a visit and its
 * parts on the visit's page (which marks the field a query names), every other record on the
 * subject's page (its "Queries" list). The record key is the audit trail's
 * (`demo/D01-W8/knee_l`: the study, then the key fields).
 */
export function recordPage(studyId: string, d: Discrepancy): { route: Route; label: string } {
  const visitId = d.recordKey.split('/')[1];
  if (PARTS_OF_A_VISIT.has(d.table) && visitId)
    return {
      route: { page: 'visit', studyId, subjectId: d.subjectId, visitId },
      label: `visit ${visitId}`,
    };
  return {
    route: { page: 'subject', studyId, subjectId: d.subjectId },
    label: `subject ${d.subjectId}`,
  };
}

export const recordHref = (studyId: string, d: Discrepancy) => hrefOf(recordPage(studyId, d).route);

/** "Visit X-01-V1, field Erythrocyte sedimentation rate": the key without the study. */
export function recordText(d: Discrepancy): string {
  const key = d.recordKey.startsWith(`${d.studyId}/`)
    ? d.recordKey.slice(d.studyId.length + 1)
    : d.recordKey;
  const field = d.field ? `, field ${fieldLabel(d.table, d.field)}` : '';
  return `${recordLabel(d.table)} ${key}${field}`;
}

/** A value the rule read, in words: empty, yes/no, or as stored. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined || value === '') return 'empty';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * The values a rule read, each named: a field of the record by its dictionary label, another
 * name (a count the rule derived, an alert's code) as words.
 */
export function observedText(
  table: string,
  observed: Readonly<Record<string, unknown>>,
): Array<{ name: string; value: string }> {
  return Object.entries(observed).map(([name, value]) => ({
    name: fieldLabel(table, name),
    value: valueText(value),
  }));
}

/** The check's outcome in one sentence, as the CLI's summary says it. */
export function summaryText(s: CheckSummary): string {
  const rules =
    s.ruleSetVersion === 0 ? 'the default rules' : `rule set version ${s.ruleSetVersion}`;
  return (
    `Checked ${s.subjects} subject(s) as of ${s.asOf} against ${rules}: ${s.opened} opened, ` +
    `${s.updated} updated, ${s.resolved} resolved, ${s.unchanged} unchanged; ` +
    `now ${s.open} open, ${s.excluded} excluded.`
  );
}
