/**
 * Who sees an arm (docs/roles.md, "Randomisation and blinding"; ADR 0047). The protocol's
 * `blindedRoles` blind a user who holds any of them in the study: one blinded role is enough
 * (a blinded investigator who also monitors stays blinded). A blinded user sees an arm only of a
 * subject they unblinded themselves in an emergency. `unblindingRoles` name the roles in which
 * `randomisation.unblind` may be used, at the sites the role covers.
 */
import { type RoleGrant, rolePolicy } from '@jia-trial/dictionary';
import type { RandomisationSpec } from '@jia-trial/protocol';
import type { FastifyRequest } from 'fastify';

/** The user's role grants in the study of the request. */
export function grantsOf(request: FastifyRequest, studyId: string): readonly RoleGrant[] {
  return request.session?.grants.get(studyId) ?? [];
}

/** Whether the user is blinded in the study: holds a role of the protocol's blindedRoles. */
export function isBlinded(spec: RandomisationSpec, grants: readonly RoleGrant[]): boolean {
  return grants.some((grant) => spec.blindedRoles.includes(grant.role));
}

/**
 * The role in which the user may unblind a subject of `site`: one of the protocol's
 * unblindingRoles that holds `randomisation.unblind` and covers the site; null when none does.
 */
export function unblindingRoleAt(
  spec: RandomisationSpec,
  grants: readonly RoleGrant[],
  site: string,
): string | null {
  const grant = grants.find((g) => {
    const policy = rolePolicy(g.role);
    return (
      spec.unblindingRoles.includes(g.role) &&
      policy.permissions.includes('randomisation.unblind') &&
      (policy.scope === 'study' || g.site === null || g.site === site)
    );
  });
  return grant?.role ?? null;
}
