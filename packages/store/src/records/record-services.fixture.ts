/**
 * What every record service must do, as one suite each service's test file runs on its own
 * record type: create; refuse a second record with the same natural key; correct with a reason;
 * refuse a stale correction and one without a reason, changing nothing; refuse invalid values
 * with every invalid field's path; refuse a record outside the caller's sites as a missing one;
 * and name the actor's id in the audit trail.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type RecordTypeId, recordType } from '@jia-trial/dictionary';
import { isJiaError } from '@jia-trial/errors';
import { seedStudy, type TestDatabase, testActor } from '../test-support.js';
import { type Transaction, withTransaction } from '../transaction.js';
import type { StoredRecord } from './record-texts.js';
import type { SiteScope } from './site-scope.js';

export const STUDY = 'S';
/** The nurse's sites: A (subjects P1, P2; visits V1 of P1), not B (subject P3, visit V3). */
export const NURSE_SITES: SiteScope = ['A'];
export const nurse = testActor('nurse.anna');

/** Study S with sites A and B, subjects P1 and P2 at A and P3 at B, visits V1 (P1) and V3 (P3). */
export async function seedTwoSites(db: TestDatabase): Promise<void> {
  await seedStudy(db.store.pool, STUDY, ['P1', 'P2']);
  await withTransaction(db.store, testActor('test-setup'), null, async ({ client }) => {
    await client.query("INSERT INTO site (study_id, site_code) VALUES ($1, 'B')", [STUDY]);
    await client.query(
      `INSERT INTO subject (study_id, subject_id, site_code, sex, birth_date, ilar_category, diagnosis_date, enrolment_date)
       VALUES ($1, 'P3', 'B', 'M', '2011-05', 'psoriatic', '2016-01-01', '2019-01-01')`,
      [STUDY],
    );
    await client.query(
      `INSERT INTO visit (study_id, visit_id, subject_id, visit_date)
       VALUES ($1, 'V1', 'P1', '2019-01-07'), ($1, 'V3', 'P3', '2019-01-08')`,
      [STUDY],
    );
  });
}

/** Runs `work` in a transaction of the nurse with `reason`. */
export function asNurse<T>(
  db: TestDatabase,
  reason: string | null,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  return withTransaction(db.store, nurse, reason, work);
}

export interface ServiceCase<T> {
  readonly type: Exclude<RecordTypeId, 'visit'>;
  readonly db: () => TestDatabase;
  /** A new record, at site A. */
  readonly created: T;
  /** The same record corrected: every field that is not its key differs. */
  readonly corrected: T;
  /** `created` with invalid values, and the paths of the issues they must give. */
  readonly invalid: { readonly values: T; readonly paths: readonly string[] };
  /** `created` moved to site B (its subject or visit at B), which the nurse may not see. */
  readonly elsewhere: T;
  create(tx: Transaction, record: T, sites: SiteScope): Promise<StoredRecord<T>>;
  correct(
    tx: Transaction,
    stored: StoredRecord<T>,
    record: T,
    basedOnVersion: number,
    sites: SiteScope,
  ): Promise<StoredRecord<T>>;
}

/** The record as stored: every field of the record type, null where it has no value. */
export function asStored<T>(type: RecordTypeId, record: T): T {
  const empty = Object.fromEntries(recordType(type).fields.map((f) => [f.key, null]));
  return { ...empty, ...record } as T;
}

const rejectsWith =
  (code: Parameters<typeof isJiaError>[1]) =>
  (error: unknown): boolean => {
    assert.ok(isJiaError(error, code), `expected ${code}, got ${String(error)}`);
    return true;
  };

/** The suite every record service passes (each test continues from the one before). */
export function describeRecordService<T>(c: ServiceCase<T>): void {
  let stored: StoredRecord<T>;
  const row = async (rowId: string) =>
    (
      await c
        .db()
        .store.pool.query(`SELECT to_jsonb(t) AS row FROM ${c.type} t WHERE row_id = $1`, [rowId])
    ).rows[0]?.row;
  const audit = async (rowId: string) =>
    (
      await c
        .db()
        .store.pool.query(
          'SELECT operation, actor_id, actor, reason FROM audit_event WHERE table_name = $1 AND row_id = $2 ORDER BY event_id',
          [c.type, rowId],
        )
    ).rows;

  describe(`${c.type}: the record service`, () => {
    test('creates the record at version 1, its audit event naming the actor by id', async () => {
      stored = await asNurse(c.db(), null, (tx) => c.create(tx, c.created, NURSE_SITES));
      assert.equal(stored.version, 1);
      assert.match(stored.rowId, /^\d+$/);
      assert.deepEqual(stored.record, asStored(c.type, c.created));
      assert.deepEqual(await audit(stored.rowId), [
        { operation: 'insert', actor_id: nurse.id, actor: nurse.name, reason: null },
      ]);
    });

    test('refuses a second record with the same natural key: VERSION_CONFLICT', async () => {
      await assert.rejects(
        asNurse(c.db(), null, (tx) => c.create(tx, c.created, NURSE_SITES)),
        (error) => {
          assert.ok(isJiaError(error, 'VERSION_CONFLICT'));
          assert.equal(error.details?.currentVersion, 1);
          return true;
        },
      );
    });

    test('corrects it with a reason: version 2, audited with the actor and the reason', async () => {
      const before = stored;
      stored = await asNurse(c.db(), 'source data verification', (tx) =>
        c.correct(tx, before, c.corrected, 1, NURSE_SITES),
      );
      assert.equal(stored.version, 2);
      assert.equal(stored.rowId, before.rowId, 'the same record');
      assert.deepEqual(stored.record, asStored(c.type, c.corrected));
      assert.deepEqual((await audit(stored.rowId)).at(-1), {
        operation: 'update',
        actor_id: nurse.id,
        actor: nurse.name,
        reason: 'source data verification',
      });
    });

    test('refuses a stale correction (VERSION_CONFLICT) and one without a reason (REASON_REQUIRED), changing nothing', async () => {
      const unchanged = await row(stored.rowId);
      const events = (await audit(stored.rowId)).length;
      await assert.rejects(
        asNurse(c.db(), 'again', (tx) => c.correct(tx, stored, c.created, 1, NURSE_SITES)),
        (error) => {
          assert.ok(isJiaError(error, 'VERSION_CONFLICT'));
          assert.deepEqual([error.details?.expectedVersion, error.details?.currentVersion], [1, 2]);
          return true;
        },
      );
      await assert.rejects(
        asNurse(c.db(), null, (tx) => c.correct(tx, stored, c.created, 2, NURSE_SITES)),
        rejectsWith('REASON_REQUIRED'),
      );
      assert.deepEqual(await row(stored.rowId), unchanged);
      assert.equal((await audit(stored.rowId)).length, events);
    });

    test('refuses invalid values, naming every invalid field by its key: VALIDATION_FAILED', async () => {
      for (const attempt of [
        (tx: Transaction) => c.create(tx, c.invalid.values, NURSE_SITES),
        (tx: Transaction) => c.correct(tx, stored, c.invalid.values, 2, NURSE_SITES),
      ])
        await assert.rejects(asNurse(c.db(), 'typo', attempt), (error) => {
          assert.ok(isJiaError(error, 'VALIDATION_FAILED'));
          assert.deepEqual(
            error.issues.map((i) => i.path),
            c.invalid.paths,
          );
          return true;
        });
    });

    test('a record outside the caller’s sites is NOT_FOUND, as a missing one', async () => {
      for (const attempt of [
        (tx: Transaction) => c.create(tx, c.elsewhere, NURSE_SITES),
        (tx: Transaction) => c.correct(tx, stored, c.created, 2, ['B']),
        (tx: Transaction) => c.correct(tx, stored, c.elsewhere, 2, NURSE_SITES),
      ])
        await assert.rejects(asNurse(c.db(), 'moved', attempt), rejectsWith('NOT_FOUND'));
    });
  });
}
