import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RecordTypeId } from './types.js';
import { recordFromTexts, validateRecordValues } from './validate-values.js';

/** A valid record of each type, as an API client sends it. */
const VALID: Readonly<Record<RecordTypeId, Readonly<Record<string, unknown>>>> = {
  subject: {
    subjectId: 'P1',
    site: 'A',
    sex: 'F',
    birthDate: '2010-04',
    ilarCategory: 'systemic',
    diagnosisDate: '2015-01-01',
    enrolmentDate: '2019-01-01',
  },
  visit: { subjectId: 'P1', visitId: 'V1', visitDate: '2019-01-07', esr: 40, crp: 1.2 },
  joint_finding: {
    visitId: 'V1',
    jointCode: 'knee_l',
    swollen: true,
    tender: false,
    limited: true,
  },
  chaq_response: { visitId: 'V1', item: 'dressing_1', score: 'na', aidOrHelp: false },
  damage_item: { visitId: 'V1', item: 'jadi_a_knee_l', score: 2 },
  medication: {
    subjectId: 'P1',
    drug: 'methotrexate',
    drugClass: 'csdmard',
    startDate: '2016-01-01',
  },
  infusion: {
    subjectId: 'P1',
    infusionDate: '2019-02-01',
    weightKg: 30,
    cellsPerKg: 2e6,
    totalCells: 6e7,
    productLot: 'L1',
    infusionReaction: false,
  },
  adverse_event: {
    subjectId: 'P1',
    aeId: 'AE1',
    term: 'Headache',
    onsetDate: '2019-02-02',
    grade: 1,
    serious: false,
    related: 'possible',
    outcome: 'recovered',
  },
  eligibility_assessment: {
    subjectId: 'P1',
    criterionId: 'no_active_infection',
    value: true,
    assessedDate: '2018-12-01',
  },
};

/** The paths of the issues of `type` with `changes` applied to its valid record. */
function paths(type: RecordTypeId, changes: Record<string, unknown>, partial = false): string[] {
  return validateRecordValues(type, { ...VALID[type], ...changes }, { partial }).map((i) => i.path);
}

describe('validateRecordValues', () => {
  test('a valid record of every type has no issue', () => {
    for (const [type, record] of Object.entries(VALID))
      assert.deepEqual(validateRecordValues(type as RecordTypeId, record), [], type);
  });

  test('typed values: numbers as numbers, booleans as booleans, dates as real days', () => {
    assert.deepEqual(paths('infusion', { weightKg: '30' }), ['weightKg']);
    assert.deepEqual(paths('infusion', { infusionReaction: 'false' }), ['infusionReaction']);
    assert.deepEqual(paths('infusion', { preHeartRate: 80.5 }), ['preHeartRate'], 'an integer');
    assert.deepEqual(paths('infusion', { preHeartRate: Number.NaN }), ['preHeartRate']);
    assert.deepEqual(paths('medication', { startDate: '2021-02-29' }), ['startDate']);
    assert.deepEqual(paths('medication', { startDate: '2020-02-29' }), []);
    assert.deepEqual(paths('medication', { startDate: '2020-2-1' }), ['startDate']);
    assert.deepEqual(paths('subject', { birthDate: '2010-13' }), ['birthDate']);
    assert.deepEqual(paths('subject', { birthDate: '2010-04-31' }), ['birthDate']);
    assert.deepEqual(paths('subject', { birthDate: '2010-04-30' }), []);
  });

  test('ranges, with an exclusive minimum where the dictionary says so', () => {
    assert.deepEqual(
      paths('infusion', { weightKg: 0 }),
      ['weightKg'],
      'a weight of 0 is no weight',
    );
    assert.deepEqual(paths('infusion', { weightKg: 0.001 }), []);
    assert.deepEqual(paths('infusion', { weightKg: 300 }), []);
    assert.deepEqual(paths('infusion', { weightKg: 300.001 }), ['weightKg']);
    assert.deepEqual(paths('infusion', { preSpo2: 0 }), [], 'an inclusive minimum');
    assert.deepEqual(paths('infusion', { preSpo2: -1 }), ['preSpo2']);
    assert.deepEqual(paths('adverse_event', { grade: 6 }), ['grade']);
  });

  test('ids, text, patterns, codes and CHAQ answers', () => {
    assert.deepEqual(paths('medication', { subjectId: 'x'.repeat(64) }), []);
    assert.deepEqual(paths('medication', { subjectId: 'x'.repeat(65) }), ['subjectId']);
    assert.deepEqual(paths('medication', { subjectId: 'P\n1' }), ['subjectId']);
    assert.deepEqual(paths('medication', { subjectId: ' P1' }), ['subjectId']);
    assert.deepEqual(paths('medication', { subjectId: '' }), ['subjectId']);
    assert.deepEqual(paths('medication', { subjectId: 7 }), ['subjectId']);
    assert.deepEqual(paths('medication', { drug: 'x'.repeat(201) }), ['drug']);
    assert.deepEqual(
      paths('subject', { withdrawalDate: '2020-01-01', withdrawalReason: 'moved\naway' }),
      [],
      'text may span lines',
    );
    assert.deepEqual(paths('eligibility_assessment', { criterionId: 'No-infection' }), [
      'criterionId',
    ]);
    assert.deepEqual(paths('adverse_event', { meddraCode: '1002' }), ['meddraCode']);
    assert.deepEqual(paths('adverse_event', { meddraCode: '10019211' }), []);
    assert.deepEqual(paths('subject', { sex: 'female' }), ['sex']);
    assert.deepEqual(paths('medication', { drugClass: 'dmard' }), ['drugClass']);
    const serious = { serious: true, grade: 3 };
    assert.deepEqual(
      paths('adverse_event', { ...serious, seriousnessCriteria: 'death;hospitalisation' }),
      [],
    );
    assert.deepEqual(
      paths('adverse_event', {
        ...serious,
        seriousnessCriteria: 'hospitalisation;hospitalisation',
      }),
      ['seriousnessCriteria'],
    );
    assert.deepEqual(
      paths('adverse_event', { ...serious, seriousnessCriteria: 'hospitalisation;' }),
      ['seriousnessCriteria'],
    );
    assert.deepEqual(paths('adverse_event', { ...serious, seriousnessCriteria: ['death'] }), [
      'seriousnessCriteria',
    ]);
    for (const score of [0, 3, 'na'])
      assert.deepEqual(paths('chaq_response', { score }), [], `${score}`);
    for (const score of [4, -1, 1.5, 'NA', '2', null])
      assert.deepEqual(paths('chaq_response', { score }), ['score'], `${score}`);
  });

  test('required fields and unknown keys', () => {
    assert.deepEqual(paths('medication', { drug: null, drugClass: undefined }), [
      'drug',
      'drugClass',
    ]);
    assert.deepEqual(paths('medication', { dose: 5, subject_id: 'P1' }), ['dose', 'subject_id']);
    assert.deepEqual(
      validateRecordValues('medication', null as unknown as Record<string, unknown>).map(
        (i) => i.path,
      ),
      [''],
    );
  });

  test('rules between fields, each at the field it is about', () => {
    assert.deepEqual(paths('subject', { enrolmentDate: '2014-12-31' }), ['enrolmentDate']);
    assert.deepEqual(paths('subject', { withdrawalReason: 'moved' }), ['withdrawalReason']);
    assert.deepEqual(paths('medication', { stopReason: 'intolerance' }), ['stopReason']);
    assert.deepEqual(paths('medication', { stopDate: '2015-12-31' }), ['stopDate']);
    assert.deepEqual(paths('adverse_event', { seriousnessCriteria: 'death' }), [
      'seriousnessCriteria',
    ]);
    assert.deepEqual(paths('adverse_event', { grade: 5 }), ['serious', 'outcome']);
    assert.deepEqual(paths('adverse_event', { grade: 5, serious: true, outcome: 'fatal' }), []);
    assert.deepEqual(paths('adverse_event', { awarenessDate: '2019-02-01' }), ['awarenessDate']);
  });

  test('an invalid value is unknown to the rules: no second issue about it', () => {
    assert.deepEqual(
      paths('subject', { withdrawalDate: '2020-02-30', withdrawalReason: 'moved' }),
      ['withdrawalDate'],
    );
    assert.deepEqual(paths('adverse_event', { grade: 5, serious: 'yes', outcome: 'fatal' }), [
      'serious',
    ]);
  });

  test('visits: a laboratory value is in range once converted from the unit it was entered in', () => {
    assert.deepEqual(paths('visit', { ast: 1600, astUnit: 'ukat/L' }), [], '96,000 U/L');
    assert.deepEqual(paths('visit', { ast: 1700, astUnit: 'ukat/L' }), ['ast'], '102,000 U/L');
    assert.deepEqual(paths('visit', { ast: 1700 }), [], 'in U/L');
    assert.deepEqual(paths('visit', { astUnit: 'mg/dL' }), ['astUnit']);
    assert.deepEqual(paths('visit', { visitDate: '1899-12-31' }), ['visitDate'], 'implausible');
    assert.deepEqual(paths('visit', { visitDate: '2100-12-31' }), []);
    assert.deepEqual(paths('visit', { activeJoints: 2, activeJointCodes: 'knee_l;knee_r' }), []);
    assert.deepEqual(paths('visit', { activeJoints: 1, activeJointCodes: 'knee_l;knee_r' }), [
      'activeJoints',
    ]);
    assert.deepEqual(paths('visit', { activeJointCodes: 'knee_l;elbow' }), ['activeJointCodes']);
  });

  test('partial: only the fields given are checked, and rules that need another field wait', () => {
    const partial = (type: RecordTypeId, values: Record<string, unknown>) =>
      validateRecordValues(type, values, { partial: true }).map((i) => i.path);
    assert.deepEqual(partial('medication', { stopReason: 'intolerance' }), []);
    assert.deepEqual(partial('medication', { stopReason: 'intolerance', stopDate: null }), [
      'stopReason',
    ]);
    assert.deepEqual(
      partial('medication', { drug: null }),
      ['drug'],
      'a required field given as null',
    );
    assert.deepEqual(partial('adverse_event', { grade: 5 }), []);
    assert.deepEqual(partial('adverse_event', { grade: 5, serious: false }), ['serious']);
    assert.deepEqual(partial('visit', { ast: 1700 }), [], 'the unit is not known yet');
    assert.deepEqual(partial('infusion', { weightKg: -1, colour: 'red' }), ['colour', 'weightKg']);
  });
});

describe('recordFromTexts', () => {
  test('cell texts as typed values by key, every field present', () => {
    const record = recordFromTexts(
      'chaq_response',
      new Map([
        ['visit_id', 'V1'],
        ['item', 'dressing_1'],
        ['score', 'na'],
        ['aid_or_help', 'true'],
      ]),
    );
    assert.deepEqual(record, { visitId: 'V1', item: 'dressing_1', score: 'na', aidOrHelp: true });
    const infusion = recordFromTexts(
      'infusion',
      new Map([
        ['weight_kg', '30.50'],
        ['pre_spo2', '98'],
        ['donor_code', ''],
      ]),
    );
    assert.equal(infusion.weightKg, 30.5);
    assert.equal(infusion.preSpo2, 98);
    assert.equal(infusion.donorCode, null);
    assert.equal(infusion.productLot, null);
    assert.throws(() => recordFromTexts('infusion', new Map([['weight_kg', 'heavy']])), RangeError);
  });
});

describe('the AE analysis fields (issue 14 section 3, ADR 0020)', () => {
  test('a time of day: 00:00 and 23:59 pass, 24:00, 7:30 and 12:60 do not', () => {
    for (const onsetTime of ['00:00', '23:59'])
      assert.deepEqual(paths('adverse_event', { onsetTime }), [], onsetTime);
    for (const onsetTime of ['24:00', '7:30', '12:60'])
      assert.deepEqual(paths('adverse_event', { onsetTime }), ['onsetTime'], onsetTime);
    assert.deepEqual(paths('infusion', { infusionTime: '09:30' }), []);
    assert.deepEqual(paths('infusion', { infusionTime: '9.30' }), ['infusionTime']);
  });
  test('consent on the enrolment day passes, the day after does not', () => {
    assert.deepEqual(paths('subject', { consentDate: '2019-01-01' }), []);
    assert.deepEqual(paths('subject', { consentDate: '2019-01-02' }), ['enrolmentDate']);
  });
  test('a worsening: from the onset day on, to a grade of 2 or more, not after the resolution', () => {
    const ae = { grade: 2, resolutionDate: '2019-03-01' };
    assert.deepEqual(paths('adverse_event', { ...ae, worsenedDate: '2019-02-02' }), []);
    assert.deepEqual(paths('adverse_event', { ...ae, worsenedDate: '2019-02-01' }), [
      'worsenedDate',
    ]);
    assert.deepEqual(paths('adverse_event', { ...ae, worsenedDate: '2019-03-01' }), []);
    assert.deepEqual(paths('adverse_event', { ...ae, worsenedDate: '2019-03-02' }), [
      'resolutionDate',
    ]);
    assert.deepEqual(paths('adverse_event', { ...ae, grade: 1, worsenedDate: '2019-02-10' }), [
      'worsenedDate',
    ]);
  });
  test('MedDRA as coded by the site: up to 100 characters', () => {
    assert.deepEqual(paths('adverse_event', { systemOrganClass: 'x'.repeat(100) }), []);
    assert.deepEqual(paths('adverse_event', { preferredTerm: 'x'.repeat(101) }), ['preferredTerm']);
  });
});
