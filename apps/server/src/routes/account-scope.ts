/**
 * Who may act on an account from a study's administration (ADR 0013): an account belongs to the
 * installation, not to one study, so a change that reaches all of it (a password reset, a
 * suspension, its validity, its second factor) is allowed only to an administrator of every
 * study the account holds a role in, never on their own account, and only on a member of the
 * route's study (anyone else is NOT_FOUND).
 */
import { JiaError } from '@jia-trial/errors';
import { accountByUsername, grantsOf, membersOf, type Store } from '@jia-trial/store';
import type { FastifyRequest } from 'fastify';

/** An administrator changes no role or password of their own here (ADR 0013). */
export function notSelf(request: FastifyRequest, username: string): void {
  if (request.session?.user.username === username)
    throw new JiaError(
      'FORBIDDEN',
      'an administrator does not change their own roles, password or account here: another administrator does',
    );
}

/** An account without a role in the study is NOT_FOUND to the study's administrator. */
export async function memberOrNotFound(
  store: Store,
  studyId: string,
  username: string,
): Promise<void> {
  const members = await membersOf(store, studyId);
  if (!members.some((m) => m.username === username))
    throw new JiaError('NOT_FOUND', `${username} holds no role in ${studyId}`);
}

/**
 * A change to the whole account gives its maker power over it in every study: allowed only to
 * an administrator of every study the account holds a role in.
 */
export async function adminOfEveryStudyOf(
  store: Store,
  request: FastifyRequest,
  username: string,
): Promise<void> {
  const account = await accountByUsername(store.pool, username);
  const mine = (request.session as NonNullable<typeof request.session>).grants;
  for (const studyId of (await grantsOf(store, account.id)).keys())
    if (!(mine.get(studyId) ?? []).some((g) => g.role === 'admin'))
      throw new JiaError(
        'FORBIDDEN',
        `${username} holds roles in a study you do not administer: an administrator of every one of them, or jia-trial user on the command line, changes the account`,
      );
}

/** The three checks of a change to a whole account, in the order that tells least. */
export async function mayChangeAccount(
  store: Store,
  request: FastifyRequest,
  studyId: string,
  username: string,
): Promise<void> {
  await memberOrNotFound(store, studyId, username);
  notSelf(request, username);
  await adminOfEveryStudyOf(store, request, username);
}
