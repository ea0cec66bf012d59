import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  MISSING_CODES,
  missingFieldKey,
  recordType,
  VISIT_FIELDS_ACCEPTING_MISSING_CODES,
} from '@jia-trial/dictionary';
import { isJiaError } from '@jia-trial/errors';
import {
  changeAs,
  openTestDatabase,
  seedStudy,
  type TestDatabase,
  testActor,
} from './test-support.js';
import { loadVisit, saveVisit, type VisitRecord } from './visits.js';

let db: TestDatabase;
const nurse = { actor: testActor('nurse.anna') };

before(async () => {
  db = await openTestDatabase();
  await seedStudy(db.store.pool, 'S', ['P1', 'P2']);
});
after(() => db.close());

const baseline: VisitRecord = {
  visitId: 'V0',
  subjectId: 'P1',
  visitDate: '2019-01-07',
  physicianGlobal: 6,
  parentGlobal: 5,
  chaqDi: 1.5,
  activeJoints: 10,
  limitedJoints: 8,
  esr: 40,
};

/** The visit's field keys that accept a missing-data code. */
const CODED = VISIT_FIELDS_ACCEPTING_MISSING_CODES.map(
  (name) => recordType('visit').fields.find((f) => f.name === name)?.key as string,
);
/** Every missing-data code empty (as a stored visit without codes reads). */
const NO_CODES = Object.fromEntries(CODED.map((key) => [missingFieldKey(key), null]));

/** A visit with every field set, and a second one with every field different. */
const first: VisitRecord = {
  visitId: 'V1',
  subjectId: 'P1',
  visitDate: '2019-03-04',
  baselineVisitId: 'V0',
  ilarCategory: 'systemic',
  physicianGlobal: 3,
  parentGlobal: 4,
  chaqDi: 1,
  activeJoints: 1,
  limitedJoints: 7,
  activeJointCodes: 'knee_l',
  esr: 60,
  crp: 12.5,
  morningStiffnessMinutes: 30,
  systemicFeatures: true,
  activeUveitis: false,
  fever: true,
  ferritin: 900,
  platelets: 150,
  ast: 60,
  triglycerides: 200,
  fibrinogen: 250,
  ldh: 1200,
  cnsInvolvement: false,
  haemorrhagicManifestations: true,
  crpUnit: null,
  ferritinUnit: null,
  plateletsUnit: null,
  astUnit: null,
  triglyceridesUnit: null,
  fibrinogenUnit: null,
  ...NO_CODES,
};
const edited: VisitRecord = {
  visitId: 'V1',
  subjectId: 'P1',
  visitDate: '2019-03-05',
  baselineVisitId: null,
  ilarCategory: 'polyarticular_rf_negative',
  physicianGlobal: 2.5,
  parentGlobal: 3.5,
  chaqDi: 0.875,
  activeJoints: 2,
  limitedJoints: 6,
  activeJointCodes: 'knee_l;knee_r',
  esr: 55,
  crp: 11,
  morningStiffnessMinutes: 20,
  systemicFeatures: false,
  activeUveitis: true,
  fever: false,
  ferritin: 800,
  platelets: 160,
  ast: 0.8,
  triglycerides: 2.1,
  fibrinogen: 2.4,
  ldh: 350.5,
  cnsInvolvement: true,
  haemorrhagicManifestations: false,
  crpUnit: 'mg/dL',
  ferritinUnit: 'ug/L',
  plateletsUnit: '10^3/uL',
  astUnit: 'ukat/L',
  triglyceridesUnit: 'mmol/L',
  fibrinogenUnit: 'g/L',
  ...NO_CODES,
};

test('a new visit is scored against its baseline and stored with version 1', async () => {
  await saveVisit(db.store.pool, 'S', baseline, null, nurse);
  const saved = await saveVisit(db.store.pool, 'S', first, null, nurse);
  assert.equal(saved.version, 1);
  assert.equal(saved.scores.acrPedi, 30, 'JIA-ACR against V0');
  const loaded = await loadVisit(db.store.pool, 'S', 'V1');
  assert.deepEqual(loaded, { visit: first, version: 1 });
});

test('an edit stores every field (none is left out of the update) and bumps the version', async () => {
  await assert.rejects(
    saveVisit(db.store.pool, 'S', edited, 1, nurse),
    (error) => isJiaError(error, 'REASON_REQUIRED'),
    'an edit needs a reason',
  );
  const saved = await saveVisit(db.store.pool, 'S', edited, 1, { ...nurse, reason: 'SDV' });
  assert.equal(saved.version, 2);
  const loaded = await loadVisit(db.store.pool, 'S', 'V1');
  assert.deepEqual(loaded, { visit: edited, version: 2 });
});

test('the visit fields are exactly the visit table columns', async () => {
  const columns = await db.store.pool.query<{ column_name: string }>(
    "SELECT column_name FROM information_schema.columns WHERE table_name = 'visit' AND is_generated = 'NEVER' ORDER BY ordinal_position",
  );
  const stored = new Set(columns.rows.map((r) => r.column_name));
  for (const internal of ['row_id', 'study_id', 'visit_id', 'version']) stored.delete(internal);
  const loaded = await loadVisit(db.store.pool, 'S', 'V1');
  assert.equal(Object.keys(loaded?.visit ?? {}).length - 1, stored.size, 'one field per column');
});

test('refusals change nothing: a stale edit, an existing new visit, a missing baseline, bad values', async () => {
  const before = await db.store.pool.query('SELECT count(*)::int AS n FROM audit_event');
  await assert.rejects(
    saveVisit(db.store.pool, 'S', edited, 1, { ...nurse, reason: 'x' }),
    (error) => {
      assert.ok(isJiaError(error, 'VERSION_CONFLICT'));
      assert.equal(error.details?.currentVersion, 2);
      return true;
    },
  );
  await assert.rejects(
    saveVisit(db.store.pool, 'S', first, null, nurse),
    /already exists \(version 2\)/,
  );
  await assert.rejects(
    saveVisit(
      db.store.pool,
      'S',
      { ...first, visitId: 'V9', baselineVisitId: 'nope' },
      null,
      nurse,
    ),
    (error) => isJiaError(error, 'NOT_FOUND'),
  );
  await assert.rejects(
    saveVisit(
      db.store.pool,
      'S',
      { ...first, visitId: 'V8', baselineVisitId: 'V0', subjectId: 'P2' },
      null,
      nurse,
    ),
    (error) => isJiaError(error, 'NOT_FOUND'),
    "another subject's visit is not a baseline",
  );
  await assert.rejects(
    saveVisit(db.store.pool, 'S', { ...first, visitId: 'V7', esr: -1 }, null, nurse),
    (error) => isJiaError(error, 'VALIDATION_FAILED'),
  );
  const after = await db.store.pool.query('SELECT count(*)::int AS n FROM audit_event');
  assert.equal(after.rows[0].n, before.rows[0].n);
  const visits = await db.store.pool.query(
    "SELECT visit_id FROM visit WHERE study_id = 'S' ORDER BY 1",
  );
  assert.deepEqual(
    visits.rows.map((r) => r.visit_id),
    ['V0', 'V1'],
  );
});

test('a save at some sites refuses a subject or a stored visit elsewhere as one that is not there', async () => {
  await seedStudy(db.store.pool, 'T', ['Q1', 'Q2']);
  await changeAs(db.store.pool, 'test-setup', 'a second site', async (client) => {
    await client.query("INSERT INTO site (study_id, site_code) VALUES ('T', 'B')");
    await client.query(
      "UPDATE subject SET site_code = 'B' WHERE study_id = 'T' AND subject_id = 'Q2'",
    );
  });
  const atA = { ...nurse, sites: ['A'] };
  const visit = { ...baseline, visitId: 'W1', subjectId: 'Q1' };
  const saved = await saveVisit(db.store.pool, 'T', visit, null, atA);
  assert.equal(saved.version, 1);
  const refused = (error: unknown) =>
    isJiaError(error, 'NOT_FOUND') && /study T has no subject/.test(error.message);
  await assert.rejects(
    saveVisit(db.store.pool, 'T', { ...visit, visitId: 'W2', subjectId: 'Q2' }, null, atA),
    refused,
    'a subject at another site',
  );
  await assert.rejects(
    saveVisit(db.store.pool, 'T', { ...visit, visitId: 'W2', subjectId: 'Q9' }, null, nurse),
    refused,
    'no such subject, for a caller at every site',
  );
  // Moved to a subject at site B, the visit is out of reach at A: not even a stale version shows.
  await saveVisit(db.store.pool, 'T', { ...visit, subjectId: 'Q2' }, 1, {
    ...nurse,
    reason: 'wrong subject',
  });
  await assert.rejects(
    saveVisit(db.store.pool, 'T', visit, 1, { ...atA, reason: 'back' }),
    refused,
    'a stored visit of a subject at another site',
  );
  await assert.rejects(
    saveVisit(db.store.pool, 'T', visit, null, { ...atA, sites: [] }),
    refused,
    'no site at all',
  );
  await assert.rejects(
    saveVisit(db.store.pool, 'T', visit, 1, { ...nurse, sites: ['A', 'B'], reason: 'back' }),
    (error) => isJiaError(error, 'VERSION_CONFLICT'),
    'at both sites, the stale version is a conflict',
  );
});

test('an edit stores every missing-data code in place of its value (each code in turn)', async () => {
  const before = (await loadVisit(db.store.pool, 'S', 'V1'))?.version as number;
  const stored = (await loadVisit(db.store.pool, 'S', 'V1'))?.visit as VisitRecord;
  const coded: VisitRecord = {
    ...stored,
    ...Object.fromEntries(CODED.map((key) => [key, null])),
    ...Object.fromEntries(
      CODED.map((key, i) => [missingFieldKey(key), MISSING_CODES[i % MISSING_CODES.length]]),
    ),
    activeJointCodes: null,
  };
  const saved = await saveVisit(db.store.pool, 'S', coded, before, {
    ...nurse,
    reason: 'not done',
  });
  assert.equal(saved.version, before + 1);
  assert.equal(saved.scores.jadas10, null, 'a code is no value: the scores see it missing');
  assert.deepEqual(await loadVisit(db.store.pool, 'S', 'V1'), {
    visit: coded,
    version: before + 1,
  });
  // Back to the values: the codes are cleared, and the audit trail holds both versions.
  await saveVisit(db.store.pool, 'S', stored, before + 1, { ...nurse, reason: 'found them' });
  assert.deepEqual(await loadVisit(db.store.pool, 'S', 'V1'), {
    visit: stored,
    version: before + 2,
  });
  const audited = await db.store.pool.query<{ old: { esr_missing: string | null } }>(
    `SELECT old_values AS old FROM audit_event WHERE table_name = 'visit' AND record_key LIKE '%V1%'
      ORDER BY event_id DESC LIMIT 1`,
  );
  assert.equal(audited.rows[0]?.old.esr_missing, coded.esrMissing);
});

test('a code beside a value, or a code not of the list, is refused by saveVisit and by the database', async () => {
  for (const [change, path] of [
    [{ esrMissing: 'ND' }, 'esrMissing'],
    [{ esr: null, esrMissing: 'not done' }, 'esrMissing'],
  ] as const)
    await assert.rejects(
      saveVisit(db.store.pool, 'S', { ...edited, ...change } as VisitRecord, 1, {
        ...nurse,
        reason: 'x',
      }),
      (error) => {
        assert.ok(isJiaError(error, 'VALIDATION_FAILED'));
        assert.equal(error.issues[0]?.path, path);
        return true;
      },
    );
  for (const sql of [
    "UPDATE visit SET esr_missing = 'ND' WHERE visit_id = 'V1'",
    "UPDATE visit SET esr = NULL, esr_missing = 'XX' WHERE visit_id = 'V1'",
  ])
    await assert.rejects(db.store.pool.query(sql), /violates check constraint/);
});
