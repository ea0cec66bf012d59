/**
 * Record entry's pure parts, without a browser: form texts to the API's typed body by the
 * dictionary's reader (numbers, booleans, an integer code, codes as an array, empty optional
 * fields as null), the server's issues placed under their fields, and the dose calculator equal
 * to the protocol engine's planDose (the function of `jia-trial dose`).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planDose } from '@jia-trial/protocol';
import { MSC_JIA } from '@jia-trial/protocols';
import { doseFor, interventionOf } from '../src/components/records/dose-plan.js';
import {
  bodyOfValues,
  emptyValues,
  placeIssues,
  valuesOfRecord,
} from '../src/components/records/record-form.js';

describe('record form', () => {
  test('an AE typed as texts becomes the typed body; empty optional fields are null', () => {
    const values = {
      ...emptyValues('adverse_event'),
      aeId: 'D01-AE9',
      term: ' Pneumonia ',
      onsetDate: '2017-12-29',
      grade: '3',
      serious: 'true',
      seriousnessCriteria: ['hospitalisation'],
      related: 'possible',
      outcome: 'recovering',
    };
    const { body, problems } = bodyOfValues('adverse_event', 'D01', values);
    assert.deepEqual(problems, []);
    assert.equal(body.subjectId, 'D01');
    assert.equal(body.term, 'Pneumonia');
    assert.equal(body.grade, 3);
    assert.equal(body.serious, true);
    assert.deepEqual(body.seriousnessCriteria, ['hospitalisation']);
    assert.equal(body.resolutionDate, null);
    assert.equal(body.actionTaken, null);
  });

  test('a missing required field and an unreadable number are told at their fields', () => {
    const values = { ...emptyValues('infusion'), weightKg: '4 5', infusionDate: '2017-12-20' };
    const { problems } = bodyOfValues('infusion', 'D01', values);
    const keys = problems.map((p) => p.path);
    assert.ok(keys.includes('weightKg'));
    assert.ok(keys.includes('totalCells'));
    assert.ok(!keys.includes('infusionDate'));
  });

  test('a stored record reads back as the texts it was typed from', () => {
    const record = { aeId: 'A', grade: 2, serious: false, seriousnessCriteria: null, term: 'x' };
    const values = valuesOfRecord('adverse_event', record);
    assert.equal(values.grade, '2');
    assert.equal(values.serious, 'false');
    assert.deepEqual(values.seriousnessCriteria, []);
    assert.equal(values.resolutionDate, '');
  });

  test("the server's issues go under their fields, the rest above the form", () => {
    const placed = placeIssues(
      [
        { path: 'seriousnessCriteria[0]', message: 'Invalid option' },
        { path: 'totalCells', message: 'total outside' },
        { path: 'meddraCode', message: 'not 8 digits' },
        { path: '', message: 'onset after resolution' },
      ],
      ['seriousnessCriteria', 'totalCells'],
    );
    assert.deepEqual(placed.byField, {
      seriousnessCriteria: ['Invalid option'],
      totalCells: ['total outside'],
    });
    assert.deepEqual(placed.other, ['meddraCode: not 8 digits', 'onset after resolution']);
  });
});

describe('dose calculator', () => {
  const intervention = interventionOf('msc-jia');
  assert.ok(intervention);

  test("is the engine's plan for msc-jia's intervention", () => {
    assert.equal(intervention, MSC_JIA.intervention);
    for (const weight of [10, 44.5, 45, 44.3]) {
      const dose = doseFor(intervention, String(weight), '');
      assert.equal(dose.kind, 'plan');
      const plan = planDose(intervention, weight);
      assert.deepEqual(dose.kind === 'plan' && [dose.total, dose.allowedRange], [
        plan.total,
        plan.allowedRange,
      ]);
    }
  });

  test("computes the volume from the lot's concentration", () => {
    const dose = doseFor(intervention, '45', '1000000');
    assert.equal(dose.kind === 'plan' && dose.volumeMl, 90);
    assert.equal(doseFor(intervention, '45', '').kind === 'plan', true);
  });

  test("refuses an implausible weight with the engine's reason, and waits for a weight", () => {
    const dose = doseFor(intervention, '400', '');
    assert.equal(dose.kind, 'problem');
    assert.match(dose.kind === 'problem' ? dose.text : '', /not a plausible body weight/);
    assert.equal(doseFor(intervention, '', '').kind, 'empty');
    assert.equal(interventionOf(null), null);
    assert.equal(interventionOf('no-such-protocol'), null);
  });
});
