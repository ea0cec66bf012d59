import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scoreVisit } from '@jia-trial/outcomes';
import { chaqInputOf } from './chaq-answers.js';
import {
  explainAgainstReference,
  referenceVisitOf,
  scoreAgainstReference,
  type VisitRecord,
} from './visit-scoring.js';

const baseline: VisitRecord = {
  visitId: 'BL',
  subjectId: 'S',
  visitDate: '2020-01-01',
  ilarCategory: 'polyarticular_rf_negative',
  physicianGlobal: 7,
  parentGlobal: 7,
  chaqDi: 1.5,
  activeJoints: 10,
  limitedJoints: 8,
  esr: 40,
};
const followUp: VisitRecord = {
  visitId: 'W8',
  subjectId: 'S',
  visitDate: '2020-03-01',
  ilarCategory: 'polyarticular_rf_negative',
  physicianGlobal: 1,
  parentGlobal: 1,
  chaqDi: 0.25,
  activeJoints: 2,
  activeJointCodes: 'knee_l;temporomandibular_r',
  limitedJoints: 1,
  esr: 10,
};

describe('scoreAgainstReference', () => {
  it('counts the JADAS-27 joints from the listed active joints (as visitObservationOf does)', () => {
    const scores = scoreAgainstReference(followUp, baseline);
    // knee_l is in the 27-joint set, the temporomandibular joint is not: 1 + 1 + 1 + 0.
    assert.equal(scores.jadas27, 3);
    assert.equal(scores.jadas71, 4);
    assert.equal(
      scoreAgainstReference({ ...followUp, activeJointCodes: null }, null).jadas27,
      null,
    );
    assert.equal(
      scoreAgainstReference({ ...followUp, activeJointCodes: null, activeJoints: 0 }, null).jadas27,
      2,
    );
  });

  it('scores standard units: CRP in mg/dL is converted before JADAS-CRP', () => {
    const inMgDl = scoreAgainstReference({ ...followUp, crp: 2, crpUnit: 'mg/dL' }, null);
    const inMgL = scoreAgainstReference({ ...followUp, crp: 20 }, null);
    assert.equal(inMgDl.jadas10Crp, inMgL.jadas10Crp);
  });

  it('gives no response scores against a later implicit baseline, and does against a named one', () => {
    assert.equal(scoreAgainstReference(baseline, followUp).acrPedi, null);
    assert.equal(
      scoreAgainstReference({ ...baseline, baselineVisitId: 'W8' }, followUp).acrPedi,
      0,
    );
    assert.equal(scoreAgainstReference(followUp, baseline).acrPedi, 70);
  });

  it('explains with the measures that give the values', () => {
    const reasons = explainAgainstReference(followUp, baseline);
    const scores = scoreVisit(followUp, baseline);
    assert.equal(reasons.jiaAcr?.value, scores.acrPedi);
    assert.equal(reasons.flare?.value, scores.flare);
    assert.equal(reasons.inactiveDisease.value, scores.inactiveDisease);
    assert.deepEqual(reasons.inactiveDisease.missing, ['activeUveitis', 'morningStiffnessMinutes']);
    assert.deepEqual(reasons.inactiveDisease.failed, ['activeJoints', 'physicianGlobal']);
    assert.equal(reasons.mas2016, null);
    assert.equal(reasons.msScore, null, 'not systemic JIA');
    assert.equal(explainAgainstReference(baseline, null).jiaAcr, null);
  });

  it('gives the MS score of a systemic-JIA visit, in standard units, with what it lacks', () => {
    const sjia: VisitRecord = {
      visitId: 'M1',
      subjectId: 'P1',
      visitDate: '2020-01-01',
      ilarCategory: 'systemic',
      activeJoints: 2,
      platelets: 200,
      fibrinogen: 2,
      fibrinogenUnit: 'g/L',
      ferritin: 3000,
      cnsInvolvement: false,
      haemorrhagicManifestations: false,
    };
    const lacking = explainAgainstReference(sjia, null).msScore;
    assert.deepEqual([lacking?.value, lacking?.missing], [null, ['ldh']]);
    // fibrinogen 2 g/L = 200 mg/dL: -1.30 - 0.6 + 0.3 - 0.8 + 0.3 = -2.1 (Minoia 2019 Table 4).
    const scored = explainAgainstReference({ ...sjia, ldh: 300 }, null).msScore;
    assert.deepEqual([scored?.value, scored?.band], [-2.1, 'mas']);
    assert.equal(scoreAgainstReference({ ...sjia, ldh: 300 }, null).msScore, -2.1);
  });
});

describe('referenceVisitOf', () => {
  const visits = [baseline, followUp];
  it('takes the named baseline, else the first other visit', () => {
    assert.equal(referenceVisitOf(followUp, visits), baseline);
    assert.equal(referenceVisitOf(baseline, visits), followUp);
    assert.equal(referenceVisitOf({ ...baseline, baselineVisitId: 'nope' }, visits), null);
    assert.equal(referenceVisitOf(baseline, [baseline]), null);
  });
});

describe('chaqInputOf', () => {
  it('marks a domain aided when any of its answers says so', () => {
    const input = chaqInputOf([
      { item: 'walking_1', score: 0, aidOrHelp: true },
      { item: 'grip_2', score: 'na', aidOrHelp: false },
    ]);
    assert.deepEqual(input.items, { walking_1: 0, grip_2: 'na' });
    assert.deepEqual(input.aids, { walking: true });
  });
});
