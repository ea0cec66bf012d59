import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { FULL_JOINT_COUNT, isJointCode, JOINTS, REDUCED_JOINT_COUNT } from './catalogue.js';
import {
  countActiveJointCodes,
  countJoints,
  isActiveJoint,
  type JointFinding,
} from './joint-counts.js';

describe('joint catalogue', () => {
  it('is generated from data/joints.csv and up to date', () => {
    const csv = readFileSync(new URL('../../data/joints.csv', import.meta.url), 'utf8');
    const codes = csv
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((line) => line.split(',')[0]);
    assert.deepEqual(
      JOINTS.map((j) => j.code),
      codes,
    );
  });

  it('has 71 joints, 27 of them in the JADAS-27 set (Bazso 2009)', () => {
    assert.equal(JOINTS.length, FULL_JOINT_COUNT);
    assert.equal(new Set(JOINTS.map((j) => j.code)).size, FULL_JOINT_COUNT);
    const reduced = JOINTS.filter((j) => j.inJadas27).map((j) => j.code);
    assert.equal(reduced.length, REDUCED_JOINT_COUNT);
    // Bazso 2009 abstract: cervical spine, elbow, wrist, MCP 1-3, PIP, hip, knee, ankle.
    const stems = new Set(reduced.map((c) => c.replace(/\d?_[lr]$/, '')));
    assert.deepEqual([...stems].sort(), [
      'ankle',
      'cervical_spine',
      'elbow',
      'hip',
      'knee',
      'mcp',
      'pip',
      'wrist',
    ]);
  });
});

describe('active joint (swelling, or limited motion with pain/tenderness)', () => {
  const rows: [string, JointFinding, boolean | null][] = [
    ['swollen alone', { swollen: true, painful: false, limited: false }, true],
    ['limited and painful, no swelling', { swollen: false, painful: true, limited: true }, true],
    ['limited only', { swollen: false, painful: false, limited: true }, false],
    ['painful only', { swollen: false, painful: true, limited: false }, false],
    ['swollen, rest unknown', { swollen: true }, true],
    ['not swollen, limitation unknown, painful', { swollen: false, painful: true }, null],
    ['not swollen, not limited, pain unknown', { swollen: false, limited: false }, false],
    ['nothing assessed', {}, null],
  ];
  for (const [label, finding, expected] of rows) {
    it(label, () => assert.equal(isActiveJoint(finding), expected));
  }
});

describe('joint counts', () => {
  it('counts active joints over 71, 27 and capped 10, and limited joints', () => {
    const exam: Record<string, JointFinding> = {};
    const active = ['knee_l', 'knee_r', 'ankle_l', 'wrist_r', 'mtp1_l', 'tmj_x'].filter(
      isJointCode,
    );
    for (const code of active) exam[code] = { swollen: true, limited: false };
    exam.hip_l = { swollen: false, limited: true, painful: false };
    const counts = countJoints(exam, { unlistedJoints: 'normal' });
    assert.equal(counts.active.value, 5);
    assert.equal(counts.active27.value, 4);
    assert.equal(counts.active10.value, 5);
    assert.equal(counts.limited.value, 1);
    assert.deepEqual([...counts.activeCodes].sort(), [
      'ankle_l',
      'knee_l',
      'knee_r',
      'mtp1_l',
      'wrist_r',
    ]);
  });

  it('caps the JADAS-10 term at 10, and decides it once 10 joints are active', () => {
    const exam: Record<string, JointFinding> = {};
    for (const joint of JOINTS.slice(0, 12)) exam[joint.code] = { swollen: true };
    const counts = countJoints(exam); // the other 59 joints were not assessed
    assert.equal(counts.active.value, null);
    assert.equal(counts.active.complete, false);
    assert.equal(counts.active.missing.length, 59);
    assert.equal(counts.active10.value, 10);
  });

  it('reports a partial exam as incomplete by default', () => {
    const counts = countJoints({ knee_l: { swollen: true } });
    assert.equal(counts.active.value, null);
    assert.equal(counts.active10.value, null);
    assert.equal(counts.limited.complete, false);
  });

  it('refuses an unknown joint code', () => {
    assert.throws(() => countJoints({ knee_x: { swollen: true } }), /unknown joint code: "knee_x"/);
  });

  it('counts a list of active joint codes', () => {
    assert.deepEqual(countActiveJointCodes(['knee_l', 'cervical_spine', 'mtp2_r']), {
      active: 3,
      active27: 2,
    });
    assert.deepEqual(countActiveJointCodes([]), { active: 0, active27: 0 });
    assert.throws(() => countActiveJointCodes(['knee_l', 'knee_l']), /listed twice/);
    assert.throws(() => countActiveJointCodes(['kne_l']), /unknown joint code/);
  });
});
