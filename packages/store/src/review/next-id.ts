/**
 * Ids the store gives to what it creates: a study's queries are, ... and its signatures
 * SIG-1, SIG-2, ... and its locks L-1, L-2, ..., numbered in the order they were made, short enough to say on the phone to a
 * site. Concurrent transactions of one study take their numbers one after the other: a
 * transaction-scoped advisory lock per study and kind is held until commit, so the second
 * reads the first's number once it is committed (or gone).
 */
import type pg from 'pg';

const NUMBERED = {
  data_query: { column: 'query_id', prefix: 'Q-' },
  signature: { column: 'signature_id', prefix: 'SIG-' },
  discrepancy: { column: 'discrepancy_id', prefix: 'DQ-' },
  record_lock: { column: 'lock_id', prefix: 'L-' },
} as const;

/** The next id of `table` in the study, locked to this transaction until it ends. */
export async function nextId(
  client: pg.ClientBase,
  table: keyof typeof NUMBERED,
  studyId: string,
): Promise<string> {
  const { column, prefix } = NUMBERED[table];
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [
    `jia.next-id.${table}`,
    studyId,
  ]);
  const found = await client.query<{ n: number }>(
    `SELECT coalesce(max(substring(${column} FROM ${prefix.length + 1})::integer), 0) + 1 AS n
       FROM ${table} WHERE study_id = $1 AND ${column} ~ $2`,
    [studyId, `^${prefix}[0-9]{1,9}$`],
  );
  return `${prefix}${found.rows[0]?.n ?? 1}`;
}
