import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import { defineProtocol, type ProtocolDefinition } from './definition.js';
import { evaluate } from './evaluate.js';
import { timeToFlare } from './randomisation-endpoint.js';
import { randomisationDue } from './randomisation-step.js';
import { coreSet } from './test-protocol.fixture.js';
import type { SubjectTimeline } from './timeline.js';
import { subject, visit } from './timeline-builder.js';

/** Enrolment-anchored: M0 (baseline), M3 (randomisation for JIA-ACR 30), M6 and M9. */
function withdrawalProtocol(
  randomisation: Record<string, unknown> = {},
  eligibility: Record<string, unknown> = {},
): ProtocolDefinition {
  return defineProtocol({
    id: 'withdrawal-test',
    title: 'test',
    version: '1',
    design: 'test',
    plannedSubjects: null,
    sources: [],
    eligibility: { assessedOn: 'enrolment', inclusion: [], exclusion: [], ...eligibility },
    drugs: [],
    registeredIndications: [],
    intervention: null,
    schedule: {
      studyDayReference: 'enrolment',
      lateGraceDays: 14,
      visits: [0, 91, 182, 273].map((day, k) => ({
        name: `M${3 * k}`,
        anchor: 'enrolment',
        day,
        windowBefore: day === 0 ? 0 : 7,
        windowAfter: 7,
      })),
    },
    retreatment: null,
    safety: [],
    analysis: null,
    esrUpperLimit: 20,
    crpUpperLimit: 10,
    randomisation: {
      arms: [
        { id: 'continue', label: 'Continue', ratio: 1 },
        { id: 'placebo', label: 'Placebo', ratio: 1 },
      ],
      blockSizes: [2, 4],
      strata: [],
      step: {
        visit: 'M3',
        requires: { kind: 'jia_acr_response', level: 30, baselineVisit: 'M0' },
      },
      listLengthPerStratum: 10,
      blindedRoles: ['investigator'],
      unblindingRoles: ['investigator'],
      endpoint: { kind: 'time_to_flare', flareDefinition: 'withdrawal_trial' },
      ...randomisation,
    },
  });
}

const P = withdrawalProtocol();
const BASE = coreSet(10, 6, 5.5, 1.5, 8, 40);
const RESPONSE = coreSet(3, 2, 2, 0.75, 3, 15);
const FLARE = coreSet(7, 4.5, 4.5, 1.25, 5, 25);
/** Enrolled 2020-01-06: M0 that day, M3 due 2020-04-06 (window 03-30..04-13). */
const responder = (extra: Partial<SubjectTimeline> = {}) =>
  subject({
    visits: [visit('V0', '2020-01-06', BASE), visit('V3', '2020-04-06', RESPONSE)],
    ...extra,
  });
const dueOn = (t: SubjectTimeline, asOf: string, protocol = P) =>
  randomisationDue(protocol, evaluate(protocol, t, asOf), t);
const flareOn = (t: SubjectTimeline, asOf: string, protocol = P) =>
  timeToFlare(protocol, evaluate(protocol, t, asOf), t);

describe('randomisationDue', () => {
  test('due at the step visit for a responder, naming the visits; not before it was recorded', () => {
    assert.deepEqual(dueOn(responder(), '2020-04-06'), {
      due: true,
      code: 'due',
      reason: 'JIA-ACR 30 at V3 (2020-04-06) against baseline V0 (2020-01-06) reached',
      visitId: 'V3',
      missing: [],
    });
    const before = dueOn(responder(), '2020-04-05');
    assert.deepEqual(
      [before.due, before.code, before.reason],
      [false, 'visit_not_done', 'visit M3 is due (window 2020-03-30 to 2020-04-13)'],
    );
  });

  test('not due: a non-responder, an incomplete core set, no baseline, a missed visit', () => {
    const nonResponder = responder({
      visits: [visit('V0', '2020-01-06', BASE), visit('V3', '2020-04-06', BASE)],
    });
    assert.equal(dueOn(nonResponder, '2020-04-06').code, 'requirement_not_met');
    const incomplete = responder({
      visits: [
        visit('V0', '2020-01-06', BASE),
        visit('V3', '2020-04-06', { activeJoints: 3, physicianGlobal: 2, esr: 15 }),
      ],
    });
    const undetermined = dueOn(incomplete, '2020-04-06');
    assert.deepEqual(
      [undetermined.code, undetermined.missing],
      ['requirement_undetermined', ['parentGlobal', 'chaqDi', 'limitedJoints']],
    );
    const noBaseline = responder({ visits: [visit('V3', '2020-04-06', RESPONSE)] });
    assert.deepEqual(
      [dueOn(noBaseline, '2020-04-06').code, dueOn(noBaseline, '2020-04-06').missing],
      ['requirement_undetermined', ['M0']],
    );
    const missed = dueOn(responder({ visits: [visit('V0', '2020-01-06', BASE)] }), '2020-05-01');
    assert.deepEqual(
      [missed.code, missed.reason],
      ['visit_missed', 'visit M3 was missed (window 2020-03-30 to 2020-04-13)'],
    );
  });

  test('not due: withdrawn, not eligible, a protocol without randomisation; without a requirement the visit suffices', () => {
    assert.equal(
      dueOn(responder({ withdrawalDate: '2020-03-01' }), '2020-04-06').code,
      'withdrawn',
    );
    const aged = withdrawalProtocol(
      {},
      { inclusion: [{ kind: 'age', id: 'young', text: 'Under 10', maxYears: 9 }] },
    );
    const notEligible = dueOn(responder(), '2020-04-06', aged);
    assert.deepEqual(
      [notEligible.code, notEligible.reason],
      ['not_eligible', 'eligibility is not eligible: only an eligible subject is randomised'],
    );
    const { randomisation: _, ...plain } = P;
    assert.equal(dueOn(responder(), '2020-04-06', plain).code, 'no_randomisation');
    const anyone = withdrawalProtocol({ step: { visit: 'M3' } });
    const nonResponder = responder({
      visits: [visit('V0', '2020-01-06', BASE), visit('V3', '2020-04-06', BASE)],
    });
    assert.deepEqual(
      [
        dueOn(nonResponder, '2020-04-06', anyone).due,
        dueOn(nonResponder, '2020-04-06', anyone).reason,
      ],
      [true, 'visit M3 done: V3 (2020-04-06)'],
    );
  });

  test('an evaluation of another subject or protocol is a programming error', () => {
    const t = responder();
    const other = evaluate(P, { ...t, subjectId: 'S2' }, '2020-04-06');
    assert.throws(
      () => randomisationDue(P, other, t),
      (error) => isJiaError(error, 'INTERNAL_ERROR'),
    );
  });
});

describe('timeToFlare', () => {
  const followed = (later: ReturnType<typeof visit>[], extra: Partial<SubjectTimeline> = {}) =>
    responder({
      visits: [visit('V0', '2020-01-06', BASE), visit('V3', '2020-04-06', RESPONSE), ...later],
      ...extra,
    });

  test('the first visit with a flare against the randomisation visit: the event, in days', () => {
    const t = followed([
      visit('V6', '2020-07-06', RESPONSE),
      visit('U7', '2020-08-03', FLARE),
      visit('V9', '2020-10-05', FLARE),
    ]);
    const result = flareOn(t, '2020-12-01');
    assert.deepEqual(
      [result.status, result.referenceVisitId, result.flareVisitId, result.days],
      ['flare', 'V3', 'U7', 119],
    );
    assert.match(result.reason, /^flare \(withdrawal_trial\) at U7 \(2020-08-03\), 119 days after/);
  });

  test('no flare: censored at the last visit that decided; undecided visits named; visits after the period not counted', () => {
    const t = followed([
      visit('V6', '2020-07-06', RESPONSE),
      visit('V9', '2020-10-05', { activeJoints: 9 }),
      visit('LATE', '2021-01-04', FLARE),
    ]);
    const result = flareOn(t, '2021-02-01');
    assert.deepEqual(
      [result.status, result.days, result.undetermined.map((u) => u.visitId)],
      ['censored', 91, ['V9']],
    );
    assert.match(result.reason, /undecided at V9 \(core-set values missing\)$/);
    const fresh = flareOn(followed([]), '2020-04-06');
    assert.deepEqual([fresh.status, fresh.days], ['censored', 0]);
  });

  test('a subject withdrawn after randomisation keeps the follow-up known before; a non-responder never starts', () => {
    const t = followed([visit('V6', '2020-07-06', RESPONSE)], { withdrawalDate: '2020-08-01' });
    assert.deepEqual(
      [flareOn(t, '2020-12-01').status, flareOn(t, '2020-12-01').days],
      ['censored', 91],
    );
    const nonResponder = responder({
      visits: [visit('V0', '2020-01-06', BASE), visit('V3', '2020-04-06', BASE)],
    });
    const result = flareOn(nonResponder, '2020-12-01');
    assert.equal(result.status, 'not_started');
    assert.match(result.reason, /^not randomised: JIA-ACR 30 at V3/);
    const noEndpoint = withdrawalProtocol();
    const { endpoint: _, ...rest } = noEndpoint.randomisation ?? assert.fail();
    assert.equal(
      flareOn(followed([]), '2020-04-06', { ...noEndpoint, randomisation: rest }).status,
      'no_endpoint',
    );
  });
});
