/**
 * `jia-trial check --study ID`: the data-quality checks over a stored study on demand
 * (docs/data-management.md, "Data-quality checks"): the study's rule set over every subject,
 * the discrepancies kept in the database (new ones opened, corrected ones resolved, exclusions
 * kept while their values are unchanged), then a summary, and with --list the open ones by site
 * and subject. The protocol is the study's stored one (else --protocol).
 */
import { JiaError } from '@jia-trial/errors';
import { parseIsoDate } from '@jia-trial/outcomes';
import { protocolById } from '@jia-trial/protocols';
import {
  type CheckSummary,
  checkStudy,
  type Discrepancy,
  listDiscrepancies,
  MAX_PAGE_SIZE,
  protocolOfStudy,
  withTransaction,
} from '@jia-trial/store';
import { cliActor, type StoreIo, withStore } from '../store/store-commands.js';

export interface CheckOptions {
  readonly study: string;
  readonly asOf?: string | undefined;
  readonly protocol?: string | undefined;
  readonly actor?: string | undefined;
  readonly list: boolean;
  readonly json: boolean;
}

export async function runCheck(
  io: StoreIo & { today(): string },
  options: CheckOptions,
): Promise<void> {
  const asOf = options.asOf ?? io.today();
  if (parseIsoDate(asOf) === null)
    throw new JiaError('USAGE_ERROR', `--as-of ${asOf} is not a date (YYYY-MM-DD)`);
  const { summary, open } = await withStore(io, async (store) => {
    const stored = await protocolOfStudy(store, options.study);
    const protocolId = stored ?? options.protocol ?? null;
    const protocol = protocolId === null ? null : protocolById(protocolId);
    if (protocol === null)
      io.note(
        `jia-trial: study ${options.study} has no protocol: visit windows and deviations are not checked (--protocol names one)`,
      );
    const summary = await withTransaction(
      store,
      cliActor(options.actor),
      'data-quality checks run on demand',
      (tx) => checkStudy(tx, { studyId: options.study, protocol, asOf }),
    );
    const open: Discrepancy[] = [];
    if (options.list)
      for (let page = 1; ; page++) {
        const got = await listDiscrepancies(store.pool, options.study, {
          status: 'open',
          page,
          pageSize: MAX_PAGE_SIZE,
        });
        open.push(...got.discrepancies);
        if (open.length >= got.total || got.discrepancies.length === 0) break;
      }
    return { summary, open };
  });
  if (options.json) {
    io.out(
      `${JSON.stringify(options.list ? { ...summary, discrepancies: open } : summary, null, 2)}\n`,
    );
    return;
  }
  io.out(`${summaryText(summary)}\n`);
  let last = '';
  for (const d of open) {
    const heading = `${d.siteCode} ${d.subjectId}`;
    if (heading !== last) io.out(`${heading}\n`);
    last = heading;
    io.out(
      `  ${d.discrepancyId}  ${d.ruleId}  ${d.recordKey}${d.field ? ` ${d.field}` : ''}: ${d.message}${d.query ? `  (query ${d.query.queryId}, ${d.query.status})` : ''}\n`,
    );
  }
}

function summaryText(s: CheckSummary): string {
  return (
    `study ${s.studyId}: ${s.subjects} subject(s) checked as of ${s.asOf} under rule set version ${s.ruleSetVersion}${s.ruleSetVersion === 0 ? ' (the default rules)' : ''}\n` +
    `  ${s.opened} opened, ${s.updated} updated, ${s.resolved} resolved, ${s.unchanged} unchanged; now ${s.open} open, ${s.excluded} excluded`
  );
}
