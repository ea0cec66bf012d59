/**
 * Transferring a subject to another site of the study (docs/data-management.md, "Sites and
 * transfers"; migration 0020_sdv). The subject's site changes, and with it who sees the subject
 * and every record of theirs (records reach their site through their subject: a nurse of the old
 * site no longer sees them, one of the new site does). The transfer itself is kept: from where,
 * to where, who, when and why, never changed or deleted (subject_transfer); the subject's update
 * and the transfer are audited in one transaction, under the transfer's reason.
 */
import { JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { notFound, versionConflict } from '../errors.js';
import { inScope, type SiteScope } from '../records/site-scope.js';
import { utcText } from '../review/timestamps.js';
import type { Transaction } from '../transaction.js';

export interface TransferInput {
  readonly studyId: string;
  readonly subjectId: string;
  readonly toSite: string;
  /** The subject's version the transfer is based on (VERSION_CONFLICT when it changed). */
  readonly basedOnVersion: number;
}

export interface SubjectTransfer {
  readonly subjectId: string;
  readonly transferNo: number;
  readonly fromSite: string;
  readonly toSite: string;
  readonly reason: string;
  readonly transferredBy: { readonly id: string; readonly name: string };
  readonly transferredAt: string;
}

/**
 * Moves a subject to another site of the study, with the transaction's reason (REASON_REQUIRED
 * without one). `sites` are the sites the caller may transfer from (NOT_FOUND for a subject
 * elsewhere, as for one that does not exist). The target must be a site of the study
 * (NOT_FOUND) other than the subject's own (VALIDATION_FAILED).
 */
export async function transferSubject(
  tx: Transaction,
  input: TransferInput,
  sites: SiteScope,
): Promise<SubjectTransfer & { readonly version: number }> {
  if (tx.reason === null)
    throw new JiaError('REASON_REQUIRED', 'a transfer to another site needs a reason');
  const found = await tx.client.query<{ site_code: string; version: number }>(
    'SELECT site_code, version FROM subject WHERE study_id = $1 AND subject_id = $2 FOR UPDATE',
    [input.studyId, input.subjectId],
  );
  const subject = found.rows[0];
  if (!subject || !inScope(sites, subject.site_code))
    throw notFound(`study ${input.studyId} has no subject ${input.subjectId}`);
  if (subject.version !== input.basedOnVersion)
    throw versionConflict(
      'subject',
      `${input.studyId}/${input.subjectId}`,
      input.basedOnVersion,
      subject.version,
    );
  if (subject.site_code === input.toSite)
    throw new JiaError(
      'VALIDATION_FAILED',
      `subject ${input.subjectId} is at site ${input.toSite} already`,
      { issues: [{ path: 'toSite', message: 'name another site of the study' }] },
    );
  const site = await tx.client.query('SELECT 1 FROM site WHERE study_id = $1 AND site_code = $2', [
    input.studyId,
    input.toSite,
  ]);
  if (site.rowCount === 0)
    throw notFound(`${input.toSite} is not a site of study ${input.studyId}`);
  const updated = await tx.client.query<{ version: number }>(
    'UPDATE subject SET site_code = $3 WHERE study_id = $1 AND subject_id = $2 RETURNING version',
    [input.studyId, input.subjectId, input.toSite],
  );
  const stored = await tx.client.query<{ transfer_no: number; transferred_at: string }>(
    `INSERT INTO subject_transfer (study_id, subject_id, transfer_no, from_site, to_site, reason,
                                   transferred_by, transferred_by_name, transferred_at)
     SELECT $1, $2, coalesce(max(transfer_no), 0) + 1, $3, $4, $5, $6, $7, statement_timestamp()
       FROM subject_transfer WHERE study_id = $1 AND subject_id = $2
     RETURNING transfer_no, ${utcText('transferred_at')} AS transferred_at`,
    [
      input.studyId,
      input.subjectId,
      subject.site_code,
      input.toSite,
      tx.reason,
      tx.actor.id,
      tx.actor.name,
    ],
  );
  const row = stored.rows[0] as { transfer_no: number; transferred_at: string };
  return {
    subjectId: input.subjectId,
    transferNo: row.transfer_no,
    fromSite: subject.site_code,
    toSite: input.toSite,
    reason: tx.reason,
    transferredBy: { id: tx.actor.id, name: tx.actor.name },
    transferredAt: row.transferred_at,
    version: (updated.rows[0] as { version: number }).version,
  };
}

/** A subject's transfers, oldest first. */
export async function transfersOf(
  db: Pick<pg.ClientBase, 'query'>,
  studyId: string,
  subjectId: string,
): Promise<SubjectTransfer[]> {
  const found = await db.query<{
    transfer_no: number;
    from_site: string;
    to_site: string;
    reason: string;
    transferred_by: string;
    transferred_by_name: string;
    transferred_at: string;
  }>(
    `SELECT transfer_no, from_site, to_site, reason, transferred_by, transferred_by_name,
            ${utcText('transferred_at')} AS transferred_at
       FROM subject_transfer WHERE study_id = $1 AND subject_id = $2 ORDER BY transfer_no`,
    [studyId, subjectId],
  );
  return found.rows.map((r) => ({
    subjectId,
    transferNo: r.transfer_no,
    fromSite: r.from_site,
    toSite: r.to_site,
    reason: r.reason,
    transferredBy: { id: r.transferred_by, name: r.transferred_by_name },
    transferredAt: r.transferred_at,
  }));
}
