/**
 * A page of the audit trail: when (UTC), who, site, subject, record, what happened, the fields
 * changed from old to new (coded values in words), and the reason. A wide table scrolls within
 * its own focusable box, so that a tablet at 768 px never scrolls the page sideways.
 */
import { utcText } from '../subject/format';
import { ColumnHeads, ScrollBox } from '../table';
import { changesOf, keyText, subjectOf, type TrailEvent, tableText, whatText } from './audit-trail';

export function AuditEventTable({
  studyId,
  events,
}: {
  readonly studyId: string;
  readonly events: readonly TrailEvent[];
}) {
  return (
    <ScrollBox label="Audit events">
      <table className="audit-events">
        <ColumnHeads
          names={[
            'When (UTC)',
            'Who',
            'Site',
            'Subject',
            'Record',
            'What',
            'Changed: old → new',
            'Reason',
          ]}
        />
        <tbody>
          {events.map((e) => {
            const changes = changesOf(e);
            return (
              <tr key={e.eventId} data-event={e.eventId}>
                <td>{utcText(e.at)}</td>
                <td>{e.actor.name}</td>
                <td>{e.siteCode ?? '—'}</td>
                <td>{subjectOf(studyId, e) ?? '—'}</td>
                <td>
                  {tableText(e.table)} <span className="key">{keyText(studyId, e.recordKey)}</span>
                </td>
                <td>{whatText(e)}</td>
                <td>
                  {changes.length === 0 ? (
                    '—'
                  ) : (
                    <ul className="changes">
                      {changes.map((c) => (
                        <li key={c.field}>
                          {c.field}: {c.old ?? '(empty)'} → {c.new ?? '(empty)'}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td>{e.reason ?? '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </ScrollBox>
  );
}
