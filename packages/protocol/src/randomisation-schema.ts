/**
 * Randomisation as protocol data (issue 18, ADR 0046): the arms and their ratio, the permuted
 * blocks of varying sizes, the strata (subject fields, their levels optionally grouped), the
 * step of the protocol at which a subject is randomised, the length of the allocation list per
 * stratum and who is blinded and who may unblind. The list itself is generated from a recorded
 * seed (randomisation.ts) and kept sealed by the store; nothing here reads a clock or a store.
 *
 * What the schema alone cannot say is checked by `randomisationProblems` (defineProtocol calls
 * it): the ratios divide every block size, the stratification fields and their group levels
 * exist, the step's visits are scheduled visits of the same protocol, the role lists make sense.
 * That the roles exist is checked against the role table of @jia-trial/dictionary
 * (`randomisationDictionaryProblems` there), which this package cannot import (the dictionary
 * depends on it); a dictionary test runs it on every shipped protocol.
 */
import type { Issue } from '@jia-trial/errors';
import { FLARE_DEFINITIONS, JIA_ACR_LEVELS } from '@jia-trial/outcomes';
import { z } from 'zod';
import { STRATIFICATION_FIELDS, type StratificationField } from './stratification.js';

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _');
const text = z.string().min(1);

/** The stratum of the whole population when the protocol has no strata. */
export const SINGLE_STRATUM = 'all';

export const randomisationArmSchema = z.strictObject({
  id,
  label: text,
  /** Relative allocation: 1 and 1 for 1:1, 2 and 1 for 2:1. */
  ratio: z.int().min(1).max(100),
});

export const stratumFactorSchema = z.strictObject({
  /** A subject field of STRATIFICATION_FIELDS, e.g. ilar_category or sex. */
  field: z.string().min(1),
  /**
   * The field's codes grouped into levels (group name -> codes), e.g. systemic: [systemic],
   * other: [the six other categories]; absent: every code is its own level. A code in no group
   * cannot be randomised (stratumOf says so).
   */
  groups: z.record(id, z.array(text).min(1)).optional(),
});

/**
 * What must hold at the randomisation visit besides its being done: a JIA-ACR response (Giannini
 * 1997, the protocol's systemicJiaAcr rule for systemic JIA) at the level against the baseline
 * visit, as in the withdrawal trials (responders to an open-label lead-in are randomised).
 */
export const randomisationRequirementSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('jia_acr_response'),
    level: z.union(JIA_ACR_LEVELS.map((level) => z.literal(level))),
    /** The scheduled visit (name) whose values are the baseline, e.g. the lead-in's start. */
    baselineVisit: text,
  }),
]);

/**
 * The primary end point of the randomised period (randomisation-endpoint.ts): the time from the
 * randomisation visit to the first visit with a flare (the engine's flare definitions, against
 * the randomisation visit's values), censored at the last visit that showed none.
 */
export const randomisationEndpointSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('time_to_flare'),
    flareDefinition: z.enum(FLARE_DEFINITIONS),
  }),
]);

export const randomisationSchema = z.strictObject({
  /** At least two arms, ids unique. */
  arms: z.array(randomisationArmSchema).min(2),
  /** Permuted block sizes, each a multiple of the sum of the ratios; each next block draws one. */
  blockSizes: z.array(z.int().min(1).max(1000)).min(1),
  /** Stratification factors, crossed; [] = a single stratum `all`. */
  strata: z.array(stratumFactorSchema),
  /** The step at which a subject is randomised: a scheduled visit done and, optionally, a requirement met. */
  step: z.strictObject({
    /** The name of a scheduled visit of this protocol (schedule.visits[].name). */
    visit: text,
    requires: randomisationRequirementSchema.optional(),
  }),
  /** Entries generated per stratum: whole blocks until at least this many. */
  listLengthPerStratum: z.int().min(1).max(100_000),
  /** Roles (codes of the dictionary's role list) that see no arm; [] for an open-label trial. */
  blindedRoles: z.array(id),
  /** Roles that may unblind a subject in an emergency, each time with a reason (audited, alerted). */
  unblindingRoles: z.array(id),
  /** The randomised period's primary end point, when the engine computes it. */
  endpoint: randomisationEndpointSchema.optional(),
  source: id.optional(),
});

export type RandomisationSpec = z.infer<typeof randomisationSchema>;
export type RandomisationArm = z.infer<typeof randomisationArmSchema>;
export type StratumFactor = z.infer<typeof stratumFactorSchema>;
export type RandomisationRequirement = z.infer<typeof randomisationRequirementSchema>;
export type RandomisationEndpoint = z.infer<typeof randomisationEndpointSchema>;

/** The levels of a stratification factor: its group names, or the field's codes. */
export function levelsOf(factor: StratumFactor): readonly string[] {
  if (factor.groups !== undefined) return Object.keys(factor.groups);
  return Object.hasOwn(STRATIFICATION_FIELDS, factor.field)
    ? STRATIFICATION_FIELDS[factor.field as StratificationField]
    : [];
}

const duplicates = (values: readonly string[]) =>
  values.filter((value, i) => values.indexOf(value) !== i);

/**
 * The checks of a randomisation the schema cannot make, each with its path under
 * `randomisation` and the value at fault. `visits` are the protocol's scheduled visits.
 */
export function randomisationProblems(
  spec: RandomisationSpec,
  visits: readonly { readonly name: string; readonly anchor: string; readonly day: number }[],
): Issue[] {
  const problems: Issue[] = [];
  const at = (path: string, message: string): void => {
    problems.push({ path: `randomisation.${path}`, message });
  };
  for (const armId of new Set(duplicates(spec.arms.map((a) => a.id))))
    at('arms', `duplicate arm id ${armId}`);
  const ratioSum = spec.arms.reduce((sum, arm) => sum + arm.ratio, 0);
  spec.blockSizes.forEach((size, i) => {
    if (size % ratioSum !== 0)
      at(
        `blockSizes.${i}`,
        `block size ${size} is not a multiple of the sum of the arms' ratios (${ratioSum})`,
      );
  });
  for (const size of new Set(duplicates(spec.blockSizes.map(String))))
    at('blockSizes', `block size ${size} listed twice (list each size once)`);
  spec.strata.forEach((factor, i) => {
    strataProblems(factor, i, at);
  });
  for (const field of new Set(duplicates(spec.strata.map((f) => f.field))))
    at('strata', `field ${field} stratifies twice`);
  const visitOf = (name: string) => visits.find((v) => v.name === name);
  const step = visitOf(spec.step.visit);
  if (!step)
    at(
      'step.visit',
      `${spec.step.visit} is not a scheduled visit of the protocol (schedule.visits: ${visits.map((v) => v.name).join(', ')})`,
    );
  const requires = spec.step.requires;
  if (requires?.kind === 'jia_acr_response') {
    const baseline = visitOf(requires.baselineVisit);
    if (!baseline)
      at(
        'step.requires.baselineVisit',
        `${requires.baselineVisit} is not a scheduled visit of the protocol`,
      );
    else if (step && (baseline.anchor !== step.anchor || baseline.day >= step.day))
      at(
        'step.requires.baselineVisit',
        `${requires.baselineVisit} (${baseline.anchor} day ${baseline.day}) is not before the randomisation visit ${step.name} (${step.anchor} day ${step.day}) on the same anchor`,
      );
  }
  for (const role of new Set(duplicates(spec.blindedRoles))) at('blindedRoles', `${role} twice`);
  for (const role of new Set(duplicates(spec.unblindingRoles)))
    at('unblindingRoles', `${role} twice`);
  if (spec.blindedRoles.length > 0 && spec.unblindingRoles.length === 0)
    at(
      'unblindingRoles',
      `roles are blinded (${spec.blindedRoles.join(', ')}) but none may unblind in an emergency`,
    );
  if (spec.blindedRoles.length === 0 && spec.unblindingRoles.length > 0)
    at(
      'unblindingRoles',
      `nobody is blinded (open label), so there is nothing to unblind: ${spec.unblindingRoles.join(', ')}`,
    );
  return problems;
}

function strataProblems(
  factor: StratumFactor,
  i: number,
  at: (path: string, message: string) => void,
): void {
  if (!Object.hasOwn(STRATIFICATION_FIELDS, factor.field)) {
    at(
      `strata.${i}.field`,
      `${factor.field} is not a coded subject field one can stratify by (${Object.keys(STRATIFICATION_FIELDS).join(', ')})`,
    );
    return;
  }
  if (factor.groups === undefined) return;
  const codes: readonly string[] = STRATIFICATION_FIELDS[factor.field as StratificationField];
  const seen = new Map<string, string>();
  for (const [group, levels] of Object.entries(factor.groups)) {
    for (const code of levels) {
      if (!codes.includes(code))
        at(
          `strata.${i}.groups.${group}`,
          `${code} is not a code of ${factor.field} (${codes.join(', ')})`,
        );
      const other = seen.get(code);
      if (other !== undefined)
        at(`strata.${i}.groups.${group}`, `${code} is in group ${other} already`);
      seen.set(code, group);
    }
  }
  if (Object.keys(factor.groups).length < 2)
    at(`strata.${i}.groups`, `one group only: ${factor.field} would not stratify`);
}
