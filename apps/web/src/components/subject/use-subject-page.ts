/**
 * Loads what the subject page shows, each from its own route, so that one answer's failure
 * (e.g. the status of a study with no protocol stored) leaves the others on the page. The
 * subject's own answer decides the page: 404 is "not found" (a subject of a site the role does
 * not cover answers exactly as one that does not exist, docs/roles.md).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, messageOf } from '../../api/client';
import { grantsOf, type SubjectAbilities, subjectAbilities } from './permissions';
import {
  type SubjectRecords,
  type SubjectStatus,
  subjectRecords,
  subjectStatus,
} from './subject-data';

/** A value being loaded: null while loading, else the value or the problem in words. */
export type Loaded<T> =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'problem'; readonly text: string };

const LOADING = { kind: 'loading' } as const;

export type SubjectLoad =
  | { readonly kind: 'loading' }
  | { readonly kind: 'not_found'; readonly text: string }
  | { readonly kind: 'problem'; readonly text: string }
  | {
      readonly kind: 'ok';
      readonly records: SubjectRecords;
      readonly abilities: SubjectAbilities;
    };

export interface SubjectPageData {
  readonly subject: SubjectLoad;
  readonly status: Loaded<SubjectStatus>;
  /** Reads the status again (after an acknowledgement). */
  readonly reloadStatus: () => void;
  /** Reads the subject's records and the status again (after a record is saved on the page). */
  readonly reload: () => void;
}

/** `asOf`: the status's day, null for the server's today. */
export function useSubjectPage(studyId: string, subjectId: string, asOf: string | null) {
  const [subject, setSubject] = useState<SubjectLoad>(LOADING);
  const [status, setStatus] = useState<Loaded<SubjectStatus>>(LOADING);
  const [statusRound, setStatusRound] = useState(0);
  const [subjectRound, setSubjectRound] = useState(0);
  // The subject whose records are on the page: a re-read of the same one keeps them shown
  // until the new answer replaces them (no flash of "Loading" after a save).
  const shown = useRef<string | null>(null);

  useEffect(() => {
    let live = true;
    void subjectRound;
    const key = `${studyId}/${subjectId}`;
    if (shown.current !== key) setSubject(LOADING);
    shown.current = key;
    const path = { studyId, subjectId };
    void Promise.all([
      api.GET('/api/v1/studies/{studyId}/subjects/{subjectId}', { params: { path } }),
      api.GET('/api/v1/studies'),
    ]).then(([found, studies]) => {
      if (!live) return;
      if (!found.data) {
        const notFound = found.response.status === 404;
        setSubject({ kind: notFound ? 'not_found' : 'problem', text: messageOf(found.error) });
        return;
      }
      const records = subjectRecords(found.data);
      const study = studies.data?.studies.find((s) => s.studyId === studyId);
      // Without the roles the page offers no action: the safe side of "hide what is refused".
      setSubject({
        kind: 'ok',
        records,
        abilities: subjectAbilities(grantsOf(study), records.facts.site),
      });
    });
    return () => {
      live = false;
    };
  }, [studyId, subjectId, subjectRound]);

  useEffect(() => {
    let live = true;
    // statusRound only asks for a new read (after an acknowledgement).
    void statusRound;
    void api
      .GET('/api/v1/studies/{studyId}/subjects/{subjectId}/status', {
        params: { path: { studyId, subjectId }, query: asOf ? { asOf } : {} },
      })
      .then(({ data, error }) => {
        if (live)
          setStatus(
            data
              ? { kind: 'ok', value: subjectStatus(data) }
              : { kind: 'problem', text: messageOf(error) },
          );
      });
    return () => {
      live = false;
    };
  }, [studyId, subjectId, asOf, statusRound]);

  const reloadStatus = useCallback(() => setStatusRound((n) => n + 1), []);
  const reload = useCallback(() => {
    setSubjectRound((n) => n + 1);
    setStatusRound((n) => n + 1);
  }, []);
  return { subject, status, reloadStatus, reload } satisfies SubjectPageData;
}
