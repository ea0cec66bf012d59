/**
 * The study's audit trail (issue 18, "Audit review"; docs/data-management.md): every change to
 * its records and its accounts' security events, filtered by user, site, subject, record, what
 * happened and time, a page at a time with the total, and exported whole or as filtered for an
 * inspector (CSV or JSON). For holders of `audit.review` (data managers, monitors at their sites,
 * administrators): the server refuses anyone else, and says so here.
 *
 * The filter lives in the location (`#/studies/{s}/audit?subject=D01&what=update`): a view can
 * be shared, and the back button returns to the last one. The pages follow the API's order
 * (oldest first) and its cursor; the cursors of the pages seen are kept for "Previous".
 */
import { useEffect, useState } from 'react';
import { api, messageOf, type Study } from '../api/client';
import { AuditEventTable } from '../components/audit/AuditEventTable';
import { AuditFilters } from '../components/audit/AuditFilters';
import {
  apiQueryOf,
  type EventsBody,
  filterOf,
  isFiltered,
  queryOf,
  type TrailFilter,
} from '../components/audit/audit-trail';
import { Problem } from '../components/forms';
import { hrefOf } from '../routes';
import '../components/audit/audit.css';

const PAGE_SIZE = 50;

/** The export's address: the whole trail, or the filtered view (the API takes the same filter). */
function exportHref(studyId: string, format: 'csv' | 'json', filter: TrailFilter | null): string {
  const params = new URLSearchParams({ format });
  if (filter)
    for (const [name, value] of Object.entries(apiQueryOf(filter)))
      if (typeof value === 'string') params.set(name, value);
  return `/api/v1/studies/${encodeURIComponent(studyId)}/audit/export?${params}`;
}

function Exports({ studyId, filter }: { readonly studyId: string; readonly filter: TrailFilter }) {
  return (
    <section aria-labelledby="audit-export-title">
      <h2 id="audit-export-title">Export for an inspector</h2>
      <p className="actions">
        <a href={exportHref(studyId, 'csv', null)} download>
          Whole trail (CSV)
        </a>
        <a href={exportHref(studyId, 'json', null)} download>
          Whole trail (JSON)
        </a>
        {isFiltered(filter) && (
          <>
            <a href={exportHref(studyId, 'csv', filter)} download>
              This view (CSV)
            </a>
            <a href={exportHref(studyId, 'json', filter)} download>
              This view (JSON)
            </a>
          </>
        )}
      </p>
      <p className="hint">Each export is itself recorded in the trail.</p>
    </section>
  );
}

export function AuditPage({
  studyId,
  query,
}: {
  readonly studyId: string;
  readonly query: string;
}) {
  const filter = filterOf(query);
  const [study, setStudy] = useState<Study | null>(null);
  const [subjects, setSubjects] = useState<readonly string[]>([]);
  // The cursors of the pages seen for a filter, the first page's null: the last one is the page
  // shown. Another filter starts from its first page.
  const [paging, setPaging] = useState<{
    readonly query: string;
    readonly cursors: ReadonlyArray<string | null>;
  }>({ query, cursors: [null] });
  const cursors = paging.query === query ? paging.cursors : [null];
  const setCursors = (change: (c: ReadonlyArray<string | null>) => Array<string | null>) =>
    setPaging({ query, cursors: change(cursors) });
  const [listed, setListed] = useState<EventsBody | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const cursor = cursors.at(-1) ?? null;

  useEffect(() => {
    const path = { params: { path: { studyId } } };
    void Promise.all([
      api.GET('/api/v1/studies'),
      api.GET('/api/v1/studies/{studyId}/subjects', path),
    ]).then(([studies, listedSubjects]) => {
      setStudy(studies.data?.studies.find((s) => s.studyId === studyId) ?? null);
      setSubjects(listedSubjects.data?.subjects.map((s) => s.subjectId) ?? []);
    });
  }, [studyId]);

  useEffect(() => {
    let live = true;
    setListed(null);
    setProblem(null);
    void api
      .GET('/api/v1/studies/{studyId}/audit/events', {
        params: {
          path: { studyId },
          query: {
            ...apiQueryOf(filterOf(query)),
            limit: PAGE_SIZE,
            ...(cursor === null ? {} : { cursor }),
          },
        },
      })
      .then(({ data, error }) => {
        if (!live) return;
        if (data) setListed(data);
        else setProblem(`The audit trail could not be read: ${messageOf(error)}`);
      });
    return () => {
      live = false;
    };
  }, [studyId, query, cursor]);

  const show = (next: TrailFilter) => {
    window.location.hash = hrefOf({ page: 'audit', studyId, query: queryOf(next) });
  };
  const pageNumber = cursors.length;
  const first = listed && listed.events.length > 0 ? (pageNumber - 1) * PAGE_SIZE + 1 : 0;

  return (
    <section aria-labelledby="audit-title" className="audit-page">
      <p>
        <a href={hrefOf({ page: 'study', studyId })}>← Study {studyId}</a>
      </p>
      <h1 id="audit-title">Audit trail of study {studyId}</h1>
      <p>
        Every change to the study's records, who made it, when and why, and its accounts' sign-ins,
        failed sign-ins, exports and report downloads. Times are UTC.
      </p>
      <AuditFilters
        filter={filter}
        sites={study?.sites ?? []}
        subjects={subjects}
        onFilter={show}
      />
      <Problem text={problem} />
      {listed === null && !problem && <p className="loading">Loading…</p>}
      {listed && (
        <section aria-labelledby="audit-list-title">
          <h2 id="audit-list-title" aria-live="polite">
            {listed.total === 0
              ? 'No event matches this filter'
              : `Events ${first}–${first + listed.events.length - 1} of ${listed.total}, oldest first`}
          </h2>
          {listed.events.length > 0 && <AuditEventTable studyId={studyId} events={listed.events} />}
          {(pageNumber > 1 || listed.nextCursor !== null) && (
            <nav aria-label="Pages of the audit trail" className="audit-pages">
              <button
                type="button"
                disabled={pageNumber <= 1}
                onClick={() => setCursors((c) => c.slice(0, -1))}
              >
                Previous page
              </button>
              <span>
                Page {pageNumber} of {Math.max(1, Math.ceil(listed.total / PAGE_SIZE))}
              </span>
              <button
                type="button"
                disabled={listed.nextCursor === null}
                onClick={() => {
                  const next = listed.nextCursor;
                  if (next !== null) setCursors((c) => [...c, next]);
                }}
              >
                Next page
              </button>
            </nav>
          )}
        </section>
      )}
      <Exports studyId={studyId} filter={filter} />
    </section>
  );
}
