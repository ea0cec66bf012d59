/**
 * Security events of the server's requests (docs/audit-trail.md, "Security events"; ADR 0030):
 * who signed out, changed a password, exported the study or downloaded its report, with the
 * client's address. Recorded in the audit trail, so tamper-evident; never a secret. Sign-in
 * attempts are recorded by the database itself (migration 0024_audit's trigger).
 */
import { logSecurityEvent, type SecurityEvent, type Store } from '@jia-trial/store';
import type { FastifyRequest } from 'fastify';
import { actorOf } from './access.js';

/** The signed-in user's event, in a transaction of its own. */
export function logRequestEvent(
  store: Store,
  request: FastifyRequest,
  event: Pick<SecurityEvent, 'kind' | 'studyId' | 'detail'>,
): Promise<void> {
  return logSecurityEvent(store, actorOf(request), requestEvent(request, event));
}

/** The event with the signed-in user and the client's address filled in. */
export function requestEvent(
  request: FastifyRequest,
  event: Pick<SecurityEvent, 'kind' | 'studyId' | 'detail'> & { username?: string },
): SecurityEvent {
  const user = request.session?.user;
  return {
    ...event,
    username: event.username ?? user?.username ?? 'unknown',
    userId: event.username === undefined ? (user?.id ?? null) : null,
    address: request.ip,
  };
}
