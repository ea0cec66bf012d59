/**
 * A randomised, double-blind, placebo-controlled withdrawal trial in JIA, after the design of the
 * abatacept trial (Ruperto 2008, Lancet; NCT00095173): an open-label lead-in on the study drug,
 * then the responders (JIA-ACR 30 at the lead-in's end) randomised 1:1 to continue it or to
 * placebo; the end point is the time to flare. It exists to show randomisation as protocol data
 * (issue 18, ADR 0046) and that such a trial runs on the engine unchanged. Every rule names its
 * source; where the design is ours it is tagged D and explained in protocols/jia-withdrawal/README.md.
 */
import { DEFAULT_CRP_UPPER_LIMIT_MG_PER_L, DEFAULT_ESR_UPPER_LIMIT } from '@jia-trial/outcomes';
import { defineProtocol } from '@jia-trial/protocol';
import { JIA_DRUGS } from '../data/drugs.js';

/** A visit every `weeks` from enrolment (the first dose of the lead-in), +/- 3 days. */
const week = (weeks: number) => ({
  name: `week_${weeks}`,
  anchor: 'enrolment' as const,
  day: 7 * weeks,
  windowBefore: weeks === 0 ? 0 : 3,
  windowAfter: 3,
});

export const JIA_WITHDRAWAL = defineProtocol({
  id: 'jia-withdrawal',
  title:
    'Randomised placebo-controlled withdrawal trial in JIA: open-label lead-in, responders randomised to continue or placebo',
  version: '1.0',
  design:
    'multicentre randomised double-blind placebo-controlled withdrawal trial (16-week open-label lead-in, 24-week double-blind period)',
  plannedSubjects: 190,
  sources: [
    {
      id: 'ruperto2008',
      citation:
        'Ruperto N, Lovell DJ, Quartier P, et al. Abatacept in children with juvenile idiopathic arthritis: a randomised, double-blind, placebo-controlled withdrawal trial. Lancet 2008;372(9636):383-391. doi:10.1016/S0140-6736(08)60998-8. NCT00095173 (the design: the abstract, read at the publisher)',
      url: 'https://doi.org/10.1016/S0140-6736(08)60998-8',
      evidence: 'V',
    },
    {
      id: 'petty2004',
      citation:
        'Petty RE, Southwood TR, Manners P, et al. International League of Associations for Rheumatology classification of juvenile idiopathic arthritis: second revision, Edmonton, 2001. J Rheumatol 2004;31(2):390-392. PMID 14760812',
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
      id: 'ich_e2a',
      citation:
        'ICH E2A: Clinical Safety Data Management: Definitions and Standards for Expedited Reporting (1994); the 24-hour sponsor notification of a serious AE by the investigator (EU Directive 2001/20/EC art. 16)',
      evidence: 'S',
    },
    {
      id: 'design',
      citation:
        'jia-trial design decision where the source is silent or the engine models it otherwise (protocols/jia-withdrawal/README.md: windows, strata, blocks, roles, the flare reference)',
      evidence: 'D',
    },
  ],
  eligibility: {
    assessedOn: 'enrolment',
    inclusion: [
      { kind: 'ilar_category', id: 'jia_ilar', text: 'JIA by ILAR criteria', source: 'petty2004' },
      {
        kind: 'age',
        id: 'age_6_17',
        text: 'Aged 6 to 17 years at enrolment',
        minYears: 6,
        maxYears: 17,
        source: 'ruperto2008',
      },
      {
        kind: 'active_disease',
        id: 'active_joints_5',
        text: 'At least five active joints at the screening visit (at most 28 days before enrolment)',
        minActiveJoints: 5,
        maxDaysBefore: 28,
        source: 'ruperto2008',
      },
      {
        kind: 'failed_medicine',
        id: 'failed_dmard',
        text: 'Inadequate response to, or intolerance of, at least one DMARD',
        drugs: [
          'methotrexate',
          'leflunomide',
          'sulfasalazine',
          'hydroxychloroquine',
          'etanercept',
          'adalimumab',
          'infliximab',
        ],
        failureReasons: ['inefficacy', 'intolerance'],
        source: 'ruperto2008',
      },
    ],
    exclusion: [
      {
        kind: 'confirmation',
        id: 'active_infection',
        text: 'An active or chronic infection (the investigator confirms)',
        source: 'design',
      },
    ],
  },
  drugs: JIA_DRUGS,
  registeredIndications: [],
  // The study drug (open label, then blinded: the drug or its placebo) is recorded as a
  // medication: the engine's infusion model is the MSC pilot's (one infusion, repeats only on a
  // lost response) and would call every monthly dose a deviation. README.md says more.
  intervention: null,
  schedule: {
    studyDayReference: 'enrolment',
    lateGraceDays: 14,
    // Lead-in (period A): weeks 0, 2, 4, 8, 12, 16; week 16 is the randomisation visit.
    // Double-blind (period B): every 4 weeks for 24 weeks, to week 40.
    visits: [0, 2, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40].map(week),
    source: 'design',
  },
  retreatment: null,
  safety: [
    { kind: 'sae_reporting', withinHours: 24, source: 'ich_e2a' },
    { kind: 'mas_criteria', lookbackDays: 28, source: 'ravelli2016' },
    { kind: 'visit_overdue', source: 'design' },
  ],
  analysis: null,
  esrUpperLimit: DEFAULT_ESR_UPPER_LIMIT,
  crpUpperLimit: DEFAULT_CRP_UPPER_LIMIT_MG_PER_L,
  systemicJiaAcr: 'standard',
  systemicJiaAcrSource: 'ruperto2008',
  randomisation: {
    arms: [
      { id: 'continue', label: 'Continue the study drug', ratio: 1 },
      { id: 'placebo', label: 'Placebo', ratio: 1 },
    ],
    blockSizes: [2, 4, 6],
    strata: [
      {
        field: 'ilar_category',
        groups: {
          polyarticular: [
            'polyarticular_rf_negative',
            'polyarticular_rf_positive',
            'oligoarticular_extended',
          ],
          systemic: ['systemic'],
          other: [
            'oligoarticular_persistent',
            'psoriatic',
            'enthesitis_related',
            'undifferentiated',
          ],
        },
      },
    ],
    step: {
      visit: 'week_16',
      requires: { kind: 'jia_acr_response', level: 30, baselineVisit: 'week_0' },
    },
    listLengthPerStratum: 100,
    blindedRoles: ['admin', 'investigator', 'nurse', 'monitor', 'data_manager', 'statistician'],
    unblindingRoles: ['investigator'],
    endpoint: { kind: 'time_to_flare', flareDefinition: 'withdrawal_trial' },
    source: 'ruperto2008',
  },
});
