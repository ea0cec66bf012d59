import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  evaluate,
  generateAllocationList,
  randomisationDue,
  type SubjectTimeline,
  strataOf,
  stratumOf,
  timeToFlare,
} from '@jia-trial/protocol';
import { JIA_WITHDRAWAL } from '@jia-trial/protocols';
import { bundleTimelines } from './bundle-timelines.js';
import { readBundle } from './read-bundle.js';

/** The withdrawal-design example bundle on the engine (protocols/jia-withdrawal/README.md). */
const EXAMPLE = join(import.meta.dirname, '../../../../examples/jia-withdrawal');
const AS_OF = '2024-12-16';

const reading = readBundle(EXAMPLE, 100);
const timelines = bundleTimelines(reading);
const subject = (id: string): SubjectTimeline =>
  timelines.find((t) => t.subjectId === id) ?? assert.fail(`no subject ${id}`);
const due = (id: string, asOf: string) => {
  const t = subject(id);
  return randomisationDue(JIA_WITHDRAWAL, evaluate(JIA_WITHDRAWAL, t, asOf), t);
};
const flare = (id: string, asOf = AS_OF) => {
  const t = subject(id);
  return timeToFlare(JIA_WITHDRAWAL, evaluate(JIA_WITHDRAWAL, t, asOf), t);
};

describe('examples/jia-withdrawal on the engine', () => {
  test('the bundle reads without a problem: seven synthetic subjects', () => {
    assert.equal(reading.problems.total, 0);
    assert.equal(reading.study?.synthetic, true);
    assert.deepEqual(
      timelines.map((t) => t.subjectId),
      ['W01', 'W02', 'W03', 'W04', 'W05', 'W06', 'W07'],
    );
  });

  test('the states on 2024-12-16: flared and left, completed, a non-responder gone, screening refused, lead-ins under way', () => {
    assert.deepEqual(
      timelines.map((t) => [t.subjectId, evaluate(JIA_WITHDRAWAL, t, AS_OF).state]),
      [
        ['W01', 'withdrawn'],
        ['W02', 'completed'],
        ['W03', 'withdrawn'],
        ['W04', 'withdrawn'],
        ['W05', 'in_follow_up'],
        ['W06', 'not_eligible'],
        ['W07', 'in_follow_up'],
      ],
    );
    for (const t of timelines)
      assert.deepEqual(
        evaluate(JIA_WITHDRAWAL, t, AS_OF).alerts.map((a) => a.code),
        [],
        t.subjectId,
      );
  });

  test('randomisation is due at week 16 for a responder, and only then', () => {
    assert.equal(due('W01', '2024-04-28').code, 'visit_not_done');
    const w01 = due('W01', '2024-04-29');
    assert.deepEqual([w01.due, w01.visitId], [true, 'W01-W16']);
    assert.equal(
      w01.reason,
      'JIA-ACR 30 at W01-W16 (2024-04-29) against baseline W01-W0 (2024-01-08) reached',
    );
    assert.equal(due('W02', '2024-05-06').code, 'due');
    assert.equal(due('W04', '2024-06-24').code, 'due');
  });

  test('not due: a non-responder, a week-16 core set incomplete, the lead-in not over, not eligible, withdrawn', () => {
    const w03 = due('W03', '2024-05-27');
    assert.deepEqual([w03.due, w03.code], [false, 'requirement_not_met']);
    assert.match(w03.reason, /JIA-ACR 30 at W03-W16 \(2024-05-27\) .* not reached/);
    assert.equal(due('W03', AS_OF).code, 'withdrawn');
    const w05 = due('W05', AS_OF);
    assert.deepEqual(
      [w05.code, w05.missing],
      ['requirement_undetermined', ['parentGlobal', 'chaqDi']],
    );
    const w07 = due('W07', AS_OF);
    assert.equal(w07.code, 'visit_not_done');
    assert.match(w07.reason, /visit week_16 is upcoming \(window 2025-02-21 to 2025-02-27\)/);
    assert.equal(due('W06', AS_OF).code, 'not_eligible');
  });

  test('time to flare from the randomisation visit: a flare after 56 and 112 days, 168 days censored, none for the non-responder', () => {
    const w01 = flare('W01');
    assert.deepEqual(
      [w01.status, w01.referenceVisitId, w01.flareVisitId, w01.days],
      ['flare', 'W01-W16', 'W01-W24', 56],
    );
    assert.deepEqual([flare('W04').status, flare('W04').days], ['flare', 112]);
    const w02 = flare('W02');
    assert.deepEqual([w02.status, w02.flareVisitId, w02.days], ['censored', null, 168]);
    assert.match(w02.reason, /^no flare \(withdrawal_trial\) to W02-W40 \(2024-10-21\), 168 days/);
    assert.equal(flare('W03').status, 'not_started');
    // What was known on a day: before W01's week-24 visit it was censored at week 20.
    assert.deepEqual(
      [flare('W01', '2024-06-23').status, flare('W01', '2024-06-23').days],
      ['censored', 28],
    );
  });

  test('strata from the subject fields, and the allocation of the responders in the order they were randomised', () => {
    const fields = (t: SubjectTimeline) => ({ ilar_category: t.ilarCategory, sex: t.sex });
    const r = JIA_WITHDRAWAL.randomisation ?? assert.fail();
    assert.deepEqual(
      timelines.map((t) => stratumOf(r, fields(t))),
      [
        'ilar_category=polyarticular',
        'ilar_category=systemic',
        'ilar_category=polyarticular',
        'ilar_category=polyarticular',
        'ilar_category=other',
        'ilar_category=other',
        'ilar_category=polyarticular',
      ],
    );
    // A demonstration seed (a real one is 32 random bytes, kept secret until the list is sealed).
    const list = generateAllocationList(r, 'd0'.repeat(32));
    assert.deepEqual(
      strataOf(r).map((s) => list.filter((e) => e.stratum === s).length >= 100),
      [true, true, true],
    );
    const next = new Map<string, number>();
    const allocated = ['W01', 'W02', 'W04'].map((id) => {
      const stratum = stratumOf(r, fields(subject(id)));
      const sequence = (next.get(stratum) ?? 0) + 1;
      next.set(stratum, sequence);
      return list.find((e) => e.stratum === stratum && e.sequence === sequence)?.arm;
    });
    for (const arm of allocated) assert.ok(arm === 'continue' || arm === 'placebo');
  });
});
