/**
 * The completion status grid (docs/data-management.md, "Form status"): for each subject of the
 * sites asked, the protocol's scheduled visits with the engine's status (upcoming, due, overdue,
 * missed, done) and, for each recorded visit, the status of each of its forms; the visits no
 * scheduled visit takes (unscheduled) with theirs; and the subject's own forms. A form's status
 * is the dictionary's formStatus of five facts: its data and required values (formCompletion),
 * whether every filled value of it is verified (SDV), whether a valid signature covers it, and
 * whether it is locked (form-locks.ts, the one place locks come in).
 */
import {
  FORMS,
  type FormContext,
  type FormDefinition,
  type FormFacts,
  type FormId,
  type FormStatus,
  formCompletion,
  formStatus,
} from '@jia-trial/dictionary';
import {
  evaluate,
  type ProtocolDefinition,
  type ScheduledVisit,
  type VisitStatus,
} from '@jia-trial/protocol';
import type pg from 'pg';
import { inScope, type SiteScope } from '../records/site-scope.js';
import { type SignatureStatus, signaturesOf } from '../review/signatures.js';
import type { CasebookRecord } from '../sdv/sdv-items.js';
import { filteredItems, type SiteItemState } from '../sdv/sdv-progress.js';
import { loadStudyTimelines } from '../timelines.js';
import { loadFormLocks } from './form-locks.js';

export interface FormCell {
  readonly form: FormId;
  readonly status: FormStatus;
  readonly facts: FormFacts;
  /** The required values that are not filled (field names, `<n>.<field>` of a record, criteria). */
  readonly missing: readonly string[];
}

export interface GridVisit {
  /** The column: the scheduled visit's name and infusion series (`1:week 4`; `0:` on enrolment). */
  readonly column: string;
  readonly name: string;
  readonly infusion: number | null;
  readonly targetDate: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  /** The protocol engine's status on the as-of day. */
  readonly scheduleStatus: VisitStatus;
  readonly late: boolean;
  readonly visitId: string | null;
  readonly visitDate: string | null;
  /** The forms of the recorded visit (none when no visit is recorded). */
  readonly forms: readonly FormCell[];
}

export interface GridRow {
  readonly subjectId: string;
  readonly site: string;
  readonly visits: readonly GridVisit[];
  /** Recorded visits the schedule does not take (unscheduled, or outside every window). */
  readonly unscheduled: ReadonlyArray<{
    readonly visitId: string;
    readonly visitDate: string;
    readonly forms: readonly FormCell[];
  }>;
  readonly subjectForms: readonly FormCell[];
}

export interface FormStatusGrid {
  readonly asOf: string;
  readonly columns: ReadonlyArray<{
    readonly column: string;
    readonly name: string;
    readonly infusion: number | null;
  }>;
  readonly forms: ReadonlyArray<Pick<FormDefinition, 'id' | 'label' | 'level' | 'completeWhen'>>;
  readonly rows: readonly GridRow[];
}

export interface GridOptions {
  readonly protocol: ProtocolDefinition;
  readonly asOf: string;
  /** The sites the reader may see; `site`: only this one. */
  readonly sites: SiteScope;
  readonly site?: string | undefined;
}

/** The forms that apply under a protocol: eligibility only with criteria to confirm, infusions only with an intervention. */
export function formsUnder(protocol: ProtocolDefinition): {
  forms: readonly FormDefinition[];
  context: FormContext;
} {
  const confirmationCriteria = [
    ...protocol.eligibility.inclusion,
    ...protocol.eligibility.exclusion,
  ]
    .filter((c) => c.kind === 'confirmation')
    .map((c) => c.id);
  const forms = FORMS.filter(
    (f) =>
      (f.id !== 'eligibility' || confirmationCriteria.length > 0) &&
      (f.id !== 'infusions' || protocol.intervention !== null),
  );
  return { forms, context: { confirmationCriteria } };
}

/** Whether a valid signature covers a visit's forms (visitId) or the subject's own (null). */
function signedFor(signatures: readonly SignatureStatus[], visitId: string | null): boolean {
  return signatures.some(
    (s) => !s.broken && (s.visitId === null || (visitId !== null && s.visitId === visitId)),
  );
}

interface SubjectData {
  readonly records: readonly CasebookRecord[];
  readonly items: readonly SiteItemState[];
  readonly signatures: readonly SignatureStatus[];
  readonly locked: (visitId: string | null) => boolean;
}

function formCell(
  form: FormDefinition,
  visitId: string | null,
  data: SubjectData,
  context: FormContext,
): FormCell {
  const visit =
    visitId === null
      ? null
      : (data.records.find((r) => r.table === 'visit' && r.visitId === visitId) ?? null);
  const records = data.records.filter(
    (r) => r.table === form.records && (visitId === null || r.visitId === visitId),
  );
  const completion = formCompletion(
    form,
    { visit: visit?.texts ?? null, records: records.map((r) => r.texts) },
    context,
  );
  const items = data.items.filter(
    (i) =>
      (i.table === 'visit' &&
        visitId !== null &&
        i.visitId === visitId &&
        form.visitFields.includes(i.field)) ||
      (i.table === form.records && (visitId === null || i.visitId === visitId)),
  );
  const facts: FormFacts = {
    hasAnyData: completion.hasAnyData,
    requiredFilled: completion.requiredFilled,
    verified: items.length > 0 && items.every((i) => i.state === 'verified'),
    signed: completion.hasAnyData && signedFor(data.signatures, visitId),
    locked: data.locked(visitId),
  };
  return { form: form.id, status: formStatus(facts), facts, missing: completion.missing };
}

const columnOf = (v: Pick<ScheduledVisit, 'name' | 'infusion'>) => `${v.infusion ?? 0}:${v.name}`;

/**
 * The grid over the sites asked, read in the given client's snapshot (use withSnapshot): each
 * subject's schedule from the protocol engine on `asOf`, and each form's status now.
 */
export async function formStatusGrid(
  db: pg.ClientBase,
  studyId: string,
  options: GridOptions,
): Promise<FormStatusGrid> {
  const { forms, context } = formsUnder(options.protocol);
  const { items, records } = await filteredItems(db, studyId, {
    sites: options.sites,
    site: options.site,
  });
  const siteOf = new Map(
    records
      .filter((r) => r.table === 'subject')
      .map((r) => [r.subjectId, r.texts.get('site') as string]),
  );
  const timelines = (await loadStudyTimelines({ client: db as pg.PoolClient }, studyId)).filter(
    (t) => siteOf.has(t.subjectId) && inScope(options.sites, siteOf.get(t.subjectId) as string),
  );
  const locks = await loadFormLocks(db, studyId);
  const visitForms = forms.filter((f) => f.level === 'visit');
  const subjectForms = forms.filter((f) => f.level === 'subject');
  const columns = new Map<
    string,
    { column: string; name: string; infusion: number | null; order: number }
  >();
  const scheduleOrder = options.protocol.schedule.visits.map((v) => v.name);
  const rows: GridRow[] = [];
  for (const timeline of timelines) {
    const { subjectId } = timeline;
    const data: SubjectData = {
      records: records.filter((r) => r.subjectId === subjectId),
      items: items.filter((i) => i.subjectId === subjectId),
      signatures: await signaturesOf(db, studyId, subjectId),
      locked: (visitId) => locks.isLocked(subjectId, visitId),
    };
    const cells = (visitId: string) => visitForms.map((f) => formCell(f, visitId, data, context));
    const schedule = evaluate(options.protocol, timeline, options.asOf).schedule;
    const visits = schedule.map((v) => {
      const column = columnOf(v);
      columns.set(column, {
        column,
        name: v.name,
        infusion: v.infusion,
        order: (v.infusion ?? 0) * 1000 + scheduleOrder.indexOf(v.name),
      });
      return {
        column,
        name: v.name,
        infusion: v.infusion,
        targetDate: v.targetDate,
        windowStart: v.windowStart,
        windowEnd: v.windowEnd,
        scheduleStatus: v.status,
        late: v.late,
        visitId: v.visitId,
        visitDate: v.visitDate,
        forms: v.visitId === null ? [] : cells(v.visitId),
      };
    });
    const scheduled = new Set(schedule.flatMap((v) => (v.visitId === null ? [] : [v.visitId])));
    rows.push({
      subjectId,
      site: siteOf.get(subjectId) as string,
      visits,
      // Every recorded visit appears: in its scheduled column, or here.
      unscheduled: data.records
        .filter((r) => r.table === 'visit' && r.visitId !== null && !scheduled.has(r.visitId))
        .map((r) => ({
          visitId: r.visitId as string,
          visitDate: r.texts.get('visit_date') as string,
          forms: cells(r.visitId as string),
        })),
      subjectForms: subjectForms.map((f) => formCell(f, null, data, context)),
    });
  }
  return {
    asOf: options.asOf,
    columns: [...columns.values()].sort((a, b) => a.order - b.order).map(({ order: _, ...c }) => c),
    forms: forms.map(({ id, label, level, completeWhen }) => ({ id, label, level, completeWhen })),
    rows,
  };
}
