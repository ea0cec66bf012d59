/**
 * Running a study's data-quality checks from the server: the study's protocol resolved as the
 * status route resolves it, the check in a transaction with the account as actor.
 */
import { protocolById } from '@jia-trial/protocols';
import {
  type Actor,
  type CheckSummary,
  checkStudy,
  protocolOfStudy,
  withTransaction,
} from '@jia-trial/store';
import type { ServerContext } from './context.js';

async function protocolFor(context: Pick<ServerContext, 'store'>, studyId: string) {
  const id = await protocolOfStudy(context.store, studyId);
  return id === null ? null : protocolById(id);
}

/** One subject's check, after a save. */
export async function checkSubject(
  context: Pick<ServerContext, 'store'>,
  actor: Actor,
  studyId: string,
  subjectId: string,
  asOf: string,
): Promise<CheckSummary> {
  const protocol = await protocolFor(context, studyId);
  return withTransaction(context.store, actor, 'data-quality checks after a save', (tx) =>
    checkStudy(tx, { studyId, subjectId, protocol, asOf }),
  );
}

/** The study's check on demand: every subject, or those of some sites (one at a time). */
export async function checkOnDemand(
  context: ServerContext,
  actor: Actor,
  studyId: string,
  subjects: 'all' | readonly string[],
  asOf: string,
): Promise<CheckSummary> {
  const protocol = await protocolFor(context, studyId);
  const reason = 'data-quality checks run on demand';
  if (subjects === 'all')
    return withTransaction(context.store, actor, reason, (tx) =>
      checkStudy(tx, { studyId, protocol, asOf }),
    );
  return withTransaction(context.store, actor, reason, async (tx) => {
    const totals = { opened: 0, updated: 0, resolved: 0, unchanged: 0, open: 0, excluded: 0 };
    let ruleSetVersion = 0;
    for (const subjectId of subjects) {
      const one = await checkStudy(tx, { studyId, subjectId, protocol, asOf });
      ruleSetVersion = one.ruleSetVersion;
      for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += one[key];
    }
    return { studyId, subjects: subjects.length, ruleSetVersion, asOf, ...totals };
  });
}
