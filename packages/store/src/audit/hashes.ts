/**
 * The audit trail's hashes, recomputed in Node (docs/audit-trail.md, ADR 0024): verify-audit
 * reads the stored data and hashes it here, so that no function of the database (a
 * `public.sha256` placed ahead of pg_catalog, a replaced cast) takes part in deciding whether
 * the trail is intact.
 */
import { createHash } from 'node:crypto';

/** An audit event as verify-audit reads it: text as stored, json values as their stored text. */
export interface EventRow {
  readonly event_id: string;
  readonly batch_id: string;
  /** occurred_at as ISO UTC text with microseconds (`2019-01-01T10:00:00.123456Z`). */
  readonly at_text: string;
  readonly actor: string;
  readonly reason: string | null;
  readonly table_name: string;
  readonly row_id: string;
  readonly record_key: string;
  readonly operation: string;
  readonly old_values: string | null;
  readonly new_values: string | null;
  readonly actor_id: string | null;
  readonly study_id: string | null;
  readonly site_code: string | null;
  readonly event_hash: Buffer;
}

/**
 * A text as PostgreSQL's json_build_array writes it (escape_json in src/backend/utils/adt/json.c:
 * `"`, `\`, \b \f \n \r \t by name, other characters below U+0020 as \u00XX, nothing else), which
 * is what JSON.stringify does for the well-formed Unicode a database text holds.
 */
const text = (value: string | null): string => (value === null ? 'null' : JSON.stringify(value));

/**
 * The bytes an event hash covers: json_build_array(batch_id, occurred_at, actor, reason,
 * table_name, row_id, record_key, operation, old_values, new_values[, actor_id, study_id,
 * site_code])::text in UTF-8, as audit_event_content() of migration 0007 makes them (the three
 * last only when one is set: events from before that migration have none). json_build_array
 * separates elements with ", ", writes integers as digits, and embeds json values verbatim.
 */
export function eventContent(e: EventRow): string {
  const parts = [
    e.batch_id,
    text(e.at_text),
    text(e.actor),
    text(e.reason),
    text(e.table_name),
    e.row_id,
    text(e.record_key),
    text(e.operation),
    e.old_values ?? 'null',
    e.new_values ?? 'null',
  ];
  if (e.actor_id !== null || e.study_id !== null || e.site_code !== null)
    parts.push(text(e.actor_id), text(e.study_id), text(e.site_code));
  return `[${parts.join(', ')}]`;
}

export function eventHash(e: EventRow): Buffer {
  return createHash('sha256').update(eventContent(e), 'utf8').digest();
}

/** The block formats verify-audit knows (migration 0017 added 2). */
export type HashFormat = 1 | 2;

/** What a block's events_digest takes from one event: its hash; in format 2 its id first. */
export function digestPart(format: HashFormat, eventId: string, hash: Buffer): Buffer {
  if (format === 1) return hash;
  const part = Buffer.alloc(8 + hash.length);
  part.writeBigInt64BE(BigInt(eventId), 0);
  hash.copy(part, 8);
  return part;
}

/**
 * A block's hash: SHA-256(prev ‖ seq ‖ count ‖ digest ‖ batch ids), integers big-endian (8, 4
 * and 8 bytes); format 2 puts the format (2 bytes) first, so that a block cannot be passed off
 * under the other format.
 */
export function blockHash(
  format: HashFormat,
  prev: Buffer,
  seq: bigint,
  count: number,
  digest: Buffer,
  batchIds: readonly string[],
): Buffer {
  const numbers = Buffer.alloc(12);
  numbers.writeBigInt64BE(seq, 0);
  numbers.writeInt32BE(count, 8);
  const batches = Buffer.alloc(8 * batchIds.length);
  for (const [i, id] of batchIds.entries()) batches.writeBigInt64BE(BigInt(id), 8 * i);
  const hash = createHash('sha256');
  if (format === 2) hash.update(Buffer.from([0, 2]));
  return hash.update(prev).update(numbers).update(digest).update(batches).digest();
}
