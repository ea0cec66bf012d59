/**
 * Sending a record as the API's record routes want it (docs/api.md, "Subjects and records"):
 * POST on the collection to create, PUT on the record with If-Match (the version the user saw)
 * and a reason to correct. A refusal is returned, never thrown, in the form the page shows it:
 * field issues (VALIDATION_FAILED, DOSE_REFUSED with the engine's reasons, REASON_REQUIRED),
 * a conflict (VERSION_CONFLICT: the page then shows the stored record beside what was typed),
 * or a message. Nothing is retried over a version the user has not seen.
 */
import { api } from '../../api/client';
import type { components, paths } from '../../api/schema.generated';
import type { Issue } from './record-form';

type ErrorBody = components['schemas']['Error'];
type Stored = components['schemas']['StoredRecord'];
type Body<P extends keyof paths, M extends 'post' | 'put'> = paths[P][M] extends {
  requestBody: { content: { 'application/json': infer B } };
}
  ? B
  : never;

/** The record types this page enters, and how each is addressed when corrected. */
export type EntryType = 'infusion' | 'adverse_event' | 'medication';

export type Refusal =
  | { readonly kind: 'invalid'; readonly message: string; readonly issues: readonly Issue[] }
  | {
      readonly kind: 'conflict';
      readonly message: string;
      /**
       * The record that won, as the server sends it in `details.current` (null: it is gone);
       * undefined when the answer has none (an id taken at a site the user does not work at).
       */
      readonly current: Stored | null | undefined;
    }
  | { readonly kind: 'failed'; readonly message: string };

export type SaveOutcome =
  | { readonly kind: 'saved'; readonly stored: Stored }
  | { readonly kind: 'refused'; readonly refusal: Refusal };

/** A correction's target: the record's id in its PUT path and the version it is based on. */
export interface Correction {
  readonly id: string;
  readonly version: number;
  readonly reason: string;
}

export function refusalOf(error: ErrorBody | undefined, status: number): Refusal {
  const e = error?.error;
  if (status === 401)
    return {
      kind: 'failed',
      message:
        'Your session has ended. What you typed is kept in this tab: sign in again (here or in another tab) and save.',
    };
  const message = e?.message ?? `the server answered ${status}`;
  if (e?.code === 'VERSION_CONFLICT') {
    return {
      kind: 'conflict',
      message,
      current: storedOf(e.details?.current),
    };
  }
  if (e?.code === 'REASON_REQUIRED')
    return { kind: 'invalid', message, issues: [{ path: 'reason', message }] };
  if (e?.issues?.length) return { kind: 'invalid', message, issues: e.issues };
  return { kind: 'failed', message };
}

/** `details.current` when it has a stored record's shape (the API types details as open). */
function storedOf(value: unknown): Stored | null | undefined {
  if (value === null) return null;
  const v = value as Partial<Stored> | undefined;
  return v && typeof v.version === 'number' && typeof v.rowId === 'string' && v.record
    ? (v as Stored)
    : undefined;
}

const OFFLINE: SaveOutcome = {
  kind: 'refused',
  refusal: {
    kind: 'failed',
    message: 'The server could not be reached. What you typed is kept: save again when it is back.',
  },
};

const withoutKey = (body: Record<string, unknown>, key: string) =>
  Object.fromEntries(Object.entries(body).filter(([k]) => k !== key));

type Answer = { data?: Stored; error?: ErrorBody; response: Response };

function send(
  type: EntryType,
  studyId: string,
  body: Record<string, unknown>,
  correction: Correction | null,
): Promise<Answer> {
  const header = { 'if-match': String(correction?.version ?? '') };
  const withReason = correction ? { ...body, reason: correction.reason } : body;
  // The bodies were typed field by field from the dictionary (bodyOfValues); the casts name the
  // route's own body type, from the generated schema.
  switch (type) {
    case 'infusion':
      return correction
        ? api.PUT('/api/v1/studies/{studyId}/infusions/{rowId}', {
            params: { path: { studyId, rowId: correction.id }, header },
            body: withReason as Body<'/api/v1/studies/{studyId}/infusions/{rowId}', 'put'>,
          })
        : api.POST('/api/v1/studies/{studyId}/infusions', {
            params: { path: { studyId } },
            body: withReason as Body<'/api/v1/studies/{studyId}/infusions', 'post'>,
          });
    case 'adverse_event':
      return correction
        ? api.PUT('/api/v1/studies/{studyId}/adverse-events/{aeId}', {
            params: { path: { studyId, aeId: correction.id }, header },
            // The AE's id is its key, named by the path: the body may not repeat it.
            body: withoutKey(withReason, 'aeId') as Body<
              '/api/v1/studies/{studyId}/adverse-events/{aeId}',
              'put'
            >,
          })
        : api.POST('/api/v1/studies/{studyId}/adverse-events', {
            params: { path: { studyId } },
            body: withReason as Body<'/api/v1/studies/{studyId}/adverse-events', 'post'>,
          });
    case 'medication':
      return correction
        ? api.PUT('/api/v1/studies/{studyId}/medications/{rowId}', {
            params: { path: { studyId, rowId: correction.id }, header },
            body: withReason as Body<'/api/v1/studies/{studyId}/medications/{rowId}', 'put'>,
          })
        : api.POST('/api/v1/studies/{studyId}/medications', {
            params: { path: { studyId } },
            body: withReason as Body<'/api/v1/studies/{studyId}/medications', 'post'>,
          });
  }
}

/** Creates (correction null) or corrects a record. */
export async function saveRecord(
  type: EntryType,
  studyId: string,
  body: Record<string, unknown>,
  correction: Correction | null,
): Promise<SaveOutcome> {
  try {
    const answer = await send(type, studyId, body, correction);
    return answer.data
      ? { kind: 'saved', stored: answer.data }
      : { kind: 'refused', refusal: refusalOf(answer.error, answer.response.status) };
  } catch {
    return OFFLINE;
  }
}
