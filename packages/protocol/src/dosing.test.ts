import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import { assessDose, checkInfusionDose, planDose } from './dosing.js';
import { testProtocol } from './test-protocol.fixture.js';
import { infusion } from './timeline-builder.js';

const intervention =
  testProtocol().intervention ?? assert.fail('the test protocol has an intervention');

test('the dose is the weight on the day times the dose per kg, the volume from the concentration', () => {
  const plan = planDose(intervention, 32.5);
  assert.equal(plan.total, 65e6);
  assert.deepEqual(plan.allowedRange, [58.5e6, 71.5e6]);
  assert.equal(plan.volumeMl, 65);
  assert.equal(planDose(intervention, 32.5, { concentrationPerMl: 2e6 }).volumeMl, 32.5);
  assert.equal(planDose({ ...intervention, concentrationPerMl: null }, 20).volumeMl, null);
});

test('a requested dose is accepted up to the tolerance and refused beyond it', () => {
  assert.equal(planDose(intervention, 30, { requested: 66e6 }).total, 60e6);
  assert.equal(planDose(intervention, 30, { requested: 54e6 }).total, 60e6);
  assert.throws(
    () => planDose(intervention, 30, { requested: 66.1e6 }),
    (error) => isJiaError(error, 'DOSE_REFUSED'),
  );
  assert.throws(
    () => planDose(intervention, 30, { requested: 53.9e6 }),
    /53,900,000 cells is outside the protocol's 10% tolerance around 60,000,000 \(30 kg x 2,000,000\/kg\): 54,000,000-66,000,000/,
  );
  assert.throws(() => planDose(intervention, 0), /not a plausible body weight/);
});

test('a recorded infusion is checked on its total and its dose per kg', () => {
  const ok = checkInfusionDose(
    intervention,
    infusion('2020-01-01', { weightKg: 30, cellsPerKg: 2e6, totalCells: 6e7 }),
    1,
  );
  assert.equal(ok.withinTolerance, true);
  const total = checkInfusionDose(
    intervention,
    infusion('2020-01-01', { weightKg: 30, cellsPerKg: 2e6, totalCells: 7e7 }),
    1,
  );
  assert.equal(total.withinTolerance, false);
  assert.match(total.reason, /total 70,000,000 outside 54,000,000-66,000,000/);
  const perKg = checkInfusionDose(
    intervention,
    infusion('2020-01-01', { weightKg: 30, cellsPerKg: 2.3e6, totalCells: 6e7 }),
    1,
  );
  assert.equal(perKg.withinTolerance, false);
  assert.match(perKg.reason, /2,300,000\/kg recorded/);
});

test('the heaviest weight a bundle accepts (300 kg) is planned; a recorded implausible weight is a finding, not a crash', () => {
  assert.equal(planDose(intervention, 300).total, 6e8);
  const check = checkInfusionDose(intervention, infusion('2020-01-01', { weightKg: 301 }), 1);
  assert.equal(check.withinTolerance, false);
  assert.match(check.reason, /weight 301 kg is not a plausible body weight/);
});

test('each reason a dose is outside the protocol names the value it is about', () => {
  const fields = (weightKg: number, cellsPerKg: number, totalCells: number) =>
    assessDose(intervention, { weightKg, cellsPerKg, totalCells }).problems.map((p) => p.field);
  assert.deepEqual(fields(30, 2e6, 6e7), []);
  assert.deepEqual(fields(30, 2e6, 7e7), ['totalCells']);
  assert.deepEqual(fields(30, 2.3e6, 7e7), ['totalCells', 'cellsPerKg']);
  assert.deepEqual(fields(301, 2e6, 6e7), ['weightKg']);
  assert.equal(
    assessDose(intervention, { weightKg: 301, cellsPerKg: 2e6, totalCells: 6e7 }).plan,
    null,
  );
});
