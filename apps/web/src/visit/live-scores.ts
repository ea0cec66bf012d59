/**
 * The live scores of the visit being typed: the server's own scoring (scoreAgainstReference of
 * @jia-trial/dictionary, with its reference choice) on the form's record against the subject's
 * stored visits, so that the page shows what saving will store.
 */
import {
  explainAgainstReference,
  referenceVisitOf,
  scoreAgainstReference,
  type VisitRecord,
  type VisitScoreReasons,
} from '@jia-trial/dictionary';
import type { VisitScores } from '@jia-trial/outcomes';

export interface LiveScores {
  readonly reference: VisitRecord | null;
  readonly scores: VisitScores;
  readonly reasons: VisitScoreReasons;
}

/** Scores `visit` against its reference among `storedVisits` (in date, then id, order). */
export function liveScoresOf(visit: VisitRecord, storedVisits: readonly VisitRecord[]): LiveScores {
  const reference = referenceVisitOf(visit, storedVisits);
  return {
    reference,
    scores: scoreAgainstReference(visit, reference),
    reasons: explainAgainstReference(visit, reference),
  };
}
