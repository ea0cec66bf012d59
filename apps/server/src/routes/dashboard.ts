/**
 * The study's dashboard on a day (`clinical.read`, over the user's sites; docs/api.md): what a
 * trial team looks at first. Enrolment by site; every subject's open alerts, the safety ones
 * first (MAS_CRITERIA_MET, SAE_REPORT_DUE, then by severity); the visits due and overdue by the
 * protocol's schedule; the data queries by status; the visits no valid signature covers. Each
 * part comes from the service the subject's own routes use (the protocol engine, the queries,
 * the signatures), so the dashboard and the subject pages cannot disagree. An emergency
 * unblinding of a randomised trial (docs/data-management.md, "Randomisation") is an urgent alert
 * from its day until UNBLINDING_ALERT_DAYS after it: who, in which role, why; never the arm.
 */
import { JiaError } from '@jia-trial/errors';
import { type Alert, evaluate } from '@jia-trial/protocol';
import { protocolById } from '@jia-trial/protocols';
import {
  alertAcknowledgements,
  listQueries,
  listSubjects,
  listUnblindings,
  loadStudyTimelines,
  protocolOfStudy,
  signaturesOf,
  withAcknowledgements,
} from '@jia-trial/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sitesFor } from '../access.js';
import type { ServerContext } from '../context.js';
import { STUDY_ERRORS, StudyParams } from './shared-schemas.js';

/** Safety first: the alerts a trial team must act on today, then by severity. */
const FIRST_CODES: readonly string[] = [
  'MAS_CRITERIA_MET',
  'SAE_REPORT_DUE',
  'EMERGENCY_UNBLINDING',
];

/** How long an emergency unblinding stays on the dashboard: the days from its day (ADR 0047). */
export const UNBLINDING_ALERT_DAYS = 30;

/** The study's emergency unblindings of the subjects shown, since 30 days before asOf, as alerts. */
async function unblindingAlerts(
  store: ServerContext['store'],
  studyId: string,
  siteOf: ReadonlyMap<string, string>,
  asOf: string,
): Promise<DashboardBody['alerts']> {
  const from = new Date(Date.parse(`${asOf}T00:00:00Z`) - UNBLINDING_ALERT_DAYS * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return (await listUnblindings(store.pool, studyId)).flatMap((u) => {
    const site = siteOf.get(u.subjectId);
    const day = u.unblinded.at.slice(0, 10);
    // From the dashboard's day less 30 days on, later ones too: an unblinding happens in real time,
    // and a dashboard of a past day must not hide one that happened since.
    if (site === undefined || day <= from) return [];
    return [
      {
        subjectId: u.subjectId,
        site,
        alertId: `${u.subjectId}/EMERGENCY_UNBLINDING/${u.unblindingId}`,
        code: 'EMERGENCY_UNBLINDING',
        severity: 'urgent' as const,
        message: `Emergency unblinding ${u.unblindingId} on ${day} by ${u.unblinded.by.name} (${u.role}): ${u.reason}`,
        acknowledged: false,
      },
    ];
  });
}
const SEVERITY_ORDER: Readonly<Record<Alert['severity'], number>> = {
  urgent: 0,
  warning: 1,
  info: 2,
};

function alertRank(alert: {
  readonly code: string;
  readonly severity: Alert['severity'];
}): [number, number] {
  const first = FIRST_CODES.indexOf(alert.code);
  return [first === -1 ? FIRST_CODES.length : first, SEVERITY_ORDER[alert.severity]];
}

const Dashboard = z
  .object({
    asOf: z.string(),
    protocol: z.object({ id: z.string(), version: z.string() }),
    enrolment: z.array(
      z.object({
        site: z.string(),
        screened: z.number().int(),
        enrolled: z.number().int(),
        withdrawn: z.number().int(),
      }),
    ),
    alerts: z.array(
      z.object({
        subjectId: z.string(),
        site: z.string(),
        alertId: z.string(),
        code: z.string(),
        severity: z.enum(['info', 'warning', 'urgent']),
        message: z.string(),
        acknowledged: z.boolean(),
      }),
    ),
    visits: z.array(
      z.object({
        subjectId: z.string(),
        site: z.string(),
        name: z.string(),
        targetDate: z.string(),
        windowStart: z.string(),
        windowEnd: z.string(),
        status: z.enum(['due', 'overdue']),
      }),
    ),
    queries: z.object({
      open: z.number().int(),
      answered: z.number().int(),
      closed: z.number().int(),
    }),
    unsignedVisits: z.array(
      z.object({
        subjectId: z.string(),
        site: z.string(),
        visitId: z.string(),
        visitDate: z.string(),
      }),
    ),
  })
  .meta({ id: 'Dashboard' });

type DashboardBody = z.infer<typeof Dashboard>;
type SubjectSummary = Awaited<ReturnType<typeof listSubjects>>[number];
type Timeline = Awaited<ReturnType<typeof loadStudyTimelines>>[number];

/** One subject's open alerts and its visits due or overdue, by the protocol engine. */
function subjectFindings(
  protocol: ReturnType<typeof protocolById>,
  timeline: Timeline,
  site: string,
  asOf: string,
  acknowledgements: Awaited<ReturnType<typeof alertAcknowledgements>>,
): Pick<DashboardBody, 'alerts' | 'visits'> {
  const evaluation = evaluate(protocol, timeline, asOf);
  const { subjectId } = timeline;
  return {
    alerts: withAcknowledgements(subjectId, evaluation.alerts, acknowledgements).map((a) => ({
      subjectId,
      site,
      alertId: a.alertId,
      code: a.code,
      severity: a.severity,
      message: a.message,
      acknowledged: a.acknowledgement !== null,
    })),
    visits: evaluation.schedule.flatMap((v) =>
      v.status === 'due' || v.status === 'overdue'
        ? [
            {
              subjectId,
              site,
              name: v.name,
              targetDate: v.targetDate,
              windowStart: v.windowStart,
              windowEnd: v.windowEnd,
              status: v.status,
            },
          ]
        : [],
    ),
  };
}

/** A subject's visits that no valid signature covers (its own, or the casebook's). */
async function unsignedVisitsOf(
  store: ServerContext['store'],
  studyId: string,
  timeline: Timeline,
  site: string,
): Promise<DashboardBody['unsignedVisits']> {
  const valid = (await signaturesOf(store.pool, studyId, timeline.subjectId)).filter(
    (s) => !s.broken,
  );
  return timeline.visits
    .filter((v) => !valid.some((s) => s.visitId === null || s.visitId === v.visitId))
    .map((v) => ({ subjectId: timeline.subjectId, site, visitId: v.visitId, visitDate: v.date }));
}

/** Subjects by site: screened (not enrolled), enrolled, withdrawn. */
function enrolmentBySite(subjects: readonly SubjectSummary[]): DashboardBody['enrolment'] {
  const bySite = new Map<string, DashboardBody['enrolment'][number]>();
  for (const s of subjects) {
    const row = bySite.get(s.site) ?? { site: s.site, screened: 0, enrolled: 0, withdrawn: 0 };
    if (s.withdrawalDate !== null) row.withdrawn++;
    else if (s.enrolmentDate !== null) row.enrolled++;
    else row.screened++;
    bySite.set(s.site, row);
  }
  return [...bySite.values()].sort((a, b) => a.site.localeCompare(b.site));
}

export function dashboardRoutes(context: ServerContext): FastifyPluginAsyncZod {
  const { store } = context;
  return async (app) => {
    app.get(
      '/studies/:studyId/dashboard',
      {
        config: { access: { kind: 'study', permission: 'clinical.read' } },
        schema: {
          summary:
            "The study's dashboard on a day: enrolment, alerts (safety first), visits due, queries, unsigned visits",
          tags: ['studies'],
          params: StudyParams,
          querystring: z.strictObject({ asOf: z.iso.date().optional() }),
          response: { 200: Dashboard, ...STUDY_ERRORS, 422: STUDY_ERRORS[404] },
        },
      },
      async (request) => {
        const { studyId } = request.params;
        const asOf = request.query.asOf ?? context.today();
        const protocolId = await protocolOfStudy(store, studyId);
        if (protocolId === null)
          throw new JiaError('VALIDATION_FAILED', `study ${studyId} has no protocol stored`);
        const protocol = protocolById(protocolId);
        const sites = sitesFor(request, 'clinical.read');
        const subjects = await listSubjects(store, studyId, sites);
        const siteOf = new Map(subjects.map((s) => [s.subjectId, s.site]));
        const timelines = (await loadStudyTimelines(store, studyId)).filter((t) =>
          siteOf.has(t.subjectId),
        );
        const acknowledgements = await alertAcknowledgements(store.pool, studyId);
        const alerts: DashboardBody['alerts'] = [];
        const visits: DashboardBody['visits'] = [];
        const unsignedVisits: DashboardBody['unsignedVisits'] = [];
        for (const timeline of timelines) {
          const site = siteOf.get(timeline.subjectId) as string;
          const found = subjectFindings(protocol, timeline, site, asOf, acknowledgements);
          alerts.push(...found.alerts);
          visits.push(...found.visits);
          unsignedVisits.push(...(await unsignedVisitsOf(store, studyId, timeline, site)));
        }
        alerts.push(...(await unblindingAlerts(store, studyId, siteOf, asOf)));
        alerts.sort((a, b) => {
          const [x, y] = [alertRank(a), alertRank(b)];
          return x[0] - y[0] || x[1] - y[1] || a.subjectId.localeCompare(b.subjectId);
        });
        visits.sort((a, b) => a.targetDate.localeCompare(b.targetDate));
        const { counts } = await listQueries(store.pool, studyId, sites === 'all' ? {} : { sites });
        return {
          asOf,
          protocol: { id: protocol.id, version: protocol.version },
          enrolment: enrolmentBySite(subjects),
          alerts,
          visits,
          queries: counts,
          unsignedVisits,
        };
      },
    );
  };
}
