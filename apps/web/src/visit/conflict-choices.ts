/**
 * The two answers to a version conflict (ConflictPanel): keep what was typed, to be saved over
 * the version that won, or take the stored record into the form. Either way the user chose.
 */
import type { ChaqResponse } from '@jia-trial/outcomes';
import type { SaveRefusal, StoredVisitState } from './save-visit';
import { fieldValuesOf, type JointValues, type VisitFormValues } from './visit-form';

type Conflict = Extract<SaveRefusal, { kind: 'conflict' }>;

/** The stored state with the winning version, so that the next save is based on it. */
export function keepingMine(stored: StoredVisitState, conflict: Conflict): StoredVisitState {
  const version = conflict.currentVersion;
  if (version === null) return stored;
  if (conflict.record === 'visit') return { ...stored, visitVersion: version };
  const joint = stored.joints[conflict.record];
  if (joint)
    return { ...stored, joints: { ...stored.joints, [conflict.record]: { ...joint, version } } };
  const answer = stored.chaq[conflict.record];
  if (answer)
    return { ...stored, chaq: { ...stored.chaq, [conflict.record]: { ...answer, version } } };
  return stored;
}

/** The form with the stored record's values, and the stored state at its version. */
export function takingStored(
  values: VisitFormValues,
  stored: StoredVisitState,
  conflict: Conflict,
): { values: VisitFormValues; stored: StoredVisitState } {
  const current = conflict.current;
  const version = conflict.currentVersion ?? 0;
  const key = conflict.record;
  if (!current) return { values, stored };
  if (key === 'visit')
    return {
      values: { ...values, fields: fieldValuesOf(current) },
      stored: { ...stored, visitVersion: version },
    };
  if ('jointCode' in current) {
    const j = current as unknown as JointValues;
    const state = { swollen: j.swollen, tender: j.tender, limited: j.limited };
    return {
      values: { ...values, joints: { ...values.joints, [key]: state } },
      stored: { ...stored, joints: { ...stored.joints, [key]: { values: state, version } } },
    };
  }
  const a = current as { score: ChaqResponse; aidOrHelp: boolean };
  const answer = { item: key, score: a.score, aidOrHelp: a.aidOrHelp };
  return {
    values: {
      ...values,
      chaq: { ...values.chaq, [key]: { score: String(a.score), aidOrHelp: a.aidOrHelp } },
    },
    stored: { ...stored, chaq: { ...stored.chaq, [key]: { values: answer, version } } },
  };
}

/** What was typed, by the keys of the conflicting record, to show beside it. */
export function typedFor(
  conflict: Conflict,
  values: VisitFormValues,
  visitJson: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  if (conflict.record === 'visit') return { ...visitJson };
  return { ...(values.joints[conflict.record] ?? values.chaq[conflict.record] ?? {}) };
}
