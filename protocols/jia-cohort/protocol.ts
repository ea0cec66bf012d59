/**
 * A plain observational JIA cohort: no intervention, a visit every 3 months for 2 years from
 * enrolment, the standard safety reporting. It exists to show that a second, different
 * protocol needs no change to the engine (protocol.test.ts runs both).
 */
import { DEFAULT_CRP_UPPER_LIMIT_MG_PER_L, DEFAULT_ESR_UPPER_LIMIT } from '@jia-trial/outcomes';
import { defineProtocol } from '@jia-trial/protocol';
import { JIA_DRUGS } from '../data/drugs.js';

const quarterly = Array.from({ length: 9 }, (_, k) => ({
  name: `M${3 * k}`,
  anchor: 'enrolment' as const,
  day: 91 * k,
  windowBefore: k === 0 ? 0 : 14,
  windowAfter: 14,
}));

export const JIA_COHORT = defineProtocol({
  id: 'jia-cohort',
  title: 'Observational JIA cohort: quarterly visits for two years',
  version: '1.0',
  design: 'prospective observational cohort, no study intervention',
  plannedSubjects: null,
  sources: [
    {
      id: 'petty2004',
      citation:
        'Petty RE, Southwood TR, Manners P, et al. International League of Associations for Rheumatology classification of juvenile idiopathic arthritis: second revision, Edmonton, 2001. J Rheumatol 2004;31(2):390-392. PMID 14760812',
      evidence: 'S',
    },
    {
      id: 'ravelli2016',
      citation:
        'Ravelli A, Minoia F, Davì S, et al. 2016 Classification criteria for macrophage activation syndrome complicating systemic JIA. Ann Rheum Dis 2016;75(3):481-489. doi:10.1136/annrheumdis-2015-208982',
      evidence: 'V',
    },
    {
      id: 'design',
      citation: 'jia-trial example protocol (protocols/jia-cohort/README.md)',
      evidence: 'D',
    },
  ],
  eligibility: {
    assessedOn: 'enrolment',
    inclusion: [
      { kind: 'ilar_category', id: 'jia_ilar', text: 'JIA by ILAR criteria', source: 'petty2004' },
      {
        kind: 'diagnosed_before_age',
        id: 'onset_before_16',
        text: 'Diagnosed before the 16th birthday (ILAR: onset before 16)',
        years: 16,
        source: 'petty2004',
      },
      {
        kind: 'age',
        id: 'under_18',
        text: 'Under 18 years at enrolment',
        maxYears: 17,
        source: 'design',
      },
    ],
    exclusion: [],
  },
  drugs: JIA_DRUGS,
  registeredIndications: [],
  intervention: null,
  schedule: {
    studyDayReference: 'enrolment',
    lateGraceDays: 30,
    visits: quarterly,
    source: 'design',
  },
  retreatment: null,
  safety: [
    { kind: 'sae_reporting', withinHours: 24, source: 'design' },
    { kind: 'mas_criteria', lookbackDays: 28, source: 'ravelli2016' },
    { kind: 'visit_overdue', source: 'design' },
  ],
  analysis: null,
  esrUpperLimit: DEFAULT_ESR_UPPER_LIMIT,
  crpUpperLimit: DEFAULT_CRP_UPPER_LIMIT_MG_PER_L,
});
