/**
 * A study's audit trail as a file for an inspector (docs/data-management.md, "Audit review"):
 * CSV (RFC 4180, UTF-8, a header row, one event a row) or JSON (one array of events, one event a
 * line), written a page of events at a time so that neither the command nor the server holds
 * the trail. CSV cells are text and neutralised against formula injection (the bundle's convention, @jia-trial/dictionary csv-formula.ts);
 * values are the event's JSON text. The JSON form is the events exactly as the API gives them.
 */

import { neutraliseCell } from '@jia-trial/dictionary';
import type { ReviewedEvent } from '@jia-trial/store';
import { CsvWriter } from '../csv/csv-writer.js';

export const AUDIT_TRAIL_FORMATS = ['csv', 'json'] as const;
export type AuditTrailFormat = (typeof AUDIT_TRAIL_FORMATS)[number];

export const AUDIT_TRAIL_CSV_COLUMNS = [
  'event_id',
  'occurred_at',
  'actor_id',
  'actor',
  'study_id',
  'site_code',
  'table_name',
  'record_key',
  'row_id',
  'operation',
  'reason',
  'old_values',
  'new_values',
  'event_hash',
] as const;

const csvCells = (e: ReviewedEvent): (string | null)[] => [
  e.eventId,
  e.at,
  e.actor.id,
  e.actor.name,
  e.studyId,
  e.siteCode,
  e.table,
  e.recordKey,
  e.rowId,
  e.operation,
  e.reason,
  e.oldValues === null ? null : JSON.stringify(e.oldValues),
  e.newValues === null ? null : JSON.stringify(e.newValues),
  e.eventHash,
];

/** Writes the trail's file as text chunks: `start()`, `events()` per page, `end()`. */
export interface AuditTrailFile {
  readonly contentType: string;
  start(): string;
  events(events: readonly ReviewedEvent[]): string;
  end(): string;
}

export function auditTrailFile(format: AuditTrailFormat): AuditTrailFile {
  if (format === 'json') {
    let first = true;
    return {
      contentType: 'application/json; charset=utf-8',
      start: () => '[',
      events: (events) =>
        events
          .map((e) => {
            const line = `${first ? '' : ','}\n${JSON.stringify(e)}`;
            first = false;
            return line;
          })
          .join(''),
      end: () => '\n]\n',
    };
  }
  const csv = (rows: readonly (readonly (string | null)[])[]): string => {
    // The writer's buffers may end inside a character: decoded as one stream.
    const decoder = new TextDecoder();
    let text = '';
    const writer = new CsvWriter((bytes) => {
      text += decoder.decode(bytes, { stream: true });
    });
    for (const row of rows) {
      for (const cell of row)
        if (cell === null) writer.empty();
        else writer.field(neutraliseCell(cell));
      writer.endRecord();
    }
    writer.flush();
    return text + decoder.decode();
  };
  return {
    contentType: 'text/csv; charset=utf-8',
    start: () => csv([AUDIT_TRAIL_CSV_COLUMNS]),
    events: (events) => csv(events.map(csvCells)),
    end: () => '',
  };
}
