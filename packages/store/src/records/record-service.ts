/**
 * Creating and correcting a clinical record of any type but a visit (visits.ts), the core every
 * record service runs: validate the typed values with the field dictionary
 * (validateRecordValues: VALIDATION_FAILED, every invalid field by its key), check that the
 * record's subject (or visit, or site) is in the study and in the caller's sites (NOT_FOUND
 * otherwise, as for a missing one), then insert, or update the version the correction was based
 * on (VERSION_CONFLICT when it is no longer current, and nothing changes). The table's columns
 * and the stored record's texts come from the dictionary's record type and bundle file, so a
 * field added there is written and read here without a change.
 *
 * Corrections replace the whole record. An update needs the transaction's reason: the audit
 * trigger refuses one without (JT002, REASON_REQUIRED; migrations/0001_audit_trail.sql). The
 * database's refusals arrive as JiaErrors: its JT codes as errors.ts maps them, a constraint the
 * validation should have caught as DATABASE_REFUSED.
 */
import {
  CHAQ_NOT_APPLICABLE,
  columnOf,
  fieldOf,
  type RecordTypeId,
  recordType,
  validateRecordValues,
} from '@jia-trial/dictionary';
import { JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { escapeIdentifier } from 'pg';
import { notFound, translateDatabaseError, versionConflict } from '../errors.js';
import type { Transaction } from '../transaction.js';
import { fileOf, type StoredRecord, storedRecordOf, textColumns, textsOf } from './record-texts.js';
import { inScope, type SiteScope } from './site-scope.js';

/** The record types served here; a visit is saved with its scores by saveVisit. */
export type ServedRecordType = Exclude<RecordTypeId, 'visit'>;

/** A record's values as a caller gives them, by field key. */
type Values = Readonly<Record<string, unknown>>;

/**
 * How a record belongs to a site, for the caller's scope: a subject by its own site; a joint
 * finding, a CHAQ answer and a JADI item by their visit's subject; every other record by its subject.
 */
const OWNER: Readonly<Record<ServedRecordType, 'site' | 'subject' | 'visit'>> = {
  subject: 'site',
  joint_finding: 'visit',
  chaq_response: 'visit',
  damage_item: 'visit',
  medication: 'subject',
  infusion: 'subject',
  adverse_event: 'subject',
  eligibility_assessment: 'subject',
};

/** The site of the row `t` of each owner kind, as an SQL expression. */
const ROW_SITE = {
  site: 't.site_code',
  subject:
    '(SELECT s.site_code FROM subject s WHERE s.study_id = t.study_id AND s.subject_id = t.subject_id)',
  visit: `(SELECT s.site_code FROM visit v JOIN subject s ON s.study_id = v.study_id AND s.subject_id = v.subject_id
            WHERE v.study_id = t.study_id AND v.visit_id = t.visit_id)`,
} as const;

/** The site of the owner a record's values name, as a query of (study, owner's key). */
const OWNER_SITE = {
  site: 'SELECT site_code FROM site WHERE study_id = $1 AND site_code = $2',
  subject: 'SELECT site_code FROM subject WHERE study_id = $1 AND subject_id = $2',
  visit: `SELECT s.site_code FROM visit v JOIN subject s ON s.study_id = v.study_id AND s.subject_id = v.subject_id
           WHERE v.study_id = $1 AND v.visit_id = $2`,
} as const;

const OWNER_KEY = { site: 'site', subject: 'subjectId', visit: 'visitId' } as const;

/** A record type's statements, made once from its dictionary record type. */
interface TableStatements {
  readonly label: string;
  readonly insert: string;
  readonly update: string;
  readonly select: string;
  /** The natural key: field keys and the WHERE clause comparing them with $2, $3, ... */
  readonly keyFields: readonly string[];
  readonly keyWhere: string;
  readonly values: (values: Values) => unknown[];
}

function statementsOf(type: ServedRecordType): TableStatements {
  const record = recordType(type);
  const file = fileOf(type);
  const fields = record.fields;
  const columns = fields.map((f) => escapeIdentifier(columnOf(f))).join(', ');
  const select = textColumns(file);
  const keyFields = record.key.map((name) => fieldOf(record, name));
  const placeholders = (from: number) => fields.map((_, i) => `$${i + from}`).join(', ');
  return {
    label: record.label.toLowerCase(),
    insert: `INSERT INTO ${type} (study_id, ${columns}) VALUES ($1, ${placeholders(2)})
             ON CONFLICT DO NOTHING RETURNING ${select}`,
    update: `UPDATE ${type} SET (${columns}) = ROW(${placeholders(3)})
              WHERE study_id = $1 AND row_id = $2 RETURNING ${select}`,
    select,
    keyFields: keyFields.map((f) => f.key),
    keyWhere: keyFields
      .map((f, i) => `t.${escapeIdentifier(columnOf(f))} = $${i + 2}`)
      .join(' AND '),
    values: (values) =>
      fields.map((field) => {
        // An empty field with a default takes the other field's value (an AE's awareness date:
        // its onset), as the import stores it; a CHAQ item answered "not applicable" is NULL.
        const value =
          values[field.key] ??
          (field.defaultFrom ? values[fieldOf(record, field.defaultFrom).key] : null) ??
          null;
        return field.type === 'chaq_score' && value === CHAQ_NOT_APPLICABLE ? null : value;
      }),
  };
}

const STATEMENTS = new Map<ServedRecordType, TableStatements>();
function statements(type: ServedRecordType): TableStatements {
  let found = STATEMENTS.get(type);
  if (!found) {
    found = statementsOf(type);
    STATEMENTS.set(type, found);
  }
  return found;
}

/** VALIDATION_FAILED listing every problem of the values, each at its field's key. */
function checkValues(type: ServedRecordType, values: Values): void {
  const issues = validateRecordValues(type, values);
  if (issues.length > 0)
    throw new JiaError(
      'VALIDATION_FAILED',
      `invalid ${statements(type).label}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { issues },
    );
}

/** The record's natural key as text, for messages: `study/P01/methotrexate/2016-01-01`. */
function keyText(studyId: string, type: ServedRecordType, values: Values): string {
  return [studyId, ...statements(type).keyFields.map((key) => String(values[key]))].join('/');
}

/** NOT_FOUND unless the subject, visit or site the values name is in the study and in `sites`. */
async function requireOwner(
  client: pg.ClientBase,
  studyId: string,
  type: ServedRecordType,
  values: Values,
  sites: SiteScope,
): Promise<void> {
  const owner = OWNER[type];
  const id = String(values[OWNER_KEY[owner]]);
  const found = await client.query<{ site_code: string }>(OWNER_SITE[owner], [studyId, id]);
  const site = found.rows[0]?.site_code;
  if (site === undefined || !inScope(sites, site))
    throw notFound(`there is no ${owner} ${id} in study ${studyId}`);
}

/**
 * The refusal of a record whose natural key another stored record (other than row `except`) has:
 * VERSION_CONFLICT with that record's version when it is at the caller's sites; when it is at a
 * site they do not work at, only that the key is taken (ids are unique in a study, so that much
 * cannot be hidden), never its version. null when the key is free.
 */
async function keyTaken(
  client: pg.ClientBase,
  studyId: string,
  type: ServedRecordType,
  values: Values,
  sites: SiteScope,
  except: string | null = null,
): Promise<JiaError | null> {
  const sql = statements(type);
  const keys = sql.keyFields.map((key) => values[key]);
  const found = await client.query<{ version: number; site: string | null }>(
    `SELECT version, ${ROW_SITE[OWNER[type]]} AS site FROM ${type} t
      WHERE t.study_id = $1 AND ${sql.keyWhere} AND t.row_id IS DISTINCT FROM $${keys.length + 2}::bigint`,
    [studyId, ...keys, except],
  );
  const other = found.rows[0];
  if (!other) return null;
  const key = keyText(studyId, type, values);
  if (other.site !== null && inScope(sites, other.site))
    return withCurrent(
      versionConflict(type, key, 0, other.version),
      await storedByKey(client, studyId, type, values),
    );
  return new JiaError(
    'VERSION_CONFLICT',
    `${sql.label} ${key} is already used in study ${studyId}, at a site you do not work at: choose another`,
    { details: { table: type, key, expectedVersion: 0 } },
  );
}

/**
 * A version conflict with the record that won in `details.current` (docs/api.md, "Versions"), for
 * the client to show beside its own change. Only for a record at the caller's sites.
 */
function withCurrent(conflict: JiaError, current: StoredRecord<unknown> | null): JiaError {
  return new JiaError('VERSION_CONFLICT', conflict.message, {
    details: { ...conflict.details, current },
  });
}

async function storedByKey(
  client: pg.ClientBase,
  studyId: string,
  type: ServedRecordType,
  values: Values,
): Promise<StoredRecord<unknown> | null> {
  const sql = statements(type);
  const found = await client.query<Record<string, string | null>>(
    `SELECT ${sql.select} FROM ${type} t WHERE t.study_id = $1 AND ${sql.keyWhere}`,
    [studyId, ...sql.keyFields.map((key) => values[key])],
  );
  return found.rows[0] ? storedRecordOf(type, textsOf(found.rows[0])) : null;
}

async function storedByRowId(
  client: pg.ClientBase,
  studyId: string,
  type: ServedRecordType,
  rowId: string,
): Promise<StoredRecord<unknown> | null> {
  const found = await client.query<Record<string, string | null>>(
    `SELECT ${statements(type).select} FROM ${type} t WHERE t.study_id = $1 AND t.row_id = $2`,
    [studyId, rowId],
  );
  return found.rows[0] ? storedRecordOf(type, textsOf(found.rows[0])) : null;
}

/** A database refusal as the JiaError it stands for (a constraint: DATABASE_REFUSED). */
function refusal(error: unknown): unknown {
  const translated = translateDatabaseError(error);
  const e = error as { code?: string; message?: string; constraint?: string };
  if (translated !== error || !e.code?.startsWith('23')) return translated;
  return new JiaError(
    'DATABASE_REFUSED',
    `the database refused the record: ${e.message}${e.constraint ? ` (constraint ${e.constraint})` : ''}`,
    { cause: error },
  );
}

/** Runs a service's work with the database's refusals as JiaErrors. */
async function asService<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw refusal(error);
  }
}

/** A further check of a record's valid values before it is written (an infusion's dose). */
export type RecordCheck = (values: Values) => void;

/**
 * Stores a new record of `type` in study `studyId`. VERSION_CONFLICT (expected version 0) when a
 * record with its natural key exists already: load it and correct it.
 */
export function createRecord<T>(
  tx: Transaction,
  studyId: string,
  type: ServedRecordType,
  values: T,
  sites: SiteScope,
  check?: RecordCheck,
): Promise<StoredRecord<T>> {
  const given = values as Values;
  return asService(async () => {
    checkValues(type, given);
    check?.(given);
    await requireOwner(tx.client, studyId, type, given, sites);
    const sql = statements(type);
    const inserted = await tx.client.query<Record<string, string | null>>(sql.insert, [
      studyId,
      ...sql.values(given),
    ]);
    const row = inserted.rows[0];
    if (!row)
      throw (
        (await keyTaken(tx.client, studyId, type, given, sites)) ??
        versionConflict(type, keyText(studyId, type, given), 0, null)
      );
    return storedRecordOf<T>(type, textsOf(row));
  });
}

/** Which stored record a correction replaces: the one with its natural key, or a row by its id. */
export type RecordAddress = 'natural key' | { readonly rowId: string };

/** row_id is a bigint; anything else names no row. */
const ROW_ID = /^[1-9]\d{0,17}$/;

/**
 * Replaces the record at `address` in study `studyId` by `values`, if its current version is
 * `basedOnVersion`; the new version is returned with it. NOT_FOUND when there is no such record
 * in the caller's sites, VERSION_CONFLICT when it has changed since (or when the correction
 * gives it the natural key of another record); REASON_REQUIRED when the transaction has no
 * reason for change.
 */
export function correctRecord<T>(
  tx: Transaction,
  studyId: string,
  type: ServedRecordType,
  address: RecordAddress,
  values: T,
  basedOnVersion: number,
  sites: SiteScope,
  check?: RecordCheck,
): Promise<StoredRecord<T>> {
  const given = values as Values;
  return asService(async () => {
    if (!(Number.isInteger(basedOnVersion) && basedOnVersion >= 1))
      throw new JiaError('VALIDATION_FAILED', `${basedOnVersion} is not a record version`, {
        issues: [{ path: 'version', message: 'is not a whole number from 1' }],
      });
    checkValues(type, given);
    check?.(given);
    const sql = statements(type);
    const byKey = address === 'natural key';
    const missing = () =>
      notFound(
        `there is no ${sql.label} ${byKey ? keyText(studyId, type, given) : `with id ${address.rowId}`} in study ${studyId}`,
      );
    if (!byKey && !ROW_ID.test(address.rowId)) throw missing();
    const located = await tx.client.query<{ row_id: string; version: number; site: string }>(
      `SELECT t.row_id::text AS row_id, t.version, ${ROW_SITE[OWNER[type]]} AS site
         FROM ${type} t
        WHERE t.study_id = $1 AND ${byKey ? sql.keyWhere : 't.row_id = $2'}
          FOR UPDATE OF t`,
      byKey ? [studyId, ...sql.keyFields.map((key) => given[key])] : [studyId, address.rowId],
    );
    const current = located.rows[0];
    if (!current || !inScope(sites, current.site)) throw missing();
    if (current.version !== basedOnVersion)
      throw withCurrent(
        versionConflict(type, keyText(studyId, type, given), basedOnVersion, current.version),
        await storedByRowId(tx.client, studyId, type, current.row_id),
      );
    await requireOwner(tx.client, studyId, type, given, sites);
    if (!byKey) {
      const taken = await keyTaken(tx.client, studyId, type, given, sites, current.row_id);
      if (taken) throw taken;
    }
    const updated = await tx.client.query<Record<string, string | null>>(sql.update, [
      studyId,
      current.row_id,
      ...sql.values(given),
    ]);
    return storedRecordOf<T>(type, textsOf(updated.rows[0] as Record<string, string | null>));
  });
}

/**
 * The stored record with the natural key `key` (its key fields by key), read in the transaction
 * and locked until it ends, for a change made from it (a subject's withdrawal). NOT_FOUND when
 * there is none in the caller's sites.
 */
export function lockedRecord<T>(
  tx: Transaction,
  studyId: string,
  type: ServedRecordType,
  key: Values,
  sites: SiteScope,
): Promise<StoredRecord<T>> {
  return asService(async () => {
    const sql = statements(type);
    const found = await tx.client.query<Record<string, string | null>>(
      `SELECT ${sql.select}, ${ROW_SITE[OWNER[type]]} AS site_of_row FROM ${type} t
        WHERE t.study_id = $1 AND ${sql.keyWhere} FOR UPDATE OF t`,
      [studyId, ...sql.keyFields.map((k) => key[k])],
    );
    const { site_of_row: site, ...texts } = found.rows[0] ?? {};
    if (typeof site !== 'string' || !inScope(sites, site))
      throw notFound(`there is no ${sql.label} ${keyText(studyId, type, key)} in study ${studyId}`);
    return storedRecordOf<T>(type, textsOf(texts));
  });
}
