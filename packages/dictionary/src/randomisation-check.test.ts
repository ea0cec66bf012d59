import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import {
  defineProtocol,
  type ProtocolDefinition,
  STRATIFICATION_FIELDS,
} from '@jia-trial/protocol';
import { PROTOCOLS } from '@jia-trial/protocols';
import { codesOf } from './code-lists.js';
import {
  checkRandomisationAgainstDictionary,
  randomisationDictionaryProblems,
} from './randomisation-check.js';
import { recordType } from './records.js';

/** A minimal open protocol, randomised at M3 by the roles given. */
function protocolWith(blindedRoles: string[], unblindingRoles: string[]): ProtocolDefinition {
  return defineProtocol({
    id: 'randomised-test',
    title: 'test',
    version: '1',
    design: 'test',
    plannedSubjects: null,
    sources: [],
    eligibility: { assessedOn: 'enrolment', inclusion: [], exclusion: [] },
    drugs: [],
    registeredIndications: [],
    intervention: null,
    schedule: {
      studyDayReference: 'enrolment',
      lateGraceDays: 14,
      visits: [
        { name: 'M0', anchor: 'enrolment', day: 0, windowBefore: 0, windowAfter: 7 },
        { name: 'M3', anchor: 'enrolment', day: 91, windowBefore: 14, windowAfter: 14 },
      ],
    },
    retreatment: null,
    safety: [],
    analysis: null,
    esrUpperLimit: 20,
    crpUpperLimit: 10,
    randomisation: {
      arms: [
        { id: 'a', label: 'A', ratio: 1 },
        { id: 'b', label: 'B', ratio: 1 },
      ],
      blockSizes: [4],
      strata: [{ field: 'sex' }, { field: 'ilar_category' }],
      step: { visit: 'M3' },
      listLengthPerStratum: 8,
      blindedRoles,
      unblindingRoles,
    },
  });
}

test('every stratification field of the engine is a coded field of the subject record, with exactly its codes', () => {
  const subject = recordType('subject');
  for (const [name, codes] of Object.entries(STRATIFICATION_FIELDS)) {
    const field = subject.fields.find((f) => f.name === name);
    assert.ok(field?.codeList, `${name} is a coded field of subjects.csv`);
    assert.deepEqual(codesOf(field.codeList), [...codes], name);
  }
});

test('roles of the role table pass; an unknown role is named with its path and the known roles', () => {
  const fine = protocolWith(['investigator', 'nurse', 'monitor'], ['investigator', 'dsmb']);
  assert.deepEqual(randomisationDictionaryProblems(fine), []);
  checkRandomisationAgainstDictionary(fine);
  const misspelt = protocolWith(['investigator', 'statistican'], ['pharmacist']);
  assert.deepEqual(randomisationDictionaryProblems(misspelt), [
    {
      path: 'randomisation.blindedRoles.1',
      message:
        'statistican is not a role (roles: admin, investigator, nurse, data_manager, monitor, statistician, dsmb)',
    },
    {
      path: 'randomisation.unblindingRoles.0',
      message:
        'pharmacist is not a role (roles: admin, investigator, nurse, data_manager, monitor, statistician, dsmb)',
    },
  ]);
  assert.throws(
    () => checkRandomisationAgainstDictionary(misspelt),
    (error) =>
      isJiaError(error, 'PROTOCOL_INVALID') &&
      /protocol randomised-test is not valid:\n {2}randomisation\.blindedRoles\.1: statistican/.test(
        error.message,
      ),
  );
});

test('a protocol without a randomisation has nothing to check', () => {
  const { randomisation: _, ...plain } = protocolWith([], []);
  assert.deepEqual(randomisationDictionaryProblems(plain), []);
});

test("every shipped protocol's randomisation fits the dictionary: its roles exist, its strata are subject fields", () => {
  for (const protocol of Object.values(PROTOCOLS)) checkRandomisationAgainstDictionary(protocol);
  assert.ok(Object.values(PROTOCOLS).some((p) => p.randomisation !== undefined));
});
