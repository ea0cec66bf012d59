import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import { defineProtocol } from './definition.js';
import { testProtocol } from './test-protocol.fixture.js';

/** The test protocol with a randomisation at W12 (JIA-ACR 30 against Pre), as plain JSON. */
function randomised() {
  const input = JSON.parse(JSON.stringify(testProtocol()));
  input.randomisation = {
    arms: [
      { id: 'continue', label: 'Continue', ratio: 1 },
      { id: 'placebo', label: 'Placebo', ratio: 1 },
    ],
    blockSizes: [2, 4],
    strata: [
      {
        field: 'ilar_category',
        groups: {
          systemic: ['systemic'],
          other: ['polyarticular_rf_negative', 'polyarticular_rf_positive'],
        },
      },
    ],
    step: {
      visit: 'W12',
      requires: { kind: 'jia_acr_response', level: 30, baselineVisit: 'Pre' },
    },
    listLengthPerStratum: 20,
    blindedRoles: ['investigator', 'nurse'],
    unblindingRoles: ['investigator'],
    source: 'test',
  };
  return input;
}

function problems(input: unknown): string[] {
  try {
    defineProtocol(input);
  } catch (error) {
    assert.ok(isJiaError(error, 'PROTOCOL_INVALID'));
    return error.issues.map((i) => `${i.path}: ${i.message}`);
  }
  assert.fail('expected the definition to be refused');
}

test('a protocol with a randomisation is accepted as it is; without one it is not randomised', () => {
  const input = randomised();
  assert.deepEqual(defineProtocol(input), input);
  assert.equal(testProtocol().randomisation, undefined);
});

test('the schema: at least two arms, positive whole ratios, a known requirement, no unknown key', () => {
  const input = randomised();
  input.randomisation.arms = [input.randomisation.arms[0]];
  input.randomisation.blockSizes = [0, 2.5];
  input.randomisation.step.requires.level = 40;
  input.randomisation.blinded = ['nurse'];
  input.randomisation.listLengthPerStratum = 0;
  const found = problems(input).join('\n');
  for (const expected of [
    /randomisation\.arms: .*2/,
    /randomisation\.blockSizes\.0: /,
    /randomisation\.blockSizes\.1: /,
    /randomisation\.step\.requires\.level: /,
    /randomisation: Unrecognized key: "blinded"/,
    /randomisation\.listLengthPerStratum: /,
  ])
    assert.match(found, expected);
  const ratio = randomised();
  ratio.randomisation.arms[1].ratio = 0;
  assert.match(problems(ratio).join('\n'), /randomisation\.arms\.1\.ratio: /);
});

test('arms: ids unique; every block size a multiple of the ratios sum, each listed once', () => {
  const input = randomised();
  input.randomisation.arms[1].id = 'continue';
  input.randomisation.arms[1].ratio = 2;
  input.randomisation.blockSizes = [3, 4, 6, 6];
  assert.deepEqual(problems(input), [
    'randomisation.arms: duplicate arm id continue',
    "randomisation.blockSizes.1: block size 4 is not a multiple of the sum of the arms' ratios (3)",
    'randomisation.blockSizes: block size 6 listed twice (list each size once)',
  ]);
});

test('strata: a coded subject field, levels that are its codes, each in one group, two groups at least, each field once', () => {
  const input = randomised();
  input.randomisation.strata = [
    { field: 'site' },
    { field: 'ilar_category', groups: { systemic: ['systemic', 'sJIA'], also: ['systemic'] } },
    { field: 'sex', groups: { all: ['F', 'M', 'U'] } },
    { field: 'sex' },
  ];
  assert.deepEqual(problems(input), [
    'randomisation.strata.0.field: site is not a coded subject field one can stratify by (ilar_category, sex)',
    'randomisation.strata.1.groups.systemic: sJIA is not a code of ilar_category (systemic, oligoarticular_persistent, oligoarticular_extended, polyarticular_rf_negative, polyarticular_rf_positive, psoriatic, enthesitis_related, undifferentiated)',
    'randomisation.strata.1.groups.also: systemic is in group systemic already',
    'randomisation.strata.2.groups: one group only: sex would not stratify',
    'randomisation.strata: field sex stratifies twice',
  ]);
  const badGroupName = randomised();
  badGroupName.randomisation.strata[0].groups = { Systemic: ['systemic'], '2': ['psoriatic'] };
  assert.match(problems(badGroupName).join('\n'), /randomisation\.strata\.0\.groups\.Systemic: /);
});

test('the step: a scheduled visit; the baseline a scheduled visit before it on the same anchor', () => {
  const unknown = randomised();
  unknown.randomisation.step = {
    visit: 'week_12',
    requires: { kind: 'jia_acr_response', level: 30, baselineVisit: 'Screening' },
  };
  assert.deepEqual(problems(unknown), [
    'randomisation.step.visit: week_12 is not a scheduled visit of the protocol (schedule.visits: Pre, W4, W12, W52)',
    'randomisation.step.requires.baselineVisit: Screening is not a scheduled visit of the protocol',
  ]);
  const after = randomised();
  after.randomisation.step.requires.baselineVisit = 'W52';
  assert.deepEqual(problems(after), [
    'randomisation.step.requires.baselineVisit: W52 (each_infusion day 364) is not before the randomisation visit W12 (each_infusion day 84) on the same anchor',
  ]);
  const noRequirement = randomised();
  delete noRequirement.randomisation.step.requires;
  assert.equal(defineProtocol(noRequirement).randomisation?.step.requires, undefined);
});

test('roles: listed once; someone may unblind when anyone is blinded; nobody unblinds an open-label trial', () => {
  const twice = randomised();
  twice.randomisation.blindedRoles = ['nurse', 'nurse'];
  twice.randomisation.unblindingRoles = ['investigator', 'investigator'];
  assert.deepEqual(problems(twice), [
    'randomisation.blindedRoles: nurse twice',
    'randomisation.unblindingRoles: investigator twice',
  ]);
  const nobody = randomised();
  nobody.randomisation.unblindingRoles = [];
  assert.deepEqual(problems(nobody), [
    'randomisation.unblindingRoles: roles are blinded (investigator, nurse) but none may unblind in an emergency',
  ]);
  const open = randomised();
  open.randomisation.blindedRoles = [];
  assert.deepEqual(problems(open), [
    'randomisation.unblindingRoles: nobody is blinded (open label), so there is nothing to unblind: investigator',
  ]);
  open.randomisation.unblindingRoles = [];
  assert.equal(defineProtocol(open).randomisation?.blindedRoles.length, 0);
  const malformed = randomised();
  malformed.randomisation.blindedRoles = ['Investigator'];
  assert.match(problems(malformed).join('\n'), /randomisation\.blindedRoles\.0: /);
});

test("the randomisation's source must be one of the protocol's sources", () => {
  const input = randomised();
  input.randomisation.source = 'nowhere';
  assert.deepEqual(problems(input), ['randomisation.source: no source with id nowhere in sources']);
});
