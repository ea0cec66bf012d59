/**
 * What the signed-in user may do on a subject's page, read from the role policy the server
 * enforces (@jia-trial/dictionary ROLE_POLICIES, docs/roles.md), never restated here. It only
 * hides what the server would refuse anyway: a control the user may not use is absent.
 */
import {
  allows,
  type Permission,
  ROLE_POLICIES,
  type Role,
  type RoleGrant,
  studyAccess,
} from '@jia-trial/dictionary';
import type { Study } from '../../api/client';

const ROLES = new Set<string>(ROLE_POLICIES.map((p) => p.role));

/** The user's grants in a study (a role the policy does not know grants nothing). */
export function grantsOf(study: Study | undefined): RoleGrant[] {
  return (study?.roles ?? []).flatMap((g) =>
    ROLES.has(g.role) ? [{ role: g.role as Role, site: g.site }] : [],
  );
}

/** The permissions the page asks about, for a subject at `site`. */
export interface SubjectAbilities {
  readonly clinicalWrite: boolean;
  readonly acknowledgeAlerts: boolean;
}

export function subjectAbilities(grants: readonly RoleGrant[], site: string): SubjectAbilities {
  const access = studyAccess(grants);
  const may = (permission: Permission) => allows(access, permission, site);
  return { clinicalWrite: may('clinical.write'), acknowledgeAlerts: may('alert.acknowledge') };
}
