import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { VisitEvent } from './odm-events.js';
import { VisitEventIndex } from './visit-event-index.js';

const events = (entries: Array<[string, VisitEvent]>) => new Map(entries);

describe('VisitEventIndex', () => {
  test('gives back each visit’s event: a repeating one keyed by the visit, a fixed one without', () => {
    const index = new VisitEventIndex();
    index.add(
      'P1',
      events([
        ['V1', { oid: 'SE.SCREENING', repeatKey: undefined }],
        ['V2', { oid: 'SE.UNSCHEDULED', repeatKey: 'V2' }],
      ]),
    );
    index.add('P2', events([['V3', { oid: 'SE.SCREENING', repeatKey: undefined }]]));
    assert.equal(index.size, 3);
    assert.deepEqual(index.get('P1', 'V1'), { oid: 'SE.SCREENING', repeatKey: undefined });
    assert.deepEqual(index.get('P1', 'V2'), { oid: 'SE.UNSCHEDULED', repeatKey: 'V2' });
    assert.deepEqual(index.get('P2', 'V3'), { oid: 'SE.SCREENING', repeatKey: undefined });
  });

  test('the same OID repeating and not are two kinds', () => {
    const index = new VisitEventIndex();
    index.add('P1', events([['V1', { oid: 'SE.X', repeatKey: undefined }]]));
    index.add('P2', events([['V2', { oid: 'SE.X', repeatKey: 'V2' }]]));
    assert.deepEqual(index.get('P1', 'V1'), { oid: 'SE.X', repeatKey: undefined });
    assert.deepEqual(index.get('P2', 'V2'), { oid: 'SE.X', repeatKey: 'V2' });
  });

  test('a visit of another subject, or one never indexed (deleted since), has no event', () => {
    const index = new VisitEventIndex();
    index.add('P1', events([['V1', { oid: 'SE.A', repeatKey: undefined }]]));
    index.add('P2', events([['V2', { oid: 'SE.A', repeatKey: undefined }]]));
    assert.equal(index.get('P2', 'V1'), undefined);
    assert.equal(index.get('P1', 'V9'), undefined);
    assert.equal(index.get('P9', 'V1'), undefined);
  });

  test('the subject index and the kind index survive many subjects', () => {
    const index = new VisitEventIndex();
    for (let s = 0; s < 3000; s++)
      index.add(
        `P${s}`,
        events([
          [`P${s}-V1`, { oid: `SE.K${s % 7}`, repeatKey: undefined }],
          [`P${s}-V2`, { oid: 'SE.UNSCHEDULED', repeatKey: `P${s}-V2` }],
        ]),
      );
    assert.deepEqual(index.get('P2999', 'P2999-V1'), { oid: 'SE.K3', repeatKey: undefined });
    assert.deepEqual(index.get('P1234', 'P1234-V2'), {
      oid: 'SE.UNSCHEDULED',
      repeatKey: 'P1234-V2',
    });
  });

  test('refuses a repeat key that is not the visit id, and a visit id given twice', () => {
    const index = new VisitEventIndex();
    assert.throws(
      () => index.add('P1', events([['V1', { oid: 'SE.A', repeatKey: 'V7' }]])),
      /repeat key V7 is not the visit's id/,
    );
    index.add('P1', events([['V2', { oid: 'SE.A', repeatKey: undefined }]]));
    assert.throws(
      () => index.add('P2', events([['V2', { oid: 'SE.A', repeatKey: undefined }]])),
      /visit V2 is indexed twice/,
    );
  });

  test('holds 1,024 kinds of event and refuses the 1,025th', () => {
    const index = new VisitEventIndex();
    for (let k = 0; k < 1024; k++)
      index.add(`P${k}`, events([[`V${k}`, { oid: `SE.K${k}`, repeatKey: undefined }]]));
    assert.deepEqual(index.get('P1023', 'V1023'), { oid: 'SE.K1023', repeatKey: undefined });
    assert.deepEqual(index.get('P0', 'V0'), { oid: 'SE.K0', repeatKey: undefined });
    assert.throws(
      () => index.add('P1024', events([['V1024', { oid: 'SE.K1024', repeatKey: undefined }]])),
      /more than 1024 study event kinds/,
    );
  });
});
