/**
 * Stored records as their bundle texts (the export's expressions, bundleTextExpression), the one
 * reading of the clinical tables: the timelines map the texts with the dictionary's
 * subjectTimelines, the record services and reads with its recordFromTexts, so a record means the
 * same in a bundle, a timeline and an API response. Every record also gives its version and its
 * row_id (the record's identity in the audit trail).
 */
import {
  type BundleFile,
  bundleFile,
  dbColumn,
  type RecordTexts,
  type RecordTypeId,
  recordFromTexts,
  recordType,
} from '@jia-trial/dictionary';
import type pg from 'pg';
import { escapeIdentifier } from 'pg';
import { bundleTextExpression } from '../bundle/export-bundle.js';
import { prepared } from '../prepared.js';

/** A stored record: its typed values by field key, its version, and its row's identity. */
export interface StoredRecord<T> {
  readonly record: T;
  readonly version: number;
  /**
   * The row's identity (row_id, which never changes: the audit trail's record identity): what a
   * correction of a record whose natural key may change names (medications, infusions).
   */
  readonly rowId: string;
}

/** The bundle file of a record type. */
export function fileOf(type: RecordTypeId): BundleFile {
  return bundleFile(recordType(type).file);
}

/**
 * The select list of a record type's texts: its bundle columns (or those named in `only`), and
 * row_id. A name of `only` that is no column of the file is refused (a reading would otherwise
 * miss it silently).
 */
export function textColumns(file: BundleFile, only?: readonly string[]): string {
  const unknown = only?.filter((name) => !file.columns.some((c) => c.name === name)) ?? [];
  if (unknown.length > 0)
    throw new RangeError(`${file.table} has no column ${unknown.join(', ')} to read`);
  const columns = only ? file.columns.filter((c) => only.includes(c.name)) : file.columns;
  return [
    ...columns.map((c) => `${bundleTextExpression(file, c)} AS ${escapeIdentifier(c.name)}`),
    'row_id::text AS row_id',
  ].join(', ');
}

/** A row of textColumns as cell texts (NULL absent). */
export function textsOf(row: Readonly<Record<string, string | null>>): RecordTexts {
  const texts = new Map<string, string>();
  for (const name in row) {
    const text = row[name];
    if (text !== null && text !== undefined) texts.set(name, text);
  }
  return texts;
}

/**
 * A row of textColumns read as an array (pg's rowMode 'array': no object per row, the export's
 * hot path) as cell texts, `names` the result's field names in order (NULL absent).
 */
export function textsOfColumns(
  names: readonly string[],
  row: ReadonlyArray<string | null>,
): RecordTexts {
  const texts = new Map<string, string>();
  for (let i = 0; i < names.length; i++) {
    const text = row[i];
    if (text !== null && text !== undefined) texts.set(names[i] as string, text);
  }
  return texts;
}

/** A row of textColumns as a typed stored record. */
export function storedRecordOf<T>(type: RecordTypeId, texts: RecordTexts): StoredRecord<T> {
  return {
    record: recordFromTexts(type, texts) as T,
    version: Number(texts.get('version')),
    rowId: texts.get('row_id') as string,
  };
}

export interface TextQuery {
  /** Only the records of this subject (a joint finding's or a CHAQ answer's: of its visits). */
  readonly subjectId?: string;
  /** The columns to order by; the file's key by default (the export's order). */
  readonly orderBy?: readonly string[];
}

/** Every record of a file of the study (or of one of its subjects), as cell texts. */
export async function readRecordTexts(
  client: pg.ClientBase,
  studyId: string,
  file: BundleFile,
  query: TextQuery = {},
): Promise<RecordTexts[]> {
  const params: unknown[] = [studyId];
  let where = 'study_id = $1';
  if (query.subjectId !== undefined) {
    params.push(query.subjectId);
    where += file.columns.some((c) => c.name === 'subject_id')
      ? ' AND subject_id = $2'
      : ' AND visit_id IN (SELECT visit_id FROM visit WHERE study_id = $1 AND subject_id = $2)';
  }
  const order = (query.orderBy ?? file.key)
    .map((name) => escapeIdentifier(dbColumn(file, name)))
    .join(', ');
  const result = await client.query<Record<string, string | null>>(
    prepared(
      `SELECT ${textColumns(file)} FROM ${file.table} WHERE ${where} ORDER BY ${order}`,
      params,
    ),
  );
  return result.rows.map(textsOf);
}
