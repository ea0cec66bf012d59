/** Reports eligibility.csv answers to criteria the protocol does not have: they count for nothing. */
import {
  criterionIds,
  type ProtocolDefinition,
  type SubjectTimeline,
  unknownCriterionAnswers,
} from '@jia-trial/protocol';

export function noteUnknownCriteria(
  note: (line: string) => void,
  protocol: ProtocolDefinition,
  timelines: readonly SubjectTimeline[],
): void {
  for (const [id, subjects] of unknownCriterionAnswers(protocol, timelines))
    note(
      `eligibility.csv: ${id} is not a criterion of ${protocol.id} (answered for ${subjects.join(', ')}; known: ${criterionIds(protocol).join(', ')}); ignored`,
    );
}
