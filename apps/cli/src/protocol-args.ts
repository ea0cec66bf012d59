/** What the commands that apply a protocol share: --protocol, --as-of, and notes on its data. */
import { JiaError } from '@jia-trial/errors';
import { parseIsoDate } from '@jia-trial/outcomes';
import {
  criterionIds,
  type ProtocolDefinition,
  type SubjectTimeline,
  unknownCriterionAnswers,
} from '@jia-trial/protocol';
import { protocolById } from '@jia-trial/protocols';

/** The protocol named by --protocol; an unknown name is a usage error listing the known ones. */
export function protocolOption(name: string): ProtocolDefinition {
  try {
    return protocolById(name);
  } catch (error) {
    throw new JiaError('USAGE_ERROR', (error as Error).message);
  }
}

/** --as-of, or today when absent; a malformed date is a usage error. */
export function asOfOption(asOf: string | undefined, today: () => string): string {
  const value = asOf ?? today();
  if (parseIsoDate(value) === null)
    throw new JiaError(
      'USAGE_ERROR',
      `--as-of must be a date (YYYY-MM-DD), got ${JSON.stringify(value)}`,
    );
  return value;
}

/** Reports eligibility answers to criteria the protocol does not have: they count for nothing. */
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
