/**
 * A small protocol for the engine's own tests, independent of the shipped protocols: one
 * criterion of each kind, a pre-infusion visit and three follow-up visits per infusion, every
 * safety rule, and round numbers so that each edge is easy to place.
 */
import { defineProtocol, type ProtocolDefinition } from './definition.js';

export function testProtocol(overrides: Partial<ProtocolDefinition> = {}): ProtocolDefinition {
  return defineProtocol({
    id: 'engine-test',
    title: 'Engine test protocol',
    version: '0',
    design: 'test',
    plannedSubjects: 3,
    sources: [{ id: 'test', citation: 'test fixture', evidence: 'D' }],
    eligibility: {
      assessedOn: 'first_infusion',
      inclusion: [
        { kind: 'ilar_category', id: 'jia', text: 'JIA' },
        { kind: 'age', id: 'age', text: 'Age 4-18', minYears: 4, maxYears: 18 },
        {
          kind: 'active_disease',
          id: 'active',
          text: 'Active',
          minActiveJoints: 1,
          maxDaysBefore: 28,
        },
        {
          kind: 'failed_medicine',
          id: 'failed_mtx',
          text: 'Failed MTX',
          drugs: ['methotrexate'],
          failureReasons: ['inefficacy', 'intolerance'],
        },
        {
          kind: 'failed_registered_medicines',
          id: 'failed_registered',
          text: 'Failed registered biologicals',
          kinds: ['biological'],
          failureReasons: ['inefficacy', 'intolerance'],
          whenNoneRegistered: 'met',
        },
      ],
      exclusion: [
        {
          kind: 'concurrent_medicine',
          id: 'concurrent_biologic',
          text: 'Concurrent biologic',
          drugClass: 'biologic',
        },
        { kind: 'febrile_at_screening', id: 'febrile', text: 'Febrile', maxDaysBefore: 7 },
        { kind: 'confirmation', id: 'infection', text: 'Infection', source: 'test' },
      ],
    },
    drugs: [
      { drug: 'tocilizumab', drugClass: 'biologic', target: 'IL-6' },
      { drug: 'anakinra', drugClass: 'biologic', target: 'IL-1' },
      { drug: 'etanercept', drugClass: 'biologic', target: 'TNF' },
    ],
    registeredIndications: [
      {
        drug: 'etanercept',
        brand: 'E',
        target: 'TNF',
        kind: 'biological',
        ilarCategory: 'polyarticular_rf_negative',
        history: [{ from: '2012-08', minAgeYears: 2, evidence: 'D', source: 'test' }],
      },
      {
        drug: 'tocilizumab',
        brand: 'T',
        target: 'IL-6',
        kind: 'biological',
        ilarCategory: 'polyarticular_rf_negative',
        history: [{ from: '2013', minAgeYears: 2, evidence: 'D', source: 'test' }],
      },
    ],
    intervention: {
      name: 'cells',
      route: 'intravenous',
      dosePerKg: 2e6,
      unit: 'cells',
      tolerancePercent: 10,
      concentrationPerMl: 1e6,
      observationDays: 1,
    },
    schedule: {
      studyDayReference: 'first_infusion',
      lateGraceDays: 14,
      visits: [
        { name: 'Pre', anchor: 'each_infusion', day: 0, windowBefore: 28, windowAfter: 0 },
        { name: 'W4', anchor: 'each_infusion', day: 28, windowBefore: 7, windowAfter: 7 },
        { name: 'W12', anchor: 'each_infusion', day: 84, windowBefore: 7, windowAfter: 7 },
        { name: 'W52', anchor: 'each_infusion', day: 364, windowBefore: 28, windowAfter: 28 },
      ],
    },
    retreatment: {
      maxInfusions: 3,
      responseLevel: 30,
      loss: 'acr_lost',
      flareDefinition: 'withdrawal_trial',
      minDaysBetweenInfusions: 0,
      recheckCriteria: ['concurrent_biologic'],
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
      },
      { kind: 'sae_reporting', withinHours: 24 },
      { kind: 'mas_criteria', lookbackDays: 28, msScoreCutoff: -2.1 },
      {
        kind: 'mas_watch',
        targets: ['IL-1', 'IL-6'],
        withinDays: 84,
        ferritinAlarmNgPerMl: 684,
        msScoreCutoff: -2.1,
        labTrend: {
          ferritinRisePercent: 50,
          plateletsFallPercent: 25,
          astRisePercent: 50,
          fibrinogenFallPercent: 25,
        },
      },
      { kind: 'visit_overdue' },
      { kind: 'dose_tolerance' },
      { kind: 'infusion_compliance' },
    ],
    analysis: null,
    esrUpperLimit: 20,
    crpUpperLimit: 10,
    ...overrides,
  });
}

/** Core-set values in the visits CSV's units (for JIA-ACR and flare). */
export function coreSet(
  activeJoints: number,
  physician: number,
  parent: number,
  chaq: number,
  limited: number,
  esr: number,
) {
  return {
    activeJoints,
    physicianGlobal: physician,
    parentGlobal: parent,
    chaqDi: chaq,
    limitedJoints: limited,
    esr,
  };
}
