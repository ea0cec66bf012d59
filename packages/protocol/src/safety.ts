/**
 * Safety rules: each kind implemented once, parameterised by the protocol, raising alerts with
 * a severity and the data that raised them. Codes and severities are fixed per kind so that a
 * monitor (and the JSON of `jia-trial status`) can rely on them:
 * - INFUSION_REACTION: recorded as a reaction, or vital signs after the infusion beyond the
 *   protocol's limits. Urgent for `urgentDays` after the infusion; then a warning until an AE
 *   with onset on the infusion day or the day after records it, then information.
 * - SAE_REPORT_DUE (urgent): a serious AE known (awareness date, default onset) and not reported
 *   (no reported_date); `overdue` once the reporting period is over. SAE_REPORTED_LATE (info):
 *   reported after the period, a deviation to document.
 * - MAS_CRITERIA_MET (urgent): a visit in the last `lookbackDays` of a systemic-JIA patient
 *   meets the 2016 classification criteria (Ravelli 2016). MS_SCORE_AT_CUTOFF, when the rule
 *   names `msScoreCutoff`: such a visit's MS score (Minoia 2019) reaches it; urgent when the
 *   visit is febrile (the score's population), a warning when fever is not recorded.
 * - MAS_WATCH (warning): a systemic-JIA patient whose IL-1 or IL-6 blocker (the protocol's drug
 *   catalogue) stopped in the last `withinDays`; MAS_SIGNS (urgent) when, under watch, ferritin
 *   is above the alarm level or the MS score reaches its cut-off (Minoia 2019); MAS_LAB_TREND
 *   (warning), with the rule's `labTrend`, when a MAS laboratory value moved towards MAS by its
 *   threshold between its two latest values (the early warning of ADR 0018, not the
 *   classification criteria). The watch is a jia-trial decision prompted by the pilot's MAS case
 *   (Swart 2019; protocols/msc-jia/README.md; ADR 0018).
 * - VISIT_OVERDUE (warning) and VISIT_MISSED (info): from the schedule.
 * - DOSE_OUT_OF_TOLERANCE (warning): a recorded dose outside the protocol's tolerance.
 */
import {
  classifyVisitForMas,
  evaluateMasTrend,
  MAS_TREND_ANALYTES,
  type MasTrendAnalyte,
  type MasTrendThresholds,
  meetsThreshold,
  scoreVisitMsScore,
  type VisitObservation,
} from '@jia-trial/outcomes';
import { infusionComplianceAlerts } from './compliance.js';
import { day, formatIsoDate } from './dates.js';
import type { MasTrendRule, ProtocolDefinition, SafetyRule } from './definition.js';
import { checkInfusionDose } from './dosing.js';
import { type Alert, alert, type Severity } from './findings.js';
import { drugInfo } from './medicines.js';
import type { Schedule } from './schedule.js';
import type { SubjectTimeline, TimelineInfusion, TimelineVisit } from './timeline.js';

type Rule<K extends SafetyRule['kind']> = Extract<SafetyRule, { kind: K }>;

/** The vital-sign findings of an infusion beyond the rule's limits. */
export function vitalSignFindings(
  rule: Rule<'infusion_reaction'>,
  infusion: TimelineInfusion,
): string[] {
  const { pre, post } = infusion;
  const findings: string[] = [];
  if (post.temperatureC !== null && post.temperatureC >= rule.feverC)
    findings.push(`temperature ${post.temperatureC} °C after (fever: at least ${rule.feverC})`);
  if (
    pre.temperatureC !== null &&
    post.temperatureC !== null &&
    post.temperatureC - pre.temperatureC >= rule.temperatureRiseC
  )
    findings.push(
      `temperature up ${round1(post.temperatureC - pre.temperatureC)} °C (limit ${rule.temperatureRiseC})`,
    );
  if (
    pre.systolicBp !== null &&
    post.systolicBp !== null &&
    pre.systolicBp - post.systolicBp >= rule.systolicDropMmHg
  )
    findings.push(
      `systolic pressure down ${pre.systolicBp - post.systolicBp} mmHg (limit ${rule.systolicDropMmHg})`,
    );
  if (
    pre.heartRate !== null &&
    post.heartRate !== null &&
    post.heartRate - pre.heartRate >= rule.heartRateRiseBpm
  )
    findings.push(
      `heart rate up ${post.heartRate - pre.heartRate}/min (limit ${rule.heartRateRiseBpm})`,
    );
  if (post.spo2 !== null && post.spo2 < rule.minSpo2)
    findings.push(`SpO2 ${post.spo2}% after (below ${rule.minSpo2}%)`);
  return findings;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** An AE term that records an infusion reaction (MedDRA "Infusion related reaction" and kin). */
const REACTION_TERM = /infusion|reaction|anaphyla|hypersensitiv/i;

/** Which of the before and after vital signs are missing altogether. */
function missingVitals(infusion: TimelineInfusion): string[] {
  const none = (v: TimelineInfusion['pre']) => Object.values(v).every((x) => x === null);
  return [
    ...(none(infusion.pre) ? ['vital signs before'] : []),
    ...(none(infusion.post) ? ['vital signs after'] : []),
  ];
}

function infusionReactionAlerts(
  rule: Rule<'infusion_reaction'>,
  t: SubjectTimeline,
  asOf: number,
): Alert[] {
  return t.infusions.flatMap((infusion, k) => {
    const findings = [
      ...(infusion.infusionReaction ? ['recorded as an infusion reaction'] : []),
      ...vitalSignFindings(rule, infusion),
    ];
    const missing = missingVitals(infusion);
    const gaps =
      missing.length === 0
        ? []
        : [
            alert(
              'INFUSION_VITALS_MISSING',
              'info',
              `infusion ${k + 1} (${infusion.date}): no ${missing.join(' or ')} recorded, so a reaction cannot be judged from them`,
              { infusion: k + 1, date: infusion.date, missing },
              rule,
            ),
          ];
    if (findings.length === 0) return gaps;
    const on = day(infusion.date);
    const recordedAs = t.adverseEvents.find(
      (ae) => day(ae.onsetDate) >= on && day(ae.onsetDate) <= on + 1 && REACTION_TERM.test(ae.term),
    );
    const severity: Severity =
      asOf <= on + rule.urgentDays ? 'urgent' : recordedAs ? 'info' : 'warning';
    const tail = recordedAs
      ? `; recorded as AE ${recordedAs.aeId} (${recordedAs.term})`
      : '; no adverse event recorded for it yet';
    return [
      alert(
        'INFUSION_REACTION',
        severity,
        `infusion ${k + 1} (${infusion.date}): ${findings.join('; ')}${tail}`,
        {
          infusion: k + 1,
          date: infusion.date,
          findings,
          pre: infusion.pre,
          post: infusion.post,
          adverseEvent: recordedAs?.aeId ?? null,
        },
        rule,
      ),
    ];
  });
}

function saeAlerts(rule: Rule<'sae_reporting'>, t: SubjectTimeline, asOf: number): Alert[] {
  const periodDays = Math.ceil(rule.withinHours / 24);
  return t.adverseEvents.flatMap((ae) => {
    if (!ae.serious) return [];
    const dueBy = formatIsoDate(day(ae.awarenessDate) + periodDays);
    const data = {
      aeId: ae.aeId,
      term: ae.term,
      grade: ae.grade,
      onsetDate: ae.onsetDate,
      awarenessDate: ae.awarenessDate,
      dueBy,
    };
    if (ae.reportedDate === null) {
      const overdue = asOf > day(dueBy);
      return [
        alert(
          'SAE_REPORT_DUE',
          'urgent',
          `serious AE ${ae.aeId} (${ae.term}), known since ${ae.awarenessDate}: report within ${rule.withinHours} h, by ${dueBy}` +
            (overdue ? ` - OVERDUE by ${asOf - day(dueBy)} day(s)` : ''),
          { ...data, overdue },
          rule,
        ),
      ];
    }
    if (ae.reportedDate > dueBy)
      return [
        alert(
          'SAE_REPORTED_LATE',
          'info',
          `serious AE ${ae.aeId} (${ae.term}) reported ${ae.reportedDate}, due by ${dueBy}`,
          { ...data, reportedDate: ae.reportedDate },
          rule,
        ),
      ];
    return [];
  });
}

const systemic = (t: SubjectTimeline) => t.ilarCategory === 'systemic';

function masCriteriaAlerts(rule: Rule<'mas_criteria'>, t: SubjectTimeline, asOf: number): Alert[] {
  if (!systemic(t)) return [];
  const recent = t.visits.filter((v) => day(v.date) >= asOf - rule.lookbackDays);
  const cutoff = rule.msScoreCutoff;
  return [
    ...ravelliAlerts(rule, recent),
    ...(cutoff === undefined ? [] : recent.flatMap((v) => msScoreAlerts(rule, v, cutoff))),
  ];
}

/**
 * MS score at or above the cut-off on a systemic-JIA visit. Minoia 2019 states the cut-off for
 * "a febrile patient with known or suspected sJIA": urgent when febrile, a warning naming fever
 * when it is not recorded, nothing when afebrile (a patient under MAS watch still gets
 * MAS_SIGNS from the score).
 */
function msScoreAlerts(rule: Rule<'mas_criteria'>, v: TimelineVisit, cutoff: number): Alert[] {
  const ms = msScore(v.observation);
  const fever = v.observation.fever ?? null;
  if (ms.value === null || !meetsThreshold(ms.value, '>=', cutoff) || fever === false) return [];
  return [
    alert(
      'MS_SCORE_AT_CUTOFF',
      fever ? 'urgent' : 'warning',
      `visit ${v.visitId} (${v.date}): MS score ${ms.value} (>= ${cutoff}, Minoia 2019)` +
        (fever
          ? ', febrile: consider MAS'
          : '; fever not recorded: the cut-off is for a febrile patient'),
      { visitId: v.visitId, date: v.date, msScore: ms.value, cutoff, fever, inputs: ms.inputs },
      rule,
    ),
  ];
}

function ravelliAlerts(rule: Rule<'mas_criteria'>, visits: readonly TimelineVisit[]): Alert[] {
  return visits.flatMap((v) => {
    const result = classifyVisitForMas(v.observation);
    if (result.value === null && result.ferritinMet === true)
      return [undeterminedMas(rule, v, result.missing, result.criteriaMet)];
    if (result.value !== true) return [];
    return [
      alert(
        'MAS_CRITERIA_MET',
        'urgent',
        `visit ${v.visitId} (${v.date}) meets the 2016 MAS classification criteria: febrile, ferritin ${v.observation.ferritin} ng/mL, ${result.criteriaMet.join(', ')}`,
        {
          visitId: v.visitId,
          date: v.date,
          ferritin: v.observation.ferritin,
          criteriaMet: result.criteriaMet,
          platelets: v.observation.platelets,
          ast: v.observation.ast,
          triglycerides: v.observation.triglycerides,
          fibrinogen: v.observation.fibrinogen,
        },
        rule,
      ),
    ];
  });
}

/**
 * Ferritin above 684 ng/mL in systemic JIA, but the classification cannot be decided (fever
 * or the other laboratory values not recorded): a warning naming what to record.
 */
function undeterminedMas(
  rule: Rule<'mas_criteria'>,
  v: TimelineVisit,
  missing: readonly string[],
  criteriaMet: readonly string[],
): Alert {
  return alert(
    'MAS_CRITERIA_UNDETERMINED',
    'warning',
    `visit ${v.visitId} (${v.date}): ferritin ${v.observation.ferritin} ng/mL, MAS criteria undetermined: record ${missing.join(', ')}` +
      (criteriaMet.length > 0 ? ` (met so far: ${criteriaMet.join(', ')})` : ''),
    { visitId: v.visitId, date: v.date, ferritin: v.observation.ferritin, missing, criteriaMet },
    rule,
  );
}

function masWatchAlerts(
  protocol: ProtocolDefinition,
  rule: Rule<'mas_watch'>,
  t: SubjectTimeline,
  asOf: number,
): Alert[] {
  if (!systemic(t)) return [];
  const stopped = t.medications.filter((m) => {
    const target = drugInfo(protocol.drugs, m.drug)?.target;
    return (
      target !== undefined &&
      rule.targets.includes(target) &&
      m.stopDate !== null &&
      // The timeline is censored: a stop after the as-of day is not there.
      asOf - day(m.stopDate) <= rule.withinDays
    );
  });
  const last = stopped.sort((a, b) => ((a.stopDate ?? '') < (b.stopDate ?? '') ? 1 : -1))[0];
  if (!last?.stopDate) return [];
  const since = day(last.stopDate);
  const labs = t.visits.filter((v) => day(v.date) >= since - 30);
  const ferritin = labs
    .filter((v) => v.observation.ferritin != null)
    .slice(-3)
    .map((v) => ({ date: v.date, ngPerMl: v.observation.ferritin }));
  const latest: TimelineVisit | undefined = labs.at(-1);
  const ms = latest ? msScore(latest.observation) : null;
  const trend =
    ferritin.length >= 2
      ? (ferritin.at(-1)?.ngPerMl ?? 0) > (ferritin.at(-2)?.ngPerMl ?? 0)
        ? 'rising'
        : 'not rising'
      : 'too few values';
  const data = {
    drug: last.drug,
    target: drugInfo(protocol.drugs, last.drug)?.target,
    stopDate: last.stopDate,
    daysSinceStop: asOf - since,
    watchUntil: formatIsoDate(since + rule.withinDays),
    ferritin,
    ferritinTrend: trend,
    latestVisit: latest
      ? {
          visitId: latest.visitId,
          date: latest.date,
          platelets: latest.observation.platelets ?? null,
          fever: latest.observation.fever ?? null,
        }
      : null,
    msScore: ms,
  };
  const alerts = [
    alert(
      'MAS_WATCH',
      'warning',
      `systemic JIA, ${last.drug} stopped ${last.stopDate} (${asOf - since} days ago): heightened MAS watch until ${data.watchUntil}; ferritin ${trend}`,
      data,
      rule,
    ),
  ];
  const latestFerritin = ferritin.at(-1);
  if (rule.labTrend) {
    const trend = labTrendAlert(rule, rule.labTrend, labs, data);
    if (trend) alerts.push(trend);
  }
  const signs = [
    ...(latestFerritin?.ngPerMl != null && latestFerritin.ngPerMl > rule.ferritinAlarmNgPerMl
      ? [
          `ferritin ${latestFerritin.ngPerMl} ng/mL on ${latestFerritin.date} (> ${rule.ferritinAlarmNgPerMl})`,
        ]
      : []),
    ...(ms?.value != null && meetsThreshold(ms.value, '>=', rule.msScoreCutoff)
      ? [`MS score ${ms.value} on ${latest?.date} (>= ${rule.msScoreCutoff})`]
      : []),
  ];
  if (signs.length > 0)
    alerts.push(
      alert(
        'MAS_SIGNS',
        'urgent',
        `under MAS watch: ${signs.join('; ')}`,
        { ...data, signs },
        rule,
      ),
    );
  return alerts;
}

/** The MS score of a visit (Minoia 2019), what it lacks, and the inputs it read. */
function msScore(o: VisitObservation): {
  value: number | null;
  missing: readonly string[];
  inputs: Readonly<Record<string, unknown>>;
} {
  const result = scoreVisitMsScore(o);
  return {
    value: result.value,
    missing: result.missing,
    inputs: {
      cnsInvolvement: o.cnsInvolvement ?? null,
      haemorrhagicManifestations: o.haemorrhagicManifestations ?? null,
      activeJoints: o.activeJoints ?? null,
      platelets: o.platelets ?? null,
      ldh: o.ldh ?? null,
      fibrinogen: o.fibrinogen ?? null,
      ferritin: o.ferritin ?? null,
    },
  };
}

const TREND_UNITS: Readonly<Record<MasTrendAnalyte, string>> = {
  ferritin: 'ng/mL',
  platelets: 'x10^9/L',
  ast: 'U/L',
  fibrinogen: 'mg/dL',
};

/**
 * The early warning of evolving MAS under watch (outcomes mas-trend.ts; ADR 0018): each watched
 * analyte's latest value against its previous one, among the watch's visits. Raised whatever
 * the fever, and says whether the visit was febrile: afebrile is the case the 2016 criteria
 * cannot classify yet. Null when no analyte moved by its threshold.
 */
function labTrendAlert(
  rule: Rule<'mas_watch'>,
  trend: MasTrendRule,
  labs: readonly TimelineVisit[],
  watch: Record<string, unknown>,
): Alert | null {
  const thresholds: MasTrendThresholds = {
    ferritin: trend.ferritinRisePercent,
    platelets: trend.plateletsFallPercent,
    ast: trend.astRisePercent,
    fibrinogen: trend.fibrinogenFallPercent,
  };
  const previous: Partial<Record<MasTrendAnalyte, number>> = {};
  const current: Partial<Record<MasTrendAnalyte, number>> = {};
  const visits: Partial<Record<MasTrendAnalyte, [TimelineVisit, TimelineVisit]>> = {};
  for (const analyte of MAS_TREND_ANALYTES) {
    const measured = labs.filter((v) => v.observation[analyte] != null);
    const [from, to] = [measured.at(-2), measured.at(-1)];
    if (!from || !to) continue;
    previous[analyte] = from.observation[analyte] as number;
    current[analyte] = to.observation[analyte] as number;
    visits[analyte] = [from, to];
  }
  const result = evaluateMasTrend(previous, current, thresholds);
  if (result.value !== true) return null;
  const changes = result.changes.map((c) => {
    const [from, to] = visits[c.analyte] as [TimelineVisit, TimelineVisit];
    return {
      ...c,
      fromVisit: from.visitId,
      fromDate: from.date,
      toVisit: to.visitId,
      toDate: to.date,
    };
  });
  // The alert is about the latest visit a change reached.
  const last = changes.reduce((a, b) => (b.toDate > a.toDate ? b : a));
  const at = labs.find((v) => v.visitId === last.toVisit) as TimelineVisit;
  const fever = at.observation.fever ?? null;
  const described = changes.map(
    (c) =>
      `${c.analyte} ${c.direction === 'rise' ? 'up' : 'down'} ${c.percent === null ? 'from 0' : `${Math.abs(c.percent)}%`} ` +
      `(${c.from} -> ${c.to} ${TREND_UNITS[c.analyte]}, ${c.fromDate} -> ${c.toDate}; threshold ${c.thresholdPercent}%)`,
  );
  const feverText =
    fever === false
      ? 'afebrile, so the 2016 classification criteria cannot apply yet'
      : fever === true
        ? 'febrile'
        : 'fever not recorded';
  return alert(
    'MAS_LAB_TREND',
    'warning',
    `under MAS watch, early warning of evolving MAS (laboratory trend, not the classification criteria): ${described.join('; ')}; ${feverText}`,
    {
      drug: watch.drug,
      stopDate: watch.stopDate,
      visitId: at.visitId,
      date: at.date,
      fever,
      changes,
      thresholds,
      notCompared: result.missing,
    },
    trend.source ? { source: trend.source } : rule,
  );
}

function scheduleAlerts(rule: Rule<'visit_overdue'>, schedule: Schedule): Alert[] {
  return schedule.visits.flatMap((v) => {
    const which = v.infusion === null ? v.name : `${v.name} (infusion ${v.infusion})`;
    const data = {
      name: v.name,
      infusion: v.infusion,
      targetDate: v.targetDate,
      windowStart: v.windowStart,
      windowEnd: v.windowEnd,
    };
    if (v.status === 'overdue')
      return [
        alert(
          'VISIT_OVERDUE',
          'warning',
          `visit ${which} is overdue: its window closed on ${v.windowEnd}`,
          data,
          rule,
        ),
      ];
    if (v.status === 'missed')
      return [
        alert(
          'VISIT_MISSED',
          'info',
          `visit ${which} was missed (window ${v.windowStart} to ${v.windowEnd})`,
          data,
          rule,
        ),
      ];
    return [];
  });
}

function doseAlerts(
  protocol: ProtocolDefinition,
  rule: Rule<'dose_tolerance'>,
  t: SubjectTimeline,
): Alert[] {
  const intervention = protocol.intervention;
  if (!intervention) return [];
  return t.infusions.flatMap((infusion, k) => {
    const check = checkInfusionDose(intervention, infusion, k + 1);
    return check.withinTolerance
      ? []
      : [
          alert(
            'DOSE_OUT_OF_TOLERANCE',
            'warning',
            `infusion ${k + 1} (${infusion.date}): ${check.reason}`,
            { ...check },
            rule,
          ),
        ];
  });
}

const SEVERITY_ORDER: Record<Severity, number> = { urgent: 0, warning: 1, info: 2 };

function ruleAlerts(
  protocol: ProtocolDefinition,
  rule: SafetyRule,
  t: SubjectTimeline,
  schedule: Schedule,
  today: number,
): Alert[] {
  switch (rule.kind) {
    case 'infusion_reaction':
      return infusionReactionAlerts(rule, t, today);
    case 'sae_reporting':
      return saeAlerts(rule, t, today);
    case 'mas_criteria':
      return masCriteriaAlerts(rule, t, today);
    case 'mas_watch':
      return masWatchAlerts(protocol, rule, t, today);
    case 'visit_overdue':
      return scheduleAlerts(rule, schedule);
    case 'dose_tolerance':
      return doseAlerts(protocol, rule, t);
    case 'infusion_compliance':
      return infusionComplianceAlerts(protocol, rule, t);
  }
}

/** Every alert of the protocol's safety rules on the (censored) timeline, most severe first. */
export function safetyAlerts(
  protocol: ProtocolDefinition,
  t: SubjectTimeline,
  schedule: Schedule,
  asOf: string,
): Alert[] {
  const today = day(asOf);
  const alerts = protocol.safety.flatMap((rule) => ruleAlerts(protocol, rule, t, schedule, today));
  return alerts.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}
