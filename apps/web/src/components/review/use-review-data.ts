/**
 * The review data of one subject, each read again on demand (after a signature, after a query's
 * step), so that what is shown is the server's state and not a guess of it.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, messageOf } from '../../api/client';
import { type SignatureView, signatureViews } from '../subject/subject-data';
import type { Loaded } from '../subject/use-subject-page';
import { type QueryItem, queryItems } from './query-data';

const LOADING = { kind: 'loading' } as const;

/** A read that can be asked for again: `round` only asks for a new read. */
function useReload() {
  const [round, setRound] = useState(0);
  return [round, useCallback(() => setRound((n) => n + 1), [])] as const;
}

export function useSubjectQueries(studyId: string, subjectId: string) {
  const [queries, setQueries] = useState<Loaded<QueryItem[]>>(LOADING);
  const [round, reload] = useReload();
  useEffect(() => {
    let live = true;
    void round;
    void api
      .GET('/api/v1/studies/{studyId}/queries', {
        params: { path: { studyId }, query: { subjectId } },
      })
      .then(({ data, error }) => {
        if (live)
          setQueries(
            data
              ? { kind: 'ok', value: queryItems(data) }
              : { kind: 'problem', text: messageOf(error) },
          );
      });
    return () => {
      live = false;
    };
  }, [studyId, subjectId, round]);
  return { queries, reload };
}

export function useSignatures(studyId: string, subjectId: string) {
  const [signatures, setSignatures] = useState<Loaded<SignatureView[]>>(LOADING);
  const [round, reload] = useReload();
  useEffect(() => {
    let live = true;
    void round;
    void api
      .GET('/api/v1/studies/{studyId}/subjects/{subjectId}/signatures', {
        params: { path: { studyId, subjectId } },
      })
      .then(({ data, error }) => {
        if (live)
          setSignatures(
            data
              ? { kind: 'ok', value: signatureViews(data) }
              : { kind: 'problem', text: messageOf(error) },
          );
      });
    return () => {
      live = false;
    };
  }, [studyId, subjectId, round]);
  return { signatures, reload };
}
