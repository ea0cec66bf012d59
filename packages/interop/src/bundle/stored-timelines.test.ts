/**
 * A bundle and the study imported from it give the same subject timelines: bundleTimelines
 * (read from the files) and the store's loadStudyTimelines (read from the database) must agree
 * field for field, so that `status` and `report` say the same of a bundle and of its stored
 * study. Order of entry is not part of a timeline (the engine orders by date): both are compared
 * in one canonical order.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { SubjectTimeline } from '@jia-trial/protocol';
import {
  importBundle,
  loadStudyTimelines,
  loadSubjectTimeline,
  withTransaction,
} from '@jia-trial/store';
import { openTestDatabase, type TestDatabase, testActor } from '@jia-trial/store/test-support';
import { scratchDir } from '../test-support.js';
import { bundleTimelines } from './bundle-timelines.js';
import { readBundle } from './read-bundle.js';

const EXAMPLES = join(import.meta.dirname, '../../../../examples');

let db: TestDatabase;
before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());

const by =
  <T>(...keys: Array<(item: T) => string>) =>
  (a: T, b: T) => {
    for (const key of keys) {
      const x = key(a);
      const y = key(b);
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };

function canonical(timelines: readonly SubjectTimeline[]): SubjectTimeline[] {
  return [...timelines].sort(by((t) => t.subjectId)).map((t) => ({
    ...t,
    visits: [...t.visits].sort(
      by(
        (v) => v.date,
        (v) => v.visitId,
      ),
    ),
    medications: [...t.medications].sort(
      by(
        (m) => m.drug,
        (m) => m.startDate,
      ),
    ),
    infusions: [...t.infusions].sort(by((i) => i.date)),
    adverseEvents: [...t.adverseEvents].sort(by((ae) => ae.aeId)),
  }));
}

async function compare(dir: string, studyId: string): Promise<void> {
  const reading = readBundle(dir, 100);
  assert.equal(reading.problems.total, 0, JSON.stringify(reading.problems.problems));
  await withTransaction(db.store.pool, testActor('import'), undefined, (tx) =>
    importBundle(tx, studyId, reading.files),
  );
  const fromBundle = bundleTimelines(reading);
  const fromStore = await loadStudyTimelines(db.store, studyId);
  assert.equal(fromStore.length, fromBundle.length);
  assert.deepEqual(canonical(fromStore), canonical(fromBundle));
  // One subject read alone is that subject's timeline of the whole study.
  for (const timeline of fromStore) {
    const alone = await loadSubjectTimeline(db.store, studyId, timeline.subjectId);
    assert.ok(alone, timeline.subjectId);
    assert.deepEqual(canonical([alone]), canonical([timeline]));
  }
  assert.equal(await loadSubjectTimeline(db.store, studyId, 'no-such-subject'), null);
}

test('the pilot bundle and its imported study: the same timelines', async () => {
  await compare(join(EXAMPLES, 'msc-pilot'), 'pilot');
});

test('the demo bundle and its imported study: the same timelines', async () => {
  await compare(join(EXAMPLES, 'msc-jia-demo'), 'demo');
});

test('laboratory values entered in other units, joint codes and defaults: the same timelines', async () => {
  const dir = join(scratchDir(), 'units');
  cpSync(join(EXAMPLES, 'msc-pilot'), dir, { recursive: true });
  const lines = readFileSync(join(dir, 'visits.csv'), 'utf8').trimEnd().split('\n');
  const header = (lines[0] ?? '').split(',');
  const column = (name: string) => header.indexOf(name);
  // Every second visit's CRP in mg/dL, triglycerides in mmol/L and fibrinogen in g/L.
  const rows = lines.slice(1).map((line, i) => {
    const cells = line.split(',');
    const units = ['', '', ''];
    if (i % 2 === 1) {
      const convert = (name: string, factor: number, slot: number, unit: string) => {
        const value = cells[column(name)];
        if (value) {
          cells[column(name)] = String(Number(value) / factor);
          units[slot] = unit;
        }
      };
      convert('crp', 10, 0, 'mg/dL');
      convert('triglycerides', 88.57, 1, 'mmol/L');
      convert('fibrinogen', 100, 2, 'g/L');
    }
    if (i === 0)
      cells[column('active_joint_codes')] =
        'knee_l;knee_r;wrist_l;ankle_l;elbow_r;hip_l;shoulder_r;mcp2_l;pip3_r;mtp1_l';
    return [...cells, ...units].join(',');
  });
  writeFileSync(
    join(dir, 'visits.csv'),
    `${[...header, 'crp_unit', 'triglycerides_unit', 'fibrinogen_unit'].join(',')}\n${rows.join('\n')}\n`,
  );
  // An AE without awareness_date: known from its onset in both.
  writeFileSync(
    join(dir, 'adverse_events.csv'),
    'subject_id,ae_id,term,onset_date,grade,serious,related,outcome\nP01,AE-9,Pyrexia,2019-03-01,1,false,unlikely,recovered\n',
  );
  await compare(dir, 'units');
});
