/**
 * The signed-in user's access in one study, read from the role policy the server enforces
 * (@jia-trial/dictionary, docs/roles.md), for the review controls to hide what the server would
 * refuse anyway. Loaded by the review parts themselves so that the pages they sit on need no
 * more than one element each. Until the roles are known, nothing is offered (null).
 */
import { allows, type Permission, type StudyAccess, studyAccess } from '@jia-trial/dictionary';
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { grantsOf } from '../subject/permissions';

export function useStudyAccess(studyId: string): StudyAccess | null {
  const [access, setAccess] = useState<StudyAccess | null>(null);
  useEffect(() => {
    let live = true;
    void api.GET('/api/v1/studies').then(({ data }) => {
      if (!live) return;
      setAccess(studyAccess(grantsOf(data?.studies.find((s) => s.studyId === studyId))));
    });
    return () => {
      live = false;
    };
  }, [studyId]);
  return access;
}

/** Whether `access` gives `permission` at `site` (null site: at any site); false while loading. */
export function may(access: StudyAccess | null, permission: Permission, site: string | null) {
  return access !== null && allows(access, permission, site);
}
