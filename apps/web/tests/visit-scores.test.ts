/**
 * The browser scores a visit exactly as the server does: every visit of the demo study, scored
 * in the page's way (live-scores.ts on the API's JSON), equals the scores the server returns for
 * it, and so does a visit saved with listed active joints (JADAS-27 counted from them).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type ApiClient,
  HOME_SITE,
  STUDY,
  startTestServer,
  type TestServer,
} from '../../server/src/test-support.js';
import { liveScoresOf } from '../src/visit/live-scores.js';
import { visitRecordOfJson } from '../src/visit/visit-form.js';

let server: TestServer;
let client: ApiClient;

before(async () => {
  server = await startTestServer();
  await server.addUser('ivan', [['investigator', HOME_SITE]]);
  client = await server.client('ivan');
});
after(() => server?.close());

interface ApiVisit {
  record: Record<string, unknown>;
  scores: Record<string, unknown>;
}

async function visitsOf(subjectId: string): Promise<ApiVisit[]> {
  const got = await client.request('GET', `/api/v1/studies/${STUDY}/subjects/${subjectId}`);
  assert.equal(got.status, 200);
  return got.body.visits;
}

describe('the browser scores visits as the server does', () => {
  test('every demo visit', async () => {
    const list = await client.request('GET', `/api/v1/studies/${STUDY}/subjects`);
    let compared = 0;
    for (const { subjectId } of list.body.subjects as { subjectId: string }[]) {
      const visits = await visitsOf(subjectId);
      const records = visits.map((v) => visitRecordOfJson(v.record));
      for (const [i, visit] of visits.entries()) {
        const browser = liveScoresOf(records[i] as (typeof records)[number], records).scores;
        assert.deepEqual({ ...browser }, visit.scores, `${subjectId} ${visit.record.visitId}`);
        compared++;
      }
    }
    assert.ok(compared >= 20, `compared ${compared} visits`);
  });

  test('a saved visit with listed active joints, against its baseline', async () => {
    const body = {
      subjectId: 'D01',
      visitDate: '2017-06-01',
      ilarCategory: 'polyarticular_rf_negative',
      physicianGlobal: 2.5,
      parentGlobal: 3,
      chaqDi: 0.5,
      activeJoints: 2,
      limitedJoints: 1,
      activeJointCodes: ['knee_l', 'temporomandibular_r'],
      esr: 25,
      crp: 1.2,
      crpUnit: 'mg/dL',
    };
    const saved = await client.request('PUT', `/api/v1/studies/${STUDY}/visits/D01-SCORES`, body);
    assert.equal(saved.status, 201, JSON.stringify(saved.body));
    const visits = await visitsOf('D01');
    const records = visits.map((v) => visitRecordOfJson(v.record));
    const mine = visitRecordOfJson({ visitId: 'D01-SCORES', ...body });
    const browser = liveScoresOf(mine, records).scores;
    assert.deepEqual({ ...browser }, saved.body.scores);
    assert.equal(browser.jadas27, 2.5 + 3 + 1 + 0.5);
    const listed = visits.find((v) => v.record.visitId === 'D01-SCORES');
    assert.deepEqual(listed?.scores, saved.body.scores);
  });
});
