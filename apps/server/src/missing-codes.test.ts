/**
 * Missing-data codes through the API (ADR 0040; docs/api.md): a visit is saved with a code in
 * place of a value and returned with it, by the visit route and the subject's read; its scores
 * read the field as missing; a code beside a value, or one not of the list, is refused with the
 * field's path; the study's bundle export writes it in its own column. The other record types
 * (ADR 0040, "Which fields"): an infusion's vital signs and product details, a medication's dose,
 * route and stop reason, and an eligibility answer, whose required value a code may replace.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HOME_SUBJECT, STUDY, startTestServer, type TestServer } from './test-support.js';

let server: TestServer;

before(async () => {
  server = await startTestServer();
  await server.addUser('nina', [['nurse', 'UMCU']]);
  await server.addUser('ines', [['investigator', 'UMCU']]);
});
after(() => server?.close());

const visitPath = (id: string) => `/api/v1/studies/${STUDY}/visits/${id}`;
const visit = (overrides: Record<string, unknown> = {}) => ({
  subjectId: HOME_SUBJECT,
  visitDate: '2017-06-01',
  physicianGlobal: 2.5,
  parentGlobal: 3,
  chaqDi: 0.5,
  activeJoints: 2,
  activeJointCodes: ['knee_l', 'knee_r'],
  ...overrides,
});

describe('missing-data codes through the API', () => {
  test('a visit saved with a code in place of a value returns it, and reads the field as missing', async () => {
    const nina = await server.client('nina');
    const coded = await nina.request(
      'PUT',
      visitPath('v-missing-1'),
      visit({ esrMissing: 'ND', feverMissing: 'ASKU' }),
    );
    assert.equal(coded.status, 201, JSON.stringify(coded.body));
    assert.equal(coded.body.visit.esrMissing, 'ND');
    assert.equal(coded.body.visit.feverMissing, 'ASKU');
    assert.equal(coded.body.scores.jadas10, null, 'ESR not done: no JADAS-10');
    const valued = await nina.request('PUT', visitPath('v-missing-2'), visit({ esr: 12 }));
    assert.equal(typeof valued.body.scores.jadas10, 'number', 'with the ESR it is scored');

    const subject = await nina.request('GET', `/api/v1/studies/${STUDY}/subjects/${HOME_SUBJECT}`);
    const stored = subject.body.visits.find(
      (v: { record: { visitId: string } }) => v.record.visitId === 'v-missing-1',
    );
    assert.equal(stored.record.esrMissing, 'ND');
    assert.equal(stored.record.esr, null);
    assert.equal(stored.record.crpMissing, null, 'a plain blank has no code');
  });

  test('a code beside a value, or a code not of the list, is refused naming the field', async () => {
    const nina = await server.client('nina');
    const both = await nina.request(
      'PUT',
      visitPath('v-missing-3'),
      visit({ esr: 12, esrMissing: 'ND' }),
    );
    assert.equal(both.status, 422, JSON.stringify(both.body));
    assert.equal(both.body.error.code, 'VALIDATION_FAILED');
    assert.equal(both.body.error.issues[0].path, 'esrMissing');
    assert.match(both.body.error.issues[0].message, /not both/);
    const unknown = await nina.request(
      'PUT',
      visitPath('v-missing-4'),
      visit({ esrMissing: 'NOT_DONE' }),
    );
    assert.equal(unknown.status, 422, JSON.stringify(unknown.body));
    assert.equal(unknown.body.error.issues[0].path, 'esrMissing');
  });

  test('the OpenAPI document lists the codes of each companion field', async () => {
    const nina = await server.client('nina');
    const doc = (await nina.request('GET', '/api/v1/openapi.json')).body;
    const text = JSON.stringify(doc);
    assert.match(text, /"esrMissing":\{[^}]*"enum":\["ND","NA","UNK","ASKU"\]/);
  });
});

describe('missing-data codes on the other record types, through the API', () => {
  const base = `/api/v1/studies/${STUDY}`;
  const stored = async (list: string, match: (r: Record<string, unknown>) => boolean) => {
    const ines = await server.client('ines');
    const subject = await ines.request('GET', `${base}/subjects/${HOME_SUBJECT}`);
    assert.equal(subject.status, 200, JSON.stringify(subject.body));
    return subject.body[list].find((r: { record: Record<string, unknown> }) => match(r.record))
      ?.record as Record<string, unknown> | undefined;
  };

  test('an infusion with its vital signs and product details given as codes is stored with them', async () => {
    const ines = await server.client('ines');
    const created = await ines.request('POST', `${base}/infusions`, {
      subjectId: HOME_SUBJECT,
      infusionDate: '2017-10-02',
      weightKg: 30,
      cellsPerKg: 2e6,
      totalCells: 6e7,
      productLot: 'L-missing',
      infusionReaction: false,
      preHeartRate: 90,
      postHeartRateMissing: 'ND',
      preTemperatureCMissing: 'UNK',
      volumeMlMissing: 'ASKU',
      productStateMissing: 'UNK',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const infusion = await stored('infusions', (r) => r.infusionDate === '2017-10-02');
    assert.equal(infusion?.postHeartRateMissing, 'ND');
    assert.equal(infusion?.postHeartRate, null);
    assert.equal(infusion?.preTemperatureCMissing, 'UNK');
    assert.equal(infusion?.volumeMlMissing, 'ASKU');
    assert.equal(infusion?.productStateMissing, 'UNK');
    assert.equal(infusion?.preHeartRate, 90);
    assert.equal(infusion?.preHeartRateMissing, null, 'a value has no code');

    const both = await ines.request('POST', `${base}/infusions`, {
      subjectId: HOME_SUBJECT,
      infusionDate: '2017-10-03',
      weightKg: 30,
      cellsPerKg: 2e6,
      totalCells: 6e7,
      productLot: 'L-missing',
      infusionReaction: false,
      postSpo2: 98,
      postSpo2Missing: 'ND',
    });
    assert.equal(both.status, 422, JSON.stringify(both.body));
    assert.equal(both.body.error.issues[0].path, 'postSpo2Missing');
    assert.match(both.body.error.issues[0].message, /not both/);
  });

  test("an infusion's dose takes no code: the weight is still required", async () => {
    const ines = await server.client('ines');
    const refused = await ines.request('POST', `${base}/infusions`, {
      subjectId: HOME_SUBJECT,
      infusionDate: '2017-10-04',
      weightKgMissing: 'UNK',
      cellsPerKg: 2e6,
      totalCells: 6e7,
      productLot: 'L-missing',
      infusionReaction: false,
    });
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    const paths = refused.body.error.issues.map((i: { path: string }) => i.path);
    assert.deepEqual(paths.sort(), ['weightKg', 'weightKgMissing']);
  });

  test("a medication's dose, route and stop reason given as codes", async () => {
    const ines = await server.client('ines');
    const created = await ines.request('POST', `${base}/medications`, {
      subjectId: HOME_SUBJECT,
      drug: 'prednisolone',
      drugClass: 'corticosteroid',
      startDate: '2016-02-01',
      stopDate: '2016-03-01',
      doseMgMissing: 'UNK',
      routeMissing: 'ASKU',
      stopReasonMissing: 'UNK',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const medication = await stored(
      'medications',
      (r) => r.drug === 'prednisolone' && r.startDate === '2016-02-01',
    );
    assert.equal(medication?.doseMgMissing, 'UNK');
    assert.equal(medication?.routeMissing, 'ASKU');
    assert.equal(medication?.stopReasonMissing, 'UNK');
    assert.equal(medication?.stopReason, null);
  });

  test('an eligibility answer (required) takes a code instead of its value; neither, or both, is refused', async () => {
    const ines = await server.client('ines');
    // The demo subject's answer (false), corrected: the investigator could not tell after all.
    const coded = await ines.request(
      'PUT',
      `${base}/eligibility/${HOME_SUBJECT}/infection_or_malignancy`,
      { assessedDate: '2017-01-10', valueMissing: 'UNK', reason: 'the source does not say' },
      { 'if-match': '"1"' },
    );
    assert.equal(coded.status, 200, JSON.stringify(coded.body));
    const answer = await stored(
      'eligibilityAssessments',
      (r) => r.criterionId === 'infection_or_malignancy',
    );
    assert.equal(answer?.value, null);
    assert.equal(answer?.valueMissing, 'UNK');

    const neither = await ines.request('POST', `${base}/eligibility`, {
      subjectId: HOME_SUBJECT,
      criterionId: 'uncontrolled_disease',
      assessedDate: '2017-01-10',
    });
    assert.equal(neither.status, 422, JSON.stringify(neither.body));
    assert.equal(neither.body.error.code, 'VALIDATION_FAILED');
    assert.deepEqual(neither.body.error.issues, [{ path: 'value', message: 'is required' }]);

    const both = await ines.request('POST', `${base}/eligibility`, {
      subjectId: HOME_SUBJECT,
      criterionId: 'uncontrolled_disease',
      assessedDate: '2017-01-10',
      value: true,
      valueMissing: 'ND',
    });
    assert.equal(both.status, 422, JSON.stringify(both.body));
    assert.equal(both.body.error.issues[0].path, 'valueMissing');
  });
});
