/**
 * The data-quality checks after each save (docs/data-management.md, "Data-quality checks"; ADR
 * 0043): once a record is written, its subject is queued, and the study's rules run again over
 * that subject right after the response, one check at a time per server process. A subject saved
 * again while it waits is checked once (the queue holds each subject once), so a burst of saves
 * costs one check, and saves never wait for checks: the HTTP benchmark's throughput with checks
 * in the request fell from 373 to 11 saves/s (docs/performance.md). A failing check never undoes
 * or fails the save: it is logged, and the next save or an on-demand check brings the
 * discrepancies up to date. The queue lives in memory: a server stopped with SIGKILL loses the
 * subjects still queued (a normal stop finishes them); `jia-trial check` catches up.
 */
import type { Actor } from '@jia-trial/store';
import { findRecord, type Store } from '@jia-trial/store';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { actorOf } from './access.js';
import type { ServerContext } from './context.js';
import { checkSubject } from './quality-run.js';

interface Pending {
  readonly studyId: string;
  readonly subjectId: string;
  /** The account whose save queued it last: the check's actor in the audit trail. */
  readonly actor: Actor;
}

/** The subjects waiting for their check, each once, checked one at a time in queued order. */
export class QualityQueue {
  private readonly pending = new Map<string, Pending>();
  private running: Promise<void> | null = null;

  constructor(
    private readonly context: Omit<ServerContext, 'quality'>,
    private readonly log: FastifyBaseLogger,
  ) {}

  enqueue(item: Pending): void {
    this.pending.set(`${item.studyId}\u0000${item.subjectId}`, item);
    if (this.running === null)
      this.running = this.drain().finally(() => {
        this.running = null;
      });
  }

  /** Resolves when every queued check has run (tests; a server closing). */
  async settled(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  private async drain(): Promise<void> {
    for (const [key, item] of this.pending) {
      this.pending.delete(key);
      try {
        await checkSubject(
          this.context,
          item.actor,
          item.studyId,
          item.subjectId,
          this.context.today(),
        );
      } catch (error) {
        this.log.error(
          { err: error, studyId: item.studyId },
          'data-quality check after a save failed',
        );
      }
    }
  }
}

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

/** Queues the subject of `record`, just saved, for its check; never throws. */
export async function checkAfterSave(
  context: ServerContext,
  request: FastifyRequest,
  studyId: string,
  record: Readonly<Record<string, unknown>>,
): Promise<void> {
  try {
    const subjectId = await subjectOf(context.store, studyId, record);
    if (subjectId !== null)
      context.quality.enqueue({ studyId, subjectId, actor: actorOf(request) });
  } catch (error) {
    request.log.error({ err: error, studyId }, 'data-quality check after a save not queued');
  }
}
