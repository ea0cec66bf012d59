/**
 * `jia-trial audit show`: the audit trail of one record (--table, --key, as the trail names it)
 * or of every clinical record of a subject (--subject), read from the store (recordHistory,
 * subjectHistory): when, what, who, why, and each value changed, from what to what. A reviewer
 * reads it without psql (ICH E6(R3) 4.2; 21 CFR 11.10(e)).
 */
import { JiaError } from '@jia-trial/errors';
import { type AuditEntry, recordHistory, subjectHistory } from '@jia-trial/store';
import { type StoreIo, withStore } from '../store/store-commands.js';

export interface AuditShowOptions {
  readonly study: string;
  readonly table?: string | undefined;
  readonly key?: string | undefined;
  readonly subject?: string | undefined;
  readonly json: boolean;
}

/** Columns every row has: not news in an event. */
const HOUSEKEEPING = new Set(['row_id', 'version', 'study_id']);

const shown = (value: unknown) =>
  value === null || value === undefined
    ? '(none)'
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);

/** The values an event changed, one line each: "active_joints: 9 -> 7". */
export function changeLines(e: AuditEntry): string[] {
  const before = e.oldValues ?? {};
  const after = e.newValues ?? {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (k) => !HOUSEKEEPING.has(k),
  );
  return keys.flatMap((k) => {
    const [a, b] = [before[k], after[k]];
    if (JSON.stringify(a) === JSON.stringify(b)) return [];
    if (e.operation === 'insert') return b === null || b === undefined ? [] : [`${k}: ${shown(b)}`];
    if (e.operation === 'delete') return a === null || a === undefined ? [] : [`${k}: ${shown(a)}`];
    return [`${k}: ${shown(a)} -> ${shown(b)}`];
  });
}

function eventText(e: AuditEntry & { readonly table?: string }, table: string): string {
  const who =
    e.actor.id && e.actor.id !== e.actor.name ? `${e.actor.name} (${e.actor.id})` : e.actor.name;
  const head = `${e.at}  ${e.operation}  ${table} ${e.recordKey}  by ${who}${e.reason ? `  reason: ${e.reason}` : ''}`;
  return [head, ...changeLines(e).map((line) => `    ${line}`)].join('\n');
}

export async function runAuditShow(io: StoreIo, options: AuditShowOptions): Promise<void> {
  const byRecord = options.table !== undefined || options.key !== undefined;
  if (byRecord === (options.subject !== undefined) || (byRecord && !(options.table && options.key)))
    throw new JiaError('USAGE_ERROR', 'give --table and --key, or --subject (not both)');
  const events = await withStore(io, async (store) =>
    options.subject !== undefined
      ? subjectHistory(store.pool, options.study, options.subject)
      : (
          await recordHistory(
            store.pool,
            options.study,
            options.table as string,
            options.key as string,
          )
        ).map((e) => ({ ...e, table: options.table as string })),
  );
  if (options.json) {
    io.out(`${JSON.stringify(events, null, 2)}\n`);
    return;
  }
  io.out(`${events.map((e) => eventText(e, e.table)).join('\n')}\n`);
}
