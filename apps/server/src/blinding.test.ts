/**
 * Who sees an arm (blinding.ts; docs/roles.md, "Randomisation and blinding"): one blinded role
 * blinds the user; an unblinded user (no role of blindedRoles) is not; unblinding needs a role of
 * unblindingRoles that holds randomisation.unblind and covers the subject's site.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RoleGrant } from '@jia-trial/dictionary';
import type { RandomisationSpec } from '@jia-trial/protocol';
import { isBlinded, unblindingRoleAt } from './blinding.js';

const SPEC = {
  arms: [
    { id: 'a', label: 'A', ratio: 1 },
    { id: 'b', label: 'B', ratio: 1 },
  ],
  blockSizes: [2],
  strata: [],
  step: { visit: 'V1' },
  listLengthPerStratum: 2,
  blindedRoles: ['investigator', 'nurse'],
  unblindingRoles: ['investigator', 'nurse'],
} as RandomisationSpec;
const grant = (role: RoleGrant['role'], site: string | null = null): RoleGrant => ({ role, site });

test('blinded: any blinded role; not blinded: none of them', () => {
  assert.equal(isBlinded(SPEC, [grant('investigator', 'AMS')]), true);
  assert.equal(isBlinded(SPEC, [grant('monitor'), grant('nurse', 'AMS')]), true, 'one is enough');
  assert.equal(isBlinded(SPEC, [grant('data_manager')]), false);
  assert.equal(isBlinded(SPEC, [grant('statistician'), grant('monitor', 'GEN')]), false);
  assert.equal(isBlinded({ ...SPEC, blindedRoles: [] }, [grant('investigator', 'AMS')]), false);
});

test("unblinding: a protocol's role holding randomisation.unblind at the subject's site", () => {
  assert.equal(unblindingRoleAt(SPEC, [grant('investigator', 'AMS')], 'AMS'), 'investigator');
  assert.equal(unblindingRoleAt(SPEC, [grant('investigator', null)], 'GEN'), 'investigator');
  assert.equal(unblindingRoleAt(SPEC, [grant('investigator', 'AMS')], 'GEN'), null, 'other site');
  // Named by the protocol, but the role table gives the nurse no randomisation.unblind.
  assert.equal(unblindingRoleAt(SPEC, [grant('nurse', 'AMS')], 'AMS'), null);
  // Holding the permission, but not named by the protocol.
  assert.equal(unblindingRoleAt(SPEC, [grant('data_manager')], 'AMS'), null);
  assert.equal(
    unblindingRoleAt(
      { ...SPEC, unblindingRoles: ['data_manager'] },
      [grant('data_manager')],
      'AMS',
    ),
    'data_manager',
  );
});
