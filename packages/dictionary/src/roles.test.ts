import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codesOf } from './code-lists.js';
import {
  allows,
  holdsWherever,
  ROLE_CODE_LIST,
  ROLE_POLICIES,
  type RoleGrant,
  studyAccess,
} from './roles.js';

test('the policy names every role of the code list, once', () => {
  assert.deepEqual(ROLE_POLICIES.map((p) => p.role).sort(), [...codesOf(ROLE_CODE_LIST)].sort());
});

test('every role sees the study; only the admin manages it, and the admin never writes clinical data', () => {
  for (const policy of ROLE_POLICIES) {
    assert.ok(policy.permissions.includes('study.read'), policy.role);
    assert.equal(policy.permissions.includes('admin.manage'), policy.role === 'admin', policy.role);
  }
  const admin = ROLE_POLICIES.find((p) => p.role === 'admin');
  for (const write of ['clinical.write', 'enrolment.write', 'infusion.write', 'sign'] as const)
    assert.ok(!admin?.permissions.includes(write), write);
});

test('a nurse records visits but neither infusions nor signatures', () => {
  const access = studyAccess([{ role: 'nurse', site: 'S01' }]);
  assert.ok(allows(access, 'clinical.write', 'S01'));
  assert.ok(!allows(access, 'infusion.write', 'S01'));
  assert.ok(!allows(access, 'sign', 'S01'));
});

test('a site-bound role covers its sites only; with no site, every site', () => {
  const one = studyAccess([
    { role: 'investigator', site: 'S01' },
    { role: 'investigator', site: 'S03' },
  ]);
  assert.deepEqual(one.permissions.get('clinical.write'), ['S01', 'S03']);
  assert.ok(allows(one, 'clinical.write', 'S03'));
  assert.ok(!allows(one, 'clinical.write', 'S02'));
  const all = studyAccess([{ role: 'monitor', site: null }]);
  assert.ok(allows(all, 'query.raise', 'S02'));
});

test('a study-wide role covers every site even when granted for one', () => {
  const access = studyAccess([{ role: 'data_manager', site: 'S01' }]);
  assert.equal(access.permissions.get('export'), 'all');
});

test('grants add up: a monitor of S01 who is investigator at S02 writes only at S02', () => {
  const access = studyAccess([
    { role: 'monitor', site: 'S01' },
    { role: 'investigator', site: 'S02' },
  ]);
  assert.deepEqual(access.permissions.get('clinical.read'), ['S01', 'S02']);
  assert.ok(!allows(access, 'clinical.write', 'S01'));
  assert.ok(allows(access, 'query.raise', 'S01'));
  assert.ok(!allows(access, 'query.raise', 'S02'));
});

test('no grant, no permission', () => {
  assert.ok(!allows(studyAccess([]), 'study.read', null));
});

test('the report is identified only where its reader reads the clinical data of every site it covers', () => {
  const identified = (...grants: RoleGrant[]) =>
    holdsWherever(studyAccess(grants), 'clinical.read', 'report.read');
  assert.ok(identified({ role: 'investigator', site: 'S01' }), 'own sites only');
  assert.ok(
    identified({ role: 'investigator', site: 'S01' }, { role: 'investigator', site: 'S02' }),
  );
  assert.ok(identified({ role: 'data_manager', site: null }));
  assert.ok(identified({ role: 'dsmb', site: null }, { role: 'monitor', site: null }));
  assert.ok(!identified({ role: 'statistician', site: null }));
  assert.ok(!identified({ role: 'dsmb', site: null }));
  assert.ok(
    !identified({ role: 'statistician', site: null }, { role: 'investigator', site: 'S01' }),
    'the report covers every site, the clinical data only S01',
  );
  assert.ok(!identified({ role: 'dsmb', site: null }, { role: 'monitor', site: 'S01' }));
  assert.ok(identified({ role: 'nurse', site: 'S01' }), 'no report at all: nothing to hide');
});
