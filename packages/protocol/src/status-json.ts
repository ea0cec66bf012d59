import type { SubjectEvaluation } from './evaluate.js';

/**
 * A subject's evaluation as `jia-trial status --json` and the API's status route give it: the
 * same keys, in this order, for every door (dueVisits is the whole schedule).
 */
export function subjectStatusJson(s: SubjectEvaluation) {
  return {
    subjectId: s.subjectId,
    state: s.state,
    stateReason: s.stateReason,
    infusions: s.infusions,
    retreatment: s.retreatment,
    dueVisits: s.schedule,
    alerts: s.alerts,
    eligibility: s.eligibility,
    studyDayOne: s.studyDayOne,
    studyDays: s.studyDays,
    doses: s.doses,
  };
}
