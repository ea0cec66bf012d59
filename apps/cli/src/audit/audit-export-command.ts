/**
 * `jia-trial audit export`: a study's whole audit trail in one file for an inspector (docs/
 * data-management.md, "Audit review"), CSV or JSON, read in one snapshot a page at a time and
 * written as it is read (memory bounded by a page), into a file created exclusively and private
 * (createExclusively: 0600, never through a link, never over a file). The export is itself a
 * security event of the trail (audit_export), recorded before the snapshot, so the file holds it.
 */
import { resolve } from 'node:path';
import { JiaError } from '@jia-trial/errors';
import { AUDIT_TRAIL_FORMATS, type AuditTrailFormat, auditTrailFile } from '@jia-trial/interop';
import {
  createExclusively,
  eachAuditEvent,
  listStudies,
  logSecurityEvent,
  withSnapshot,
} from '@jia-trial/store';
import { cliActor, type StoreIo, withStore } from '../store/store-commands.js';

export interface AuditExportOptions {
  readonly study: string;
  readonly format: string;
  readonly out: string;
  readonly actor?: string | undefined;
  readonly json: boolean;
}

export async function runAuditExport(io: StoreIo, options: AuditExportOptions): Promise<void> {
  if (!(AUDIT_TRAIL_FORMATS as readonly string[]).includes(options.format))
    throw new JiaError('USAGE_ERROR', `--format ${options.format}: csv or json`);
  const format = options.format as AuditTrailFormat;
  const out = resolve(options.out);
  const actor = cliActor(options.actor);
  const events = await withStore(io, async (store) => {
    if (!(await listStudies(store.pool)).includes(options.study))
      throw new JiaError('NOT_FOUND', `there is no study ${options.study}`);
    const handle = await createExclusively(out);
    try {
      await logSecurityEvent(store, actor, {
        kind: 'audit_export',
        username: actor.id,
        studyId: options.study,
        detail: `${format}, command line`,
      });
      const file = auditTrailFile(format);
      await handle.write(file.start());
      const count = await withSnapshot(store, (client) =>
        eachAuditEvent(client, options.study, {}, 'all', async (page) => {
          await handle.write(file.events(page));
        }),
      );
      await handle.write(file.end());
      return count;
    } finally {
      await handle.close();
    }
  });
  if (options.json) io.out(`${JSON.stringify({ study: options.study, format, out, events })}\n`);
  else io.out(`wrote ${events} audit events of study ${options.study} to ${out}\n`);
}
