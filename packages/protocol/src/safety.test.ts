import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Alert, AlertCode } from './findings.js';
import { safetyAlerts } from './safety.js';
import { buildSchedule } from './schedule.js';
import { testProtocol } from './test-protocol.fixture.js';
import { censor, type SubjectTimeline, type VitalSigns } from './timeline.js';
import {
  adverseEvent,
  infusion,
  medication,
  NO_VITALS,
  subject,
  visit,
} from './timeline-builder.js';

const protocol = testProtocol();

/** Alerts of one code on `asOf`, from the timeline as known then (as evaluate does). */
function alerts(timeline: SubjectTimeline, asOf: string, code: AlertCode): Alert[] {
  const known = censor(timeline, asOf);
  return safetyAlerts(protocol, known, buildSchedule(protocol, known, asOf), asOf).filter(
    (a) => a.code === code,
  );
}

describe('infusion reaction from vital signs (each limit reached, and just short of it)', () => {
  const pre: VitalSigns = {
    heartRate: 100,
    systolicBp: 110,
    diastolicBp: 70,
    temperatureC: 36.8,
    spo2: 98,
  };
  const withPost = (post: Partial<VitalSigns>) =>
    subject({ infusions: [infusion('2020-01-01', { pre, post: { ...pre, ...post } })] });
  const cases: Array<[string, Partial<VitalSigns>, Partial<VitalSigns>, RegExp]> = [
    ['fever 38.0', { temperatureC: 38 }, { temperatureC: 37.7 }, /temperature 38 °C after/],
    ['temperature rise 1.0', { temperatureC: 37.8 }, { temperatureC: 37.7 }, /temperature up 1 °C/],
    ['systolic drop 20', { systolicBp: 90 }, { systolicBp: 91 }, /systolic pressure down 20 mmHg/],
    ['heart rate rise 20', { heartRate: 120 }, { heartRate: 119 }, /heart rate up 20\/min/],
    ['SpO2 below 92', { spo2: 91 }, { spo2: 92 }, /SpO2 91% after/],
  ];
  for (const [name, reached, short, message] of cases)
    test(name, () => {
      const raised = alerts(withPost(reached), '2020-01-01', 'INFUSION_REACTION');
      assert.equal(raised.length, 1);
      assert.match(raised[0]?.message ?? '', message);
      assert.deepEqual(alerts(withPost(short), '2020-01-01', 'INFUSION_REACTION'), []);
    });
  test('no vital signs recorded and no reaction recorded: no alert', () => {
    assert.deepEqual(
      alerts(subject({ infusions: [infusion('2020-01-01')] }), '2020-01-01', 'INFUSION_REACTION'),
      [],
    );
  });
});

test('a recorded infusion reaction is urgent for a day, then a warning until an AE records it', () => {
  const reaction = subject({
    infusions: [infusion('2020-01-01', { infusionReaction: true, post: NO_VITALS })],
  });
  const severity = (t: SubjectTimeline, asOf: string) =>
    alerts(t, asOf, 'INFUSION_REACTION').map((a) => a.severity);
  assert.deepEqual(severity(reaction, '2020-01-01'), ['urgent']);
  assert.deepEqual(severity(reaction, '2020-01-02'), ['urgent']);
  assert.deepEqual(severity(reaction, '2020-01-03'), ['warning']);
  const recorded = {
    ...reaction,
    adverseEvents: [adverseEvent('AE1', '2020-01-02', { term: 'Infusion related reaction' })],
  };
  assert.deepEqual(severity(recorded, '2020-01-03'), ['info']);
  assert.equal(alerts(recorded, '2020-01-03', 'INFUSION_REACTION')[0]?.data.adverseEvent, 'AE1');
  // An AE two days later is not this reaction.
  const later = { ...reaction, adverseEvents: [adverseEvent('AE1', '2020-01-03')] };
  assert.deepEqual(severity(later, '2020-01-04'), ['warning']);
});

describe('serious AE reporting within 24 hours of awareness', () => {
  const sae = (fields: Parameters<typeof adverseEvent>[2]) =>
    subject({
      adverseEvents: [
        adverseEvent('AE7', '2020-05-10', {
          serious: true,
          term: 'Pneumonia',
          grade: 3,
          ...fields,
        }),
      ],
    });
  test('urgent from the day of awareness; overdue from the second day after it', () => {
    const t = sae({ awarenessDate: '2020-05-12' });
    assert.deepEqual(alerts(t, '2020-05-11', 'SAE_REPORT_DUE'), [], 'not known yet on 05-11');
    const due = alerts(t, '2020-05-12', 'SAE_REPORT_DUE');
    assert.deepEqual(
      [due[0]?.severity, due[0]?.data.dueBy, due[0]?.data.overdue],
      ['urgent', '2020-05-13', false],
    );
    assert.equal(alerts(t, '2020-05-13', 'SAE_REPORT_DUE')[0]?.data.overdue, false);
    const overdue = alerts(t, '2020-05-14', 'SAE_REPORT_DUE')[0];
    assert.equal(overdue?.data.overdue, true);
    assert.match(overdue?.message ?? '', /OVERDUE by 1 day/);
  });
  test('a report on the day after awareness ends the alert from its date, and is on time', () => {
    const t = sae({ reportedDate: '2020-05-11' });
    assert.equal(alerts(t, '2020-05-10', 'SAE_REPORT_DUE').length, 1);
    assert.deepEqual(alerts(t, '2020-05-11', 'SAE_REPORT_DUE'), []);
    assert.deepEqual(alerts(t, '2020-05-11', 'SAE_REPORTED_LATE'), []);
  });
  test('a report after the period ends the urgent alert but leaves a late-report note', () => {
    const late = alerts(sae({ reportedDate: '2020-05-12' }), '2020-06-01', 'SAE_REPORTED_LATE');
    assert.deepEqual(
      late.map((a) => a.severity),
      ['info'],
    );
  });
  test('a non-serious AE raises nothing', () => {
    const t = subject({ adverseEvents: [adverseEvent('AE1', '2020-05-10')] });
    assert.deepEqual(alerts(t, '2020-06-01', 'SAE_REPORT_DUE'), []);
  });
});

describe('MAS (2016 criteria) in systemic JIA', () => {
  const masLabs = {
    fever: true,
    ferritin: 5000,
    platelets: 120,
    ast: 80,
    triglycerides: 200,
    fibrinogen: 300,
  };
  const sjia = (fields: Partial<SubjectTimeline>) =>
    subject({ ilarCategory: 'systemic', ...fields });
  test('a visit meeting the criteria is urgent for 28 days', () => {
    const t = sjia({ visits: [visit('V9', '2020-03-01', masLabs)] });
    assert.deepEqual(
      alerts(t, '2020-03-29', 'MAS_CRITERIA_MET').map((a) => a.severity),
      ['urgent'],
    );
    assert.deepEqual(alerts(t, '2020-03-30', 'MAS_CRITERIA_MET'), []);
  });
  test('each threshold on both sides: ferritin > 684, platelets <= 181, AST > 48, triglycerides > 156, fibrinogen <= 360', () => {
    const met = (labs: object) =>
      alerts(
        sjia({ visits: [visit('V', '2020-03-01', { ...masLabs, ...labs })] }),
        '2020-03-02',
        'MAS_CRITERIA_MET',
      ).length === 1;
    assert.equal(met({ ferritin: 685 }), true);
    assert.equal(met({ ferritin: 684 }), false);
    // Two criteria at a time: AST plus one other, everything else just short.
    const none = { platelets: 182, ast: 48, triglycerides: 156, fibrinogen: 361 };
    assert.equal(met(none), false);
    assert.equal(met({ ...none, ast: 49 }), false, 'one criterion is not two');
    assert.equal(met({ ...none, ast: 49, platelets: 181 }), true);
    assert.equal(met({ ...none, ast: 49, triglycerides: 157 }), true);
    assert.equal(met({ ...none, ast: 49, fibrinogen: 360 }), true);
    assert.equal(met({ ...none, platelets: 181, fibrinogen: 360 }), true);
    assert.equal(met({ fever: false }), false, 'afebrile');
  });
  test('not for other categories', () => {
    const t = subject({ visits: [visit('V9', '2020-03-01', masLabs)] });
    assert.deepEqual(alerts(t, '2020-03-02', 'MAS_CRITERIA_MET'), []);
  });
});

describe('MAS watch after an IL-1 or IL-6 blocker is stopped', () => {
  const stopped = (drug: string, stopDate: string, fields: Partial<SubjectTimeline> = {}) =>
    subject({
      ilarCategory: 'systemic',
      medications: [
        medication(drug, 'biologic', '2018-01-01', { stopDate, stopReason: 'inefficacy' }),
      ],
      ...fields,
    });
  test('a warning for 84 days after the stop, not on day 85', () => {
    const t = stopped('Tocilizumab', '2020-01-01');
    const watch = alerts(t, '2020-03-25', 'MAS_WATCH');
    assert.deepEqual(
      watch.map((a) => [a.severity, a.data.daysSinceStop, a.data.watchUntil]),
      [['warning', 84, '2020-03-25']],
    );
    assert.deepEqual(alerts(t, '2020-03-26', 'MAS_WATCH'), []);
    assert.deepEqual(alerts(t, '2019-12-31', 'MAS_WATCH'), [], 'still running the day before');
  });
  test('IL-1 too; not a TNF blocker, not outside systemic JIA', () => {
    assert.equal(alerts(stopped('anakinra', '2020-01-01'), '2020-02-01', 'MAS_WATCH').length, 1);
    assert.deepEqual(alerts(stopped('etanercept', '2020-01-01'), '2020-02-01', 'MAS_WATCH'), []);
    assert.deepEqual(
      alerts(
        stopped('tocilizumab', '2020-01-01', { ilarCategory: 'psoriatic' }),
        '2020-02-01',
        'MAS_WATCH',
      ),
      [],
    );
  });
  test('the ferritin trend is shown, and ferritin above 684 under watch is urgent', () => {
    const t = stopped('tocilizumab', '2020-01-01', {
      visits: [
        visit('A', '2020-01-15', { ferritin: 300, platelets: 300 }),
        visit('B', '2020-02-12', { ferritin: 684, platelets: 250, fever: true }),
        visit('C', '2020-02-19', { ferritin: 900, platelets: 190, fever: true }),
      ],
    });
    const onB = alerts(t, '2020-02-12', 'MAS_WATCH')[0];
    assert.equal(onB?.data.ferritinTrend, 'rising');
    assert.deepEqual(alerts(t, '2020-02-12', 'MAS_SIGNS'), [], '684 is not above 684');
    const signs = alerts(t, '2020-02-19', 'MAS_SIGNS');
    assert.deepEqual(
      signs.map((a) => a.severity),
      ['urgent'],
    );
    assert.match(signs[0]?.message ?? '', /ferritin 900 ng\/mL on 2020-02-19 \(> 684\)/);
  });
});

describe('MS score (Minoia 2019) on systemic-JIA visits, at the cut-off -2.1', () => {
  // MS = -1.30 (active arthritis) - 0.6 (PLT 200) + 0.3 (LDH 300) - 0.8 (fib 200) + FERR/10^4.
  const inputs = (ferritin: number) => ({
    activeJoints: 3,
    cnsInvolvement: false,
    haemorrhagicManifestations: false,
    platelets: 200,
    ldh: 300,
    fibrinogen: 200,
    ferritin,
  });
  const sjia = (labs: object) =>
    subject({ ilarCategory: 'systemic', visits: [visit('V', '2020-03-01', labs)] });
  const raised = (labs: object) => alerts(sjia(labs), '2020-03-02', 'MS_SCORE_AT_CUTOFF');

  test('both sides of -2.1: -2.1 raises, -2.1001 does not', () => {
    const at = raised({ ...inputs(3000), fever: true });
    assert.deepEqual(
      at.map((a) => [a.severity, a.data.msScore]),
      [['urgent', -2.1]],
    );
    assert.deepEqual(raised({ ...inputs(2999), fever: true }), []);
  });
  test('febrile: urgent; fever not recorded: a warning; afebrile: nothing (the score is for febrile patients)', () => {
    assert.deepEqual(
      raised(inputs(5000)).map((a) => a.severity),
      ['warning'],
    );
    assert.match(raised(inputs(5000))[0]?.message ?? '', /fever not recorded/);
    assert.deepEqual(raised({ ...inputs(5000), fever: false }), []);
  });
  test('every input is needed: without LDH, or CNS involvement, no score', () => {
    assert.deepEqual(raised({ ...inputs(5000), fever: true, ldh: null }), []);
    assert.deepEqual(raised({ ...inputs(5000), fever: true, cnsInvolvement: null }), []);
  });
  test('only for systemic JIA, and only when the rule names a cut-off', () => {
    const other = subject({
      ilarCategory: 'psoriatic',
      visits: [visit('V', '2020-03-01', { ...inputs(5000), fever: true })],
    });
    assert.deepEqual(alerts(other, '2020-03-02', 'MS_SCORE_AT_CUTOFF'), []);
    const without = testProtocol({
      safety: protocol.safety.map((r) =>
        r.kind === 'mas_criteria' ? { kind: 'mas_criteria', lookbackDays: 28 } : r,
      ),
    });
    const known = censor(sjia({ ...inputs(5000), fever: true }), '2020-03-02');
    const codes = safetyAlerts(
      without,
      known,
      buildSchedule(without, known, '2020-03-02'),
      '2020-03-02',
    ).map((a) => a.code);
    assert.equal(codes.includes('MS_SCORE_AT_CUTOFF'), false);
  });
  test('under MAS watch, the MS score of the latest visit is a sign at -2.1, not at -2.1001', () => {
    // Ferritin 500 (below the alarm 684): -2.65 + LDH/1000, so LDH 550 gives exactly -2.1.
    const watched = (ldh: number) =>
      subject({
        ilarCategory: 'systemic',
        medications: [
          medication('tocilizumab', 'biologic', '2018-01-01', {
            stopDate: '2020-02-01',
            stopReason: 'inefficacy',
          }),
        ],
        visits: [visit('V', '2020-03-01', { ...inputs(500), ldh, fever: false })],
      });
    const signs = alerts(watched(550), '2020-03-02', 'MAS_SIGNS');
    assert.equal(signs.length, 1);
    assert.match(signs[0]?.message ?? '', /MS score -2.1 on 2020-03-01 \(>= -2.1\)/);
    assert.deepEqual(alerts(watched(549.9), '2020-03-02', 'MAS_SIGNS'), []);
  });
});

describe('early warning of evolving MAS under watch: the laboratory trend (ADR 0018)', () => {
  const watched = (visits: SubjectTimeline['visits']) =>
    subject({
      ilarCategory: 'systemic',
      medications: [
        medication('tocilizumab', 'biologic', '2018-01-01', {
          stopDate: '2020-01-01',
          stopReason: 'inefficacy',
        }),
      ],
      visits,
    });
  const trend = (labsA: object, labsB: object) =>
    alerts(
      watched([visit('A', '2020-01-20', labsA), visit('B', '2020-02-10', labsB)]),
      '2020-02-11',
      'MAS_LAB_TREND',
    );

  test('ferritin up 50% raises it, 49.9% does not (afebrile: the criteria cannot apply yet)', () => {
    const up = trend({ ferritin: 200 }, { ferritin: 300, fever: false });
    assert.deepEqual(
      up.map((a) => [a.severity, a.data.visitId, a.data.fever]),
      [['warning', 'B', false]],
    );
    assert.match(
      up[0]?.message ?? '',
      /ferritin up 50% \(200 -> 300 ng\/mL, 2020-01-20 -> 2020-02-10; threshold 50%\)/,
    );
    assert.match(up[0]?.message ?? '', /not the classification criteria/);
    assert.match(up[0]?.message ?? '', /afebrile/);
    assert.deepEqual(trend({ ferritin: 200 }, { ferritin: 299.8 }), []);
  });
  test('platelets and fibrinogen down 25% raise it, 24.9% does not', () => {
    assert.equal(trend({ platelets: 400 }, { platelets: 300 }).length, 1);
    assert.deepEqual(trend({ platelets: 400 }, { platelets: 300.4 }), []);
    assert.equal(trend({ fibrinogen: 400 }, { fibrinogen: 300 }).length, 1);
    assert.deepEqual(trend({ fibrinogen: 400 }, { fibrinogen: 300.4 }), []);
  });
  test('each analyte is compared with its own previous value, visits apart', () => {
    const t = watched([
      visit('A', '2020-01-20', { ferritin: 200, platelets: 400 }),
      visit('B', '2020-02-01', { platelets: 390 }),
      visit('C', '2020-02-10', { ferritin: 450 }),
    ]);
    const raised = alerts(t, '2020-02-11', 'MAS_LAB_TREND');
    assert.deepEqual(
      (
        (raised[0]?.data.changes ?? []) as { analyte: string; fromVisit: string; toVisit: string }[]
      ).map((c) => [c.analyte, c.fromVisit, c.toVisit]),
      [['ferritin', 'A', 'C']],
    );
    assert.equal(raised[0]?.data.visitId, 'C');
  });
  test('not after the watch, not without the option', () => {
    const t = watched([
      visit('A', '2020-01-20', { ferritin: 200 }),
      visit('B', '2020-02-10', { ferritin: 600 }),
    ]);
    assert.deepEqual(alerts(t, '2020-03-26', 'MAS_LAB_TREND'), [], 'day 85 of an 84-day watch');
    const without = testProtocol({
      safety: protocol.safety.map((r) => {
        if (r.kind !== 'mas_watch') return r;
        const { labTrend: _, ...rest } = r;
        return rest;
      }),
    });
    const known = censor(t, '2020-02-11');
    const codes = safetyAlerts(
      without,
      known,
      buildSchedule(without, known, '2020-02-11'),
      '2020-02-11',
    ).map((a) => a.code);
    assert.equal(codes.includes('MAS_LAB_TREND'), false);
  });
});

test('overdue and missed visits, and doses outside the tolerance, raise their alerts', () => {
  const t = subject({
    infusions: [infusion('2020-01-01', { totalCells: 9e7 })],
    visits: [visit('P', '2019-12-20')],
  });
  assert.deepEqual(
    alerts(t, '2020-02-06', 'VISIT_OVERDUE').map((a) => [a.severity, a.data.name]),
    [['warning', 'W4']],
  );
  assert.deepEqual(
    alerts(t, '2020-02-20', 'VISIT_MISSED').map((a) => [a.severity, a.data.name]),
    [['info', 'W4']],
  );
  assert.deepEqual(
    alerts(t, '2020-01-01', 'DOSE_OUT_OF_TOLERANCE').map((a) => a.severity),
    ['warning'],
  );
});

describe('findings a data manager must act on', () => {
  test('ferritin above 684 with the classification undecidable (fever not recorded): a warning naming what to record', () => {
    const t = subject({
      ilarCategory: 'systemic',
      visits: [
        visit('V', '2020-03-01', { ferritin: 20000, platelets: 90, ast: 200, triglycerides: 300 }),
      ],
    });
    const undetermined = alerts(t, '2020-03-02', 'MAS_CRITERIA_UNDETERMINED');
    assert.deepEqual(
      undetermined.map((a) => a.severity),
      ['warning'],
    );
    assert.match(undetermined[0]?.message ?? '', /record febrile/);
    const normalFerritin = subject({
      ilarCategory: 'systemic',
      visits: [visit('V', '2020-03-01', { ferritin: 684 })],
    });
    assert.deepEqual(alerts(normalFerritin, '2020-03-02', 'MAS_CRITERIA_UNDETERMINED'), []);
  });
  test('an infusion without vital signs before or after is noted', () => {
    const none = subject({ infusions: [infusion('2020-01-01')] });
    assert.deepEqual(alerts(none, '2020-01-01', 'INFUSION_VITALS_MISSING')[0]?.data.missing, [
      'vital signs before',
      'vital signs after',
    ]);
    const both = subject({
      infusions: [
        infusion('2020-01-01', {
          pre: { ...NO_VITALS, heartRate: 90 },
          post: { ...NO_VITALS, heartRate: 92 },
        }),
      ],
    });
    assert.deepEqual(alerts(both, '2020-01-01', 'INFUSION_VITALS_MISSING'), []);
  });
  test('only an AE that is a reaction records an infusion reaction; a headache does not', () => {
    const reaction = subject({
      infusions: [infusion('2020-01-01', { infusionReaction: true })],
      adverseEvents: [adverseEvent('AE1', '2020-01-01', { term: 'Headache' })],
    });
    assert.deepEqual(
      alerts(reaction, '2020-01-05', 'INFUSION_REACTION').map((a) => a.severity),
      ['warning'],
    );
  });
  test('a drug recorded by its brand name is recognised for the MAS watch', () => {
    const withBrands = testProtocol({
      drugs: [
        { drug: 'tocilizumab', drugClass: 'biologic', target: 'IL-6', brands: ['RoActemra'] },
      ],
    });
    const t = censor(
      subject({
        ilarCategory: 'systemic',
        medications: [
          medication('RoActemra', 'biologic', '2018-01-01', {
            stopDate: '2020-01-01',
            stopReason: 'inefficacy',
          }),
        ],
      }),
      '2020-02-01',
    );
    const found = safetyAlerts(
      withBrands,
      t,
      buildSchedule(withBrands, t, '2020-02-01'),
      '2020-02-01',
    );
    assert.ok(found.some((a) => a.code === 'MAS_WATCH'));
  });
});
