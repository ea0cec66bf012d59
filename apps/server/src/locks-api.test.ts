/**
 * Locks through the real server (docs/api.md, "Locks"): a data manager locks and releases; every
 * record write route of the API answers 423 RECORD_LOCKED naming the lock while it is in force,
 * and is accepted once it is released; a freeze still takes a query and a signature, a lock
 * does not; signing may freeze what it signs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type ApiClient,
  HOME_SUBJECT,
  OTHER_SUBJECT,
  PASSWORD,
  STUDY,
  startTestServer,
  type TestServer,
} from './test-support.js';

let server: TestServer;
let dora: ApiClient;
let ivy: ApiClient;
const base = `/api/v1/studies/${STUDY}`;

before(async () => {
  server = await startTestServer();
  await server.addUser('dora', [['data_manager', null]]);
  await server.addUser('ivy', [['investigator', null]]);
  await server.addUser('nora', [['nurse', 'UMCU']]);
  dora = await server.client('dora');
  ivy = await server.client('ivy');
});
after(() => server?.close());

// biome-ignore lint/suspicious/noExplicitAny: a test reads whatever JSON came back
type Body = any;

async function placeLock(scope: string, key: string, kind: string, reason = 'interim analysis') {
  const placed = await dora.request('POST', `${base}/locks`, { scope, key, kind, reason });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  return placed.body as Body;
}
async function releaseLock(lockId: string) {
  const released = await dora.request('DELETE', `${base}/locks/${lockId}`, {
    reason: 'correction agreed',
  });
  assert.equal(released.status, 200, JSON.stringify(released.body));
  return released.body as Body;
}

/** 423 RECORD_LOCKED naming the lock: id, scope, key, who, when, why. */
function assertLocked(response: { status: number; body: Body }, lock: Body, what: string) {
  assert.equal(response.status, 423, `${what}: ${JSON.stringify(response.body)}`);
  const error = response.body.error;
  assert.equal(error.code, 'RECORD_LOCKED', what);
  const named = error.details.lock;
  assert.equal(named.lockId, lock.lockId, what);
  assert.equal(named.scope, lock.scope, what);
  assert.equal(named.key, lock.key, what);
  assert.equal(named.reason, lock.reason, what);
  assert.deepEqual(named.locked, lock.locked, what);
  assert.doesNotMatch(JSON.stringify(response.body), /SELECT |INSERT |node_modules/);
}

interface Write {
  readonly what: string;
  readonly method: string;
  readonly path: string;
  readonly body: Body;
  readonly headers?: Record<string, string>;
}

/** Every record write route of the API, on subject D01 (new records: creations). */
function creations(): Write[] {
  const visit = `${base}/visits/D01-W8`;
  return [
    {
      what: 'a new visit',
      method: 'PUT',
      path: `${base}/visits/D01-LOCK`,
      body: { subjectId: HOME_SUBJECT, visitDate: '2017-06-01', physicianGlobal: 1 },
    },
    {
      what: 'a joint finding',
      method: 'POST',
      path: `${visit}/joints`,
      body: { jointCode: 'elbow_l', swollen: true, tender: false, limited: false },
    },
    {
      what: 'a CHAQ answer',
      method: 'POST',
      path: `${visit}/chaq`,
      body: { item: 'dressing_1', score: 1, aidOrHelp: false },
    },
    {
      what: 'a JADI item',
      method: 'POST',
      path: `${visit}/damage`,
      body: { item: 'jadi_a_knee_l', score: 1 },
    },
    {
      what: 'a medication',
      method: 'POST',
      path: `${base}/medications`,
      body: {
        subjectId: HOME_SUBJECT,
        drug: 'lock-test',
        drugClass: 'nsaid',
        startDate: '2016-01-01',
      },
    },
    {
      what: 'an infusion',
      method: 'POST',
      path: `${base}/infusions`,
      body: {
        subjectId: HOME_SUBJECT,
        infusionDate: '2017-11-20',
        weightKg: 30,
        cellsPerKg: 2e6,
        totalCells: 6e7,
        productLot: 'L1',
        infusionReaction: false,
      },
    },
    {
      what: 'an adverse event',
      method: 'POST',
      path: `${base}/adverse-events`,
      body: {
        subjectId: HOME_SUBJECT,
        aeId: 'AE-LOCK',
        term: 'Headache',
        onsetDate: '2016-02-02',
        grade: 1,
        serious: false,
        related: 'unlikely',
        outcome: 'recovered',
      },
    },
    {
      what: 'an eligibility answer',
      method: 'POST',
      path: `${base}/eligibility`,
      body: {
        subjectId: HOME_SUBJECT,
        criterionId: 'lock_test',
        value: true,
        assessedDate: '2015-05-01',
      },
    },
  ];
}

/** What the creations stored, by `what`: each `{record, version, rowId}`. */
const created = new Map<string, Body>();

/** Corrections of the records `creations` made, and of the subject, each with its version. */
async function corrections(): Promise<Write[]> {
  const subject = (await ivy.request('GET', `${base}/subjects/${HOME_SUBJECT}`)).body as Body;
  const clean = (record: Body, drop: string[]) =>
    Object.fromEntries(Object.entries(record).filter(([k, v]) => v !== null && !drop.includes(k)));
  const write = (what: string, path: string, stored: Body, body: Body): Write => ({
    what,
    method: 'PUT',
    path,
    body: { ...body, reason: 'corrected under test' },
    headers: { 'if-match': String(stored.version) },
  });
  const of = (what: string) => {
    const stored = created.get(what);
    assert.ok(stored, `${what} was created`);
    return stored;
  };
  const visit = of('a new visit');
  const medication = of('a medication');
  const infusion = of('an infusion');
  const ae = of('an adverse event');
  return [
    write('the visit corrected', `${base}/visits/D01-LOCK`, visit, {
      ...clean(visit.visit ?? visit.record, ['visitId']),
      physicianGlobal: 2,
    }),
    write(
      'the joint finding corrected',
      `${base}/visits/D01-W8/joints/elbow_l`,
      of('a joint finding'),
      {
        swollen: false,
        tender: true,
        limited: false,
      },
    ),
    write(
      'the CHAQ answer corrected',
      `${base}/visits/D01-W8/chaq/dressing_1`,
      of('a CHAQ answer'),
      {
        score: 2,
        aidOrHelp: false,
      },
    ),
    write(
      'the JADI item corrected',
      `${base}/visits/D01-W8/damage/jadi_a_knee_l`,
      of('a JADI item'),
      {
        score: 2,
      },
    ),
    write('the medication corrected', `${base}/medications/${medication.rowId}`, medication, {
      ...clean(medication.record, []),
      drug: 'lock-test-2',
    }),
    write('the infusion corrected', `${base}/infusions/${infusion.rowId}`, infusion, {
      ...clean(infusion.record, []),
      productLot: 'L2',
    }),
    write('the adverse event corrected', `${base}/adverse-events/AE-LOCK`, ae, {
      ...clean(ae.record, ['aeId']),
      grade: 2,
    }),
    write(
      'the eligibility answer corrected',
      `${base}/eligibility/${HOME_SUBJECT}/lock_test`,
      of('an eligibility answer'),
      { value: false, assessedDate: '2015-05-01' },
    ),
    write('the subject corrected', `${base}/subjects/${HOME_SUBJECT}`, subject.subject, {
      ...clean(subject.subject.record, ['subjectId', 'withdrawalDate', 'withdrawalReason']),
      sex: subject.subject.record.sex === 'F' ? 'M' : 'F',
    }),
  ];
}

async function send(client: ApiClient, w: Write) {
  return client.request(w.method, w.path, w.body, w.headers);
}

describe('every record write route, both sides', () => {
  test('creations: 423 while the casebook is locked, nothing stored; accepted once released', async () => {
    const lock = await placeLock('subject', HOME_SUBJECT, 'lock');
    assert.equal(lock.lockId, 'L-1');
    assert.equal(lock.locked.by.name, 'Test dora');
    for (const w of creations()) assertLocked(await send(ivy, w), lock, w.what);
    // Another subject's record is not covered.
    const other = await ivy.request('PUT', `${base}/visits/X-01-V1`, {
      subjectId: OTHER_SUBJECT,
      visitDate: '2017-06-01',
      physicianGlobal: 1,
    });
    assert.equal(other.status, 201, JSON.stringify(other.body));
    await releaseLock(lock.lockId);
    for (const w of creations()) {
      const done = await send(ivy, w);
      assert.ok(
        done.status === 200 || done.status === 201,
        `${w.what}: ${JSON.stringify(done.body)}`,
      );
      created.set(w.what, done.body);
    }
  });

  test('corrections: 423 while a freeze of the casebook is in force; accepted once released', async () => {
    const writes = await corrections();
    const freeze = await placeLock('subject', HOME_SUBJECT, 'freeze', 'database freeze');
    for (const w of writes) assertLocked(await send(ivy, w), freeze, w.what);
    const withdrawal = await ivy.request(
      'POST',
      `${base}/subjects/${HOME_SUBJECT}/withdrawal`,
      { withdrawalDate: '2017-12-01', withdrawalReason: 'moved', reason: 'withdrew' },
      { 'if-match': (writes.at(-1) as Write).headers?.['if-match'] ?? '' },
    );
    assertLocked(withdrawal, freeze, 'the withdrawal');
    await releaseLock(freeze.lockId);
    for (const w of writes) {
      const done = await send(ivy, w);
      assert.equal(done.status, 200, `${w.what}: ${JSON.stringify(done.body)}`);
    }
  });
});

describe('freeze and lock: the review', () => {
  test('a frozen visit takes a query and a signature; a locked one neither; released, both', async () => {
    const query = { table: 'visit', recordKey: `${STUDY}/D02-W8`, field: 'esr', question: 'ESR?' };
    const sign = { visitId: 'D02-W8', meaning: 'reviewed', password: PASSWORD };
    const freeze = await placeLock('visit', 'D02-W8', 'freeze');
    assert.equal((await dora.request('POST', `${base}/queries`, query)).status, 201);
    assert.equal((await ivy.request('POST', `${base}/subjects/D02/signatures`, sign)).status, 201);
    await releaseLock(freeze.lockId);
    const lock = await placeLock('visit', 'D02-W8', 'lock');
    assertLocked(await dora.request('POST', `${base}/queries`, query), lock, 'a query');
    assertLocked(
      await ivy.request('POST', `${base}/subjects/D02/signatures`, sign),
      lock,
      'a signature',
    );
    // The visit's neighbour is not covered.
    const neighbour = { ...query, recordKey: `${STUDY}/D02-BL` };
    assert.equal((await dora.request('POST', `${base}/queries`, neighbour)).status, 201);
    await releaseLock(lock.lockId);
    assert.equal((await dora.request('POST', `${base}/queries`, query)).status, 201);
    assert.equal((await ivy.request('POST', `${base}/subjects/D02/signatures`, sign)).status, 201);
  });

  test('the study locked: a visit of any subject refused; released, accepted', async () => {
    const lock = await placeLock('study', STUDY, 'lock');
    const visit = { subjectId: 'D03', visitDate: '2017-06-01', physicianGlobal: 1 };
    assertLocked(await ivy.request('PUT', `${base}/visits/D03-LOCK`, visit), lock, 'a visit');
    await releaseLock(lock.lockId);
    assert.equal((await ivy.request('PUT', `${base}/visits/D03-LOCK`, visit)).status, 201);
  });
});

describe('signing may lock', () => {
  test('a signature with freeze freezes the visit; a nurse cannot change it until a data manager releases it', async () => {
    const signed = await ivy.request('POST', `${base}/subjects/D03/signatures`, {
      visitId: 'D03-W8',
      meaning: 'approved',
      password: PASSWORD,
      freeze: true,
    });
    assert.equal(signed.status, 201, JSON.stringify(signed.body));
    const freeze = signed.body.lock;
    assert.equal(freeze.kind, 'freeze');
    assert.equal(freeze.scope, 'visit');
    assert.equal(freeze.key, 'D03-W8');
    assert.equal(freeze.signatureId, signed.body.signatureId);
    const nora = await server.client('nora');
    const joint = { jointCode: 'wrist_l', swollen: true, tender: false, limited: false };
    assertLocked(
      await nora.request('POST', `${base}/visits/D03-W8/joints`, joint),
      freeze,
      'a joint of the signed visit',
    );
    // The signer may freeze; only lock.manage releases.
    const byIvy = await ivy.request('DELETE', `${base}/locks/${freeze.lockId}`, { reason: 'x' });
    assert.equal(byIvy.status, 403);
    await releaseLock(freeze.lockId);
    assert.equal((await nora.request('POST', `${base}/visits/D03-W8/joints`, joint)).status, 201);
  });
});

describe('the lock routes', () => {
  test('list: newest first, in force or released, over a subject; each with who, when, why', async () => {
    const lock = await placeLock('visit', 'D04-W8', 'freeze');
    const inForce = await ivy.request('GET', `${base}/locks?inForce=true`);
    assert.deepEqual(
      inForce.body.locks.map((l: Body) => l.lockId),
      [lock.lockId],
    );
    const all = await ivy.request('GET', `${base}/locks`);
    assert.equal(all.body.locks[0].lockId, lock.lockId);
    const released = all.body.locks.find((l: Body) => l.lockId === 'L-1');
    assert.equal(released.inForce, false);
    assert.equal(released.released.reason, 'correction agreed');
    assert.equal(released.released.by.name, 'Test dora');
    const d04 = await ivy.request('GET', `${base}/locks?subjectId=D04&inForce=true`);
    assert.equal(d04.body.locks.length, 1);
    const d05 = await ivy.request('GET', `${base}/locks?subjectId=D05&inForce=true`);
    assert.equal(d05.body.locks.length, 0);
    await releaseLock(lock.lockId);
  });

  test('refusals: no reason, an unknown key, a second lock in force, a second release, a nurse', async () => {
    const noReason = await dora.request('POST', `${base}/locks`, { scope: 'visit', key: 'D05-W8' });
    assert.equal(noReason.status, 422);
    const unknown = await dora.request('POST', `${base}/locks`, {
      scope: 'visit',
      key: 'NOPE',
      reason: 'x',
    });
    assert.equal(unknown.status, 404);
    const lock = await placeLock('visit', 'D05-W8', 'lock');
    assertLocked(
      await dora.request('POST', `${base}/locks`, { scope: 'visit', key: 'D05-W8', reason: 'y' }),
      lock,
      'a second lock',
    );
    const releaseWithout = await dora.request('DELETE', `${base}/locks/${lock.lockId}`, {});
    assert.equal(releaseWithout.status, 422);
    await releaseLock(lock.lockId);
    const twice = await dora.request('DELETE', `${base}/locks/${lock.lockId}`, { reason: 'z' });
    assert.equal(twice.status, 409);
    assert.equal(twice.body.error.code, 'INVALID_TRANSITION');
    const nora = await server.client('nora');
    const byNurse = await nora.request('POST', `${base}/locks`, {
      scope: 'visit',
      key: 'D05-W8',
      reason: 'x',
    });
    assert.equal(byNurse.status, 403);
  });

  test("a lock and its release are in the lock's audit trail, with the reasons", async () => {
    const history = await dora.request('GET', `${base}/audit?table=record_lock&key=${STUDY}/L-1`);
    assert.equal(history.status, 200, JSON.stringify(history.body));
    assert.deepEqual(
      history.body.events.map((e: Body) => [e.operation, e.reason]),
      [
        ['insert', 'interim analysis'],
        ['update', 'correction agreed'],
      ],
    );
  });
});
