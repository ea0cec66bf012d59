/**
 * Acknowledgements of the protocol engine's alerts. The engine computes a subject's alerts from
 * the data whenever it evaluates (@jia-trial/protocol evaluate): they are not stored, and they
 * carry no id. What the store keeps is a person's acknowledgement of one, in the `alert` table,
 * keyed by the alert's id: the subject, the code and the alert's occasion (the AE, infusion,
 * visit, scheduled visit or stopped medication it is about; @jia-trial/protocol alertOccasion and
 * alertId). That id does not change while the alert's message and figures do (an SAE report
 * becoming overdue), so a status view evaluates the subject, then merges the acknowledgements
 * with the alerts it finds (withAcknowledgements). An alert the engine no longer raises simply
 * finds no match; its acknowledgement stays, with what the engine said when it was given.
 */
import { JiaError } from '@jia-trial/errors';
import { type Alert, type AlertCode, alertId, alertOccasion } from '@jia-trial/protocol';
import type pg from 'pg';
import { notFound, versionConflict } from '../errors.js';
import type { Actor, Transaction } from '../transaction.js';
import { utcText } from './timestamps.js';

export interface AcknowledgeAlertInput {
  readonly studyId: string;
  readonly subjectId: string;
  /** The alert as the engine raised it for the subject. */
  readonly alert: Alert;
  readonly comment: string;
  /** null: the first acknowledgement of the alert; else the version of the one it replaces. */
  readonly basedOnVersion: number | null;
}

export interface AlertAcknowledgement {
  readonly studyId: string;
  readonly alertId: string;
  readonly subjectId: string;
  readonly code: AlertCode;
  readonly occasion: string;
  /** The day the alert's occasion began (YYYY-MM-DD). */
  readonly raisedOn: string;
  readonly comment: string;
  readonly acknowledged: { readonly by: Actor; readonly at: string };
  /** What the engine said when it was acknowledged: message, severity, data, source. */
  readonly details: Readonly<Record<string, unknown>>;
  readonly version: number;
}

const SELECT_ACKNOWLEDGEMENT = `
  SELECT study_id, alert_id, subject_id, code, occasion, to_char(raised_on, 'YYYY-MM-DD') AS raised_on,
         acknowledgement, acknowledged_by, acknowledged_by_name,
         ${utcText('acknowledged_at')} AS acknowledged_at, details, version
    FROM alert`;

interface AcknowledgementRow {
  study_id: string;
  alert_id: string;
  subject_id: string;
  code: AlertCode;
  occasion: string;
  raised_on: string;
  acknowledgement: string;
  acknowledged_by: string;
  acknowledged_by_name: string;
  acknowledged_at: string;
  details: Record<string, unknown>;
  version: number;
}

function fromRow(row: AcknowledgementRow): AlertAcknowledgement {
  return {
    studyId: row.study_id,
    alertId: row.alert_id,
    subjectId: row.subject_id,
    code: row.code,
    occasion: row.occasion,
    raisedOn: row.raised_on,
    comment: row.acknowledgement,
    acknowledged: {
      by: { id: row.acknowledged_by, name: row.acknowledged_by_name },
      at: row.acknowledged_at,
    },
    details: row.details,
    version: row.version,
  };
}

/**
 * Records that the transaction's actor acknowledged a subject's alert, with their comment: the
 * first acknowledgement (basedOnVersion null; VERSION_CONFLICT when someone acknowledged it
 * already) or a new comment on one (its version; an update, so the transaction needs a reason).
 */
export async function acknowledgeAlert(
  tx: Transaction,
  input: AcknowledgeAlertInput,
): Promise<AlertAcknowledgement> {
  const comment = input.comment.trim();
  if (!comment)
    throw new JiaError('VALIDATION_FAILED', 'an acknowledgement needs a comment', {
      issues: [{ path: 'comment', message: 'is empty' }],
    });
  const subject = await tx.client.query(
    'SELECT 1 FROM subject WHERE study_id = $1 AND subject_id = $2',
    [input.studyId, input.subjectId],
  );
  if (subject.rowCount === 0)
    throw notFound(`subject ${input.subjectId} is not a subject of study ${input.studyId}`);
  const { alert } = input;
  const { occasion, raisedOn } = alertOccasion(alert);
  const id = alertId(input.subjectId, alert.code, occasion);
  const details = {
    message: alert.message,
    severity: alert.severity,
    data: alert.data,
    source: alert.source,
  };
  const acknowledgement = [tx.actor.id, tx.actor.name, comment, details];
  const written =
    input.basedOnVersion === null
      ? await tx.client.query(
          `INSERT INTO alert (study_id, alert_id, subject_id, code, occasion, raised_on, status,
                              acknowledged_by, acknowledged_by_name, acknowledgement, details,
                              acknowledged_at)
           VALUES ($1, $2, $3, $4, $5, $6, 'acknowledged', $7, $8, $9, $10, statement_timestamp())
           ON CONFLICT (study_id, alert_id) DO NOTHING`,
          [input.studyId, id, input.subjectId, alert.code, occasion, raisedOn, ...acknowledgement],
        )
      : await tx.client.query(
          `UPDATE alert SET status = 'acknowledged', acknowledged_by = $4, acknowledged_by_name = $5,
                  acknowledgement = $6, details = $7, acknowledged_at = statement_timestamp()
            WHERE study_id = $1 AND alert_id = $2 AND version = $3`,
          [input.studyId, id, input.basedOnVersion, ...acknowledgement],
        );
  const found = await tx.client.query<AcknowledgementRow>(
    `${SELECT_ACKNOWLEDGEMENT} WHERE study_id = $1 AND alert_id = $2`,
    [input.studyId, id],
  );
  const row = found.rows[0];
  if (written.rowCount !== 1 || !row)
    throw versionConflict(
      'alert',
      `${input.studyId}/${id}`,
      input.basedOnVersion ?? 0,
      row?.version ?? null,
    );
  return fromRow(row);
}

/** The acknowledgements of a study's alerts, or of one subject's, oldest first. */
export async function alertAcknowledgements(
  db: Pick<pg.ClientBase, 'query'>,
  studyId: string,
  subjectId?: string,
): Promise<AlertAcknowledgement[]> {
  const found = await db.query<AcknowledgementRow>(
    `${SELECT_ACKNOWLEDGEMENT}
      WHERE study_id = $1 AND ($2::text IS NULL OR subject_id = $2) AND status = 'acknowledged'
      ORDER BY acknowledged_at, alert_id`,
    [studyId, subjectId ?? null],
  );
  return found.rows.map(fromRow);
}

export interface AcknowledgeableAlert extends Alert {
  readonly alertId: string;
  readonly acknowledgement: AlertAcknowledgement | null;
}

/** A subject's current alerts (from the engine), each with its id and its acknowledgement if any. */
export function withAcknowledgements(
  subjectId: string,
  alerts: readonly Alert[],
  acknowledgements: readonly AlertAcknowledgement[],
): AcknowledgeableAlert[] {
  const byId = new Map(
    acknowledgements.filter((a) => a.subjectId === subjectId).map((a) => [a.alertId, a]),
  );
  return alerts.map((alert) => {
    const id = alertId(subjectId, alert.code, alertOccasion(alert).occasion);
    return { ...alert, alertId: id, acknowledgement: byId.get(id) ?? null };
  });
}
