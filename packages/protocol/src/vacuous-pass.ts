/**
 * ELIGIBILITY_NONE_REGISTERED: an eligibility criterion decided only vacuously ("failed every
 * biological registered for the category" with none registered for the child) is raised for
 * the investigator, whatever the protocol makes of it (ADR 0017): a biological-naive child
 * with persistent oligoarthritis passes that criterion without having failed anything, and
 * someone should look. Warning while the protocol waits for the investigator's confirmation,
 * information once the criterion is decided. The message is the criterion's reason, which says
 * what the protocol makes of the pass.
 */
import type { Criterion, ProtocolDefinition } from './definition.js';
import { type Alert, alert, type EligibilityResult } from './findings.js';

export function vacuousPassAlerts(
  protocol: ProtocolDefinition,
  eligibility: EligibilityResult,
): Alert[] {
  const criteria = new Map<string, Criterion>(
    [...protocol.eligibility.inclusion, ...protocol.eligibility.exclusion].map((c) => [c.id, c]),
  );
  return eligibility.criteria
    .filter((c) => c.vacuous)
    .map((c) => {
      const criterion = criteria.get(c.id);
      const policy =
        criterion?.kind === 'failed_registered_medicines' ? criterion.whenNoneRegistered : null;
      return alert(
        'ELIGIBILITY_NONE_REGISTERED',
        c.status === 'unknown' ? 'warning' : 'info',
        `${c.text}: ${c.reason}`,
        {
          criterionId: c.id,
          referenceDate: eligibility.referenceDate,
          status: c.status,
          whenNoneRegistered: policy,
        },
        { source: c.source ?? undefined },
      );
    });
}
