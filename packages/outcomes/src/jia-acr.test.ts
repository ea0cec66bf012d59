import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type CoreSet,
  coreSetMicro,
  describeChanges,
  isImproved,
  isWorsened,
  percentChange,
} from './core-set.js';
import { evaluateJiaAcr, jiaAcrLevel, jiaAcrLevelMicro, scoreJiaAcr } from './jia-acr.js';

/** PhGA, PGA, CHAQ, AJC, LOM, ESR: Giannini 1997's six core-set variables, as CORE_SET_VARIABLES. */
function visit(values: readonly (number | null)[]): CoreSet {
  const [physicianGlobal, parentGlobal, chaqDi, activeJoints, limitedJoints, esr] = values;
  return { physicianGlobal, parentGlobal, chaqDi, activeJoints, limitedJoints, esr };
}

describe('core-set changes', () => {
  it('computes percent change on exact decimals', () => {
    assert.equal(percentChange(4, 2.8), -30);
    assert.equal(percentChange(1.5, 1), -33.333333);
    assert.equal(percentChange(12, 18), 50);
    assert.equal(percentChange(0, 1), null);
  });

  it('puts an improvement of exactly 30% on the improved side (4 -> 2.8)', () => {
    assert.equal(isImproved(4, 2.8, 30), true);
    assert.equal(isImproved(4, 2.800001, 30), false);
    assert.equal(isImproved(4, 2.8, 30, true), false);
  });

  it('counts worsening only above 30% by default (Giannini: "more than 30%")', () => {
    assert.equal(isWorsened(10, 13, 30), false);
    assert.equal(isWorsened(10, 13.000001, 30), true);
    assert.equal(isWorsened(10, 13, 30, false), true);
  });

  it('treats any rise from a zero baseline as worsening and 0 -> 0 as no change (ADR 0003)', () => {
    assert.equal(isWorsened(0, 1, 30), true);
    assert.equal(isWorsened(0, 0, 30), false);
    assert.equal(isImproved(0, 0, 30), false);
    const changes = describeChanges(visit([1, 1, 0, 1, 0, 10]), visit([1, 1, 0, 1, 2, 10]));
    assert.deepEqual(
      changes.filter((c) => c.baselineZero).map((c) => c.variable),
      ['chaqDi', 'limitedJoints'],
    );
  });
});

describe('JIA-ACR (Giannini 1997)', () => {
  it('Giannini 1997 rule: 3 improved >= 30%, 1 worsened -> ACR 30 yes, ACR 50 no', () => {
    const result = scoreJiaAcr(visit([6, 5, 1.5, 10, 8, 40]), visit([3, 4, 1.0, 5, 7, 60]));
    assert.equal(result.levels[30], true);
    assert.equal(result.levels[50], false);
    assert.equal(result.value, 30);
    const level30 = evaluateJiaAcr(visit([6, 5, 1.5, 10, 8, 40]), visit([3, 4, 1.0, 5, 7, 60]), 30);
    assert.deepEqual(level30.improved, ['physicianGlobal', 'chaqDi', 'activeJoints']);
    assert.deepEqual(level30.worsened, ['acutePhaseReactant']);
  });

  it('Giannini 1997 with ADR 0002/0003: exact -30% boundary and a zero baseline -> ACR 30 no by default, yes when excluded', () => {
    const baseline = visit([4, 3, 0.5, 3, 0, 12]);
    const followUp = visit([2.8, 2, 0.5, 2, 1, 18]);
    const byDefault = evaluateJiaAcr(baseline, followUp, 30);
    assert.deepEqual(byDefault.improved, ['physicianGlobal', 'parentGlobal', 'activeJoints']);
    assert.deepEqual(byDefault.worsened, ['limitedJoints', 'acutePhaseReactant']);
    assert.equal(byDefault.value, false);
    const excluded = evaluateJiaAcr(baseline, followUp, 30, { zeroBaseline: 'exclude' });
    assert.deepEqual(excluded.excluded, ['limitedJoints']);
    assert.equal(excluded.value, true);
  });

  it('Giannini 1997: an ESR rise inside the normal range (12 -> 18) still counts as worsened', () => {
    const result = evaluateJiaAcr(visit([5, 5, 1, 5, 5, 12]), visit([5, 5, 1, 5, 5, 18]), 30);
    assert.deepEqual(result.worsened, ['acutePhaseReactant']);
  });

  it('ADR 0003: missing variables give a verdict only when they cannot change it', () => {
    // improved 3, worsened 0, missing 1 -> responder
    assert.equal(
      evaluateJiaAcr(visit([6, 6, 1, 10, 5, null]), visit([3, 3, 1, 5, 5, 30]), 30).value,
      true,
    );
    // improved 2, worsened 0, missing 1 -> indeterminate
    assert.equal(
      evaluateJiaAcr(visit([6, 6, 1, 10, 5, null]), visit([3, 6, 1, 5, 5, 30]), 30).value,
      null,
    );
    // improved 1, missing 1 -> non-responder
    assert.equal(
      evaluateJiaAcr(visit([6, 6, 1, 10, 5, null]), visit([3, 6, 1, 10, 5, 30]), 30).value,
      false,
    );
    // improved 3 and worsened 1 with one missing: the missing one may be the second worsening
    assert.equal(
      evaluateJiaAcr(visit([6, 6, 1, 10, 5, null]), visit([3, 3, 2, 5, 5, 30]), 30).value,
      null,
    );
    // two worsened decide non-response whatever is missing
    assert.equal(
      evaluateJiaAcr(visit([6, 6, 1, 10, null, null]), visit([3, 3, 2, 15, 5, 30]), 30).value,
      false,
    );
  });

  it('gives no verdict from fewer than 4 observed variables', () => {
    const result = evaluateJiaAcr(
      visit([6, 6, 1, null, null, null]),
      visit([1, 1, 0.5, 5, 5, 30]),
      30,
    );
    assert.equal(result.value, null);
    assert.deepEqual(result.missing, ['activeJoints', 'limitedJoints', 'acutePhaseReactant']);
    assert.equal(result.complete, false);
  });

  it('keeps the worsening limit at 30% for ACR 70 unless asked otherwise', () => {
    // 3 variables improve 100%; ESR rises 40% (worse than 30, not worse than 70) and CHAQ 40%.
    const baseline = visit([5, 5, 1, 5, 5, 10]);
    const followUp = visit([0, 0, 1.4, 0, 5, 14]);
    assert.equal(evaluateJiaAcr(baseline, followUp, 70).value, false);
    assert.equal(evaluateJiaAcr(baseline, followUp, 70, { worseningPercent: 70 }).value, true);
  });

  it('reports ACR 100 when 3 variables reach 0', () => {
    const result = scoreJiaAcr(visit([5, 5, 1, 5, 5, 10]), visit([0, 0, 1, 0, 5, 10]));
    assert.equal(result.value, 100);
    assert.equal(result.complete, true);
  });

  it('reports the highest level only when the next level is decided', () => {
    // ACR 30 certain; ACR 50 depends on the missing ESR.
    const result = scoreJiaAcr(visit([10, 10, 2, 10, 10, null]), visit([6, 4, 1.2, 5, 10, 20]));
    assert.equal(result.levels[30], true);
    assert.equal(result.levels[50], null);
    assert.equal(result.value, null);
  });

  it('uses CRP in place of ESR when asked, never mixing the two', () => {
    const baseline = { ...visit([6, 6, 1, 10, 5, 10]), crp: 40 };
    const followUp = { ...visit([3, 3, 1, 5, 5, 100]), crp: 4 };
    assert.deepEqual(evaluateJiaAcr(baseline, followUp, 30).worsened, ['acutePhaseReactant']);
    const withCrp = evaluateJiaAcr(baseline, followUp, 30, { acutePhaseReactant: 'crp' });
    assert.deepEqual(withCrp.worsened, []);
    assert.ok(withCrp.improved.includes('acutePhaseReactant'));
  });
});

describe('adapted JIA-ACR for systemic JIA: the core rule plus absence of fever (De Benedetti 2012)', () => {
  // Giannini 1997 rule: 3 improved >= 30% (PhGA, CHAQ, AJC), 1 worsened: ACR 30 met, ACR 50 not.
  const baseline = visit([6, 5, 1.5, 10, 8, 40]);
  const responder = visit([3, 4, 1.0, 5, 7, 60]);
  const adapted = { requireAbsenceOfFever: true } as const;

  it('meets the level without fever and fails it with fever', () => {
    assert.equal(scoreJiaAcr(baseline, { ...responder, fever: false }, adapted).value, 30);
    const febrile = scoreJiaAcr(baseline, { ...responder, fever: true }, adapted);
    assert.equal(febrile.value, 0);
    assert.equal(febrile.levels[30], false);
    assert.equal(febrile.afebrile, false);
  });

  it('does not read fever unless asked (the core rule is the default)', () => {
    const result = scoreJiaAcr(baseline, { ...responder, fever: true });
    assert.equal(result.value, 30);
    assert.equal('afebrile' in result, false);
  });

  it('leaves a met level undeterminable when fever is unknown, and names fever as missing', () => {
    const result = scoreJiaAcr(baseline, responder, adapted);
    assert.equal(result.levels[30], null);
    assert.equal(result.value, null);
    assert.deepEqual(result.missing, ['fever']);
    assert.equal(result.complete, false);
    const level = evaluateJiaAcr(baseline, responder, 30, adapted);
    assert.equal(level.value, null);
    assert.deepEqual(level.missing, ['fever']);
  });

  it('a non-responder stays a non-responder whatever the fever', () => {
    const nonResponder = visit([6, 5, 1.5, 10, 8, 40]);
    assert.equal(scoreJiaAcr(baseline, nonResponder, adapted).value, 0);
  });

  it('fever fails the level even when the core rule is undeterminable', () => {
    const sparse = visit([3, 4, 1.0, null, null, null]);
    assert.equal(evaluateJiaAcr(baseline, sparse, 30).value, null, 'core: 3 observed');
    assert.equal(evaluateJiaAcr(baseline, { ...sparse, fever: true }, 30, adapted).value, false);
    assert.equal(evaluateJiaAcr(baseline, { ...sparse, fever: false }, 30, adapted).value, null);
  });

  it('jiaAcrLevel and jiaAcrLevelMicro read the same fever', () => {
    const b = coreSetMicro(baseline, 'esr', new Float64Array(6));
    const f = coreSetMicro(responder, 'esr', new Float64Array(6));
    for (const fever of [true, false, null]) {
      const expected = scoreJiaAcr(baseline, { ...responder, fever }, adapted).value;
      assert.equal(jiaAcrLevel(baseline, { ...responder, fever }, adapted), expected);
      assert.equal(jiaAcrLevelMicro(b, f, adapted, fever), expected);
    }
  });
});
