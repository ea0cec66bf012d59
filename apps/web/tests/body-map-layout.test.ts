/** The body map places every joint of the catalogue, apart, named, and reachable by arrow keys. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JOINTS } from '@jia-trial/outcomes';
import {
  jointLabel,
  nextJoint,
  PLACED_JOINTS,
  VIEW_BOX,
} from '../src/components/body-map-layout.js';

test('every one of the 71 joints has its own place on the map', () => {
  assert.equal(PLACED_JOINTS.length, JOINTS.length);
  assert.equal(PLACED_JOINTS.length, 71);
  for (const a of PLACED_JOINTS) {
    assert.ok(a.x > 0 && a.x < VIEW_BOX.width && a.y > 0 && a.y < VIEW_BOX.height, a.code);
    for (const b of PLACED_JOINTS)
      if (a !== b)
        assert.ok(Math.hypot(a.x - b.x, a.y - b.y) >= 24, `${a.code} and ${b.code} overlap`);
  }
});

test("the patient's left is on the viewer's right", () => {
  for (const joint of PLACED_JOINTS.filter((j) => j.side === 'left')) {
    const mirror = PLACED_JOINTS.find((j) => j.code === joint.code.replace(/_l$/, '_r'));
    assert.ok(mirror && joint.x > mirror.x, joint.code);
  }
});

test('readable, unique names from the catalogue', () => {
  const byCode = new Map(JOINTS.map((j) => [j.code, jointLabel(j)]));
  assert.equal(byCode.get('knee_l'), 'Left knee');
  assert.equal(byCode.get('ankle_r'), 'Right ankle (tibiotalar)');
  assert.equal(byCode.get('cervical_spine'), 'Cervical spine');
  assert.equal(new Set(byCode.values()).size, 71);
});

test('arrow keys reach every joint from the first', () => {
  const seen = new Set<string>([PLACED_JOINTS[0]?.code as string]);
  const queue = [...seen];
  while (queue.length) {
    const code = queue.shift();
    const from = PLACED_JOINTS.find((j) => j.code === code) as (typeof PLACED_JOINTS)[number];
    for (const d of ['up', 'down', 'left', 'right'] as const) {
      const next = nextJoint(from, d);
      if (next && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  assert.equal(seen.size, 71);
});
