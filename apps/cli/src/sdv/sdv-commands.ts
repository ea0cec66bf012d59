/**
 * `jia-trial sdv progress`, `sdv list` and `sdv verify` (docs/data-management.md, "Source data
 * verification"): a monitor's source data verification from the command line, through the
 * store's services the API calls (sdvProgress, filteredItems, markVerified), as the
 * operating-system account (`os:<login>`, named by --actor) like every other command that
 * changes data. The command line is the operator's door: it checks no role and sees every site,
 * as import and lock do.
 */
import { RECORD_TYPES, type RecordTypeId } from '@jia-trial/dictionary';
import { JiaError } from '@jia-trial/errors';
import {
  filteredItems,
  markVerified,
  type SdvProgress,
  type SdvTarget,
  type SiteItemState,
  sdvItemView,
  sdvProgress,
  withSnapshot,
  withTransaction,
} from '@jia-trial/store';
import { chosenStudy } from '../store/exchange-commands.js';
import { cliActor, type StoreIo, withStore } from '../store/store-commands.js';

/** What the command line verifies when it is given no --reason (the API's words). */
export const SDV_REASON = 'source data verified';

export const SDV_STATES = ['pending', 'verified', 'all'] as const;

const percent = (p: number | null) => (p === null ? '—' : `${p} %`);

/** Rows of a plain-text table: each column as wide as its widest cell. */
function columns(rows: ReadonlyArray<readonly string[]>): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

type Counted = { items: number; verified: number; percent: number | null };
const countCells = (c: Counted) => [String(c.items), String(c.verified), percent(c.percent)];

export function progressText(progress: SdvProgress, bySubjectVisits: boolean): string {
  const head = ['', 'values', 'verified', 'done'];
  const parts = [
    `${progress.total.verified} of ${progress.total.items} values verified (${percent(progress.total.percent)})`,
    '',
    columns([
      ['site', ...head.slice(1)],
      ...progress.bySite.map((s) => [s.site, ...countCells(s)]),
    ]),
    '',
    columns([
      ['subject', ...head.slice(1)],
      ...progress.bySubject.map((s) => [`${s.subjectId} (${s.site})`, ...countCells(s)]),
    ]),
  ];
  if (bySubjectVisits)
    parts.push(
      '',
      columns([
        ['visit', ...head.slice(1)],
        ...progress.byVisit.map((v) => [
          v.visitId === null
            ? `${v.subjectId} own records`
            : `${v.visitId} (${v.visitDate ?? '?'})`,
          ...countCells(v),
        ]),
      ]),
    );
  return `${parts.join('\n')}\n`;
}

export interface SdvProgressOptions {
  readonly study?: string | undefined;
  readonly site?: string | undefined;
  readonly subject?: string | undefined;
  readonly json: boolean;
}

export async function runSdvProgress(io: StoreIo, options: SdvProgressOptions): Promise<void> {
  const progress = await withStore(io, async (store) => {
    const studyId = await chosenStudy(store, options.study);
    return withSnapshot(store, (client) =>
      sdvProgress(client, studyId, {
        sites: 'all',
        site: options.site,
        subjectId: options.subject,
      }),
    );
  });
  if (options.json) io.out(`${JSON.stringify(progress, null, 2)}\n`);
  else io.out(progressText(progress, options.subject !== undefined));
}

/** One value in one line: subject, visit, record, field = value, and its state. */
export function itemLine(item: SiteItemState): string {
  const state =
    item.state === 'verified'
      ? `verified by ${item.verification?.verifiedBy.name} at ${item.verification?.verifiedAt}`
      : (item.verification?.clearedBecause ?? 'not verified');
  return `${item.subjectId} (${item.site})  ${item.visitId ?? '-'}  ${item.table} ${item.recordKey}  ${item.fieldKey} = ${item.value}  ${state}`;
}

export interface SdvListOptions {
  readonly study?: string | undefined;
  readonly site?: string | undefined;
  readonly subject?: string | undefined;
  readonly visit?: string | undefined;
  readonly state: (typeof SDV_STATES)[number];
  readonly json: boolean;
}

export async function runSdvList(io: StoreIo, options: SdvListOptions): Promise<void> {
  const items = await withStore(io, async (store) => {
    const studyId = await chosenStudy(store, options.study);
    const all = await withSnapshot(store, async (client) =>
      filteredItems(client, studyId, {
        sites: 'all',
        site: options.site,
        subjectId: options.subject,
        visitId: options.visit,
      }),
    );
    return options.state === 'all' ? all.items : all.items.filter((i) => i.state === options.state);
  });
  if (options.json) io.out(`${JSON.stringify(items.map(sdvItemView), null, 2)}\n`);
  else if (items.length === 0)
    io.note(options.state === 'pending' ? 'nothing left to verify' : 'no values');
  else io.out(`${items.map(itemLine).join('\n')}\n`);
}

export interface SdvVerifyOptions {
  readonly study?: string | undefined;
  readonly subject: string;
  readonly visit?: string | undefined;
  readonly table?: string | undefined;
  readonly key?: string | undefined;
  readonly field?: string | undefined;
  readonly version?: number | undefined;
  readonly reason?: string | undefined;
  readonly actor?: string | undefined;
  readonly json: boolean;
}

const usage = (message: string) => new JiaError('USAGE_ERROR', message);

/**
 * The target the options name: the casebook (--subject alone), a visit (--visit), a record
 * (--table and --key) or one of its fields (and --field). A record key may be given with or
 * without its study (`P01-V3` or `msc-pilot/P01-V3`: the trail writes the latter).
 */
export function targetOf(studyId: string, options: SdvVerifyOptions): SdvTarget {
  const { subject: subjectId, visit, table, key, field, version } = options;
  if (visit !== undefined && (table !== undefined || key !== undefined || field !== undefined))
    throw usage('--visit verifies a whole visit: leave out --table, --key and --field');
  if (visit !== undefined) {
    if (version !== undefined) throw usage('--if-version goes with --table and --key');
    return { scope: 'visit', subjectId, visitId: visit };
  }
  if (table === undefined && key === undefined) {
    if (field !== undefined) throw usage('--field needs --table and --key');
    if (version !== undefined) throw usage('--if-version goes with --table and --key');
    return { scope: 'casebook', subjectId };
  }
  if (table === undefined || key === undefined)
    throw usage('--table and --key name a record together: give both');
  if (!RECORD_TYPES.some((r) => r.id === table))
    throw usage(`--table ${table}: one of ${RECORD_TYPES.map((r) => r.id).join(', ')}`);
  const recordKey = key.startsWith(`${studyId}/`) ? key : `${studyId}/${key}`;
  const record = { subjectId, table: table as RecordTypeId, recordKey, version };
  return field === undefined
    ? { scope: 'record', ...record }
    : { scope: 'field', ...record, field };
}

export async function runSdvVerify(io: StoreIo, options: SdvVerifyOptions): Promise<void> {
  const { studyId, target, result } = await withStore(io, async (store) => {
    const studyId = await chosenStudy(store, options.study);
    const target = targetOf(studyId, options);
    const reason = options.reason?.trim() || SDV_REASON;
    const result = await withTransaction(store, cliActor(options.actor), reason, (tx) =>
      markVerified(tx, studyId, target, 'all'),
    );
    return { studyId, target, result };
  });
  const verified = result.verified.map((i) => ({
    subjectId: i.subjectId,
    visitId: i.visitId,
    table: i.table,
    recordKey: i.recordKey,
    field: i.fieldKey,
    value: i.value,
  }));
  if (options.json)
    io.out(
      `${JSON.stringify({ study: studyId, target, verified, alreadyVerified: result.alreadyVerified }, null, 2)}\n`,
    );
  else
    io.out(
      `verified ${verified.length} value(s) of subject ${target.subjectId}` +
        ` (${target.scope}${target.scope === 'visit' ? ` ${target.visitId}` : target.scope === 'casebook' ? '' : ` ${target.recordKey}`})` +
        `; ${result.alreadyVerified} verified already\n`,
    );
}
