/**
 * The engine's alerts on the status's day, those to read first first (orderAlerts), severity
 * in words. A role holding `alert.acknowledge` at the subject's site acknowledges one with a
 * comment (the server keeps who, when and the comment); others see no such control. An
 * acknowledged alert shows who acknowledged it, when and why.
 */
import { type FormEvent, useState } from 'react';
import { api, messageOf } from '../../api/client';
import { Problem } from '../forms';
import { SEVERITY_TEXT, utcText } from './format';
import type { AlertView } from './subject-data';
import './subject.css';

interface Target {
  readonly studyId: string;
  readonly subjectId: string;
  /** The status's day: an alert is acknowledged as the engine raised it that day. */
  readonly asOf: string;
}

function AcknowledgeForm({
  target,
  alert,
  onDone,
}: {
  readonly target: Target;
  readonly alert: AlertView;
  readonly onDone: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const fieldId = `ack-${alert.alertId.replace(/[^A-Za-z0-9_-]/g, '_')}`;

  if (!open)
    return (
      <button type="button" className="secondary" onClick={() => setOpen(true)}>
        Acknowledge<span className="visually-hidden"> alert {alert.message}</span>
      </button>
    );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const { error } = await api.POST(
      '/api/v1/studies/{studyId}/subjects/{subjectId}/alerts/{alertId}/acknowledgement',
      {
        params: {
          path: { studyId: target.studyId, subjectId: target.subjectId, alertId: alert.alertId },
        },
        body: { comment, asOf: target.asOf },
      },
    );
    setBusy(false);
    if (error) setProblem(messageOf(error));
    else onDone();
  };

  return (
    <form className="acknowledge" onSubmit={submit}>
      <label htmlFor={fieldId}>Comment (why, and what was done)</label>
      <textarea
        id={fieldId}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        required
        maxLength={2000}
        rows={2}
      />
      <Problem text={problem} />
      <div className="actions">
        <button type="submit" disabled={busy || comment.trim() === ''}>
          Save acknowledgement
        </button>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function AlertList({
  target,
  alerts,
  mayAcknowledge,
  onAcknowledged,
}: {
  readonly target: Target;
  readonly alerts: readonly AlertView[];
  readonly mayAcknowledge: boolean;
  readonly onAcknowledged: () => void;
}) {
  if (alerts.length === 0) return <p>No alert on {target.asOf}.</p>;
  return (
    <ol className="alerts">
      {alerts.map((alert) => (
        <li key={alert.alertId} className={`alert alert-${alert.severity}`}>
          <div className="alert-text">
            <p>
              <strong className="severity">
                {SEVERITY_TEXT[alert.severity] ?? alert.severity}
              </strong>{' '}
              <code>{alert.code}</code>
              {alert.date && (
                <>
                  {' '}
                  · <time dateTime={alert.date}>{alert.date}</time>
                </>
              )}
            </p>
            <p>{alert.message}</p>
          </div>
          {alert.acknowledgement ? (
            <p className="acknowledged">
              Acknowledged by <strong>{alert.acknowledgement.by}</strong> on{' '}
              {utcText(alert.acknowledgement.at)}: “{alert.acknowledgement.comment}”
            </p>
          ) : mayAcknowledge ? (
            <AcknowledgeForm target={target} alert={alert} onDone={onAcknowledged} />
          ) : (
            <span className="muted">Not acknowledged</span>
          )}
        </li>
      ))}
    </ol>
  );
}
