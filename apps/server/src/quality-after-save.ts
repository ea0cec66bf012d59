/**
 * The data-quality checks after each save (docs/data-management.md, "Data-quality checks"): once
 * a record is written, the study's rules run again over its subject, in the same request, in a
 * transaction of their own after the save committed. A failing check never undoes or fails the
 * save it follows: it is logged, and the next save or an on-demand check (`POST
 * .../quality/check`, `jia-trial check`) brings the discrepancies up to date.
 */
import { findRecord, type Store } from '@jia-trial/store';
import type { FastifyRequest } from 'fastify';
import { actorOf } from './access.js';
import type { ServerContext } from './context.js';
import { checkSubject } from './quality-run.js';

/** The subject a stored record belongs to: its own, or its visit's. */
async function subjectOf(
  store: Store,
  studyId: string,
  record: Readonly<Record<string, unknown>>,
): Promise<string | null> {
  if (typeof record.subjectId === 'string') return record.subjectId;
  if (typeof record.visitId !== 'string') return null;
  const visit = await findRecord(store.pool, studyId, 'visit', `${studyId}/${record.visitId}`);
  return visit?.subjectId ?? null;
}

/** Re-runs the rules over the subject of `record`, just saved; never throws. */
export async function checkAfterSave(
  context: ServerContext,
  request: FastifyRequest,
  studyId: string,
  record: Readonly<Record<string, unknown>>,
): Promise<void> {
  try {
    const subjectId = await subjectOf(context.store, studyId, record);
    if (subjectId === null) return;
    await checkSubject(context, actorOf(request), studyId, subjectId, context.today());
  } catch (error) {
    request.log.error({ err: error, studyId }, 'data-quality check after a save failed');
  }
}
