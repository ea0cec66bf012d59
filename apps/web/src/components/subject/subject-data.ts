/**
 * The subject page's data: the API's answers (types from schema.generated.ts only) narrowed into
 * what the page shows. Pure (no React, no fetch), so that the ordering rules are testable in
 * Node: visits and events by date, and the alerts that must be seen first, first.
 */
import type { components, paths } from '../../api/schema.generated.js';
import {
  booleanOf,
  isObject,
  type Json,
  listOf,
  numberOf,
  objectOf,
  textOf,
  textsOf,
} from './read.js';

export type SubjectBody = components['schemas']['Subject'];
export type StatusBody =
  paths['/api/v1/studies/{studyId}/subjects/{subjectId}/status']['get']['responses'][200]['content']['application/json'];
export type SignaturesBody =
  paths['/api/v1/studies/{studyId}/subjects/{subjectId}/signatures']['get']['responses'][200]['content']['application/json'];
export type QueriesBody =
  paths['/api/v1/studies/{studyId}/queries']['get']['responses'][200]['content']['application/json'];

export interface SubjectFacts {
  readonly subjectId: string;
  readonly site: string;
  readonly ilarCategory: string | null;
  readonly enrolmentDate: string | null;
  readonly withdrawalDate: string | null;
  readonly withdrawalReason: string | null;
}

export interface VisitRow {
  readonly visitId: string;
  readonly date: string;
  readonly activeJoints: number | null;
  readonly jadas10: number | null;
  readonly jadas10Band: string | null;
  readonly cjadas10: number | null;
  /** The ACR-Pedi level reached (30, 50, 70, 90, 100); 0: none; null: not assessable. */
  readonly acrPedi: number | null;
  /** The visit meets the 2016 MAS classification criteria (Ravelli 2016). */
  readonly mas: boolean;
}

export interface InfusionRow {
  readonly rowId: string;
  readonly date: string;
  readonly totalCells: number | null;
  readonly cellsPerKg: number | null;
  readonly weightKg: number | null;
  readonly reaction: boolean;
}

export interface AdverseEventRow {
  readonly aeId: string;
  readonly onsetDate: string;
  readonly term: string;
  readonly grade: number | null;
  readonly serious: boolean;
  readonly outcome: string | null;
}

/** A medication by its key (the drug and its first day). */
export interface MedicationRow {
  readonly drug: string;
  readonly startDate: string;
}

/** An investigator's answer to one eligibility criterion. */
export interface EligibilityAnswerRow {
  readonly criterionId: string;
  readonly value: boolean | null;
  readonly assessedDate: string | null;
}

export interface SubjectRecords {
  readonly facts: SubjectFacts;
  readonly visits: readonly VisitRow[];
  readonly infusions: readonly InfusionRow[];
  readonly adverseEvents: readonly AdverseEventRow[];
  readonly medications: readonly MedicationRow[];
  readonly eligibilityAnswers: readonly EligibilityAnswerRow[];
}

const byDate = <T extends { readonly date: string }>(rows: T[]) =>
  rows.sort((a, b) => a.date.localeCompare(b.date));

/** The subject's records as the page shows them, each list in date order. */
export function subjectRecords(body: SubjectBody): SubjectRecords {
  const s = body.subject.record;
  const visits = body.visits.flatMap((v): VisitRow[] => {
    const date = textOf(v.record.visitDate);
    if (date === null) return [];
    return [
      {
        visitId: textOf(v.record.visitId) ?? v.rowId,
        date,
        activeJoints: numberOf(v.record.activeJoints),
        jadas10: numberOf(v.scores.jadas10),
        jadas10Band: textOf(v.scores.jadas10Band),
        cjadas10: numberOf(v.scores.cjadas10),
        acrPedi: numberOf(v.scores.acrPedi),
        mas: v.scores.mas2016 === true,
      },
    ];
  });
  const infusions = body.infusions.flatMap((i): InfusionRow[] => {
    const date = textOf(i.record.infusionDate);
    if (date === null) return [];
    return [
      {
        rowId: i.rowId,
        date,
        totalCells: numberOf(i.record.totalCells),
        cellsPerKg: numberOf(i.record.cellsPerKg),
        weightKg: numberOf(i.record.weightKg),
        reaction: i.record.infusionReaction === true,
      },
    ];
  });
  const adverseEvents = body.adverseEvents
    .flatMap((a): Array<AdverseEventRow & { date: string }> => {
      const date = textOf(a.record.onsetDate);
      if (date === null) return [];
      return [
        {
          aeId: textOf(a.record.aeId) ?? a.rowId,
          onsetDate: date,
          date,
          term: textOf(a.record.term) ?? '(no term)',
          grade: numberOf(a.record.grade),
          serious: a.record.serious === true,
          outcome: textOf(a.record.outcome),
        },
      ];
    })
    .sort((a, b) => a.date.localeCompare(b.date));
  const medications = body.medications
    .flatMap((m): MedicationRow[] => {
      const drug = textOf(m.record.drug);
      const startDate = textOf(m.record.startDate);
      return drug === null || startDate === null ? [] : [{ drug, startDate }];
    })
    .sort((a, b) => a.startDate.localeCompare(b.startDate) || a.drug.localeCompare(b.drug));
  const eligibilityAnswers = body.eligibilityAssessments.flatMap((e): EligibilityAnswerRow[] => {
    const criterionId = textOf(e.record.criterionId);
    if (criterionId === null) return [];
    const value = e.record.value;
    return [
      {
        criterionId,
        value: typeof value === 'boolean' ? value : null,
        assessedDate: textOf(e.record.assessedDate),
      },
    ];
  });
  return {
    facts: {
      subjectId: textOf(s.subjectId) ?? '',
      site: textOf(s.site) ?? '',
      ilarCategory: textOf(s.ilarCategory),
      enrolmentDate: textOf(s.enrolmentDate),
      withdrawalDate: textOf(s.withdrawalDate),
      withdrawalReason: textOf(s.withdrawalReason),
    },
    visits: byDate(visits),
    infusions: byDate(infusions),
    adverseEvents,
    medications,
    eligibilityAnswers,
  };
}

export interface Acknowledgement {
  readonly by: string;
  readonly at: string;
  readonly comment: string;
}

export interface AlertView {
  readonly alertId: string;
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  /** The day the alert is about (its visit, AE, infusion or scheduled visit), if it names one. */
  readonly date: string | null;
  readonly acknowledgement: Acknowledgement | null;
}

/** Alerts that must be read before any other, whatever the engine's order (issue 13). */
const FIRST_CODES = ['MAS_CRITERIA_MET', 'SAE_REPORT_DUE'];
/** The engine's severities (@jia-trial/protocol Severity), most pressing first. */
export const SEVERITIES = ['urgent', 'warning', 'info'] as const;

const rank = (list: readonly string[], value: string) => {
  const at = list.indexOf(value);
  return at === -1 ? list.length : at;
};

/** MAS_CRITERIA_MET and SAE_REPORT_DUE first, then by severity; otherwise the engine's order. */
export function orderAlerts(alerts: readonly AlertView[]): AlertView[] {
  return [...alerts].sort(
    (a, b) =>
      rank(FIRST_CODES, a.code) - rank(FIRST_CODES, b.code) ||
      rank(SEVERITIES, a.severity) - rank(SEVERITIES, b.severity),
  );
}

/** The data keys that date an alert, in the order they are read (safety.ts, schedule). */
const DATE_KEYS = ['date', 'visitDate', 'infusionDate', 'awarenessDate', 'stopDate', 'targetDate'];

function alertView(value: Json): AlertView | null {
  const alertId = textOf(value.alertId);
  const code = textOf(value.code);
  if (alertId === null || code === null) return null;
  const data = objectOf(value.data);
  const date = DATE_KEYS.map((k) => textOf(data[k])).find((d) => d !== null) ?? null;
  const ack = isObject(value.acknowledgement) ? value.acknowledgement : null;
  const acknowledged = objectOf(ack?.acknowledged);
  return {
    alertId,
    code,
    severity: textOf(value.severity) ?? 'info',
    message: textOf(value.message) ?? '',
    date,
    acknowledgement: ack
      ? {
          by: textOf(objectOf(acknowledged.by).name) ?? '(unknown)',
          at: textOf(acknowledged.at) ?? '',
          comment: textOf(ack.comment) ?? '',
        }
      : null,
  };
}

export interface Criterion {
  readonly id: string;
  readonly type: string;
  readonly text: string;
  readonly status: string;
  readonly reason: string;
  readonly missing: readonly string[];
  /** Met only because nothing was registered to fail (the investigator is asked to confirm). */
  readonly vacuous: boolean;
}

/** A check of the infusion day: known not met (a blocker), or not known yet (pending). */
export interface DayCheck {
  readonly id: string;
  readonly text: string;
  readonly reason: string;
  /** What to record to settle a pending check. */
  readonly settledBy: readonly string[];
}

function dayChecksOf(value: unknown): DayCheck[] {
  return listOf(value)
    .map(objectOf)
    .map((c) => ({
      id: textOf(c.id) ?? '',
      text: textOf(c.text) ?? '',
      reason: textOf(c.reason) ?? '',
      settledBy: textsOf(c.settledBy),
    }));
}

export interface SubjectStatus {
  readonly asOf: string;
  readonly protocol: string;
  readonly state: string | null;
  readonly stateReason: string | null;
  readonly retreatment: {
    readonly allowed: boolean | null;
    /** The protocol's rule alone (response lost, infusions left), apart from the day's checks. */
    readonly qualifies: boolean | null;
    readonly ruleReasons: readonly string[];
    readonly blockers: readonly DayCheck[];
    readonly pending: readonly DayCheck[];
    readonly infusionsSoFar: number | null;
    readonly maxInfusions: number | null;
    readonly reasons: readonly string[];
  };
  readonly eligibility: {
    readonly status: string | null;
    readonly referenceDate: string | null;
    readonly criteria: readonly Criterion[];
  };
  /** In the order to read them (orderAlerts). */
  readonly alerts: readonly AlertView[];
}

/** The status on a day (`jia-trial status --json`'s subject, with the acknowledgeable alerts). */
export function subjectStatus(body: StatusBody): SubjectStatus {
  const s = body.subject;
  const retreatment = objectOf(s.retreatment);
  const eligibility = objectOf(s.eligibility);
  return {
    asOf: body.asOf,
    protocol: `${body.protocol.id} ${body.protocol.version}`,
    state: textOf(s.state),
    stateReason: textOf(s.stateReason),
    retreatment: {
      allowed: booleanOf(retreatment.allowed),
      qualifies: booleanOf(retreatment.qualifies),
      ruleReasons: textsOf(retreatment.ruleReasons),
      blockers: dayChecksOf(retreatment.blockers),
      pending: dayChecksOf(retreatment.pending),
      infusionsSoFar: numberOf(retreatment.infusionsSoFar),
      maxInfusions: numberOf(retreatment.maxInfusions),
      reasons: textsOf(retreatment.reasons),
    },
    eligibility: {
      status: textOf(eligibility.status),
      referenceDate: textOf(eligibility.referenceDate),
      criteria: listOf(eligibility.criteria)
        .map(objectOf)
        .map((c) => ({
          id: textOf(c.id) ?? '',
          type: textOf(c.type) ?? '',
          text: textOf(c.text) ?? '',
          status: textOf(c.status) ?? 'unknown',
          reason: textOf(c.reason) ?? '',
          missing: textsOf(c.missing),
          vacuous: c.vacuous === true,
        })),
    },
    alerts: orderAlerts(body.alerts.map(alertView).filter((a): a is AlertView => a !== null)),
  };
}

export interface SignatureView {
  readonly signatureId: string;
  readonly visitId: string | null;
  readonly meaning: string;
  readonly signer: string;
  readonly signedAt: string;
  readonly broken: boolean;
  /** What changed since the signing: "visit D01-W8 changed". */
  readonly changes: readonly string[];
}

export function signatureViews(body: SignaturesBody): SignatureView[] {
  return body.signatures.map((s) => ({
    signatureId: textOf(s.signatureId) ?? '',
    visitId: textOf(s.visitId),
    meaning: textOf(s.meaningLabel) ?? textOf(s.meaning) ?? '',
    signer: textOf(objectOf(s.signer).name) ?? '(unknown)',
    signedAt: textOf(s.signedAt) ?? '',
    broken: s.broken === true,
    changes: listOf(s.changes)
      .map(objectOf)
      .map(
        (c) => `${textOf(c.table) ?? 'record'} ${textOf(c.key) ?? ''} ${textOf(c.change) ?? ''}`,
      ),
  }));
}

export interface QueryView {
  readonly queryId: string;
  readonly status: string;
  readonly record: string;
  readonly question: string;
  readonly response: string | null;
  readonly raisedBy: string;
  readonly raisedAt: string;
}

export interface SubjectQueries {
  readonly counts: { readonly open: number; readonly answered: number; readonly closed: number };
  /** The queries not closed yet, oldest first (the server's order). */
  readonly unresolved: readonly QueryView[];
}

export function subjectQueries(body: QueriesBody): SubjectQueries {
  const counts = objectOf(body.counts);
  const queries = listOf(body.queries)
    .map(objectOf)
    .map((q) => {
      const raised = objectOf(q.raised);
      const field = textOf(q.field);
      return {
        queryId: textOf(q.queryId) ?? '',
        status: textOf(q.status) ?? '',
        record: `${textOf(q.table) ?? ''} ${textOf(q.recordKey) ?? ''}${field ? `, ${field}` : ''}`,
        question: textOf(q.question) ?? '',
        response: textOf(q.response),
        raisedBy: textOf(objectOf(raised.by).name) ?? '(unknown)',
        raisedAt: textOf(raised.at) ?? '',
      };
    });
  return {
    counts: {
      open: numberOf(counts.open) ?? 0,
      answered: numberOf(counts.answered) ?? 0,
      closed: numberOf(counts.closed) ?? 0,
    },
    unresolved: queries.filter((q) => q.status !== 'closed'),
  };
}
