/**
 * Optimistic concurrency under real contention: 32 clients edit one visit at once, each based
 * on the version it loaded. Without retries exactly one wins and the rest get a VERSION_CONFLICT;
 * with retries every edit lands exactly once and none overwrites another (no lost update), as
 * the stored row and the chain of audit events show.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import { verifyAudit } from './audit/verify-audit.js';
import { openTestDatabase, seedStudy, type TestDatabase, testActor } from './test-support.js';
import { loadVisit, saveVisit, type VisitRecord } from './visits.js';

const STUDY = 'CONC';
const CLIENTS = 32;

interface VisitEvent {
  operation: 'insert' | 'update' | 'delete';
  actor: string;
  reason: string | null;
  old_values: Record<string, unknown> | null;
  new_values: Record<string, unknown> | null;
}

let db: TestDatabase;

before(async () => {
  db = await openTestDatabase({ poolSize: CLIENTS + 4 });
  await seedStudy(db.store.pool, STUDY, ['S1'], 'concurrency-test');
});

after(async () => {
  await db?.close();
});

async function newVisit(visitId: string, values: Partial<VisitRecord> = {}): Promise<void> {
  const visit: VisitRecord = {
    visitId,
    subjectId: 'S1',
    visitDate: '2024-03-04',
    ilarCategory: 'polyarticular_rf_negative',
    physicianGlobal: 9.5,
    parentGlobal: 6,
    chaqDi: 1.25,
    activeJoints: 0,
    limitedJoints: 3,
    esr: 30,
    ...values,
  };
  const saved = await saveVisit(db.store.pool, STUDY, visit, null, { actor: testActor('nurse') });
  assert.equal(saved.version, 1);
}

async function visitEvents(visitId: string): Promise<VisitEvent[]> {
  const result = await db.store.pool.query<VisitEvent>(
    `SELECT operation, actor, reason, old_values, new_values FROM audit_event
      WHERE table_name = 'visit' AND record_key = $1 ORDER BY event_id`,
    [`${STUDY}/${visitId}`],
  );
  return result.rows;
}

async function load(visitId: string) {
  const loaded = await loadVisit(db.store.pool, STUDY, visitId);
  assert.ok(loaded, `visit ${visitId} exists`);
  return loaded;
}

/** A distinct physician's global per client: 0, 0.25, ..., 7.75. */
const globalOf = (client: number) => client / 4;

describe('32 clients editing one visit at once', () => {
  it('without retries: exactly one edit wins, every other one is a VERSION_CONFLICT', async () => {
    await newVisit('V1');
    // Every client loads the visit first, so that all edits are based on the same version.
    const loaded = await Promise.all(Array.from({ length: CLIENTS }, () => load('V1')));
    assert.ok(loaded.every((l) => l.version === 1));
    const edits = loaded.map(
      (l, client): VisitRecord => ({
        ...l.visit,
        physicianGlobal: globalOf(client),
        parentGlobal: client % 11,
      }),
    );
    const outcomes = await Promise.allSettled(
      edits.map((edit, client) =>
        saveVisit(db.store.pool, STUDY, edit, 1, {
          actor: testActor(`client-${client}`),
          reason: `correction by client ${client}`,
        }),
      ),
    );

    const winners = outcomes.flatMap((o, client) => (o.status === 'fulfilled' ? [client] : []));
    assert.equal(winners.length, 1, `exactly one edit succeeds (${winners.length} did)`);
    const winner = winners[0] ?? -1;
    const won = outcomes[winner];
    assert.ok(won?.status === 'fulfilled');
    assert.equal(won.value.version, 2);
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') continue;
      assert.ok(
        isJiaError(outcome.reason, 'VERSION_CONFLICT'),
        `a losing edit fails with a VERSION_CONFLICT, not ${String(outcome.reason)}`,
      );
      assert.equal(outcome.reason.details?.expectedVersion, 1);
      assert.equal(outcome.reason.details?.currentVersion, 2);
    }

    const stored = await load('V1');
    assert.equal(stored.version, 2);
    assert.deepEqual(stored.visit, edits[winner], "the stored visit is the winner's edit");

    const events = await visitEvents('V1');
    assert.deepEqual(
      events.map((e) => e.operation),
      ['insert', 'update'],
      'one insert and one update: no trace of the refused edits',
    );
    const update = events[1];
    assert.equal(update?.actor, `client-${winner}`);
    assert.equal(update?.reason, `correction by client ${winner}`);
    assert.equal(update?.old_values?.version, 1);
    assert.equal(update?.new_values?.version, 2);
    assert.equal(update?.new_values?.physician_global, globalOf(winner));

    const audit = await verifyAudit(db.store.pool);
    assert.deepEqual(audit.problems, []);
    assert.ok(audit.ok);
  });

  it('with retries: every edit lands exactly once and no update is lost', async () => {
    await newVisit('V2', { activeJoints: 0 });
    const start = await load('V2');
    assert.equal(start.version, 1);
    const attempts = new Array<number>(CLIENTS).fill(0);
    const successes = new Array<number>(CLIENTS).fill(0);

    // Each client sets its own physician's global and adds one active joint (a read-modify-write
    // that a lost update would show as a count below CLIENTS), retrying on conflict.
    const client = async (id: number) => {
      for (;;) {
        const current = await load('V2');
        attempts[id] = (attempts[id] ?? 0) + 1;
        try {
          await saveVisit(
            db.store.pool,
            STUDY,
            {
              ...current.visit,
              physicianGlobal: globalOf(id),
              activeJoints: (current.visit.activeJoints ?? 0) + 1,
            },
            current.version,
            { actor: testActor(`client-${id}`), reason: `retrying edit by client ${id}` },
          );
          successes[id] = (successes[id] ?? 0) + 1;
          return;
        } catch (error) {
          if (!isJiaError(error, 'VERSION_CONFLICT')) throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, id) => client(id)));

    assert.deepEqual(successes, new Array<number>(CLIENTS).fill(1), 'each client succeeded once');
    const conflicts = attempts.reduce((sum, n) => sum + n, 0) - CLIENTS;
    assert.ok(conflicts > 0, 'the clients really did contend');

    const stored = await load('V2');
    assert.equal(stored.version, 1 + CLIENTS, 'final version = 1 + the successful edits');
    assert.equal(stored.visit.activeJoints, CLIENTS, 'every increment is there');

    const events = await visitEvents('V2');
    const updates = events.filter((e) => e.operation === 'update');
    assert.equal(events[0]?.operation, 'insert');
    assert.equal(events.length, 1 + CLIENTS);
    assert.equal(updates.length, CLIENTS, 'one update event per successful edit');
    // The updates form a single chain: each starts from the state the previous one left.
    let version = 1;
    let joints = 0;
    const actors = new Set<string>();
    for (const [i, update] of updates.entries()) {
      assert.equal(update.old_values?.version, version, `update ${i + 1} is based on the last`);
      assert.equal(update.old_values?.active_joints, joints);
      assert.equal(update.new_values?.version, version + 1);
      assert.equal(update.new_values?.active_joints, joints + 1);
      const id = Number(update.actor.replace('client-', ''));
      assert.equal(update.new_values?.physician_global, globalOf(id), 'the value its actor set');
      actors.add(update.actor);
      version += 1;
      joints += 1;
    }
    assert.equal(actors.size, CLIENTS, 'every client appears exactly once in the trail');
    assert.equal(updates.at(-1)?.new_values?.version, stored.version);

    const audit = await verifyAudit(db.store.pool);
    assert.deepEqual(audit.problems, []);
    assert.ok(audit.ok);
  });
});
