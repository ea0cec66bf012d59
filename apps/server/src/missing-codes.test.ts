/**
 * Missing-data codes through the API (ADR 0040; docs/api.md): a visit is saved with a code in
 * place of a value and returned with it, by the visit route and the subject's read; its scores
 * read the field as missing; a code beside a value, or one not of the list, is refused with the
 * field's path; the study's bundle export writes it in its own column.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HOME_SUBJECT, STUDY, startTestServer, type TestServer } from './test-support.js';

let server: TestServer;

before(async () => {
  server = await startTestServer();
  await server.addUser('nina', [['nurse', 'UMCU']]);
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
