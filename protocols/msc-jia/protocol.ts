/**
 * The MSC-JIA protocol: intravenous allogeneic bone-marrow mesenchymal stromal cells in
 * therapy-refractory JIA, the single-centre open-label phase Ib/IIa pilot of UMC Utrecht
 * (Swart 2019; NTR4146). Every rule names its source; where the public record is silent the
 * choice is ours, tagged D, and explained in protocols/msc-jia/README.md.
 */
import {
  DEFAULT_CRP_UPPER_LIMIT_MG_PER_L,
  DEFAULT_ESR_UPPER_LIMIT,
  MAS_2016_LAB_THRESHOLDS,
  MAS_TREND_DEFAULTS,
  MS_SCORE_CUTOFF,
} from '@jia-trial/outcomes';
import { DEFAULT_AE_ANALYSIS, defineProtocol } from '@jia-trial/protocol';
import { JIA_DRUGS } from '../data/drugs.js';
import { EMA_JIA_INDICATIONS } from '../data/ema-jia-indications.js';

const FAILED = ['inefficacy', 'intolerance'] as const;

export const MSC_JIA = defineProtocol({
  id: 'msc-jia',
  title: 'Intravenous allogeneic bone-marrow MSC in therapy-refractory JIA (phase Ib/IIa pilot)',
  version: '1.0',
  design: 'single-centre, open-label phase Ib/IIa pilot',
  plannedSubjects: 6,
  sources: [
    {
      id: 'swart2019',
      citation:
        'Swart JF, de Roock S, Nievelstein RAJ, et al. Bone-marrow derived mesenchymal stromal cells infusion in therapy refractory juvenile idiopathic arthritis patients. Rheumatology (Oxford) 2019;58(10):1812-1817. doi:10.1093/rheumatology/kez157. PMID 31070229',
      url: 'https://doi.org/10.1093/rheumatology/kez157',
      evidence: 'V',
    },
    {
      id: 'swart2018',
      citation:
        'Swart J, de Roock S, Nievelstein R, et al. OP0203 Safety and efficacy of intravenous administration of bone-marrow derived mesenchymal stromal cells in therapy refractory JIA patients, a phase Ib/IIa pilot-study. Ann Rheum Dis 2018;77(Suppl 2) (EULAR 2018)',
      evidence: 'V',
    },
    {
      id: 'ntr4146',
      citation:
        'Netherlands Trial Register NTR4146 / NL-OMON21350: Mesenchymal stromal cells for treatment of drug resistant pediatric juvenile idiopathic arthritis (inclusion and exclusion criteria as copied by a register mirror)',
      evidence: 'S',
    },
    {
      id: 'ema_jia',
      citation:
        'European Medicines Agency product information (SmPC 4.1) of the medicines authorised for JIA; protocols/data/ema-jia-indications.md. Each label version carries its own tag there, S or M: no Commission decision was read and no version is V, so the register as a whole is S',
      evidence: 'S',
    },
    {
      id: 'ravelli2016',
      citation:
        'Ravelli A, Minoia F, Davì S, et al. 2016 Classification criteria for macrophage activation syndrome complicating systemic juvenile idiopathic arthritis. Ann Rheum Dis 2016;75(3):481-489. doi:10.1136/annrheumdis-2015-208982. PMID 26865703',
      url: 'https://doi.org/10.1136/annrheumdis-2015-208982',
      evidence: 'V',
    },
    {
      id: 'minoia2019',
      citation:
        "Minoia F, Bovis F, Davì S, et al. Development and initial validation of the MS score for diagnosis of macrophage activation syndrome in systemic juvenile idiopathic arthritis. Ann Rheum Dis 2019;78(10):1357-1362. doi:10.1136/annrheumdis-2019-215211 (coefficients and cut-off read at the publisher's Table 4; PMID unconfirmed)",
      url: 'https://doi.org/10.1136/annrheumdis-2019-215211',
      evidence: 'V',
    },
    {
      id: 'mas_lab_trend',
      citation:
        "Early warning of evolving MAS from the trend of its laboratory values (ADR 0018): the analytes and the importance of their change from Ravelli A, Minoia F, Davì S, et al. Expert consensus on dynamics of laboratory tests for diagnosis of MAS complicating sJIA. RMD Open 2016;2(1):e000161, doi:10.1136/rmdopen-2015-000161, PMID 26848401 [V: abstract]; fever and ferritin blunted under IL-6 blockade, Shimizu M, et al. Pediatr Rheumatol 2020;18:2, PMID 31924225 [V: abstract]. No published cut-off of the change exists: the percentages are jia-trial's decision",
      url: 'https://doi.org/10.1136/rmdopen-2015-000161',
      evidence: 'D',
    },
    {
      id: 'ich_e2a',
      citation:
        'ICH E2A: Clinical Safety Data Management: Definitions and Standards for Expedited Reporting (1994); the 24-hour sponsor notification of a serious AE by the investigator (EU Directive 2001/20/EC art. 16) as the issue states it',
      evidence: 'S',
    },
    {
      id: 'retreatment_rule',
      citation:
        'Retreatment: an ACR Pedi 30 response followed by its loss allows one and at most two repeat infusions (at most 3 in all) [V: Swart 2018 EULAR abstract]. How the loss is decided (JIA-ACR 30 versus the same baseline no longer met), the flare definition offered, no minimum interval between infusions and the criteria re-checked before a repeat infusion are jia-trial design decisions (definitions.md 2.3; ADR 0016) [D]',
      evidence: 'D',
    },
    {
      id: 'analysis_plan',
      citation:
        'Analysis plan: AEs in the 3 months before versus after the infusion, and read-outs at week 8 and 1 year after the infusion compared with the pre-infusion baseline by the two-tailed Wilcoxon signed-rank test [V: Swart 2019 abstract; S for the test: a secondary summary]. The 12-month sensitivity window and the read-out tolerances (14 and 42 days) are jia-trial design decisions [D]',
      evidence: 'D',
    },
    {
      id: 'ae_analysis',
      citation:
        "The AE comparison's options (ADR 0020, 0021): the primary count is every AE in the 3 months before the first infusion, chart-reviewed ones before consent included, as the pilot's registered end point compared them (NTR4146; Swart 2019), the prospective-only comparison beside it; an AE on the infusion day without both times recorded counts after the infusion (definitions.md 8.4); the per-patient paired comparison is primary, the pooled ratio with its exact Poisson and cluster-bootstrap intervals beside it; possible, probable and definite count as related (definitions.md 8.3)",
      evidence: 'D',
    },
    {
      id: 'design',
      citation:
        'jia-trial design decision where the public record is silent (protocols/msc-jia/README.md: eligibility details, dose tolerance, schedule, retreatment, safety and the MAS watch)',
      evidence: 'D',
    },
  ],
  eligibility: {
    assessedOn: 'first_infusion',
    inclusion: [
      { kind: 'ilar_category', id: 'jia_ilar', text: 'JIA by ILAR criteria', source: 'ntr4146' },
      {
        kind: 'age',
        id: 'age_4_18',
        text: 'Age 4 to 18 years',
        minYears: 4,
        maxYears: 18,
        source: 'ntr4146',
      },
      {
        kind: 'active_disease',
        id: 'active_arthritis',
        text: 'Active arthritis (at least one active joint at the screening visit, within 28 days before the infusion)',
        minActiveJoints: 1,
        maxDaysBefore: 28,
        source: 'swart2019',
      },
      {
        kind: 'failed_medicine',
        id: 'failed_methotrexate',
        text: 'Failed methotrexate (stopped for inefficacy or intolerance)',
        drugs: ['methotrexate'],
        failureReasons: [...FAILED],
        source: 'swart2019',
      },
      {
        kind: 'failed_medicine',
        id: 'failed_corticosteroids',
        text: 'Failed systemic corticosteroids (stopped for inefficacy or intolerance)',
        drugClass: 'corticosteroid',
        failureReasons: [...FAILED],
        source: 'swart2019',
      },
      {
        kind: 'failed_registered_medicines',
        id: 'failed_registered_biologicals',
        text: "Failed every biological registered (EMA) for the patient's JIA category",
        kinds: ['biological'],
        failureReasons: [...FAILED],
        // A category with nothing registered (persistent oligoarthritis; psoriatic arthritis
        // under 12 before 2022) passes only vacuously: the investigator confirms that the
        // child is refractory (ADR 0017) [D].
        whenNoneRegistered: 'confirm',
        source: 'ema_jia',
      },
    ],
    exclusion: [
      {
        kind: 'concurrent_medicine',
        id: 'concurrent_biologic',
        text: 'Concurrent use of a biological response modifier',
        drugClass: 'biologic',
        source: 'ntr4146',
      },
      {
        kind: 'febrile_at_screening',
        id: 'febrile_illness',
        text: 'Febrile illness at screening (fever at the last visit within 7 days)',
        maxDaysBefore: 7,
        source: 'ntr4146',
      },
      {
        kind: 'confirmation',
        id: 'infection_or_malignancy',
        text: 'Concurrent infection or malignancy (investigator)',
        source: 'ntr4146',
      },
    ],
  },
  drugs: JIA_DRUGS,
  registeredIndications: EMA_JIA_INDICATIONS,
  intervention: {
    name: 'Allogeneic bone-marrow-derived mesenchymal stromal cells',
    route: 'intravenous',
    dosePerKg: 2e6,
    unit: 'cells',
    tolerancePercent: 10,
    concentrationPerMl: null,
    observationDays: 1,
    source: 'swart2019',
  },
  schedule: {
    studyDayReference: 'first_infusion',
    lateGraceDays: 14,
    visits: [
      { name: 'Pre-infusion', anchor: 'each_infusion', day: 0, windowBefore: 28, windowAfter: 0 },
      { name: 'W1', anchor: 'each_infusion', day: 7, windowBefore: 2, windowAfter: 2 },
      { name: 'W2', anchor: 'each_infusion', day: 14, windowBefore: 3, windowAfter: 3 },
      { name: 'W4', anchor: 'each_infusion', day: 28, windowBefore: 4, windowAfter: 4 },
      { name: 'W8', anchor: 'each_infusion', day: 56, windowBefore: 7, windowAfter: 7 },
      { name: 'W12', anchor: 'each_infusion', day: 84, windowBefore: 7, windowAfter: 7 },
      { name: 'W26', anchor: 'each_infusion', day: 182, windowBefore: 14, windowAfter: 14 },
      { name: 'W52', anchor: 'each_infusion', day: 364, windowBefore: 28, windowAfter: 28 },
    ],
    source: 'design',
  },
  retreatment: {
    maxInfusions: 3,
    responseLevel: 30,
    loss: 'acr_lost',
    flareDefinition: 'withdrawal_trial',
    minDaysBetweenInfusions: 0,
    recheckCriteria: ['concurrent_biologic', 'febrile_illness'],
    // The limits are the abstract's [V]; the rule that decides a loss is a design decision [D].
    source: 'retreatment_rule',
  },
  safety: [
    {
      kind: 'infusion_reaction',
      feverC: 38,
      temperatureRiseC: 1,
      systolicDropMmHg: 20,
      heartRateRiseBpm: 20,
      minSpo2: 92,
      urgentDays: 1,
      source: 'design',
    },
    { kind: 'sae_reporting', withinHours: 24, source: 'ich_e2a' },
    {
      kind: 'mas_criteria',
      lookbackDays: 28,
      // The MS score's published cut-off (Minoia 2019, Table 4) beside the 2016 criteria.
      msScoreCutoff: MS_SCORE_CUTOFF.value,
      source: 'ravelli2016',
    },
    {
      kind: 'mas_watch',
      targets: ['IL-1', 'IL-6'],
      // 6 months (26 weeks), the specification's default (definitions.md 6.3; ADR 0018): the
      // pilot's MAS came 63 days after tocilizumab was stopped, 3 weeks before an 84-day watch
      // would have ended.
      withinDays: 182,
      // The 2016 criteria's ferritin limit (Ravelli 2016) and the MS score's cut-off (Minoia 2019).
      ferritinAlarmNgPerMl: MAS_2016_LAB_THRESHOLDS.ferritin.byUnit['ng/mL'],
      msScoreCutoff: MS_SCORE_CUTOFF.value,
      labTrend: {
        ferritinRisePercent: MAS_TREND_DEFAULTS.ferritin,
        plateletsFallPercent: MAS_TREND_DEFAULTS.platelets,
        astRisePercent: MAS_TREND_DEFAULTS.ast,
        fibrinogenFallPercent: MAS_TREND_DEFAULTS.fibrinogen,
        source: 'mas_lab_trend',
      },
      source: 'design',
    },
    { kind: 'visit_overdue', source: 'design' },
    { kind: 'dose_tolerance', source: 'design' },
    { kind: 'infusion_compliance', source: 'design' },
  ],
  analysis: {
    aeWindowMonths: 3,
    sensitivityAeWindowMonths: 12,
    timepoints: [
      { id: 'week8', label: 'Week 8', day: 56, toleranceDays: 14 },
      { id: 'year1', label: '1 year', day: 365, toleranceDays: 42 },
    ],
    // The engine's defaults (every AE counted, an infusion-day AE after the infusion, the child
    // as the unit), chosen for this pilot: ae_analysis says why.
    adverseEvents: { ...DEFAULT_AE_ANALYSIS, source: 'ae_analysis' },
    // The windows and read-outs are the paper's [V]; tolerances and the sensitivity window [D].
    source: 'analysis_plan',
  },
  esrUpperLimit: DEFAULT_ESR_UPPER_LIMIT,
  crpUpperLimit: DEFAULT_CRP_UPPER_LIMIT_MG_PER_L,
  // The registered end points are the standard ACR Pedi 70 and 30 (NTR4146), for every
  // category: the adapted systemic-JIA rule (ADR 0019) is not this pilot's.
  systemicJiaAcr: 'standard',
  systemicJiaAcrSource: 'ntr4146',
});
