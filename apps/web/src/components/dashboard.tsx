/** The parts of a study's dashboard (GET /studies/{studyId}/dashboard; docs/api.md). */
import type { components } from '../api/schema.generated';
import { hrefOf } from '../routes';
import { ColumnHeads } from './table';

export type Dashboard = components['schemas']['Dashboard'];

const SEVERITY_TEXT: Readonly<Record<Dashboard['alerts'][number]['severity'], string>> = {
  urgent: 'Urgent',
  warning: 'Warning',
  info: 'Information',
};

function SubjectLink({
  studyId,
  subjectId,
}: {
  readonly studyId: string;
  readonly subjectId: string;
}) {
  return <a href={hrefOf({ page: 'subject', studyId, subjectId })}>{subjectId}</a>;
}

function AlertRows({
  studyId,
  alerts,
}: {
  readonly studyId: string;
  readonly alerts: Dashboard['alerts'];
}) {
  return (
    <table className="alerts-table">
      <ColumnHeads names={['Severity', 'Subject', 'Alert', 'What']} />
      <tbody>
        {alerts.map((a) => (
          <tr key={a.alertId} className={`severity-${a.severity}`}>
            <td className="severity">{SEVERITY_TEXT[a.severity]}</td>
            <td>
              <SubjectLink studyId={studyId} subjectId={a.subjectId} />
            </td>
            <td>
              <code>{a.code}</code>
            </td>
            <td>
              {a.message}
              {a.acknowledged && <span className="acknowledged"> (acknowledged)</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Alerts, safety first as the server orders them, the severity in words (not colour alone).
 * Information notices (a missed visit of long ago) are many: they are folded under their count,
 * so that the alerts to act on stay in view.
 */
export function AlertList({
  studyId,
  alerts,
}: {
  readonly studyId: string;
  readonly alerts: Dashboard['alerts'];
}) {
  const toAct = alerts.filter((a) => a.severity !== 'info');
  const notices = alerts.filter((a) => a.severity === 'info');
  const open = toAct.filter((a) => !a.acknowledged).length;
  return (
    <section aria-labelledby="alerts-title" className="card wide">
      <h2 id="alerts-title">
        Alerts <span className="count">{open} to act on, not acknowledged</span>
      </h2>
      {toAct.length === 0 ? (
        <p>No urgent alert and no warning.</p>
      ) : (
        <AlertRows studyId={studyId} alerts={toAct} />
      )}
      {notices.length > 0 && (
        <details>
          <summary>{notices.length} information notices</summary>
          <AlertRows studyId={studyId} alerts={notices} />
        </details>
      )}
    </section>
  );
}

/** The visits the protocol's schedule has due or overdue today. */
export function DueVisits({
  studyId,
  visits,
}: {
  readonly studyId: string;
  readonly visits: Dashboard['visits'];
}) {
  return (
    <section aria-labelledby="due-title" className="card">
      <h2 id="due-title">
        Visits due <span className="count">{visits.length}</span>
      </h2>
      {visits.length === 0 ? (
        <p>No visit is due.</p>
      ) : (
        <table className="numbers">
          <ColumnHeads names={['Subject', 'Visit', 'Target', 'Window', 'Status']} />
          <tbody>
            {visits.map((v) => (
              <tr key={`${v.subjectId}-${v.name}`}>
                <td>
                  <SubjectLink studyId={studyId} subjectId={v.subjectId} />
                </td>
                <td>{v.name}</td>
                <td>{v.targetDate}</td>
                <td>
                  {v.windowStart} to {v.windowEnd}
                </td>
                <td className={`status-${v.status}`}>
                  {v.status === 'overdue' ? 'Overdue' : 'Due'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Data queries by status, and the visits no valid signature covers. */
export function ReviewWork({
  studyId,
  queries,
  unsigned,
}: {
  readonly studyId: string;
  readonly queries: Dashboard['queries'];
  readonly unsigned: Dashboard['unsignedVisits'];
}) {
  return (
    <section aria-labelledby="review-title" className="card">
      <h2 id="review-title">Review</h2>
      <dl>
        <dt>Open queries</dt>
        <dd>{queries.open}</dd>
        <dt>Answered queries</dt>
        <dd>{queries.answered}</dd>
        <dt>Closed queries</dt>
        <dd>{queries.closed}</dd>
        <dt>Unsigned visits</dt>
        <dd>{unsigned.length}</dd>
      </dl>
      {unsigned.length > 0 && (
        <details>
          <summary>The unsigned visits</summary>
          <ul>
            {unsigned.map((v) => (
              <li key={v.visitId}>
                <SubjectLink studyId={studyId} subjectId={v.subjectId} />:{' '}
                <a
                  href={hrefOf({
                    page: 'visit',
                    studyId,
                    subjectId: v.subjectId,
                    visitId: v.visitId,
                  })}
                >
                  {v.visitId}
                </a>{' '}
                ({v.visitDate})
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

/** Subjects by site: screened, enrolled, withdrawn. */
export function Enrolment({ rows }: { readonly rows: Dashboard['enrolment'] }) {
  return (
    <section aria-labelledby="enrolment-title" className="card">
      <h2 id="enrolment-title">Enrolment by site</h2>
      <table className="numbers">
        <ColumnHeads names={['Site', 'Screened', 'Enrolled', 'Withdrawn']} />
        <tbody>
          {rows.map((r) => (
            <tr key={r.site}>
              <th scope="row">{r.site}</th>
              <td>{r.screened}</td>
              <td>{r.enrolled}</td>
              <td>{r.withdrawn}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
