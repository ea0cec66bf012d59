import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Quantity } from './lab-units.js';
import {
  classifyMas2016,
  MAS_2016_CRITERIA,
  type Mas2016Criterion,
  type Mas2016Input,
  mas2016Measure,
} from './mas.js';

type Lab = readonly [value: number, unit: string] | null;

/** A febrile sJIA patient's labs: ferritin, platelets, AST, triglycerides, fibrinogen. */
function febrileSjia(ferritin: Lab, platelets: Lab, ast: Lab, tg: Lab, fib: Lab): Mas2016Input {
  const q = <U extends string>(lab: Lab): Quantity<U> | null =>
    lab === null ? null : { value: lab[0], unit: lab[1] as U };
  return {
    febrile: true,
    systemicJia: true,
    ferritin: q(ferritin),
    platelets: q(platelets),
    ast: q(ast),
    triglycerides: q(tg),
    fibrinogen: q(fib),
  };
}

const ng = (v: number): Lab => [v, 'ng/mL'];
const plt = (v: number): Lab => [v, '10^9/L'];
const ul = (v: number): Lab => [v, 'U/L'];
const mgdl = (v: number): Lab => [v, 'mg/dL'];

type Row = readonly [
  label: string,
  input: Mas2016Input,
  value: boolean | null,
  criteriaMet: readonly Mas2016Criterion[],
  missing: readonly string[],
];

/** Boundary cases of the Ravelli 2016 thresholds, all febrile with systemic JIA. */
const TV5: readonly Row[] = [
  [
    'Ravelli 2016 abstract: ferritin 684 is not > 684 -> no',
    febrileSjia(ng(684), plt(100), ul(100), mgdl(300), mgdl(100)),
    false,
    ['platelets', 'ast', 'triglycerides', 'fibrinogen'],
    [],
  ],
  [
    'Ravelli 2016 abstract: PLT 181 and AST 49 met, TG 156 and Fib 361 not -> yes',
    febrileSjia(ng(685), plt(181), ul(49), mgdl(156), mgdl(361)),
    true,
    ['platelets', 'ast'],
    [],
  ],
  [
    'Ravelli 2016 abstract: PLT 182, AST 48, Fib 361 not met, only TG 157 -> no',
    febrileSjia(ng(685), plt(182), ul(48), mgdl(157), mgdl(361)),
    false,
    ['triglycerides'],
    [],
  ],
  [
    'Ravelli 2016 abstract: TG 2.0 mmol/L and Fib 3.0 g/L in SI units -> yes',
    febrileSjia(ng(5000), plt(150), ul(30), [2, 'mmol/L'], [3, 'g/L']),
    true,
    ['platelets', 'triglycerides', 'fibrinogen'],
    [],
  ],
  [
    'Ravelli 2016 abstract, missing values per ADR 0003: 2 met, TG and Fib missing -> yes (decidable)',
    febrileSjia([1000, 'ug/L'], plt(100), ul(60), null, null),
    true,
    ['platelets', 'ast'],
    ['triglycerides', 'fibrinogen'],
  ],
  [
    'Ravelli 2016 abstract, missing values per ADR 0003: 1 met, 2 missing could make 3 -> undeterminable',
    febrileSjia(ng(1000), plt(100), ul(40), null, null),
    null,
    ['platelets'],
    ['triglycerides', 'fibrinogen'],
  ],
];

describe('MAS 2016 classification: boundary cases of the published thresholds (Ravelli 2016)', () => {
  for (const [label, input, value, criteriaMet, missing] of TV5) {
    it(label, () => {
      const result = classifyMas2016(input);
      assert.equal(result.value, value);
      assert.deepEqual(result.criteriaMet, criteriaMet);
      assert.deepEqual(result.missing, missing);
      assert.equal(result.complete, missing.length === 0);
      assert.equal(result.applicable, true);
    });
  }
});

/**
 * Both sides of every threshold in each unit. Each row changes one laboratory value of a case
 * that sits one criterion short (or, for ferritin, has two criteria met), so the verdict follows
 * that value alone.
 */
type SideRow = readonly [label: string, analyte: keyof typeof BASES, lab: Lab, mas: boolean];

const BASES = {
  // Only AST met: the platelet value decides.
  platelets: febrileSjia(ng(1000), plt(300), ul(60), mgdl(100), mgdl(400)),
  // Only platelets met: the AST / TG / fibrinogen value decides.
  ast: febrileSjia(ng(1000), plt(100), ul(20), mgdl(100), mgdl(400)),
  triglycerides: febrileSjia(ng(1000), plt(100), ul(20), mgdl(100), mgdl(400)),
  fibrinogen: febrileSjia(ng(1000), plt(100), ul(20), mgdl(100), mgdl(400)),
  // Platelets and AST met: the ferritin value decides.
  ferritin: febrileSjia(ng(1000), plt(100), ul(60), mgdl(100), mgdl(400)),
} as const;

const SIDES: readonly SideRow[] = [
  ['Ravelli 2016: ferritin 684 ng/mL is not > 684', 'ferritin', [684, 'ng/mL'], false],
  ['Ravelli 2016: ferritin 684.001 ng/mL is > 684', 'ferritin', [684.001, 'ng/mL'], true],
  ['Ravelli 2016: ferritin 684 ug/L is not > 684', 'ferritin', [684, 'ug/L'], false],
  ['Ravelli 2016: ferritin 685 ug/L is > 684', 'ferritin', [685, 'ug/L'], true],
  ['Ravelli 2016: platelets 181 x10^9/L is <= 181', 'platelets', [181, '10^9/L'], true],
  ['Ravelli 2016: platelets 182 x10^9/L is not <= 181', 'platelets', [182, '10^9/L'], false],
  ['Ravelli 2016: platelets 181 x10^3/uL is <= 181', 'platelets', [181, '10^3/uL'], true],
  ['Ravelli 2016: platelets 181.5 x10^3/uL is not <= 181', 'platelets', [181.5, '10^3/uL'], false],
  ['Ravelli 2016: AST 48 U/L is not > 48', 'ast', [48, 'U/L'], false],
  ['Ravelli 2016: AST 48.1 U/L is > 48', 'ast', [48.1, 'U/L'], true],
  ['Ravelli 2016 in SI units: AST 0.80 ukat/L is not > 0.80', 'ast', [0.8, 'ukat/L'], false],
  ['Ravelli 2016 in SI units: AST 0.81 ukat/L is > 0.80', 'ast', [0.81, 'ukat/L'], true],
  ['Ravelli 2016: TG 156 mg/dL is not > 156', 'triglycerides', [156, 'mg/dL'], false],
  ['Ravelli 2016: TG 156.1 mg/dL is > 156', 'triglycerides', [156.1, 'mg/dL'], true],
  [
    'Ravelli 2016 per unit (ADR 0002): TG 1.76 mmol/L is not > 156 mg/dL',
    'triglycerides',
    [1.76, 'mmol/L'],
    false,
  ],
  ['Ravelli 2016 in SI units: TG 1.77 mmol/L is > 1.76', 'triglycerides', [1.77, 'mmol/L'], true],
  ['Ravelli 2016: fibrinogen 360 mg/dL is <= 360', 'fibrinogen', [360, 'mg/dL'], true],
  ['Ravelli 2016: fibrinogen 360.1 mg/dL is not <= 360', 'fibrinogen', [360.1, 'mg/dL'], false],
  [
    'Ravelli 2016 per unit (ADR 0002): fibrinogen 3.6 g/L meets <= 360 mg/dL',
    'fibrinogen',
    [3.6, 'g/L'],
    true,
  ],
  [
    'Ravelli 2016 in SI units: fibrinogen 3.61 g/L is not <= 3.6',
    'fibrinogen',
    [3.61, 'g/L'],
    false,
  ],
];

describe('MAS 2016: both sides of every threshold, in each unit (Ravelli 2016 abstract)', () => {
  for (const [label, analyte, lab, mas] of SIDES) {
    it(label, () => {
      const input = { ...BASES[analyte], [analyte]: { value: lab?.[0], unit: lab?.[1] } };
      const result = classifyMas2016(input);
      assert.equal(result.value, mas);
      if (analyte === 'ferritin') assert.equal(result.ferritinMet, mas);
      else assert.equal(result.criteriaMet.includes(analyte), mas);
    });
  }
});

const POSITIVE = febrileSjia(ng(1000), plt(100), ul(60), mgdl(100), mgdl(400));

describe('MAS 2016: preconditions, veto (Ravelli 2016) and missing values (ADR 0003)', () => {
  const rows: readonly [string, Mas2016Input, boolean | null, boolean, readonly string[]][] = [
    [
      'febrile = false -> false (fever is a precondition)',
      { ...POSITIVE, febrile: false },
      false,
      true,
      [],
    ],
    [
      'febrile unknown with positive labs -> undeterminable',
      { ...POSITIVE, febrile: null },
      null,
      true,
      ['febrile'],
    ],
    [
      'febrile unknown but ferritin 500 rules MAS out -> false',
      { ...POSITIVE, febrile: undefined, ferritin: { value: 500, unit: 'ng/mL' } },
      false,
      true,
      ['febrile'],
    ],
    [
      'febrile = false decides despite every lab missing',
      febrileSjiaWith({ febrile: false }, febrileSjia(null, null, null, null, null)),
      false,
      true,
      ['ferritin', 'platelets', 'ast', 'triglycerides', 'fibrinogen'],
    ],
    [
      'abnormalities explained otherwise -> false (veto)',
      { ...POSITIVE, explainedOtherwise: true },
      false,
      true,
      [],
    ],
    [
      'explainedOtherwise = false -> yes',
      { ...POSITIVE, explainedOtherwise: false },
      true,
      true,
      [],
    ],
    [
      'explainedOtherwise not recorded: no veto, not missing',
      { ...POSITIVE, explainedOtherwise: null },
      true,
      true,
      [],
    ],
    [
      'explainedOtherwise vetoes even when febrile is unknown',
      { ...POSITIVE, febrile: null, explainedOtherwise: true },
      false,
      true,
      ['febrile'],
    ],
    [
      'systemicJia = false -> not applicable, null',
      { ...POSITIVE, systemicJia: false },
      null,
      false,
      [],
    ],
    [
      'systemicJia unknown -> null',
      { ...POSITIVE, systemicJia: null },
      null,
      true,
      ['systemicJia'],
    ],
    [
      'ferritin missing with 3 criteria met -> undeterminable',
      febrileSjia(null, plt(100), ul(60), mgdl(200), mgdl(400)),
      null,
      true,
      ['ferritin'],
    ],
    [
      'ferritin missing and at most 1 criterion possible -> false',
      febrileSjia(null, plt(300), ul(20), mgdl(100), null),
      false,
      true,
      ['ferritin', 'fibrinogen'],
    ],
    [
      'no criterion met, 1 missing: 2 cannot be reached -> false',
      febrileSjia(ng(1000), plt(300), ul(20), mgdl(100), null),
      false,
      true,
      ['fibrinogen'],
    ],
    [
      'no criterion met, 2 missing: 2 could be reached -> undeterminable',
      febrileSjia(ng(1000), plt(300), ul(20), null, null),
      null,
      true,
      ['triglycerides', 'fibrinogen'],
    ],
  ];
  for (const [label, input, value, applicable, missing] of rows) {
    it(label, () => {
      const result = classifyMas2016(input);
      assert.equal(result.value, value);
      assert.equal(result.applicable, applicable);
      assert.deepEqual(result.missing, missing);
      assert.equal(result.complete, missing.length === 0);
    });
  }

  it('reports ferritinMet as null when ferritin is missing', () => {
    assert.equal(classifyMas2016(febrileSjia(null, null, null, null, null)).ferritinMet, null);
  });

  it('rejects a unit with no published threshold', () => {
    const input = {
      ...POSITIVE,
      triglycerides: { value: 2, unit: 'g/L' },
    } as unknown as Mas2016Input;
    assert.throws(() => classifyMas2016(input), /no published triglycerides threshold/);
  });
});

function febrileSjiaWith(patch: Partial<Mas2016Input>, base: Mas2016Input): Mas2016Input {
  return { ...base, ...patch };
}

/**
 * Exhaustive check of the three-valued logic against an independent oracle: for every
 * combination of present/absent inputs, a verdict is returned exactly when every completion of
 * the missing inputs gives that same verdict (jia-trial's missing-data rule, ADR 0003, applied
 * to MAS).
 */
describe('MAS 2016: a verdict with missing inputs is one no completion could change', () => {
  const MEETS = {
    ferritin: ng(685),
    platelets: plt(181),
    ast: ul(49),
    triglycerides: mgdl(157),
    fibrinogen: mgdl(360),
  };
  const FAILS = {
    ferritin: ng(684),
    platelets: plt(182),
    ast: ul(48),
    triglycerides: mgdl(156),
    fibrinogen: mgdl(361),
  };
  const LABS = ['ferritin', ...MAS_2016_CRITERIA] as const;
  type Tri = boolean | null;
  const TRI: readonly Tri[] = [true, false, null];

  /** The rule on complete inputs, written independently of the implementation. */
  function oracle(
    labs: readonly boolean[],
    febrile: boolean,
    sjia: boolean,
    explained: boolean,
  ): boolean | null {
    if (!sjia) return null;
    const [ferritin = false, ...criteria] = labs;
    return !explained && febrile && ferritin && criteria.filter(Boolean).length >= 2;
  }

  function completions(values: readonly Tri[]): boolean[][] {
    return values.reduce<boolean[][]>(
      (acc, v) =>
        acc.flatMap((prefix) =>
          v === null
            ? [
                [...prefix, true],
                [...prefix, false],
              ]
            : [[...prefix, v]],
        ),
      [[]],
    );
  }

  it('agrees with the oracle on all 3^8 combinations', () => {
    let checked = 0;
    // Per input: true = present and meets (or yes), false = present and fails (or no), null = absent.
    const states = Array.from({ length: 8 }, () => TRI);
    const all = states.reduce<Tri[][]>(
      (acc, s) => acc.flatMap((p) => s.map((v) => [...p, v])),
      [[]],
    );
    for (const state of all) {
      const [febrile = null, sjia = null, explained = null, ...labs] = state;
      const input: Record<string, unknown> = {
        febrile,
        systemicJia: sjia,
        explainedOtherwise: explained,
      };
      labs.forEach((lab, i) => {
        const name = LABS[i] as (typeof LABS)[number];
        const sample = (lab ? MEETS : FAILS)[name];
        input[name] =
          lab === null || sample === null ? null : { value: sample[0], unit: sample[1] };
      });
      const outcomes = new Set(
        completions([febrile, sjia, ...labs]).map(([f = false, s = false, ...l]) =>
          oracle(l, f, s, explained === true),
        ),
      );
      const expected = outcomes.size === 1 ? [...outcomes][0] : null;
      assert.equal(
        classifyMas2016(input as unknown as Mas2016Input).value,
        expected,
        JSON.stringify(state),
      );
      checked++;
    }
    assert.equal(checked, 3 ** 8);
  });
});

describe('mas-2016 measure info', () => {
  it('cites Ravelli 2016', () => {
    assert.equal(mas2016Measure.id, 'mas-2016');
    assert.deepEqual(mas2016Measure.citations, ['ravelli2016']);
  });
});
