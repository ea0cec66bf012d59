/**
 * Least privilege (docs/store.md, "Roles"): the store's pool connects as the runtime role,
 * which does everything the application does and nothing that would let it rewrite the audit
 * trail or the schema. Every refusal passes through the store as PERMISSION_DENIED.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BundleFileName } from '@jia-trial/dictionary';
import { isJiaError } from '@jia-trial/errors';
import pg from 'pg';
import { sealNow } from './audit/sealer.js';
import { verifyAudit } from './audit/verify-audit.js';
import { backupDatabase, restoreDatabase } from './backup.js';
import { exportBundle } from './bundle/export-bundle.js';
import { importBundle, type StagedFile } from './bundle/import-bundle.js';
import { listMigrations } from './migrate.js';
import {
  grantRuntimePrivileges,
  OWNER_FUNCTIONS,
  OWNER_ONLY_TABLES,
  RUNTIME_APPEND_ONLY_TABLES,
  RUNTIME_FUNCTIONS,
  RUNTIME_READ_ONLY_TABLES,
  RUNTIME_READ_WRITE_TABLES,
  RUNTIME_ROLE,
} from './runtime-role.js';
import { openStore } from './store.js';
import { openTestDatabase, seedStudy, type TestDatabase, testActor } from './test-support.js';
import { withTransaction } from './transaction.js';
import { saveVisit } from './visits.js';

const EXAMPLE = join(import.meta.dirname, '../../../examples/msc-pilot');
const actor = testActor('attacker');

/** A file of the example bundle as the import takes it (the example is valid as it is). */
function staged(file: BundleFileName): StagedFile {
  const [header, ...lines] = readFileSync(join(EXAMPLE, file), 'utf8').trimEnd().split('\n');
  return {
    file,
    columns: (header ?? '').split(','),
    records: () => lines.map((line, i) => new TextEncoder().encode(`${line},${i + 2}\n`)),
  };
}

/** `sql` as the runtime role, through the store (a transaction with an actor and a reason). */
function asRuntime(db: TestDatabase, sql: string): Promise<unknown> {
  return withTransaction(db.store, actor, 'trying what the application must not do', (tx) =>
    tx.client.query(sql),
  );
}

let db: TestDatabase;
let owner: string;
before(async () => {
  db = await openTestDatabase();
  owner = (
    await db.store.pool.query<{ owner: string }>(
      "SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE oid = 'audit_event'::regclass",
    )
  ).rows[0]?.owner as string;
});
after(() => db.close());

describe('the runtime role', () => {
  test("is what the store connects as: a member of jia_trial_runtime, neither the tables' owner nor a superuser", async () => {
    const who = await db.store.pool.query(
      `SELECT current_user AS user, r.rolsuper AS super,
              pg_has_role(current_user, $1, 'USAGE') AS runtime,
              pg_has_role(current_user, $2, 'MEMBER') AS owner
         FROM pg_roles r WHERE r.rolname = current_user`,
      [RUNTIME_ROLE, owner],
    );
    assert.equal(who.rows[0].super, false);
    assert.equal(who.rows[0].runtime, true);
    assert.equal(who.rows[0].owner, false);
    assert.notEqual(who.rows[0].user, owner);
  });

  test('does everything the application does: import a bundle, save a visit, export, back up, verify the audit trail', async (t) => {
    const files = (['subjects.csv', 'visits.csv', 'joints.csv', 'chaq.csv'] as const).map(staged);
    const imported = await withTransaction(db.store, testActor('importer'), undefined, (tx) =>
      importBundle(tx, 'pilot', files),
    );
    assert.equal(imported.createdStudy, true);
    const visit = {
      visitId: 'P01-V9',
      subjectId: 'P01',
      visitDate: '2020-06-01',
      physicianGlobal: 2,
      esr: 12,
    };
    const nurse = { actor: testActor('nurse.anna') };
    const saved = await saveVisit(db.store.pool, 'pilot', visit, null, nurse);
    await saveVisit(db.store.pool, 'pilot', { ...visit, esr: 14 }, saved.version, {
      ...nurse,
      reason: 'transcription error',
    });
    const out = mkdtempSync(join(tmpdir(), 'jia-runtime-export-'));
    const backups = mkdtempSync(join(tmpdir(), 'jia-runtime-backup-'));
    t.after(() => {
      rmSync(out, { recursive: true, force: true });
      rmSync(backups, { recursive: true, force: true });
    });
    const exported = await exportBundle(db.store.pool, 'pilot', out);
    assert.ok(exported.files.some((f) => f.file === 'visits.csv' && f.rows > 0));
    const backup = join(backups, 'backup');
    const written = await backupDatabase(db.store.pool, backup);
    assert.ok(written.rows > 0);
    const report = await verifyAudit(db.store.pool);
    assert.deepEqual(report.problems, []);
    assert.ok(report.events > 0);

    // Restoring is the owner's: the runtime role is refused, and nothing is restored.
    const empty = await openTestDatabase();
    try {
      await assert.rejects(restoreDatabase(empty.store.pool, backup), (error) =>
        isJiaError(error, 'PERMISSION_DENIED'),
      );
      const rows = await empty.store.pool.query('SELECT count(*)::int AS n FROM visit');
      assert.equal(rows.rows[0].n, 0);
      const restored = await restoreDatabase(empty.store.ownerPool(), backup);
      assert.equal(restored.restored, true, JSON.stringify(restored.audit.problems));
      assert.deepEqual((await verifyAudit(empty.store.pool)).problems, []);
    } finally {
      await empty.close();
    }
  });

  const refused = [
    'ALTER TABLE visit DISABLE TRIGGER ALL',
    'ALTER TABLE visit DISABLE TRIGGER audit_update',
    'ALTER TABLE visit DISABLE TRIGGER USER',
    'ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only',
    'DROP TRIGGER audit_update ON visit',
    'DROP TRIGGER audit_event_append_only ON audit_event',
    'CREATE TRIGGER sneaky BEFORE INSERT ON visit FOR EACH ROW EXECUTE FUNCTION bump_version()',
    'SET session_replication_role = replica',
    "UPDATE audit_event SET actor = 'someone else'",
    'DELETE FROM audit_event',
    `INSERT INTO audit_event (batch_id, occurred_at, actor, table_name, row_id, record_key, operation, event_hash)
     VALUES (1, now(), 'forger', 'visit', 1, 'x', 'insert', '\\x00')`,
    'UPDATE audit_head SET block_seq = 0',
    "INSERT INTO audit_block VALUES (999, '{}', now(), 0, '', '', '')",
    'DELETE FROM audit_block',
    'UPDATE audit_batch_offset SET batch_offset = 0',
    'DELETE FROM audit_table_key',
    "INSERT INTO schema_migration (version, name, checksum) VALUES (999, 'x', 'x')",
    'TRUNCATE visit CASCADE',
    "UPDATE signature SET meaning = 'reviewed'",
    'DELETE FROM signature',
    'TRUNCATE audit_event',
    'LOCK TABLE audit_head IN ACCESS EXCLUSIVE MODE',
    'CREATE TABLE public.shadow (a integer)',
    'CREATE TABLE shadow (a integer)',
    'CREATE VIEW shadow AS SELECT 1 AS a',
    'CREATE FUNCTION public.shadow() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$',
    'CREATE SCHEMA shadow',
    'ALTER TABLE visit ADD COLUMN shadow integer',
    'DROP TABLE audit_event',
    'ALTER FUNCTION save_visit(text, jsonb, integer, text, text, text, text[]) SECURITY DEFINER',
    'ALTER FUNCTION audit_seal_pending(integer, boolean) SECURITY INVOKER',
    'ALTER FUNCTION audit_rows_visit() RESET search_path',
    'CREATE OR REPLACE FUNCTION audit_rows_visit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$',
    'SELECT audit_continue_batches()',
    'SELECT audit_refresh_trigger_functions()',
    "SELECT audit_trigger_function('visit', 'study_id', 'visit_id')",
    'ALTER TABLE visit OWNER TO CURRENT_USER',
  ];
  for (const sql of refused)
    test(`may not: ${sql.split('\n')[0]}`, async () => {
      await assert.rejects(
        asRuntime(db, sql),
        (error) => isJiaError(error, 'PERMISSION_DENIED'),
        'refused for want of a privilege',
      );
    });

  test("may not become the owner (SET ROLE), nor the owner's connection settings do anything for it", async () => {
    await assert.rejects(asRuntime(db, `SET ROLE ${pg.escapeIdentifier(owner)}`), (error) =>
      isJiaError(error, 'PERMISSION_DENIED'),
    );
  });

  test('after all those attempts, every trigger is enabled and the audit trail verifies', async () => {
    const disabled = await db.store.pool.query(
      `SELECT tgrelid::regclass::text AS t, tgname FROM pg_trigger
        WHERE NOT tgisinternal AND tgenabled <> 'O'`,
    );
    assert.deepEqual(disabled.rows, []);
    assert.deepEqual((await verifyAudit(db.store.pool)).problems, []);
  });

  test("a caller's temporary tables named like the audit tables do not receive the trail", async () => {
    const client = await db.store.pool.connect();
    try {
      // pg_temp comes first on a search path that does not list it: the owner's functions
      // list it last, so these shadows are never theirs.
      for (const table of ['audit_event', 'audit_batch_offset', 'audit_head', 'audit_block'])
        await client.query(
          `CREATE TEMP TABLE ${table} AS SELECT * FROM public.${table} WITH NO DATA`,
        );
      await client.query('INSERT INTO pg_temp.audit_batch_offset VALUES (true, 1)');
      await client.query('BEGIN');
      await client.query("SELECT set_config('jia.actor', 'shadower', true)");
      await client.query("INSERT INTO study (study_id) VALUES ('shadowed')");
      await client.query('COMMIT');
      await client.query('SELECT audit_seal_pending(100, true)');
      const shadows = await client.query(
        `SELECT (SELECT count(*) FROM pg_temp.audit_event)::int AS events,
                (SELECT count(*) FROM pg_temp.audit_block)::int AS blocks`,
      );
      assert.deepEqual(shadows.rows[0], { events: 0, blocks: 0 });
      const real = await client.query(
        "SELECT count(*)::int AS n FROM public.audit_event WHERE record_key = 'shadowed'",
      );
      assert.equal(real.rows[0].n, 1);
    } finally {
      client.release(true);
    }
    await sealNow(db.store.pool);
    assert.deepEqual((await verifyAudit(db.store.pool)).problems, []);
  });

  test('the sealer, which any member of the role may call, refuses arguments that would skip work', async () => {
    for (const args of ['0, true', '-1, false', 'NULL, true', '10, NULL'])
      await assert.rejects(
        db.store.pool.query(`SELECT audit_seal_pending(${args})`),
        (error: { code?: string }) => error.code === '22023',
        args,
      );
  });
});

describe("the runtime role's privileges", () => {
  test("every function that writes the audit trail runs as its owner, with a search path of the owner's", async () => {
    const functions = await db.store.pool.query<{
      name: string;
      definer: boolean;
      config: string[];
    }>(
      `SELECT proname AS name, prosecdef AS definer, proconfig AS config FROM pg_proc
        WHERE pronamespace = 'public'::regnamespace
          AND (proname LIKE 'audit\\_rows\\_%' OR proname = 'audit_seal_pending') ORDER BY 1`,
    );
    assert.ok(functions.rows.length >= 15);
    for (const f of functions.rows) {
      assert.equal(f.definer, true, `${f.name} is SECURITY DEFINER`);
      assert.deepEqual(f.config, ['search_path=pg_catalog, public, pg_temp'], f.name);
    }
    // save_visit writes only what its caller may: it runs with the caller's rights.
    const save = await db.store.pool.query(
      "SELECT bool_or(prosecdef) AS definer FROM pg_proc WHERE proname = 'save_visit'",
    );
    assert.equal(save.rows[0].definer, false);
  });

  test('are exactly the classified ones: read and write, read only, execute; nothing for PUBLIC', async () => {
    // Granted again by this version's code (the shared test template was granted by the code of
    // whichever run made it; the migrations grant them in a new database).
    const ownerClient = await db.store.ownerPool().connect();
    try {
      await ownerClient.query('BEGIN');
      await grantRuntimePrivileges(ownerClient);
      await ownerClient.query('COMMIT');
    } finally {
      ownerClient.release();
    }
    const tables = await db.store.pool.query<{ name: string; privileges: string[] }>(
      `SELECT c.relname AS name,
              ARRAY(SELECT p FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p
                     WHERE has_table_privilege($1, c.oid, p)) AS privileges
         FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' ORDER BY 1`,
      [RUNTIME_ROLE],
    );
    const expected = (name: string) =>
      RUNTIME_READ_WRITE_TABLES.includes(name)
        ? ['SELECT', 'INSERT', 'UPDATE', 'DELETE']
        : RUNTIME_APPEND_ONLY_TABLES.includes(name)
          ? ['SELECT', 'INSERT']
          : RUNTIME_READ_ONLY_TABLES.includes(name)
            ? ['SELECT']
            : [];
    for (const t of tables.rows) assert.deepEqual(t.privileges, expected(t.name), t.name);
    assert.deepEqual(
      tables.rows.map((t) => t.name).sort(),
      [
        ...RUNTIME_READ_WRITE_TABLES,
        ...RUNTIME_APPEND_ONLY_TABLES,
        ...RUNTIME_READ_ONLY_TABLES,
        ...OWNER_ONLY_TABLES,
      ].sort(),
      'every table is classified, and every classified table exists',
    );
    const publicGrants = await db.store.pool.query(
      `SELECT c.relname AS name FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'S')
          AND has_table_privilege('public', c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
       UNION ALL
       SELECT p.proname FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace AND has_function_privilege('public', p.oid, 'EXECUTE')`,
    );
    assert.deepEqual(publicGrants.rows, [], 'PUBLIC holds nothing in the schema');
    const callable = await db.store.pool.query<{ signature: string }>(
      `SELECT p.oid::regprocedure::text AS signature FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace AND has_function_privilege($1, p.oid, 'EXECUTE')
        ORDER BY 1`,
      [RUNTIME_ROLE],
    );
    assert.deepEqual(
      callable.rows.map((r) => r.signature.replaceAll(' ', '')).sort(),
      [...RUNTIME_FUNCTIONS].sort(),
    );
    const schema = await db.store.pool.query(
      "SELECT has_schema_privilege($1, 'public', 'CREATE') AS runtime, has_schema_privilege('public', 'CREATE') AS me",
      [RUNTIME_ROLE],
    );
    assert.deepEqual(schema.rows[0], { runtime: false, me: false });
  });

  test('an object the classification does not know is refused, and nothing is granted', async () => {
    const client = await db.store.ownerPool().connect();
    try {
      await client.query('BEGIN');
      // As a careless future migration would: a table, a view and a function nobody classified.
      await client.query('CREATE TABLE unclassified_notes (note_id serial PRIMARY KEY, note text)');
      await client.query('CREATE VIEW unclassified_view AS SELECT 1 AS one');
      await client.query(
        'CREATE FUNCTION unclassified_fn(integer) RETURNS integer LANGUAGE sql AS $$ SELECT $1 $$',
      );
      await assert.rejects(
        grantRuntimePrivileges(client),
        (error) =>
          isJiaError(error, 'SCHEMA_MISMATCH') &&
          /relation unclassified_notes/.test(error.message) &&
          /relation unclassified_view/.test(error.message) &&
          /sequence unclassified_notes_note_id_seq/.test(error.message) &&
          /function unclassified_fn\(integer\)/.test(error.message),
      );
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    // Every function of the schema is classified (the lists name no function that is gone).
    const functions = await db.store.pool.query<{ signature: string }>(
      `SELECT p.oid::regprocedure::text AS signature FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace AND p.prorettype <> 'trigger'::regtype`,
    );
    assert.deepEqual(
      functions.rows.map((r) => r.signature.replaceAll(' ', '')).sort(),
      [...RUNTIME_FUNCTIONS, ...OWNER_FUNCTIONS].map((s) => s.replaceAll(' ', '')).sort(),
    );
  });
});

describe('opening a store with two roles', () => {
  test('refuses a DATABASE_URL role outside jia_trial_runtime, saying what to grant, and a superuser', async () => {
    const outsider = { user: 'jia_trial_test_outsider', password: 'outsider-password-1' };
    const admin = new pg.Client({ connectionString: db.ownerUrl });
    await admin.connect();
    try {
      // Roles are the cluster's: another test file may have made it.
      await admin
        .query(
          `CREATE ROLE ${outsider.user} LOGIN PASSWORD ${admin.escapeLiteral(outsider.password)}`,
        )
        .catch((error: { code?: string }) => {
          if (error.code !== '42710' && error.code !== '23505') throw error;
        });
    } finally {
      await admin.end();
    }
    const url = new URL(db.ownerUrl);
    url.username = outsider.user;
    url.password = outsider.password;
    await assert.rejects(
      openStore({ databaseUrl: url.toString(), ownerDatabaseUrl: db.ownerUrl }),
      (error) =>
        isJiaError(error, 'PERMISSION_DENIED') &&
        error.message.includes(`GRANT ${RUNTIME_ROLE} TO ${outsider.user}`),
    );

    // The owner's URL as DATABASE_URL too, spelt differently: two roles configured, one used.
    // The test server's owner is a superuser: refused (issue 15; insider-attacks.test.ts).
    const same = new URL(db.ownerUrl);
    same.searchParams.set('application_name', 'jia-trial-test');
    await assert.rejects(
      openStore({ databaseUrl: same.toString(), ownerDatabaseUrl: db.ownerUrl }),
      (error) => isJiaError(error, 'DATABASE_INSECURE'),
    );
  });
});

describe('a database of the last release (migration 6)', () => {
  test('moves to least privilege when it is opened with the two roles: migrated by the owner, then used by the runtime role', async () => {
    const old = await openTestDatabase({ migrateUpTo: 6 });
    try {
      await seedStudy(old.store.pool, 'OLD', ['P1']);
      const runtimeUrl = new URL(db.url);
      runtimeUrl.pathname = new URL(old.ownerUrl).pathname;
      const store = await openStore({
        databaseUrl: runtimeUrl.toString(),
        ownerDatabaseUrl: old.ownerUrl,
      });
      try {
        assert.deepEqual(
          store.migrations?.applied,
          listMigrations()
            .filter((m) => m.version > 6)
            .map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`),
        );
        assert.deepEqual(store.notices, []);
        await saveVisit(
          store.pool,
          'OLD',
          { visitId: 'V1', subjectId: 'P1', visitDate: '2020-01-01', esr: 10 },
          null,
          { actor: testActor('nurse') },
        );
        await assert.rejects(
          withTransaction(store, actor, 'x', (tx) =>
            tx.client.query('ALTER TABLE visit DISABLE TRIGGER ALL'),
          ),
          (error) => isJiaError(error, 'PERMISSION_DENIED'),
        );
        const report = await verifyAudit(store.pool);
        assert.deepEqual(report.problems, []);
        assert.equal(report.events, 4, 'the study, its site and subject, and the new visit');
      } finally {
        await store.close();
      }
    } finally {
      await old.close();
    }
  });
});
