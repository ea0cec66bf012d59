/**
 * `jia-trial transfer` (docs/data-management.md, "Sites and transfers"): a data manager moves a
 * subject to another site of the study with a reason, through the store's transferSubject (the
 * API's service), as the operating-system account (`os:<login>`, named by --actor). The subject's
 * version is read in the transfer's own transaction unless --if-version names the one the operator
 * looked at (then a change made since is VERSION_CONFLICT, as the API's If-Match).
 */
import { JiaError } from '@jia-trial/errors';
import { type SubjectTransfer, transferSubject, withTransaction } from '@jia-trial/store';
import { chosenStudy } from '../store/exchange-commands.js';
import { cliActor, type StoreIo, withStore } from '../store/store-commands.js';

export interface TransferOptions {
  readonly study?: string | undefined;
  readonly subject: string;
  readonly toSite: string;
  readonly reason: string;
  readonly version?: number | undefined;
  readonly actor?: string | undefined;
  readonly json: boolean;
}

export function transferLine(t: SubjectTransfer): string {
  return `subject ${t.subjectId} moved from site ${t.fromSite} to ${t.toSite} (transfer ${t.transferNo}) by ${t.transferredBy.name} at ${t.transferredAt}: ${t.reason}`;
}

export async function runTransfer(io: StoreIo, options: TransferOptions): Promise<void> {
  const reason = options.reason.trim();
  if (reason === '')
    throw new JiaError('REASON_REQUIRED', 'a transfer to another site needs a reason (--reason)');
  const transfer = await withStore(io, async (store) => {
    const studyId = await chosenStudy(store, options.study);
    return withTransaction(store, cliActor(options.actor), reason, async (tx) => {
      // The subject's version now (NOT_FOUND below, by transferSubject, when there is none).
      const found = await tx.client.query<{ version: number }>(
        'SELECT version FROM subject WHERE study_id = $1 AND subject_id = $2',
        [studyId, options.subject],
      );
      const basedOnVersion = options.version ?? found.rows[0]?.version ?? 0;
      return transferSubject(
        tx,
        { studyId, subjectId: options.subject, toSite: options.toSite, basedOnVersion },
        'all',
      );
    });
  });
  if (options.json) io.out(`${JSON.stringify(transfer, null, 2)}\n`);
  else io.out(`${transferLine(transfer)}\n`);
}
