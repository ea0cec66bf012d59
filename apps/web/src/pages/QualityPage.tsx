/**
 * The study's data-quality page (issue 18; docs/data-management.md, "Data-quality checks"):
 * "Run checks" for a role holding `quality.check`, the totals by status, and the discrepancies of
 * the user's sites by site and subject, a page at a time, filtered by site, subject, status, kind
 * and rule; each excluded with a reason, its exclusion taken back, or turned into a data query
 * (components/quality/). Only the server's API is used; the roles decide what is offered.
 */
import { studyAccess } from '@jia-trial/dictionary';
import { Fragment, useEffect, useState } from 'react';
import { api, messageOf, type Study, type SubjectSummary } from '../api/client';
import { Problem } from '../components/forms';
import { DiscrepancyFilters } from '../components/quality/DiscrepancyFilters';
import { DiscrepancyList, type RuleSources } from '../components/quality/DiscrepancyList';
import {
  type Discrepancy,
  type DiscrepancyFilter,
  listQuery,
  NO_FILTER,
  pageCount,
  STATUS_TEXT,
} from '../components/quality/quality-data';
import { RunChecks } from '../components/quality/RunChecks';
import { may } from '../components/review/use-study-access';
import { grantsOf } from '../components/subject/permissions';
import { hrefOf } from '../routes';
import '../components/quality/quality.css';

interface Listed {
  readonly discrepancies: readonly Discrepancy[];
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
  readonly counts: Readonly<Record<Discrepancy['status'], number>>;
}

/** The rule set's rules (an open object in the API): each id with why it holds. */
function ruleSourcesOf(ruleSet: Record<string, unknown> | undefined): Map<string, string> {
  const rules = Array.isArray(ruleSet?.rules) ? (ruleSet.rules as unknown[]) : [];
  const sources = new Map<string, string>();
  for (const rule of rules) {
    const { id, source } = (rule ?? {}) as { id?: unknown; source?: unknown };
    if (typeof id === 'string') sources.set(id, typeof source === 'string' ? source : '');
  }
  return sources;
}

function Totals({ counts, total }: { readonly counts: Listed['counts']; readonly total: number }) {
  return (
    <section aria-labelledby="dq-totals" className="card dq-totals">
      <h2 id="dq-totals">Totals for this filter</h2>
      <dl>
        {(['open', 'excluded', 'resolved'] as const).map((status) => (
          <Fragment key={status}>
            <dt>{STATUS_TEXT[status]}</dt>
            <dd>{counts[status]}</dd>
          </Fragment>
        ))}
        <dt>Listed</dt>
        <dd>{total}</dd>
      </dl>
    </section>
  );
}

function Pages({
  listed,
  onPage,
}: {
  readonly listed: Listed;
  readonly onPage: (page: number) => void;
}) {
  const pages = pageCount(listed.total, listed.pageSize);
  if (pages <= 1) return null;
  return (
    <nav aria-label="Pages of discrepancies" className="dq-pages">
      <button type="button" disabled={listed.page <= 1} onClick={() => onPage(listed.page - 1)}>
        Previous page
      </button>
      <span>
        Page {listed.page} of {pages}
      </span>
      <button type="button" disabled={listed.page >= pages} onClick={() => onPage(listed.page + 1)}>
        Next page
      </button>
    </nav>
  );
}

export function QualityPage({ studyId }: { readonly studyId: string }) {
  const [study, setStudy] = useState<Study | null>(null);
  const [subjects, setSubjects] = useState<readonly SubjectSummary[]>([]);
  const [rules, setRules] = useState<RuleSources>(new Map());
  const [filter, setFilter] = useState<DiscrepancyFilter>(NO_FILTER);
  const [listed, setListed] = useState<Listed | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  // Bumped after a check or a step: the list is read again.
  const [reads, setReads] = useState(0);
  const reread = () => setReads((n) => n + 1);

  useEffect(() => {
    const path = { params: { path: { studyId } } };
    void Promise.all([
      api.GET('/api/v1/studies'),
      api.GET('/api/v1/studies/{studyId}/subjects', path),
      api.GET('/api/v1/studies/{studyId}/quality/rules', path),
    ]).then(([studies, listedSubjects, ruleSet]) => {
      setStudy(studies.data?.studies.find((s) => s.studyId === studyId) ?? null);
      if (listedSubjects.data) setSubjects(listedSubjects.data.subjects);
      setRules(ruleSourcesOf(ruleSet.data?.ruleSet));
    });
  }, [studyId]);

  useEffect(() => {
    void reads;
    let live = true;
    void api
      .GET('/api/v1/studies/{studyId}/discrepancies', {
        params: { path: { studyId }, query: listQuery(filter) },
      })
      .then(({ data, error }) => {
        if (!live) return;
        if (data) {
          setListed(data);
          setProblem(null);
        } else setProblem(`The discrepancies could not be read: ${messageOf(error)}.`);
      });
    return () => {
      live = false;
    };
  }, [studyId, filter, reads]);

  const access = study ? studyAccess(grantsOf(study)) : null;
  // The sites whose subjects the user sees (a site without one lists nothing).
  const sites = [...new Set(subjects.map((s) => s.site))].sort();

  return (
    <section aria-labelledby="quality-title" className="quality-page">
      <p>
        <a href={hrefOf({ page: 'study', studyId })}>← Study {studyId}</a>
      </p>
      <h1 id="quality-title">Data quality of study {studyId}</h1>
      <p>
        The study's rules find discrepancies in the stored data after each save and when the checks
        are run. Exclude one that needs no correction, with a reason, or raise a data query on its
        record and field.
      </p>
      {may(access, 'quality.check', null) && <RunChecks studyId={studyId} onChecked={reread} />}
      <p role="status" className="dq-notice">
        {notice}
      </p>
      <Problem text={problem} />
      <DiscrepancyFilters
        filter={filter}
        sites={sites}
        subjects={subjects}
        ruleIds={[...rules.keys()]}
        onFilter={setFilter}
      />
      {listed === null && !problem && <p className="loading">Loading…</p>}
      {listed && (
        <>
          <Totals counts={listed.counts} total={listed.total} />
          {listed.discrepancies.length === 0 ? (
            <p>No discrepancy matches this filter.</p>
          ) : (
            <DiscrepancyList
              studyId={studyId}
              discrepancies={listed.discrepancies}
              rules={rules}
              access={access}
              onStale={reread}
              onDone={(text) => {
                setNotice(text);
                reread();
              }}
            />
          )}
          <Pages listed={listed} onPage={(page) => setFilter({ ...filter, page })} />
        </>
      )}
    </section>
  );
}
