/**
 * The data-quality page's pure rules, without a browser (src/components/quality/quality-data.ts):
 * grouping by site and subject in the server's order, the page a record and its query live on,
 * the values in words, the filter as the list's query.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  bySiteAndSubject,
  type Discrepancy,
  listQuery,
  NO_FILTER,
  observedText,
  pageCount,
  recordHref,
  recordText,
  valueText,
} from '../src/components/quality/quality-data.js';
import { fieldLabel } from '../src/components/review/record-keys.js';

const found = (over: Partial<Discrepancy>): Discrepancy => ({
  studyId: 'demo',
  discrepancyId: 'DQ-1',
  ruleId: 'core_set_recorded',
  kind: 'expected',
  table: 'visit',
  recordKey: 'demo/D01-W8',
  field: 'esr',
  occasion: '',
  subjectId: 'D01',
  siteCode: 'UMCU',
  message: 'ESR is not recorded',
  observed: { esr: null },
  status: 'open',
  ruleSetVersion: 0,
  foundAt: '2017-12-31T10:00:00Z',
  resolvedAt: null,
  exclusion: null,
  query: null,
  version: 1,
  ...over,
});

describe('data-quality page', () => {
  test('grouped by site, then subject, in the order the server sent', () => {
    const groups = bySiteAndSubject([
      found({ discrepancyId: 'DQ-3', siteCode: 'OTHER', subjectId: 'X-01' }),
      found({ discrepancyId: 'DQ-1' }),
      found({ discrepancyId: 'DQ-2' }),
      found({ discrepancyId: 'DQ-4', subjectId: 'D02' }),
    ]);
    assert.deepEqual(
      groups.map((s) => [
        s.site,
        s.subjects.map((p) => [p.subjectId, p.discrepancies.map((d) => d.discrepancyId)]),
      ]),
      [
        ['OTHER', [['X-01', ['DQ-3']]]],
        [
          'UMCU',
          [
            ['D01', ['DQ-1', 'DQ-2']],
            ['D02', ['DQ-4']],
          ],
        ],
      ],
    );
    assert.deepEqual(bySiteAndSubject([]), []);
  });

  test("a visit's parts lead to the visit's page; other records to the subject's page", () => {
    assert.equal(recordHref('demo', found({})), '#/studies/demo/subjects/D01/visits/D01-W8');
    assert.equal(
      recordHref('demo', found({ table: 'joint_finding', recordKey: 'demo/D01-W8/knee_l' })),
      '#/studies/demo/subjects/D01/visits/D01-W8',
    );
    assert.equal(
      recordHref('demo', found({ table: 'adverse_event', recordKey: 'demo/AE-014' })),
      '#/studies/demo/subjects/D01',
    );
    assert.equal(
      recordHref('demo', found({ table: 'infusion', recordKey: 'demo/D01/2015-06-08' })),
      '#/studies/demo/subjects/D01',
    );
  });

  test('the record, field and values in words', () => {
    assert.match(recordText(found({})), /^Visit D01-W8, field Erythrocyte sedimentation rate/);
    assert.equal(recordText(found({ field: null })), 'Visit D01-W8');
    assert.deepEqual([null, '', true, false, 0, 12.5, 'x'].map(valueText), [
      'empty',
      'empty',
      'yes',
      'no',
      '0',
      '12.5',
      'x',
    ]);
    assert.deepEqual(observedText('visit', { active_joints: 3, active_by_findings: 1 }), [
      // A field of the record by the dictionary's label; a derived count as words.
      { name: fieldLabel('visit', 'active_joints'), value: '3' },
      { name: 'active by findings', value: '1' },
    ]);
  });

  test('only the filters set go to the server; pages counted from one', () => {
    assert.deepEqual(listQuery(NO_FILTER), { page: 1, pageSize: 50 });
    assert.deepEqual(listQuery({ ...NO_FILTER, site: 'UMCU', status: 'open', page: 2 }), {
      site: 'UMCU',
      status: 'open',
      page: 2,
      pageSize: 50,
    });
    assert.equal(pageCount(0, 50), 1);
    assert.equal(pageCount(50, 50), 1);
    assert.equal(pageCount(51, 50), 2);
  });
});
