/**
 * How far source data verification has come, and what is left (docs/data-management.md, "Source
 * data verification"): counts of items (filled values, sdv-items.ts) and of those verified now,
 * by site, by subject and by visit (a subject's own records, medications, AEs, infusions,
 * eligibility answers and the subject record, are the row with visit null), and the list of
 * items not verified. Over the sites given (a user's), in one read.
 */
import type pg from 'pg';
import { notFound } from '../errors.js';
import { inScope, type SiteScope } from '../records/site-scope.js';
import { type CasebookRecord, itemsOf, readCasebookRecords } from './sdv-items.js';
import { readVerifications, type SdvItemState, withStates } from './verifications.js';

export interface SdvCounts {
  /** Filled values to verify. */
  readonly items: number;
  readonly verified: number;
  /** verified / items in percent, one decimal; null with nothing to verify. */
  readonly percent: number | null;
}

export interface SdvProgress {
  readonly total: SdvCounts;
  readonly bySite: ReadonlyArray<SdvCounts & { readonly site: string }>;
  readonly bySubject: ReadonlyArray<
    SdvCounts & { readonly subjectId: string; readonly site: string }
  >;
  readonly byVisit: ReadonlyArray<
    SdvCounts & {
      readonly subjectId: string;
      readonly site: string;
      /** null: the subject's own records. */
      readonly visitId: string | null;
      readonly visitDate: string | null;
    }
  >;
}

export interface SdvFilter {
  /** The sites the reader may see. */
  readonly sites: SiteScope;
  /** Only this site (within `sites`). */
  readonly site?: string | undefined;
  readonly subjectId?: string | undefined;
  readonly visitId?: string | undefined;
}

/** An item with its subject's site. */
export type SiteItemState = SdvItemState & { readonly site: string };

/** The items of the subjects the filter selects, with their states and sites. */
export async function filteredItems(
  db: pg.ClientBase,
  studyId: string,
  filter: SdvFilter,
): Promise<{ items: SiteItemState[]; records: CasebookRecord[] }> {
  const study = await db.query('SELECT 1 FROM study WHERE study_id = $1', [studyId]);
  if (study.rowCount === 0) throw notFound(`no study ${studyId}`);
  const all = await readCasebookRecords(
    db,
    studyId,
    filter.subjectId === undefined ? {} : { subjectId: filter.subjectId },
  );
  const siteOf = new Map(
    all
      .filter((r) => r.table === 'subject')
      .map((r) => [r.subjectId, r.texts.get('site') as string]),
  );
  const visible = (subjectId: string) => {
    const site = siteOf.get(subjectId);
    return (
      site !== undefined &&
      inScope(filter.sites, site) &&
      (filter.site === undefined || filter.site === site)
    );
  };
  const records = all.filter(
    (r) => visible(r.subjectId) && (filter.visitId === undefined || r.visitId === filter.visitId),
  );
  const states = withStates(
    itemsOf(records),
    await readVerifications(db, studyId, filter.subjectId),
  );
  return {
    items: states.map((s) => ({ ...s, site: siteOf.get(s.subjectId) as string })),
    records,
  };
}

function counts(items: readonly SdvItemState[]): SdvCounts {
  const verified = items.filter((i) => i.state === 'verified').length;
  return {
    items: items.length,
    verified,
    percent: items.length === 0 ? null : Math.round((verified / items.length) * 1000) / 10,
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

/** Progress by site, subject and visit over the filter. */
export async function sdvProgress(
  db: pg.ClientBase,
  studyId: string,
  filter: SdvFilter,
): Promise<SdvProgress> {
  const { items, records } = await filteredItems(db, studyId, filter);
  const visitDate = new Map(
    records
      .filter((r) => r.table === 'visit')
      .map((r) => [r.visitId, r.texts.get('visit_date') ?? null]),
  );
  const bySite = [...groupBy(items, (i) => i.site)]
    .map(([site, group]) => ({ site, ...counts(group) }))
    .sort((a, b) => a.site.localeCompare(b.site));
  const bySubject = [...groupBy(items, (i) => i.subjectId)]
    .map(([subjectId, group]) => ({
      subjectId,
      site: (group[0] as SiteItemState).site,
      ...counts(group),
    }))
    .sort((a, b) => a.subjectId.localeCompare(b.subjectId));
  const byVisit = [...groupBy(items, (i) => `${i.subjectId}\u0000${i.visitId ?? ''}`)]
    .map(([, group]) => {
      const first = group[0] as SiteItemState;
      return {
        subjectId: first.subjectId,
        site: first.site,
        visitId: first.visitId,
        visitDate: first.visitId === null ? null : (visitDate.get(first.visitId) ?? null),
        ...counts(group),
      };
    })
    .sort(
      (a, b) =>
        a.subjectId.localeCompare(b.subjectId) ||
        (a.visitDate ?? '').localeCompare(b.visitDate ?? '') ||
        (a.visitId ?? '').localeCompare(b.visitId ?? ''),
    );
  return { total: counts(items), bySite, bySubject, byVisit };
}

/** The items not verified over the filter: a monitor's list of what is left, by subject and visit. */
export async function sdvOutstanding(
  db: pg.ClientBase,
  studyId: string,
  filter: SdvFilter,
): Promise<SiteItemState[]> {
  const { items } = await filteredItems(db, studyId, filter);
  return items.filter((i) => i.state === 'pending');
}
