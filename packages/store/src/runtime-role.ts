/**
 * Least privilege (docs/store.md, "Roles"). The application connects as a member of the group
 * role jia_trial_runtime, which may read and write the trial's tables and read the audit
 * trail, and nothing more: it cannot alter a table, disable or drop a trigger, write the audit
 * tables, or create anything. The audit triggers and the sealer append to the trail as the
 * owner (SECURITY DEFINER, migrations 0007 and 0008). Migrations and restore run as the owner.
 *
 * grantRuntimePrivileges classifies every table, sequence and function of the schema, revokes
 * whatever PUBLIC and the runtime role hold on them, and grants what the classification says.
 * An object it does not know is refused, not left with PostgreSQL's defaults: a migration that
 * adds a table or a function adds it here too (runtime-role.test.ts proves the refusal).
 * It runs as the owner with the migrations (migrate.ts), in the last one's transaction.
 */
import { JiaError } from '@jia-trial/errors';
import pg from 'pg';
import { AUDITED_TABLES } from './audit/audited-tables.js';

/** The group role holding the application's privileges (created by migration 0008). */
export const RUNTIME_ROLE = 'jia_trial_runtime';

/**
 * Only read and added to by the application: electronic signatures, which are never changed or
 * deleted (21 CFR 11.70: a signature cannot be excised or transferred; migration 0011 also
 * refuses it by trigger), site transfers, facts of a subject's history (migration 0020_sdv
 * refuses a change by trigger too), and the security events (sign-ins, exports: migration
 * 0024_audit), the trail's own record of who came and what left. Audited like the clinical tables.
 */
export const RUNTIME_APPEND_ONLY_TABLES: readonly string[] = [
  'signature',
  'subject_transfer',
  'security_event',
];

/**
 * Audited tables only read by the application: a randomisation's header, allocations and
 * unblindings are written by the owner's SECURITY DEFINER functions (migration 0026_random),
 * which take the sealed list's next entry; the application never writes them itself.
 */
export const RUNTIME_READ_ONLY_AUDITED_TABLES: readonly string[] = [
  'randomisation_list',
  'randomisation_allocation',
  'randomisation_unblinding',
];

/**
 * Sealed: the application holds no privilege at all on them (ADR 0047). A randomisation's seed
 * and its list's entries: the server cannot read a future allocation, only the owner's functions
 * (randomisation_allocate and the like) and the owner (verify, backup, restore) can.
 */
export const OWNER_ONLY_TABLES: readonly string[] = ['randomisation_seed', 'randomisation_entry'];

/** Read and written by the application: the audited tables (their triggers audit each change). */
export const RUNTIME_READ_WRITE_TABLES: readonly string[] = [
  ...AUDITED_TABLES.filter(
    (table) =>
      !RUNTIME_APPEND_ONLY_TABLES.includes(table) &&
      !RUNTIME_READ_ONLY_AUDITED_TABLES.includes(table),
  ),
  // Sign-in state, sessions and the sign-in log (migration 0010): the server's own bookkeeping.
  'user_credential',
  'user_session',
  'sign_in_attempt',
  // Password hashes kept to refuse a repeated password (migration access): never audited.
  'password_history',
];

/**
 * Only read by the application: the audit trail (written by the owner's triggers and sealer),
 * read by verify-audit, backup and the import (who changed a record last), and the migrations.
 */
export const RUNTIME_READ_ONLY_TABLES: readonly string[] = [
  ...RUNTIME_READ_ONLY_AUDITED_TABLES,
  'audit_event',
  'audit_block',
  'audit_head',
  'audit_batch_offset',
  'audit_table_key',
  'schema_migration',
];

/**
 * Functions the application calls (save_visit, the sealer) or that its statements evaluate (a
 * CHECK constraint's is_partial_date), by signature: a new overload must be classified too.
 */
export const RUNTIME_FUNCTIONS: readonly string[] = [
  'save_visit(text,jsonb,integer,text,text,text,text[])',
  'audit_seal_pending(integer,boolean)',
  // Who holds the unsealed window open (migration 0017): verify-audit and the health check.
  'audit_horizon_holder()',
  'is_partial_date(text)',
  // The lock guard's look-ups (migration 0018): the guard runs as the writer, and the import
  // asks the same question of the records it stages.
  'record_lock_over(text,text,text,boolean,text)',
  'record_lock_json(record_lock)',
  // Randomisation (migration 0026_random): the only ways to the sealed list (ADR 0047).
  'randomisation_seal(text,text,text,text,text,jsonb)',
  'randomisation_allocate(text,text,text)',
  'randomisation_arms(text,text)',
  'randomisation_unblind(text,text,text,text)',
];

/**
 * The owner's own functions: schema work (audit_table, the trigger-function generator),
 * restore's audit_continue_batches, and the hash helpers the owner's functions call. Trigger
 * functions (returning `trigger`) are the owner's as well: a trigger fires whoever changes the
 * row, PostgreSQL checks no EXECUTE privilege for it.
 */
export const OWNER_FUNCTIONS: readonly string[] = [
  'audit_table(regclass,text[])',
  'audit_trigger_function(regclass,text[])',
  'audit_refresh_trigger_functions()',
  'audit_continue_batches()',
  'audit_event_content(bigint,text,text,text,text,bigint,text,text,json,json,text,text,text)',
  'audit_batch_bytes(bigint[])',
  // The randomisation functions' reading of the transaction's actor (migration 0026_random).
  'randomisation_actor()',
];

interface Relation {
  readonly name: string;
  /** pg_class.relkind: r table, p partitioned table, v view, m materialized view, S sequence, ... */
  readonly kind: string;
  /** For a sequence: the table whose column it belongs to, and whether that is an identity column. */
  readonly ownerTable: string | null;
  readonly identity: boolean;
}

interface Routine {
  readonly signature: string;
  readonly trigger: boolean;
}

/** Every relation and function of the current schema (where the migrations put theirs). */
async function schemaObjects(
  client: pg.ClientBase,
): Promise<{ schema: string; relations: Relation[]; routines: Routine[] }> {
  const schema = (await client.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]?.s;
  if (!schema) throw new JiaError('SCHEMA_MISMATCH', 'the connection has no current schema');
  const relations = await client.query<Relation>(
    `SELECT c.relname AS name, c.relkind AS kind, t.relname AS "ownerTable",
            coalesce(d.deptype = 'i', false) AS identity
       FROM pg_class c
       LEFT JOIN pg_depend d ON c.relkind = 'S' AND d.classid = 'pg_class'::regclass
            AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
       LEFT JOIN pg_class t ON t.oid = d.refobjid
      WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
      ORDER BY c.relname`,
    [schema],
  );
  // The signature as regprocedure prints it, without the schema (the schema is on the path).
  const routines = await client.query<Routine>(
    `SELECT p.proname || '(' || coalesce((SELECT string_agg(format_type(t, NULL), ',' ORDER BY i)
                                            FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a(t, i)), '') || ')' AS signature,
            p.prorettype = 'trigger'::regtype AS trigger
       FROM pg_proc p WHERE p.pronamespace = $1::regnamespace ORDER BY 1`,
    [schema],
  );
  return { schema, relations: relations.rows, routines: routines.rows };
}

const quote = (name: string) => pg.escapeIdentifier(name);

/**
 * Revokes and grants the runtime role's privileges on the current schema; refuses (and
 * changes nothing, when the caller rolls back) if the schema holds an object this module does
 * not classify, or if the runtime role is missing or holds more than a runtime role may.
 */
export async function grantRuntimePrivileges(client: pg.ClientBase): Promise<void> {
  const role = await client.query<{ dangerous: boolean; owner: boolean }>(
    `SELECT r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication OR r.rolbypassrls AS dangerous,
            pg_has_role(r.oid, (SELECT relowner FROM pg_class WHERE oid = 'audit_event'::regclass), 'MEMBER') AS owner
       FROM pg_roles r WHERE r.rolname = $1`,
    [RUNTIME_ROLE],
  );
  const found = role.rows[0];
  if (!found)
    throw new JiaError(
      'PERMISSION_DENIED',
      `the role ${RUNTIME_ROLE} does not exist: migration 0008 creates it when the owner may create roles; otherwise a superuser runs CREATE ROLE ${RUNTIME_ROLE} NOLOGIN (docs/store.md, "Roles")`,
    );
  if (found.dangerous || found.owner)
    throw new JiaError(
      'DATABASE_INSECURE',
      `the role ${RUNTIME_ROLE} has more rights than the application may have (${found.owner ? 'it can act as the owner of the tables' : 'superuser, CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS'}): make it a plain NOLOGIN role (docs/store.md, "Roles")`,
    );

  const { schema, relations, routines } = await schemaObjects(client);
  const readWrite = new Set(RUNTIME_READ_WRITE_TABLES);
  const appendOnly = new Set(RUNTIME_APPEND_ONLY_TABLES);
  const readOnly = new Set(RUNTIME_READ_ONLY_TABLES);
  const ownerOnly = new Set(OWNER_ONLY_TABLES);
  const classified = (name: string) =>
    readWrite.has(name) || appendOnly.has(name) || readOnly.has(name) || ownerOnly.has(name);
  const tables = relations.filter((r) => r.kind !== 'S');
  const sequences = relations.filter((r) => r.kind === 'S');
  const runtimeFunctions = new Set(RUNTIME_FUNCTIONS);
  const ownerFunctions = new Set(OWNER_FUNCTIONS);
  const unknown = [
    ...tables.filter((t) => t.kind !== 'r' || !classified(t.name)).map((t) => `relation ${t.name}`),
    // A sequence belongs with its table; one of no classified table's is unknown.
    ...sequences
      .filter((s) => !s.ownerTable || !classified(s.ownerTable))
      .map((s) => `sequence ${s.name}`),
    ...routines
      .filter(
        (f) => !f.trigger && !runtimeFunctions.has(f.signature) && !ownerFunctions.has(f.signature),
      )
      .map((f) => `function ${f.signature}`),
  ];
  if (unknown.length > 0)
    throw new JiaError(
      'SCHEMA_MISMATCH',
      `the schema holds what the runtime role's privileges do not cover (packages/store/src/runtime-role.ts classifies every table, sequence and function): ${unknown.join(', ')}`,
    );

  const runtime = quote(RUNTIME_ROLE);
  const list = (names: readonly string[]) => names.map(quote).join(', ');
  const statements: string[] = [];
  if (tables.length > 0)
    statements.push(
      `REVOKE ALL ON TABLE ${list(tables.map((t) => t.name))} FROM PUBLIC, ${runtime}`,
    );
  const present = (names: ReadonlySet<string>) =>
    tables.filter((t) => names.has(t.name)).map((t) => t.name);
  if (present(readWrite).length > 0)
    statements.push(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE ${list(present(readWrite))} TO ${runtime}`,
    );
  if (present(appendOnly).length > 0)
    statements.push(`GRANT SELECT, INSERT ON TABLE ${list(present(appendOnly))} TO ${runtime}`);
  if (present(readOnly).length > 0)
    statements.push(`GRANT SELECT ON TABLE ${list(present(readOnly))} TO ${runtime}`);
  if (sequences.length > 0)
    statements.push(
      `REVOKE ALL ON SEQUENCE ${list(sequences.map((s) => s.name))} FROM PUBLIC, ${runtime}`,
    );
  // An identity column draws from its sequence without a privilege on it; a serial column's
  // DEFAULT nextval() needs USAGE.
  const serials = sequences.filter(
    (s) => !s.identity && (readWrite.has(s.ownerTable ?? '') || appendOnly.has(s.ownerTable ?? '')),
  );
  if (serials.length > 0)
    statements.push(`GRANT USAGE ON SEQUENCE ${list(serials.map((s) => s.name))} TO ${runtime}`);
  // Signatures are made of type names from format_type: safe to splice after the quoted name.
  const routine = (signature: string) =>
    `${quote(signature.slice(0, signature.indexOf('(')))}${signature.slice(signature.indexOf('('))}`;
  if (routines.length > 0)
    statements.push(
      `REVOKE ALL ON ROUTINE ${routines.map((f) => routine(f.signature)).join(', ')} FROM PUBLIC, ${runtime}`,
    );
  const callable = routines.filter((f) => runtimeFunctions.has(f.signature));
  if (callable.length > 0)
    statements.push(
      `GRANT EXECUTE ON ROUTINE ${callable.map((f) => routine(f.signature)).join(', ')} TO ${runtime}`,
    );
  // Nobody but the owner creates objects in the schema: a function or table of another role's
  // there could be picked up by name (the SECURITY DEFINER functions search it). PostgreSQL 15
  // and later grant PUBLIC no CREATE on public; older versions did, and only the schema's owner
  // can revoke it (a warning otherwise: docs/store.md says what to run then).
  statements.push(`REVOKE CREATE ON SCHEMA ${quote(schema)} FROM PUBLIC, ${runtime}`);
  statements.push(`GRANT USAGE ON SCHEMA ${quote(schema)} TO ${runtime}`);
  await client.query(statements.join(';\n'));
  const creates = await client.query<{ yes: boolean }>(
    "SELECT has_schema_privilege($1, $2, 'CREATE') AS yes",
    [RUNTIME_ROLE, schema],
  );
  if (creates.rows[0]?.yes)
    throw new JiaError(
      'DATABASE_INSECURE',
      `the runtime role may create objects in schema ${schema} (PostgreSQL 14 and older grant that to PUBLIC), which would let the application take over the owner's SECURITY DEFINER functions; the owner could not revoke it: a superuser runs REVOKE CREATE ON SCHEMA ${quote(schema)} FROM PUBLIC in this database (docs/store.md, "Roles")`,
    );
}
