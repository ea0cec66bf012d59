import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import { defineProtocol } from './definition.js';
import { testProtocol } from './test-protocol.fixture.js';

const valid = () => JSON.parse(JSON.stringify(testProtocol()));

function problems(input: unknown): string[] {
  try {
    defineProtocol(input);
  } catch (error) {
    assert.ok(isJiaError(error, 'PROTOCOL_INVALID'));
    return error.issues.map((i) => `${i.path}: ${i.message}`);
  }
  assert.fail('expected the definition to be refused');
}

test('a valid definition is accepted as it is', () => {
  const input = valid();
  assert.deepEqual(defineProtocol(input), input);
});

test('a misspelt key is refused rather than silently defaulted', () => {
  const input = valid();
  input.retreatment.maxInfusion = 4;
  assert.match(problems(input).join('\n'), /retreatment: Unrecognized key: "maxInfusion"/);
});

test('every schema problem is listed with its path', () => {
  const input = valid();
  input.intervention.dosePerKg = -1;
  input.schedule.visits[1].windowBefore = 1.5;
  input.eligibility.inclusion[1].kind = 'age_between';
  const found = problems(input);
  assert.ok(
    found.some((p) => p.startsWith('intervention.dosePerKg:')),
    found.join('\n'),
  );
  assert.ok(
    found.some((p) => p.startsWith('schedule.visits.1.windowBefore:')),
    found.join('\n'),
  );
  assert.ok(
    found.some((p) => p.startsWith('eligibility.inclusion.1.kind:')),
    found.join('\n'),
  );
});

test('references inside the protocol are checked: sources, criteria, names, the intervention', () => {
  const input = valid();
  input.eligibility.exclusion[0].id = 'jia';
  input.eligibility.exclusion[1].source = 'nowhere';
  input.schedule.visits[2].name = 'W4';
  input.retreatment.recheckCriteria = ['no_such_criterion'];
  input.safety.push({ kind: 'visit_overdue' });
  input.intervention = null;
  assert.deepEqual(problems(input).sort(), [
    'eligibility.exclusion.0.id: duplicate criterion id jia',
    'eligibility.exclusion.1.source: no source with id nowhere in sources',
    'intervention: infusions are scheduled, retreated or checked, but the protocol has no intervention',
    'retreatment.recheckCriteria.0: no eligibility criterion no_such_criterion',
    'safety.7.kind: rule visit_overdue appears twice',
    'schedule.visits.2.name: duplicate visit name W4',
  ]);
});
