/**
 * Saving a visit as the API wants it (docs/api.md): the visit first (PUT: 201 created, or 200
 * replaced with If-Match and a reason), then each joint finding and CHAQ answer that is new
 * (POST) or changed (PUT with If-Match and the reason). The first refusal stops the sequence and
 * is returned with what was stored so far, so that a retry continues rather than repeats.
 * Nothing is ever sent over a version the user has not seen: a 409 is returned to be shown.
 */
import type { ChaqAnswerValues } from '@jia-trial/dictionary';
import { api } from '../api/client';
import type { components, paths } from '../api/schema.generated';
import { type JointValues, type VisitFormValues, visitJsonOf, visitRecordOf } from './visit-form';

type VisitBody =
  paths['/api/v1/studies/{studyId}/visits/{visitId}']['put']['requestBody']['content']['application/json'];
type JointBody =
  paths['/api/v1/studies/{studyId}/visits/{visitId}/joints']['post']['requestBody']['content']['application/json'];
type ChaqBody =
  paths['/api/v1/studies/{studyId}/visits/{visitId}/chaq']['post']['requestBody']['content']['application/json'];
type ErrorBody = components['schemas']['Error'];

/** What the server holds of the visit, with the versions the next change sends. */
export interface StoredVisitState {
  readonly visitVersion: number | null;
  readonly joints: Readonly<
    Record<string, { readonly values: JointValues; readonly version: number }>
  >;
  readonly chaq: Readonly<
    Record<string, { readonly values: ChaqAnswerValues; readonly version: number }>
  >;
}

export type SaveRefusal =
  | {
      readonly kind: 'invalid';
      readonly message: string;
      readonly issues: ErrorBody['error']['issues'];
    }
  | {
      readonly kind: 'conflict';
      /** 'visit', or the joint code or CHAQ item whose stored record changed. */
      readonly record: string;
      readonly message: string;
      /** The record that won (details.current; null when it is gone). */
      readonly current: Readonly<Record<string, unknown>> | null;
      readonly currentVersion: number | null;
    }
  | { readonly kind: 'session'; readonly message: string }
  | { readonly kind: 'offline'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string };

export interface SaveResult {
  readonly stored: StoredVisitState;
  readonly refusal: SaveRefusal | null;
}

const OFFLINE: SaveRefusal = {
  kind: 'offline',
  message:
    'The server could not be reached. What you typed is kept in this tab: save again when the connection is back.',
};

function refusalOf(error: ErrorBody | undefined, status: number, record: string): SaveRefusal {
  const e = error?.error;
  const message = e?.message ?? `the server answered ${status}`;
  if (status === 401)
    return {
      kind: 'session',
      message:
        'Your session has ended. What you typed is kept in this tab: sign in again and save.',
    };
  if (e?.code === 'VERSION_CONFLICT') {
    const current = (e.details?.current ?? null) as {
      visit?: Record<string, unknown>;
      record?: Record<string, unknown>;
      version?: number;
    } | null;
    return {
      kind: 'conflict',
      record,
      message,
      current: current ? (current.visit ?? current.record ?? null) : null,
      currentVersion: current?.version ?? null,
    };
  }
  if (e?.code === 'REASON_REQUIRED')
    return { kind: 'invalid', message, issues: [{ path: 'reason', message }] };
  if (e?.issues?.length || status === 422)
    return { kind: 'invalid', message, issues: e?.issues ?? [] };
  return { kind: 'failed', message };
}

const sameJoint = (a: JointValues, b: JointValues) =>
  a.swollen === b.swollen && a.tender === b.tender && a.limited === b.limited;
const sameAnswer = (a: ChaqAnswerValues, b: ChaqAnswerValues) =>
  a.score === b.score && a.aidOrHelp === b.aidOrHelp;

/**
 * Saves the form over `stored` (each change based on the version held there: after a conflict the
 * page puts the winning version there once the user has chosen to keep their values).
 */
export async function saveVisit(
  studyId: string,
  subjectId: string,
  values: VisitFormValues,
  answers: readonly ChaqAnswerValues[],
  stored: StoredVisitState,
): Promise<SaveResult> {
  let state = stored;
  const visitId = values.visitId.trim();
  const reason = values.reason.trim();
  const ifMatch = (version: number) => ({ 'if-match': String(version) });
  try {
    const body = {
      ...visitJsonOf(visitRecordOf(subjectId, values)),
      ...(state.visitVersion !== null ? { reason } : {}),
    } as VisitBody;
    const put = await api.PUT('/api/v1/studies/{studyId}/visits/{visitId}', {
      params: {
        path: { studyId, visitId },
        ...(state.visitVersion !== null ? { header: ifMatch(state.visitVersion) } : {}),
      },
      body,
    });
    if (!put.data)
      return { stored: state, refusal: refusalOf(put.error, put.response.status, 'visit') };
    state = { ...state, visitVersion: put.data.version };

    const codes = new Set([...Object.keys(values.joints), ...Object.keys(state.joints)]);
    for (const code of codes) {
      const typed = values.joints[code] ?? { swollen: false, tender: false, limited: false };
      const before = state.joints[code];
      if (before && sameJoint(before.values, typed)) continue;
      if (!before && !typed.swollen && !typed.tender && !typed.limited) continue;
      const result = before
        ? await api.PUT('/api/v1/studies/{studyId}/visits/{visitId}/joints/{jointCode}', {
            params: {
              path: { studyId, visitId, jointCode: code },
              header: ifMatch(before.version),
            },
            body: { ...typed, reason },
          })
        : await api.POST('/api/v1/studies/{studyId}/visits/{visitId}/joints', {
            params: { path: { studyId, visitId } },
            body: { jointCode: code as JointBody['jointCode'], ...typed },
          });
      if (!result.data)
        return { stored: state, refusal: refusalOf(result.error, result.response.status, code) };
      state = {
        ...state,
        joints: { ...state.joints, [code]: { values: typed, version: result.data.version } },
      };
    }

    for (const answer of answers) {
      const before = state.chaq[answer.item];
      if (before && sameAnswer(before.values, answer)) continue;
      const body = { score: answer.score, aidOrHelp: answer.aidOrHelp };
      const result = before
        ? await api.PUT('/api/v1/studies/{studyId}/visits/{visitId}/chaq/{item}', {
            params: {
              path: { studyId, visitId, item: answer.item },
              header: ifMatch(before.version),
            },
            body: { ...body, reason },
          })
        : await api.POST('/api/v1/studies/{studyId}/visits/{visitId}/chaq', {
            params: { path: { studyId, visitId } },
            body: { ...body, item: answer.item as ChaqBody['item'] },
          });
      if (!result.data)
        return {
          stored: state,
          refusal: refusalOf(result.error, result.response.status, answer.item),
        };
      state = {
        ...state,
        chaq: { ...state.chaq, [answer.item]: { values: answer, version: result.data.version } },
      };
    }
    return { stored: state, refusal: null };
  } catch {
    return { stored: state, refusal: OFFLINE };
  }
}
