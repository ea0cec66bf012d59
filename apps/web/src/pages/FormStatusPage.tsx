/**
 * The form status grid (issue 18; docs/data-management.md, "Form status"): a row per subject, a
 * column per scheduled visit of the protocol with the engine's status on the day (due, overdue,
 * missed, ...) and, for a recorded visit, each form's status; then the visits no schedule takes
 * and the subject's own forms. Over a site or every site the user sees.
 */

import { useEffect, useState } from 'react';
import { api, messageOf, type Study } from '../api/client';
import type { components } from '../api/schema.generated';
import '../components/data-management/data-management.css';
import {
  FORM_SHORT_LABELS,
  FORM_STATUS_LABELS,
  SCHEDULE_STATUS_LABELS,
} from '../components/data-management/form-status-labels';
import { Problem } from '../components/forms';
import { ScrollBox } from '../components/table';
import { hrefOf } from '../routes';

type Grid = components['schemas']['FormStatusGrid'];
type Cell = components['schemas']['FormCell'];

function FormList({ forms }: { readonly forms: readonly Cell[] }) {
  return (
    <ul>
      {forms.map((f) => (
        <li key={f.form}>
          {FORM_SHORT_LABELS[f.form] ?? f.form}:{' '}
          <span className={`form-status ${f.status}`}>{FORM_STATUS_LABELS[f.status]}</span>
        </li>
      ))}
    </ul>
  );
}

export function FormStatusPage({ studyId }: { readonly studyId: string }) {
  const [site, setSite] = useState('');
  const [grid, setGrid] = useState<Grid | null>(null);
  const [study, setStudy] = useState<Study | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setProblem(null);
    void Promise.all([
      api.GET('/api/v1/studies/{studyId}/form-status', {
        params: { path: { studyId }, query: site === '' ? {} : { site } },
      }),
      api.GET('/api/v1/studies'),
    ]).then(([read, studies]) => {
      setGrid(read.data ?? null);
      setStudy(studies.data?.studies.find((s) => s.studyId === studyId) ?? null);
      if (!read.data) setProblem(messageOf(read.error));
    });
  }, [studyId, site]);

  return (
    <section aria-labelledby="forms-title">
      <p>
        <a href={hrefOf({ page: 'study', studyId })}>← Study {studyId}</a>
      </p>
      <h1 id="forms-title">Form status of study {studyId}</h1>
      <p>
        <label htmlFor="forms-site">Site</label>{' '}
        <select id="forms-site" value={site} onChange={(e) => setSite(e.target.value)}>
          <option value="">All your sites</option>
          {(study?.sites ?? []).map((s) => (
            <option key={s.code} value={s.code}>
              {s.name ?? s.code}
            </option>
          ))}
        </select>
      </p>
      <Problem text={problem} />
      {grid === null && !problem && <p className="loading">Loading…</p>}
      {grid && (
        <>
          <p>
            Schedule on {grid.asOf}. Each recorded visit's forms:{' '}
            {grid.forms
              .filter((f) => f.level === 'visit')
              .map((f) => `${FORM_SHORT_LABELS[f.id] ?? f.id} = ${f.label}`)
              .join('; ')}
            .
          </p>
          <ScrollBox label="Form status by subject and visit">
            <table className="form-grid">
              <thead>
                <tr>
                  <th scope="col">Subject</th>
                  {grid.columns.map((c) => (
                    <th key={c.column} scope="col">
                      {c.name}
                      {c.infusion !== null && c.infusion > 1 ? ` (infusion ${c.infusion})` : ''}
                    </th>
                  ))}
                  <th scope="col">Unscheduled visits</th>
                  <th scope="col">Subject's forms</th>
                </tr>
              </thead>
              <tbody>
                {grid.rows.map((row) => (
                  <tr key={row.subjectId}>
                    <th scope="row">
                      <a href={hrefOf({ page: 'subject', studyId, subjectId: row.subjectId })}>
                        {row.subjectId}
                      </a>{' '}
                      ({row.site})
                    </th>
                    {grid.columns.map((c) => {
                      const visit = row.visits.find((v) => v.column === c.column);
                      if (!visit) return <td key={c.column}>—</td>;
                      return (
                        <td key={c.column} data-visit={visit.visitId ?? undefined}>
                          <span className={`schedule-status ${visit.scheduleStatus}`}>
                            {SCHEDULE_STATUS_LABELS[visit.scheduleStatus]}
                            {visit.late ? ' (late)' : ''}
                          </span>
                          {visit.visitId === null ? (
                            <>
                              {' '}
                              (window {visit.windowStart} to {visit.windowEnd})
                            </>
                          ) : (
                            <>
                              {' '}
                              {visit.visitId} ({visit.visitDate})
                              <FormList forms={visit.forms} />
                            </>
                          )}
                        </td>
                      );
                    })}
                    <td>
                      {row.unscheduled.length === 0
                        ? '—'
                        : row.unscheduled.map((v) => (
                            <div key={v.visitId} data-visit={v.visitId}>
                              {v.visitId} ({v.visitDate})
                              <FormList forms={v.forms} />
                            </div>
                          ))}
                    </td>
                    <td>
                      <FormList forms={row.subjectForms} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollBox>
          <h2>When a form is complete</h2>
          <ul>
            {grid.forms.map((f) => (
              <li key={f.id}>
                <strong>{f.label}</strong>: {f.completeWhen}.
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
