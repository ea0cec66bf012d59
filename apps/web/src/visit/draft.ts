/**
 * What was typed, kept in sessionStorage (this tab only; gone when it closes) until the visit is
 * saved, so that an expired session (401) or a lost connection loses nothing: the page restores
 * it when it opens again.
 */
import type { VisitFormValues } from './visit-form';

const keyOf = (studyId: string, subjectId: string, visitId: string | null) =>
  `jia-trial:visit-draft:${studyId}:${subjectId}:${visitId ?? 'new'}`;

export function loadDraft(
  studyId: string,
  subjectId: string,
  visitId: string | null,
): VisitFormValues | null {
  try {
    const text = sessionStorage.getItem(keyOf(studyId, subjectId, visitId));
    return text ? (JSON.parse(text) as VisitFormValues) : null;
  } catch {
    return null;
  }
}

export function keepDraft(
  studyId: string,
  subjectId: string,
  visitId: string | null,
  values: VisitFormValues,
): void {
  try {
    sessionStorage.setItem(keyOf(studyId, subjectId, visitId), JSON.stringify(values));
  } catch {
    // Storage full or refused: the form still works, only the safety net is missing.
  }
}

export function dropDraft(studyId: string, subjectId: string, visitId: string | null): void {
  sessionStorage.removeItem(keyOf(studyId, subjectId, visitId));
}
