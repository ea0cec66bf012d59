/**
 * A protocol as data: the schema every protocol definition is validated against, and the types
 * derived from it. The engine (evaluate.ts) implements each kind of rule once; a protocol picks
 * the rules it needs and gives their parameters, so a new protocol needs no engine change.
 * Unknown keys are refused, so a misspelt parameter cannot silently fall back to a default.
 */
import { type Issue, JiaError } from '@jia-trial/errors';
import {
  FLARE_DEFINITIONS,
  ILAR_CATEGORY_CODES,
  JIA_ACR_LEVELS,
  parseIsoDate,
  SYSTEMIC_JIA_ACR_RULES,
} from '@jia-trial/outcomes';
import { z } from 'zod';
import { randomisationProblems, randomisationSchema } from './randomisation-schema.js';
import { DRUG_CLASSES, STOP_REASONS } from './timeline.js';

/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`: registration dates are often known only to the month. */
const partialDate = z
  .string()
  .regex(/^\d{4}(-(0[1-9]|1[0-2])(-\d{2})?)?$/, 'YYYY, YYYY-MM or YYYY-MM-DD')
  .refine((text) => text.length < 10 || parseIsoDate(text) !== null, 'not a calendar date');
const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _');
const text = z.string().min(1);
const days = z.int().min(0);
/** Evidence tags (docs/clinical/README.md): read at the source, secondary, unconfirmed, jia-trial decision. */
const evidence = z.enum(['V', 'S', 'M', 'D']);

export const sourceSchema = z.strictObject({
  id,
  citation: text,
  url: z.url().optional(),
  evidence,
});

const criterionBase = { id, text, source: id.optional() };
const failureReasons = z.array(z.enum(STOP_REASONS)).min(1);

export const criterionSchema = z.discriminatedUnion('kind', [
  /** JIA classified by ILAR; optionally only some categories. */
  z.strictObject({
    kind: z.literal('ilar_category'),
    ...criterionBase,
    categories: z.array(z.enum(ILAR_CATEGORY_CODES)).min(1).optional(),
  }),
  /** Age in completed years on the reference day, within [minYears, maxYears]. */
  z.strictObject({
    kind: z.literal('age'),
    ...criterionBase,
    minYears: z.number().min(0).optional(),
    maxYears: z.number().min(0).optional(),
  }),
  /** Diagnosis (the onset proxy) before the given birthday. */
  z.strictObject({
    kind: z.literal('diagnosed_before_age'),
    ...criterionBase,
    years: z.number().positive(),
  }),
  /** At the screening visit (the last on or before the reference day, within maxDaysBefore). */
  z.strictObject({
    kind: z.literal('active_disease'),
    ...criterionBase,
    minActiveJoints: z.int().min(1),
    maxDaysBefore: days,
  }),
  /** Fever recorded at the screening visit. */
  z.strictObject({
    kind: z.literal('febrile_at_screening'),
    ...criterionBase,
    maxDaysBefore: days,
  }),
  /** At least one of the drugs (or one drug of the class) stopped for one of the reasons. */
  z.strictObject({
    kind: z.literal('failed_medicine'),
    ...criterionBase,
    drugs: z.array(text).min(1).optional(),
    drugClass: z.enum(DRUG_CLASSES).optional(),
    failureReasons,
  }),
  /** Every medicine registered for the subject's ILAR category on the reference day failed. */
  z.strictObject({
    kind: z.literal('failed_registered_medicines'),
    ...criterionBase,
    kinds: z.array(z.enum(['biological', 'tsDMARD'])).min(1),
    failureReasons,
    /**
     * When nothing of those kinds is registered for the subject on the day, "every one failed"
     * holds vacuously (a biological-naive child with persistent oligoarthritis). The protocol
     * decides what that pass is worth (ADR 0017): `met` counts it, `not_met` refuses it,
     * `confirm` leaves it unknown until the investigator answers for this criterion id.
     * It is reported as vacuous (`vacuous: true`) and raised as ELIGIBILITY_NONE_REGISTERED
     * whatever the choice.
     */
    whenNoneRegistered: z.enum(['met', 'not_met', 'confirm']),
  }),
  /** A medicine of the class running on the reference day. */
  z.strictObject({
    kind: z.literal('concurrent_medicine'),
    ...criterionBase,
    drugClass: z.enum(DRUG_CLASSES),
  }),
  /** Only the investigator can tell (e.g. "no concurrent infection"): unknown until confirmed. */
  z.strictObject({ kind: z.literal('confirmation'), ...criterionBase }),
]);

/**
 * When a label change took effect: a date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`: some day in it) or
 * a range `FROM..TO` (some day from the first day of FROM to the last day of TO) where only
 * bounds were found, e.g. a CHMP opinion and the next text read that carries the change.
 */
const changeDate = z.string().refine((value) => {
  const parts = value.split('..');
  return (
    parts.length <= 2 &&
    parts.every((part) => partialDate.safeParse(part).success) &&
    (parts.length === 1 || (parts[0] as string) <= (parts[1] as string))
  );
}, 'YYYY, YYYY-MM or YYYY-MM-DD, or a range FROM..TO of those');

/**
 * One version of an indication's wording, in force from `from` until the next version's
 * `from` (the last one until today): the conditions a child had to meet for the medicine to
 * be on label for them in that period. Each version names the text it was read from.
 */
export const indicationPeriodSchema = z.strictObject({
  /** Null when the date was not found: the first version then leaves registration unknown; a later one may have started any day after the previous. */
  from: changeDate.nullable(),
  /** Minimum age in years (a fraction for months: 8 months = 0.67); 0 when the label sets none. */
  minAgeYears: z.number().min(0),
  /** Minimum body weight (kg) on the day, when the label sets one. */
  minWeightKg: z.number().positive().optional(),
  /** Only after an inadequate response to a TNF inhibitor (abatacept, 2010 wording). */
  afterTnfInhibitor: z.literal(true).optional(),
  evidence,
  source: text,
});

export const registeredIndicationSchema = z.strictObject({
  drug: text,
  brand: text,
  target: text,
  kind: z.enum(['biological', 'tsDMARD']),
  ilarCategory: z.enum(ILAR_CATEGORY_CODES),
  /** The versions of the wording, oldest first (at least one). */
  history: z.array(indicationPeriodSchema).min(1),
});

export const drugSchema = z.strictObject({
  drug: text,
  /** Brand names it may be recorded under (matched like the name). */
  brands: z.array(text).optional(),
  drugClass: z.enum(DRUG_CLASSES),
  /** The molecular target, e.g. IL-6, IL-1, TNF. */
  target: text.optional(),
});

export const interventionSchema = z.strictObject({
  name: text,
  route: text,
  /** Dose per kg of body weight on the infusion day, in `unit`. */
  dosePerKg: z.number().positive(),
  unit: text,
  /** A dose more than this percentage away from weight x dosePerKg is refused. */
  tolerancePercent: z.number().min(0).max(100),
  /** Product concentration (units per mL) for the volume; null when not fixed by the protocol. */
  concentrationPerMl: z.number().positive().nullable(),
  /** Days after an infusion during which the subject's state is "infused" (acute observation). */
  observationDays: days,
  source: id.optional(),
});

export const scheduledVisitSchema = z.strictObject({
  name: text,
  /** enrolment: once; each_infusion: a series after every infusion. */
  anchor: z.enum(['enrolment', 'each_infusion']),
  /** Target day relative to the anchor day (0 = the anchor day). */
  day: z.int(),
  windowBefore: days,
  windowAfter: days,
});

export const scheduleSchema = z.strictObject({
  /** Study day 1 (CDISC): the first infusion, or the enrolment for a protocol without one. */
  studyDayReference: z.enum(['first_infusion', 'enrolment']),
  /**
   * After a window closes, a visit is "overdue" (still worth doing, late) for this many days,
   * then "missed".
   */
  lateGraceDays: days,
  visits: z.array(scheduledVisitSchema).min(1),
  source: id.optional(),
});

export const retreatmentSchema = z.strictObject({
  /** Total infusions allowed (first plus repeats). */
  maxInfusions: z.int().min(2),
  /** The JIA-ACR level that counts as a response, against the baseline before the first infusion. */
  responseLevel: z.union(JIA_ACR_LEVELS.map((level) => z.literal(level))),
  /**
   * What counts as loss of the response at a later visit (jia-trial's reading of the pilot's
   * "loss of response" [D]; docs/protocol-engine.md):
   * acr_lost: the response level is no longer met against the same baseline; flare: flare
   * against the response visit; inactive_disease_lost: inactive at the response visit, active
   * later.
   */
  loss: z.enum(['acr_lost', 'flare', 'inactive_disease_lost']),
  flareDefinition: z.enum(FLARE_DEFINITIONS),
  /** Minimum days between infusions (0: none). */
  minDaysBetweenInfusions: days,
  /** Criteria (ids of eligibility criteria) that must still be satisfied for a repeat. */
  recheckCriteria: z.array(id),
  source: id.optional(),
});

/** A percentage above 0 with at most 1 decimal (the MAS trend's thresholds decide on tenths). */
const trendPercent = z
  .number()
  .positive()
  .refine((v) => Math.abs(Math.round(v * 10) - v * 10) < 1e-9, 'at most 1 decimal');

/**
 * The early warning of evolving MAS under watch (outcomes mas-trend.ts, ADR 0018): the minimum
 * relative change of each MAS laboratory value between its two latest values; null leaves an
 * analyte unwatched. Not the classification criteria.
 */
export const masTrendSchema = z.strictObject({
  ferritinRisePercent: trendPercent.nullable(),
  plateletsFallPercent: trendPercent.max(99.9).nullable(),
  astRisePercent: trendPercent.nullable(),
  fibrinogenFallPercent: trendPercent.max(99.9).nullable(),
  source: id.optional(),
});

export const safetyRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('infusion_reaction'),
    /** Vital-sign changes from before to after the infusion that count as a reaction. */
    feverC: z.number(),
    temperatureRiseC: z.number().positive(),
    systolicDropMmHg: z.number().positive(),
    heartRateRiseBpm: z.number().positive(),
    minSpo2: z.number().min(0).max(100),
    /** Urgent on the infusion day and this many days after; a warning later. */
    urgentDays: days,
    source: id.optional(),
  }),
  z.strictObject({
    kind: z.literal('sae_reporting'),
    withinHours: z.int().positive(),
    source: id.optional(),
  }),
  z.strictObject({
    kind: z.literal('mas_criteria'),
    lookbackDays: days,
    /**
     * With it, a systemic-JIA visit in the lookback whose MS score (Minoia 2019) reaches it
     * raises MS_SCORE_AT_CUTOFF too; without it, only the 2016 criteria are applied.
     */
    msScoreCutoff: z.number().optional(),
    source: id.optional(),
  }),
  z.strictObject({
    kind: z.literal('mas_watch'),
    /** Targets (drug catalogue) whose stopping puts a systemic-JIA patient under watch. */
    targets: z.array(text).min(1),
    withinDays: z.int().positive(),
    ferritinAlarmNgPerMl: z.number().positive(),
    msScoreCutoff: z.number(),
    /** The early warning from the laboratory trend (MAS_LAB_TREND); absent: not raised. */
    labTrend: masTrendSchema.optional(),
    source: id.optional(),
  }),
  z.strictObject({ kind: z.literal('visit_overdue'), source: id.optional() }),
  /** Each recorded infusion as the protocol allowed it on its day (compliance.ts). */
  z.strictObject({ kind: z.literal('infusion_compliance'), source: id.optional() }),
  z.strictObject({ kind: z.literal('dose_tolerance'), source: id.optional() }),
]);

/** Which AEs the primary before/after comparison counts (ADR 0020). */
export const AE_PROVENANCES = ['all', 'prospective'] as const;
/** An AE on an infusion day whose times do not decide it: counted after or before (ADR 0020). */
export const INFUSION_DAY_RULES = ['after', 'before'] as const;
/** The AE comparison the report stands on (ADR 0021). */
export const AE_PRIMARY_COMPARISONS = ['per_patient', 'pooled'] as const;

/** How the AE comparison is made (packages/analysis safety.ts; ADR 0020, 0021). */
export const aeAnalysisSchema = z.strictObject({
  /**
   * 'all': every AE in the "before" window, those taken from the chart before consent too (as
   * the pilot compared); 'prospective': the "before" window cut at the consent. Both are
   * reported; this says which is primary.
   */
  primaryProvenance: z.enum(AE_PROVENANCES),
  /** An AE on the infusion day without both times recorded: after (default) or before it. */
  infusionDayRule: z.enum(INFUSION_DAY_RULES),
  /** 'per_patient': the paired comparison of each child's rates; 'pooled': the pooled ratio. */
  primaryComparison: z.enum(AE_PRIMARY_COMPARISONS),
  /** The investigator's causality codes counted as related (definitions.md 8.3). */
  relatedCodes: z
    .array(z.enum(['not_related', 'unlikely', 'possible', 'probable', 'definite']))
    .min(1),
  /** The cluster bootstrap's draws and seed when there are too many patients to enumerate. */
  bootstrap: z.strictObject({
    resamples: z.int().min(100).max(1_000_000),
    seed: z
      .int()
      .min(0)
      .max(2 ** 32 - 1),
  }),
  source: id.optional(),
});

export type AeAnalysisPlan = z.infer<typeof aeAnalysisSchema>;
export type AeProvenanceChoice = (typeof AE_PROVENANCES)[number];
export type InfusionDayRule = (typeof INFUSION_DAY_RULES)[number];
export type AePrimaryComparison = (typeof AE_PRIMARY_COMPARISONS)[number];

/**
 * The AE analysis of a protocol that does not say: every AE counted, an infusion-day AE after
 * the infusion (definitions.md 8.4), the per-patient comparison primary, possible, probable and
 * definite counted as related (definitions.md 8.3).
 */
export const DEFAULT_AE_ANALYSIS: AeAnalysisPlan = {
  primaryProvenance: 'all',
  infusionDayRule: 'after',
  primaryComparison: 'per_patient',
  relatedCodes: ['possible', 'probable', 'definite'],
  bootstrap: { resamples: 10_000, seed: 20261203 },
};

/** The study analysis the protocol prescribes (packages/analysis). */
export const analysisSchema = z.strictObject({
  /** AEs are compared in windows of this many months before and after the first infusion. */
  aeWindowMonths: z.number().positive(),
  /** A second, sensitivity window (months). */
  sensitivityAeWindowMonths: z.number().positive(),
  /** Efficacy read-outs: the visit nearest `day` after the first infusion, within the tolerance. */
  timepoints: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z][a-zA-Z0-9]*$/, 'a camelCase identifier'),
        label: text,
        day: z.int().positive(),
        toleranceDays: days,
      }),
    )
    .min(1),
  /** How AEs are compared; DEFAULT_AE_ANALYSIS when absent. */
  adverseEvents: aeAnalysisSchema.optional(),
  source: id.optional(),
});

export const protocolSchema = z.strictObject({
  /** The name `--protocol` takes, e.g. msc-jia. */
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and -'),
  title: text,
  version: text,
  design: text,
  plannedSubjects: z.int().positive().nullable(),
  sources: z.array(sourceSchema),
  eligibility: z.strictObject({
    /**
     * The day the criteria must hold: the first infusion, or the enrolment; before it, the
     * as-of day (can the subject go ahead now?).
     */
    assessedOn: z.enum(['first_infusion', 'enrolment']),
    inclusion: z.array(criterionSchema),
    exclusion: z.array(criterionSchema),
  }),
  drugs: z.array(drugSchema),
  registeredIndications: z.array(registeredIndicationSchema),
  intervention: interventionSchema.nullable(),
  schedule: scheduleSchema,
  retreatment: retreatmentSchema.nullable(),
  safety: z.array(safetyRuleSchema),
  /** The study analysis; null for a protocol without one. */
  analysis: analysisSchema.nullable(),
  /** Reactant limits for inactive disease (mm/h, mg/L). */
  esrUpperLimit: z.number().positive(),
  crpUpperLimit: z.number().positive(),
  /**
   * The JIA-ACR of systemic-JIA subjects: 'standard' (Giannini 1997; the default when absent)
   * or 'adapted', which also needs absence of fever at the follow-up (De Benedetti 2012; ADR
   * 0019). jiaAcrOptionsFor(category, rule) of @jia-trial/outcomes gives the options for a subject.
   */
  systemicJiaAcr: z.enum(SYSTEMIC_JIA_ACR_RULES).optional(),
  /** The source of the systemicJiaAcr choice. */
  systemicJiaAcrSource: id.optional(),
  /**
   * Randomisation of a controlled trial (randomisation-schema.ts, ADR 0046): arms, blocks,
   * strata, the step at which a subject is randomised, who is blinded; absent: not randomised.
   */
  randomisation: randomisationSchema.optional(),
});

export type ProtocolDefinition = z.infer<typeof protocolSchema>;
export type Criterion = z.infer<typeof criterionSchema>;
export type RegisteredIndication = z.infer<typeof registeredIndicationSchema>;
export type IndicationPeriod = z.infer<typeof indicationPeriodSchema>;
export type DrugInfo = z.infer<typeof drugSchema>;
export type ScheduledVisitDefinition = z.infer<typeof scheduledVisitSchema>;
export type SafetyRule = z.infer<typeof safetyRuleSchema>;
export type RetreatmentRule = z.infer<typeof retreatmentSchema>;
export type Intervention = z.infer<typeof interventionSchema>;
export type AnalysisPlan = z.infer<typeof analysisSchema>;
export type MasTrendRule = z.infer<typeof masTrendSchema>;

/** PROTOCOL_INVALID, listing every problem with its path in the definition. */
function protocolInvalid(protocolId: string, issues: readonly Issue[]): JiaError {
  return new JiaError(
    'PROTOCOL_INVALID',
    `protocol ${protocolId} is not valid:\n${issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}`,
    { issues, details: { protocolId } },
  );
}

/**
 * Validates a protocol definition: the schema, then the references inside it (sources, criteria
 * named by the retreatment rule, unique ids and visit names, an intervention wherever a rule
 * needs one). Every problem is listed with its path.
 */
export function defineProtocol(input: unknown): ProtocolDefinition {
  const parsed = protocolSchema.safeParse(input);
  const name =
    typeof input === 'object' && input !== null && 'id' in input ? String(input.id) : '(no id)';
  if (!parsed.success)
    throw protocolInvalid(
      name,
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  const problems = crossReferenceProblems(parsed.data);
  if (problems.length > 0) throw protocolInvalid(name, problems);
  return parsed.data;
}

function crossReferenceProblems(p: ProtocolDefinition): Issue[] {
  const problems: Issue[] = [];
  const sources = new Set(p.sources.map((s) => s.id));
  const refer = (path: string, source: string | undefined) => {
    if (source !== undefined && !sources.has(source))
      problems.push({ path: `${path}.source`, message: `no source with id ${source} in sources` });
  };
  const criteria = [
    ...p.eligibility.inclusion.map((c, i) => [`eligibility.inclusion.${i}`, c] as const),
    ...p.eligibility.exclusion.map((c, i) => [`eligibility.exclusion.${i}`, c] as const),
  ];
  const ids = new Set<string>();
  for (const [path, criterion] of criteria) {
    if (ids.has(criterion.id))
      problems.push({ path: `${path}.id`, message: `duplicate criterion id ${criterion.id}` });
    ids.add(criterion.id);
    refer(path, criterion.source);
  }
  const names = new Set<string>();
  p.schedule.visits.forEach((visit, i) => {
    if (names.has(visit.name))
      problems.push({
        path: `schedule.visits.${i}.name`,
        message: `duplicate visit name ${visit.name}`,
      });
    names.add(visit.name);
  });
  const needsIntervention =
    p.schedule.studyDayReference === 'first_infusion' ||
    p.schedule.visits.some((v) => v.anchor === 'each_infusion') ||
    p.retreatment !== null ||
    p.safety.some(
      (r) =>
        r.kind === 'infusion_reaction' ||
        r.kind === 'dose_tolerance' ||
        r.kind === 'infusion_compliance',
    );
  if (needsIntervention && p.intervention === null)
    problems.push({
      path: 'intervention',
      message:
        'infusions are scheduled, retreated or checked, but the protocol has no intervention',
    });
  p.retreatment?.recheckCriteria.forEach((criterion, i) => {
    if (!ids.has(criterion))
      problems.push({
        path: `retreatment.recheckCriteria.${i}`,
        message: `no eligibility criterion ${criterion}`,
      });
  });
  p.registeredIndications.forEach((indication, i) => {
    const starts = indication.history.map((period) => period.from?.split('..')[0] ?? null);
    starts.forEach((start, k) => {
      const before = starts
        .slice(0, k)
        .filter((s) => s !== null)
        .at(-1);
      if (start !== null && before !== undefined && start < before)
        problems.push({
          path: `registeredIndications.${i}.history.${k}.from`,
          message: `${start} is before the previous version's ${before}: list the versions oldest first`,
        });
    });
  });
  refer('intervention', p.intervention?.source);
  refer('schedule', p.schedule.source);
  refer('retreatment', p.retreatment?.source);
  refer('analysis', p.analysis?.source);
  refer('analysis.adverseEvents', p.analysis?.adverseEvents?.source);
  if (p.systemicJiaAcrSource !== undefined && !sources.has(p.systemicJiaAcrSource))
    problems.push({
      path: 'systemicJiaAcrSource',
      message: `no source with id ${p.systemicJiaAcrSource} in sources`,
    });
  p.safety.forEach((rule, i) => {
    refer(`safety.${i}`, rule.source);
    if (rule.kind === 'mas_watch') refer(`safety.${i}.labTrend`, rule.labTrend?.source);
  });
  if (p.randomisation !== undefined) {
    problems.push(...randomisationProblems(p.randomisation, p.schedule.visits));
    refer('randomisation', p.randomisation.source);
  }
  const kinds = new Set<string>();
  p.safety.forEach((rule, i) => {
    if (kinds.has(rule.kind))
      problems.push({ path: `safety.${i}.kind`, message: `rule ${rule.kind} appears twice` });
    kinds.add(rule.kind);
  });
  return problems;
}
