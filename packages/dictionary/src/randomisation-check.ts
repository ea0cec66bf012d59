/**
 * The checks of a protocol's randomisation that need the dictionary, which the protocol engine
 * cannot import (this package depends on it): the blinded and unblinding roles are roles of the
 * role table (roles.ts), and each stratification field is a coded field of the subject record
 * whose code list is exactly the codes the engine stratifies by (STRATIFICATION_FIELDS). A
 * misspelt role would otherwise blind nobody. The tests run this on every shipped protocol
 * (randomisation-check.test.ts); defineProtocol has checked everything else.
 */
import { type Issue, JiaError } from '@jia-trial/errors';
import type { ProtocolDefinition } from '@jia-trial/protocol';
import { STRATIFICATION_FIELDS } from '@jia-trial/protocol/stratification';
import { codesOf } from './code-lists.js';
import { recordType } from './records.js';
import { ROLE_POLICIES } from './roles.js';

const ROLES: readonly string[] = ROLE_POLICIES.map((p) => p.role);

/** The problems of the protocol's randomisation against the dictionary (none without one). */
export function randomisationDictionaryProblems(protocol: ProtocolDefinition): Issue[] {
  const spec = protocol.randomisation;
  if (spec === undefined) return [];
  const problems: Issue[] = [];
  for (const key of ['blindedRoles', 'unblindingRoles'] as const)
    spec[key].forEach((role, i) => {
      if (!ROLES.includes(role))
        problems.push({
          path: `randomisation.${key}.${i}`,
          message: `${role} is not a role (roles: ${ROLES.join(', ')})`,
        });
    });
  const subject = recordType('subject');
  spec.strata.forEach((factor, i) => {
    const field = subject.fields.find((f) => f.name === factor.field);
    const engineCodes: readonly string[] | undefined = Object.hasOwn(
      STRATIFICATION_FIELDS,
      factor.field,
    )
      ? STRATIFICATION_FIELDS[factor.field as keyof typeof STRATIFICATION_FIELDS]
      : undefined;
    if (field?.codeList === undefined) {
      problems.push({
        path: `randomisation.strata.${i}.field`,
        message: `${factor.field} is not a coded field of the subject record (subjects.csv)`,
      });
      return;
    }
    const codes = codesOf(field.codeList);
    if (engineCodes === undefined || engineCodes.join() !== codes.join())
      problems.push({
        path: `randomisation.strata.${i}.field`,
        message: `${factor.field}: the dictionary's codes (${codes.join(', ')}) are not those the engine stratifies by (${engineCodes?.join(', ') ?? 'none'})`,
      });
  });
  return problems;
}

/** PROTOCOL_INVALID when the randomisation does not fit the dictionary. */
export function checkRandomisationAgainstDictionary(protocol: ProtocolDefinition): void {
  const issues = randomisationDictionaryProblems(protocol);
  if (issues.length > 0)
    throw new JiaError(
      'PROTOCOL_INVALID',
      `protocol ${protocol.id} is not valid:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
      { issues, details: { protocolId: protocol.id } },
    );
}
