import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JADI_A_UNITS, JADI_E_DOMAINS, type VisitObservation } from '@jia-trial/outcomes';
import type { SubjectTimeline, TimelineMedication, TimelineVisit } from '@jia-trial/protocol';
import { infusionSummary } from './baseline.js';
import { damageAtReadout } from './damage.js';
import { intercurrentEvents, intercurrentEventsOf } from './intercurrent.js';

/** A complete JADI: every JADI-A unit at `a` (knee_l at `knee`), every JADI-E domain at `e`. */
function jadi(a: number, e: number, knee = a): Record<string, number> {
  return Object.fromEntries([
    ...JADI_A_UNITS.map((u) => [u.code, u.code === 'jadi_a_knee_l' ? knee : a]),
    ...JADI_E_DOMAINS.map((d) => [d.code, e]),
  ]);
}

const visit = (visitId: string, date: string, damage?: Record<string, number>): TimelineVisit => ({
  visitId,
  date,
  observation: {} as VisitObservation,
  ...(damage ? { damage } : {}),
});

describe('damage at a read-out (JADI where recorded at the baseline and the read-out visit)', () => {
  test('counts worse and better on both sides of no change; JADI-E carries its [M] tag', () => {
    const result = damageAtReadout([
      {
        subjectId: 'A',
        baseline: visit('A0', '2020-01-01', jadi(0, 0)),
        readout: visit('A1', '2020-03-01', jadi(0, 1, 1)),
      },
      {
        subjectId: 'B',
        baseline: visit('B0', '2020-01-01', jadi(0, 2, 2)),
        readout: visit('B1', '2020-03-01', jadi(0, 2, 1)),
      },
      {
        subjectId: 'C',
        baseline: visit('C0', '2020-01-01', jadi(0, 0)),
        readout: visit('C1', '2020-03-01', jadi(0, 0)),
      },
      { subjectId: 'D', baseline: visit('D0', '2020-01-01'), readout: visit('D1', '2020-03-01') },
    ]);
    assert.deepEqual(
      result.subjects.map((s) => [s.subjectId, s.baseline?.jadiA, s.readout?.jadiA]),
      [
        ['A', 0, 1],
        ['B', 2, 1],
        ['C', 0, 0],
      ],
      'D recorded no JADI and is not listed',
    );
    assert.deepEqual(
      [result.jadiAPairs, result.jadiAWorse, result.jadiABetter],
      [3, 1, 1],
      'A +1 worse, B -1 better, C unchanged',
    );
    assert.deepEqual([result.jadiEPairs, result.jadiEWorse, result.jadiEBetter], [3, 1, 0]);
    assert.equal(result.jadiEEvidence, 'M');
  });

  test('an assessment with a unit missing has no JADI-A and names the subject as incomplete', () => {
    const partial = jadi(1, 0);
    delete partial.jadi_a_hip_r;
    const result = damageAtReadout([
      {
        subjectId: 'A',
        baseline: visit('A0', '2020-01-01', partial),
        readout: visit('A1', '2020-03-01', jadi(1, 0)),
      },
    ]);
    assert.equal(result.subjects[0]?.baseline?.jadiA, null);
    assert.equal(result.subjects[0]?.readout?.jadiA, 36);
    assert.deepEqual(result.incomplete, ['A']);
    assert.equal(result.jadiAPairs, 0);
  });
});

const med = (
  m: Partial<TimelineMedication> & Pick<TimelineMedication, 'drug' | 'startDate'>,
): TimelineMedication => ({
  drugClass: 'corticosteroid',
  stopDate: null,
  stopReason: null,
  ...m,
});

function timeline(medications: TimelineMedication[]): SubjectTimeline {
  return {
    subjectId: 'S1',
    sex: 'F',
    birthDate: '2008-01',
    ilarCategory: 'polyarticular_rf_negative',
    diagnosisDate: '2012-01-01',
    consentDate: null,
    enrolmentDate: '2019-12-01',
    withdrawalDate: null,
    visits: [],
    medications,
    infusions: [],
    adverseEvents: [],
  };
}

describe('intercurrent events between the infusion and the read-out (ICH E9(R1))', () => {
  const infusion = '2020-01-10';
  const readout = visit('W8', '2020-03-06');

  test('the window excludes the infusion day and includes the read-out day', () => {
    const t = timeline([
      med({
        drug: 'triamcinolone',
        startDate: infusion,
        stopDate: infusion,
        route: 'intra_articular',
        jointCodes: ['knee_l'],
      }),
      med({
        drug: 'triamcinolone',
        startDate: '2020-01-11',
        stopDate: '2020-01-11',
        route: 'intra_articular',
        jointCodes: ['knee_l', 'ankle_r'],
        doseMg: 40,
      }),
      med({
        drug: 'methylprednisolone',
        startDate: '2020-03-06',
        stopDate: '2020-03-06',
        route: 'intravenous',
        doseMg: 500,
      }),
      med({ drug: 'prednisolone', startDate: '2020-03-07', route: 'oral', doseMg: 10 }),
    ]);
    const events = intercurrentEventsOf(t, infusion, readout);
    assert.deepEqual(
      events.map((e) => [e.kind, e.drug, e.eventDate, e.jointCodes.join(';')]),
      [
        ['intra_articular_injection', 'triamcinolone', '2020-01-11', 'knee_l;ankle_r'],
        ['corticosteroid_started', 'methylprednisolone', '2020-03-06', ''],
        ['corticosteroid_stopped', 'methylprednisolone', '2020-03-06', ''],
      ],
      'the injection on the infusion day and the course starting the day after the read-out are outside',
    );
    assert.equal(events[0]?.doseMg, 40);
  });

  test('a dose change (a new row) is listed; a steroid running unchanged through the window is not', () => {
    const t = timeline([
      med({
        drug: 'prednisolone',
        startDate: '2019-06-01',
        stopDate: '2020-02-01',
        doseMg: 10,
        route: 'oral',
      }),
      med({ drug: 'prednisolone', startDate: '2020-02-02', doseMg: 5, route: 'oral' }),
      med({ drug: 'prednisone', startDate: '2019-01-01', doseMg: 2, route: 'oral' }),
      med({ drug: 'methotrexate', drugClass: 'csdmard', startDate: '2020-02-01' }),
    ]);
    const result = intercurrentEvents([{ timeline: t, readout, anchorDate: infusion }]);
    assert.deepEqual(
      result.events.map((e) => [e.kind, e.eventDate, e.doseMg]),
      [
        ['corticosteroid_stopped', '2020-02-01', 10],
        ['corticosteroid_started', '2020-02-02', 5],
      ],
    );
    assert.equal(result.strategy, 'treatment_policy');
    assert.deepEqual(result.subjectsWithEvents, ['S1']);
  });

  test('no read-out visit: no window, nothing listed', () => {
    const t = timeline([med({ drug: 'prednisolone', startDate: '2020-02-02' })]);
    assert.deepEqual(
      intercurrentEvents([{ timeline: t, readout: null, anchorDate: infusion }]).events,
      [],
    );
  });
});

describe('each infusion product as given', () => {
  test('viable cells from total and viability; attributes not recorded are null', () => {
    const vitals = {
      heartRate: null,
      systolicBp: null,
      diastolicBp: null,
      temperatureC: null,
      spo2: null,
    };
    const infusion = {
      date: '2020-01-10',
      weightKg: 30,
      cellsPerKg: 2e6,
      totalCells: 6e7,
      productLot: 'L1',
      time: null,
      infusionReaction: false,
      volumeMl: null,
      pre: vitals,
      post: vitals,
    };
    const summary = infusionSummary([
      {
        ...timeline([]),
        infusions: [
          {
            ...infusion,
            viabilityPct: 92.5,
            passage: 3,
            productState: 'cryopreserved',
            donorCode: 'D-1',
          },
          { ...infusion, date: '2020-07-10' },
        ],
      },
    ]);
    assert.deepEqual(
      summary.products.map((p) => [
        p.number,
        p.viableCells,
        p.passage,
        p.productState,
        p.donorCode,
      ]),
      [
        [1, 55_500_000, 3, 'cryopreserved', 'D-1'],
        [2, null, null, null, null],
      ],
    );
    assert.equal(summary.productsRecorded, 1);
  });
});
