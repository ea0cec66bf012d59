/**
 * Source data verification (issue 18; docs/data-management.md): the progress by site, subject
 * and visit, and what is left to verify; for one subject, each filled value with its state and
 * the monitor's controls to mark a value, a visit or the whole casebook verified (`sdv.write`
 * at the subject's site: the server refuses anyone else, the page only hides the controls).
 */
import { type RecordTypeId, recordType } from '@jia-trial/dictionary';
import { useEffect, useState } from 'react';
import { api, messageOf, type Study, type SubjectSummary } from '../api/client';
import type { components } from '../api/schema.generated';
import '../components/data-management/data-management.css';
import { Problem } from '../components/forms';
import { may, useStudyAccess } from '../components/review/use-study-access';
import { labelOf } from '../components/subject/format';
import { ColumnHeads, ScrollBox } from '../components/table';
import { hrefOf } from '../routes';

/** A record's key as a monitor reads it: without the study it is in, its parts spaced. */
const recordText = (studyId: string, key: string) =>
  (key.startsWith(`${studyId}/`) ? key.slice(studyId.length + 1) : key).replaceAll('/', ' · ');

/** A coded value in words (the field dictionary's label), any other value as stored. */
function valueText(table: string, field: string, value: string): string {
  const list = recordType(table as RecordTypeId).fields.find((f) => f.name === field)?.codeList;
  return list ? labelOf(list, value) : value;
}

type Progress = components['schemas']['SdvProgress'];
type Item = components['schemas']['SdvItem'];
type Target = components['schemas']['SdvTarget'];

const percent = (p: number | null) => (p === null ? '—' : `${p} %`);
const LEFT_SHOWN = 200;

function ProgressTable({
  caption,
  rows,
}: {
  readonly caption: string;
  readonly rows: ReadonlyArray<{
    readonly key: string;
    readonly name: React.ReactNode;
    readonly items: number;
    readonly verified: number;
    readonly percent: number | null;
  }>;
}) {
  return (
    <table className="numbers">
      <caption>{caption}</caption>
      <ColumnHeads names={['', 'Values', 'Verified', 'Done']} />
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.name}</th>
            <td>{r.items}</td>
            <td>{r.verified}</td>
            <td>{percent(r.percent)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function groupByVisit(items: readonly Item[]): Array<[string | null, Item[]]> {
  const groups = new Map<string | null, Item[]>();
  for (const item of items) groups.set(item.visitId, [...(groups.get(item.visitId) ?? []), item]);
  return [...groups];
}

export function SdvPage({
  studyId,
  subjectId,
}: {
  readonly studyId: string;
  readonly subjectId: string | null;
}) {
  const access = useStudyAccess(studyId);
  const [site, setSite] = useState('');
  const [study, setStudy] = useState<Study | null>(null);
  const [subjects, setSubjects] = useState<readonly SubjectSummary[]>([]);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [items, setItems] = useState<readonly Item[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [reads, setReads] = useState(0);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void reads;
    setProblem(null);
    const path = { studyId };
    const query = {
      ...(site === '' ? {} : { site }),
      ...(subjectId === null ? {} : { subjectId }),
    };
    void Promise.all([
      api.GET('/api/v1/studies/{studyId}/sdv/progress', { params: { path, query } }),
      api.GET('/api/v1/studies/{studyId}/sdv/items', {
        params: { path, query: { ...query, state: subjectId === null ? 'pending' : 'all' } },
      }),
      api.GET('/api/v1/studies'),
      api.GET('/api/v1/studies/{studyId}/subjects', { params: { path } }),
    ]).then(([p, i, studies, listed]) => {
      setProgress(p.data ?? null);
      setItems(i.data?.items ?? null);
      setStudy(studies.data?.studies.find((s) => s.studyId === studyId) ?? null);
      setSubjects(listed.data?.subjects ?? []);
      if (!p.data || !i.data) setProblem(messageOf(p.error ?? i.error));
    });
  }, [studyId, subjectId, site, reads]);

  const subjectSite = subjects.find((s) => s.subjectId === subjectId)?.site ?? null;
  const mayVerify = subjectSite !== null && may(access, 'sdv.write', subjectSite);

  const verify = async (target: Target) => {
    setBusy(true);
    setProblem(null);
    const { error } = await api.POST('/api/v1/studies/{studyId}/sdv', {
      params: { path: { studyId } },
      body: target,
    });
    setBusy(false);
    if (error) setProblem(messageOf(error));
    setReads((n) => n + 1);
  };

  return (
    <section aria-labelledby="sdv-title">
      <p>
        <a href={hrefOf({ page: 'study', studyId })}>← Study {studyId}</a>
      </p>
      <h1 id="sdv-title">
        Source data verification{subjectId === null ? '' : ` of subject ${subjectId}`}
      </h1>
      <div className="sdv-filters">
        <p>
          <label htmlFor="sdv-site">Site</label>
          <select id="sdv-site" value={site} onChange={(e) => setSite(e.target.value)}>
            <option value="">All your sites</option>
            {(study?.sites ?? []).map((s) => (
              <option key={s.code} value={s.code}>
                {s.name ?? s.code}
              </option>
            ))}
          </select>
        </p>
        <p>
          <label htmlFor="sdv-subject">Subject</label>
          <select
            id="sdv-subject"
            value={subjectId ?? ''}
            onChange={(e) => {
              window.location.hash = hrefOf({
                page: 'sdv',
                studyId,
                subjectId: e.target.value === '' ? null : e.target.value,
              });
            }}
          >
            <option value="">Every subject</option>
            {subjects
              .filter((s) => site === '' || s.site === site)
              .map((s) => (
                <option key={s.subjectId} value={s.subjectId}>
                  {s.subjectId} ({s.site})
                </option>
              ))}
          </select>
        </p>
      </div>
      <Problem text={problem} />
      {progress === null && !problem && <p className="loading">Loading…</p>}
      {progress && (
        <section aria-labelledby="sdv-progress-title">
          <h2 id="sdv-progress-title">
            Progress: {progress.total.verified} of {progress.total.items} values verified (
            {percent(progress.total.percent)})
          </h2>
          <ScrollBox label="Progress by site, subject and visit">
            <ProgressTable
              caption="By site"
              rows={progress.bySite.map((s) => ({ key: s.site, name: s.site, ...s }))}
            />
            <ProgressTable
              caption="By subject"
              rows={progress.bySubject.map((s) => ({
                key: s.subjectId,
                name: (
                  <a href={hrefOf({ page: 'sdv', studyId, subjectId: s.subjectId })}>
                    {s.subjectId} ({s.site})
                  </a>
                ),
                ...s,
              }))}
            />
            {subjectId !== null && (
              <ProgressTable
                caption="By visit"
                rows={progress.byVisit.map((v) => ({
                  key: v.visitId ?? '',
                  name:
                    v.visitId === null ? "Subject's own records" : `${v.visitId} (${v.visitDate})`,
                  ...v,
                }))}
              />
            )}
          </ScrollBox>
        </section>
      )}
      {items && subjectId === null && (
        <section aria-labelledby="sdv-left-title">
          <h2 id="sdv-left-title">Left to verify: {items.length} values</h2>
          {items.length > LEFT_SHOWN && <p>The first {LEFT_SHOWN} are listed; choose a subject.</p>}
          <ScrollBox label="Values left to verify">
            <table>
              <ColumnHeads names={['Subject', 'Visit', 'Record', 'Value', 'Why']} />
              <tbody>
                {items.slice(0, LEFT_SHOWN).map((i) => (
                  <tr key={`${i.table}:${i.rowId}:${i.field}`}>
                    <td>
                      <a href={hrefOf({ page: 'sdv', studyId, subjectId: i.subjectId })}>
                        {i.subjectId}
                      </a>
                    </td>
                    <td>{i.visitId ?? '—'}</td>
                    <td>{recordText(studyId, i.recordKey)}</td>
                    <td>
                      {i.label}: {valueText(i.table, i.field, i.value)}
                    </td>
                    <td>{i.verification?.clearedBecause ?? 'not verified yet'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollBox>
        </section>
      )}
      {items && subjectId !== null && (
        <section aria-labelledby="sdv-values-title">
          <h2 id="sdv-values-title">Values of subject {subjectId}</h2>
          {mayVerify && (
            <p>
              <button
                type="button"
                disabled={busy}
                onClick={() => verify({ scope: 'casebook', subjectId })}
              >
                Verify the whole casebook
              </button>
            </p>
          )}
          {groupByVisit(items).map(([visitId, group]) => {
            const pending = group.filter((i) => i.state === 'pending').length;
            const title = visitId === null ? "Subject's own records" : `Visit ${visitId}`;
            return (
              <section key={visitId ?? ''} aria-label={title}>
                <h3>
                  {title}: {group.length - pending} of {group.length} verified
                </h3>
                {mayVerify && visitId !== null && pending > 0 && (
                  <button
                    type="button"
                    disabled={busy}
                    onClick={() => verify({ scope: 'visit', subjectId, visitId })}
                  >
                    Verify visit {visitId}
                  </button>
                )}
                <ScrollBox label={`Values of ${title}`}>
                  <table>
                    <ColumnHeads names={['Record', 'Field', 'Value', 'State', '']} />
                    <tbody>
                      {group.map((i) => (
                        <tr key={`${i.table}:${i.rowId}:${i.field}`}>
                          <td>{recordText(studyId, i.recordKey)}</td>
                          <td>{i.label}</td>
                          <td>{valueText(i.table, i.field, i.value)}</td>
                          <td>
                            {i.state === 'verified'
                              ? `verified by ${i.verification?.verifiedBy.name} ${i.verification?.verifiedAt.slice(0, 10)}`
                              : (i.verification?.clearedBecause ?? 'not verified')}
                          </td>
                          <td>
                            {mayVerify && i.state === 'pending' && (
                              <button
                                type="button"
                                disabled={busy}
                                aria-label={`Verify ${i.label} of ${i.recordKey}`}
                                onClick={() =>
                                  verify({
                                    scope: 'field',
                                    subjectId,
                                    table: i.table as Extract<Target, { scope: 'field' }>['table'],
                                    recordKey: i.recordKey,
                                    field: i.field,
                                    version: i.version,
                                  })
                                }
                              >
                                Verify
                              </button>
                            )}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </ScrollBox>
              </section>
            );
          })}
        </section>
      )}
    </section>
  );
}
