import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { evaluateFlare, flareVerdict } from './flare.js';
import { ILAR_CATEGORY_CODES } from './ilar-categories.js';
import { evaluateInactiveDisease } from './inactive-disease.js';
import { scoreJadas } from './jadas.js';
import { type CutoffSetId, classifyJadas } from './jadas-cutoffs.js';
import { jiaAcrLevel, scoreJiaAcr } from './jia-acr.js';
import { classifyMas2016 } from './mas.js';
import { scoreMsScore } from './ms-score.js';
import { scoreVisit, type VisitObservation } from './visit-scores.js';

/** A value on a clinical grid (so boundaries are hit often), or missing. */
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 5 });
const grid = (max: number, step: number) =>
  fc.integer({ min: 0, max: Math.round(max / step) }).map((k) => Math.round(k * step * 1e6) / 1e6);

const observation: fc.Arbitrary<VisitObservation> = fc.record({
  ilarCategory: maybe(fc.constantFrom(...ILAR_CATEGORY_CODES)),
  physicianGlobal: maybe(grid(10, 0.1)),
  parentGlobal: maybe(grid(10, 0.5)),
  chaqDi: maybe(grid(3, 0.125)),
  activeJoints: maybe(fc.integer({ min: 0, max: 20 })),
  activeJoints27: maybe(fc.integer({ min: 0, max: 20 })),
  limitedJoints: maybe(fc.integer({ min: 0, max: 20 })),
  esr: maybe(grid(130, 1)),
  crp: maybe(grid(120, 0.5)),
  morningStiffnessMinutes: maybe(fc.integer({ min: 0, max: 30 })),
  systemicFeatures: maybe(fc.boolean()),
  activeUveitis: maybe(fc.boolean()),
  fever: maybe(fc.boolean()),
  ferritin: maybe(fc.constantFrom(100, 684, 685, 5000)),
  platelets: maybe(fc.constantFrom(100, 181, 182, 400)),
  ast: maybe(fc.constantFrom(20, 48, 49, 200)),
  triglycerides: maybe(fc.constantFrom(100, 156, 157)),
  fibrinogen: maybe(fc.constantFrom(100, 360, 361)),
  ldh: maybe(fc.constantFrom(250, 1000, 3000)),
  cnsInvolvement: maybe(fc.boolean()),
  haemorrhagicManifestations: maybe(fc.boolean()),
});

/** The MAS verdict of a visit through the measure's own function, units as in the CSV. */
function masOf(visit: VisitObservation): boolean | null {
  const q = <U extends string>(value: number | null | undefined, unit: U) =>
    value == null ? null : { value, unit };
  return classifyMas2016({
    febrile: visit.fever,
    systemicJia: true,
    ferritin: q(visit.ferritin, 'ng/mL'),
    platelets: q(visit.platelets, '10^9/L'),
    ast: q(visit.ast, 'U/L'),
    triglycerides: q(visit.triglycerides, 'mg/dL'),
    fibrinogen: q(visit.fibrinogen, 'mg/dL'),
  }).value;
}

/** Random options: each must reach the measure it configures. */
const options = fc.record({
  cutoffs: fc.constantFrom<CutoffSetId>('consolaro', 'trincianti2021'),
  esrUpperLimit: fc.constantFrom(10, 20, 30),
  crpUpperLimit: fc.constantFrom(5, 10),
  systemicJiaAcr: fc.constantFrom('standard' as const, 'adapted' as const),
});

/** The MS score of a visit through the measure's own function, units as in the CSV. */
function msOf(visit: VisitObservation): number | null {
  const q = <U extends string>(value: number | null | undefined, unit: U) =>
    value == null ? null : { value, unit };
  return scoreMsScore({
    cnsInvolvement: visit.cnsInvolvement,
    haemorrhagicManifestations: visit.haemorrhagicManifestations,
    activeArthritis: visit.activeJoints == null ? null : visit.activeJoints > 0,
    platelets: q(visit.platelets, '10^9/L'),
    ldh: visit.ldh,
    fibrinogen: q(visit.fibrinogen, 'mg/dL'),
    ferritin: q(visit.ferritin, 'ng/mL'),
  }).value;
}

describe('scoreVisit', () => {
  it('gives exactly the value of each measure’s own function, on random visits', () => {
    fc.assert(
      fc.property(
        observation,
        observation,
        fc.boolean(),
        options,
        (visit, baseline, isBaseline, opts) => {
          const scores = scoreVisit(visit, isBaseline ? null : baseline, opts);
          assert.equal(scores.jadas10, scoreJadas(visit, { joints: 10, reactant: 'esr' }).value);
          assert.equal(scores.jadas27, scoreJadas(visit, { joints: 27, reactant: 'esr' }).value);
          assert.equal(scores.jadas71, scoreJadas(visit, { joints: 71, reactant: 'esr' }).value);
          assert.equal(scores.cjadas10, scoreJadas(visit, { joints: 10, reactant: 'none' }).value);
          assert.equal(scores.jadas10Crp, scoreJadas(visit, { joints: 10, reactant: 'crp' }).value);
          const band =
            scores.jadas10 === null || !visit.ilarCategory
              ? null
              : classifyJadas(
                  scores.jadas10,
                  'jadas10',
                  visit.ilarCategory,
                  opts.cutoffs,
                  visit.systemicFeatures ?? null,
                );
          assert.equal(scores.jadas10Band, band);
          // The adapted rule applies to a systemic-JIA visit only, and only when chosen.
          const adapted = opts.systemicJiaAcr === 'adapted' && visit.ilarCategory === 'systemic';
          assert.equal(
            scores.acrPedi,
            isBaseline
              ? null
              : scoreJiaAcr(baseline, visit, { requireAbsenceOfFever: adapted }).value,
          );
          assert.equal(scores.flare, isBaseline ? null : evaluateFlare(baseline, visit).value);
          // The public value functions agree with the explanatory ones too.
          assert.equal(jiaAcrLevel(baseline, visit), scoreJiaAcr(baseline, visit).value);
          assert.equal(flareVerdict(baseline, visit), evaluateFlare(baseline, visit).value);
          const limits = { esrUpperLimit: opts.esrUpperLimit, crpUpperLimit: opts.crpUpperLimit };
          assert.equal(
            scores.inactiveDisease,
            evaluateInactiveDisease(visit, 'wallace2011', limits).value,
          );
          const mas = visit.ilarCategory === 'systemic' ? masOf(visit) : null;
          assert.equal(scores.mas2016, mas);
          assert.equal(scores.msScore, visit.ilarCategory === 'systemic' ? msOf(visit) : null);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('gives no response scores on a baseline visit', () => {
    const visit = {
      physicianGlobal: 5,
      parentGlobal: 5,
      chaqDi: 1,
      activeJoints: 5,
      limitedJoints: 5,
      esr: 30,
    };
    const scores = scoreVisit(visit, null);
    assert.equal(scores.acrPedi, null);
    assert.equal(scores.flare, null);
    assert.equal(scores.jadas71, 16);
  });

  it('scores the MS score of a systemic-JIA visit whose seven inputs are recorded, on both sides of -2.1', () => {
    // Minoia 2019 Table 4: -1.30 (arthritis) - 0.6 (PLT 200) + 0.3 (LDH 300) - 0.8 (fib 200) + FERR/10^4.
    const visit = (ferritin: number): VisitObservation => ({
      ilarCategory: 'systemic',
      activeJoints: 2,
      cnsInvolvement: false,
      haemorrhagicManifestations: false,
      platelets: 200,
      ldh: 300,
      fibrinogen: 200,
      ferritin,
    });
    assert.equal(scoreVisit(visit(3000), null).msScore, -2.1);
    assert.equal(scoreVisit(visit(2999), null).msScore, -2.1001);
    assert.equal(scoreVisit({ ...visit(3000), ldh: null }, null).msScore, null, 'LDH missing');
    assert.equal(
      scoreVisit({ ...visit(3000), ilarCategory: 'polyarticular_rf_negative' }, null).msScore,
      null,
      'the score is for systemic JIA',
    );
  });

  it('scores the adapted JIA-ACR for a febrile systemic-JIA visit only when chosen', () => {
    const baseline = {
      physicianGlobal: 6,
      parentGlobal: 6,
      chaqDi: 1.5,
      activeJoints: 10,
      limitedJoints: 8,
      esr: 40,
    };
    const followUp: VisitObservation = {
      ...baseline,
      ilarCategory: 'systemic',
      physicianGlobal: 3,
      parentGlobal: 3,
      activeJoints: 5,
      fever: true,
    };
    assert.equal(scoreVisit(followUp, baseline).acrPedi, 50, 'standard: fever not read');
    assert.equal(scoreVisit(followUp, baseline, { systemicJiaAcr: 'adapted' }).acrPedi, 0);
    assert.equal(
      scoreVisit({ ...followUp, fever: false }, baseline, { systemicJiaAcr: 'adapted' }).acrPedi,
      50,
    );
    assert.equal(
      scoreVisit({ ...followUp, fever: null }, baseline, { systemicJiaAcr: 'adapted' }).acrPedi,
      null,
      'fever unknown: undeterminable',
    );
    assert.equal(
      scoreVisit({ ...followUp, ilarCategory: 'psoriatic' }, baseline, {
        systemicJiaAcr: 'adapted',
      }).acrPedi,
      50,
      'not systemic: the standard rule',
    );
  });
});
