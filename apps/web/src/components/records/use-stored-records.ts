/**
 * What record entry needs beyond what the subject page shows: each stored record with its
 * version and row id (a correction sends them), the study's protocol (the dose calculator's)
 * and what the user may write at the subject's site. Read from the API on its own, so that the
 * entry forms can read the records again after a save or a conflict without the page's help.
 */
import { allows, type Permission, studyAccess } from '@jia-trial/dictionary';
import { useCallback, useEffect, useState } from 'react';
import { api, messageOf } from '../../api/client';
import type { components } from '../../api/schema.generated';
import { grantsOf } from '../subject/permissions';

export type StoredRow = components['schemas']['StoredRecord'];

export interface EntryAbilities {
  readonly clinicalWrite: boolean;
  readonly infusionWrite: boolean;
}

export interface StoredRecords {
  readonly site: string;
  readonly protocolId: string | null;
  readonly abilities: EntryAbilities;
  readonly infusions: readonly StoredRow[];
  readonly adverseEvents: readonly StoredRow[];
  readonly medications: readonly StoredRow[];
}

export type StoredLoad =
  | { readonly kind: 'loading' }
  | { readonly kind: 'problem'; readonly text: string }
  | { readonly kind: 'ok'; readonly value: StoredRecords };

export function useStoredRecords(studyId: string, subjectId: string) {
  const [load, setLoad] = useState<StoredLoad>({ kind: 'loading' });
  const [round, setRound] = useState(0);

  useEffect(() => {
    let live = true;
    // round only asks for a new read (after a save or a conflict).
    void round;
    void Promise.all([
      api.GET('/api/v1/studies/{studyId}/subjects/{subjectId}', {
        params: { path: { studyId, subjectId } },
      }),
      api.GET('/api/v1/studies'),
    ]).then(([found, studies]) => {
      if (!live) return;
      if (!found.data) {
        setLoad({ kind: 'problem', text: messageOf(found.error) });
        return;
      }
      const study = studies.data?.studies.find((s) => s.studyId === studyId);
      const site = String(found.data.subject.record.site ?? '');
      // Without the roles, no form: the safe side of "hide what the server refuses".
      const access = studyAccess(grantsOf(study));
      const may = (permission: Permission) => allows(access, permission, site);
      setLoad({
        kind: 'ok',
        value: {
          site,
          protocolId: study?.protocolId ?? null,
          abilities: { clinicalWrite: may('clinical.write'), infusionWrite: may('infusion.write') },
          infusions: found.data.infusions,
          adverseEvents: found.data.adverseEvents,
          medications: found.data.medications,
        },
      });
    });
    return () => {
      live = false;
    };
  }, [studyId, subjectId, round]);

  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { load, reload };
}

/** The stored record whose row is `rowId`, read again (null when it is gone or unreadable). */
export async function readStoredRow(
  studyId: string,
  subjectId: string,
  list: 'infusions' | 'adverseEvents' | 'medications',
  rowId: string,
): Promise<StoredRow | null> {
  try {
    const { data } = await api.GET('/api/v1/studies/{studyId}/subjects/{subjectId}', {
      params: { path: { studyId, subjectId } },
    });
    return data?.[list].find((row) => row.rowId === rowId) ?? null;
  } catch {
    return null;
  }
}
