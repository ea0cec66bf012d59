/**
 * A subject's route is answered only where the user's role covers the subject's site; a subject
 * of another site is NOT_FOUND, exactly as one that does not exist (docs/roles.md).
 */
import type { Permission } from '@jia-trial/dictionary';
import { JiaError } from '@jia-trial/errors';
import { type Store, siteOfSubject } from '@jia-trial/store';
import type { FastifyRequest } from 'fastify';
import { coversSite } from '../access.js';

/** The subject's site, once the request's user is known to hold `permission` there. */
export async function subjectInScope(
  store: Store,
  request: FastifyRequest,
  studyId: string,
  subjectId: string,
  permission: Permission,
): Promise<string> {
  const site = await siteOfSubject(store, studyId, subjectId);
  if (site === null || !coversSite(request, permission, site))
    throw new JiaError('NOT_FOUND', `study ${studyId} has no subject ${subjectId}`);
  return site;
}
