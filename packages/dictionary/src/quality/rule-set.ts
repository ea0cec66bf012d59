/**
 * Data-quality rules as data (docs/data-management.md, "Data-quality checks"; ADR 0043): a study's
 * rule set is a JSON document validated by this schema, stored per study and versioned by the
 * store (each change a new version, audited). Five kinds, each implemented once (run-rules.ts):
 *
 * - `range`: a field's value within limits; `limits: "dictionary"` applies every range of the
 *   field dictionary (the default: the ranges are declared once, there), or explicit limits for
 *   one field (a study's own plausibility range, narrower than the dictionary's hard one);
 * - `cross_field`: a relation between fields of a subject's records, one of the named checks of
 *   cross-field.ts (each states why it holds and cites it);
 * - `visit_window`: a visit done outside its window, as the protocol engine's schedule finds it;
 * - `expected`: a field of every record of a type that should be filled (isFilled);
 * - `protocol_deviation`: alerts the protocol engine already raises (its `status`), taken as
 *   they are, never recomputed.
 *
 * Unknown keys are refused, so a misspelt parameter is an error, not a silent default; a field
 * or record type the dictionary does not have is refused by `parseRuleSet`.
 */
import { type Issue, JiaError } from '@jia-trial/errors';
import { ALERT_CODES } from '@jia-trial/protocol';
import { z } from 'zod';
import { RECORD_TYPES, recordType } from '../records.js';
import type { RecordTypeId } from '../types.js';

const ruleId = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'lower-case letters, digits and _ (at most 64)');
/** Why the rule holds, with its citation: shown with every discrepancy it raises. */
const source = z.string().trim().min(1).max(500);
const recordTypeId = z.enum(RECORD_TYPES.map((r) => r.id) as [RecordTypeId, ...RecordTypeId[]]);
const fieldName = z.string().regex(/^[a-z][a-z0-9_]*$/);

export const CROSS_FIELD_CHECKS = [
  'visit_not_before_birth',
  'visit_not_before_consent',
  'active_joints_agree_with_findings',
  'limited_count_covers_findings',
  'physician_global_zero_without_active_joints',
] as const;
export type CrossFieldCheck = (typeof CROSS_FIELD_CHECKS)[number];

const rangeRule = z.strictObject({
  kind: z.literal('range'),
  id: ruleId,
  /** `dictionary`: every field's range of the field dictionary; else one field's own limits. */
  limits: z.union([
    z.literal('dictionary'),
    z.strictObject({
      recordType: recordTypeId,
      field: fieldName,
      min: z.number().nullable(),
      max: z.number().nullable(),
      /** The minimum itself is out of range (a weight, a count of cells). */
      minExclusive: z.boolean().optional(),
    }),
  ]),
  source,
});

const crossFieldRule = z.strictObject({
  kind: z.literal('cross_field'),
  id: ruleId,
  check: z.enum(CROSS_FIELD_CHECKS),
  source,
});

const visitWindowRule = z.strictObject({ kind: z.literal('visit_window'), id: ruleId, source });

const expectedRule = z.strictObject({
  kind: z.literal('expected'),
  id: ruleId,
  recordType: recordTypeId,
  fields: z.array(fieldName).min(1),
  source,
});

const deviationRule = z.strictObject({
  kind: z.literal('protocol_deviation'),
  id: ruleId,
  alerts: z.array(z.enum(ALERT_CODES)).min(1),
  source,
});

export const qualityRuleSchema = z.discriminatedUnion('kind', [
  rangeRule,
  crossFieldRule,
  visitWindowRule,
  expectedRule,
  deviationRule,
]);
export type QualityRule = z.infer<typeof qualityRuleSchema>;
export type QualityRuleKind = QualityRule['kind'];

export const QUALITY_RULE_KINDS: readonly QualityRuleKind[] = [
  'range',
  'cross_field',
  'visit_window',
  'expected',
  'protocol_deviation',
];

export const qualityRuleSetSchema = z.strictObject({
  /** A short title people read ("MSC-JIA pilot checks"). */
  title: z.string().trim().min(1).max(200),
  rules: z.array(qualityRuleSchema).max(500),
});
export type QualityRuleSet = z.infer<typeof qualityRuleSetSchema>;

function fieldProblem(type: RecordTypeId, name: string, numeric: boolean): string | null {
  const field = recordType(type).fields.find((f) => f.name === name);
  if (!field) return `${name} is not a field of ${type}`;
  if (numeric && field.type !== 'integer' && field.type !== 'decimal')
    return `${type}.${name} is not a number`;
  return null;
}

/**
 * A rule set from JSON: the schema, then what the schema cannot say (rule ids unique, fields the
 * dictionary has, limits in order). VALIDATION_FAILED with one issue per problem, its path in
 * the document (`rules.3.limits.field`).
 */
export function parseRuleSet(input: unknown): QualityRuleSet {
  const parsed = qualityRuleSetSchema.safeParse(input);
  const issues: Issue[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  if (parsed.success) {
    const seen = new Set<string>();
    parsed.data.rules.forEach((rule, i) => {
      if (seen.has(rule.id))
        issues.push({ path: `rules.${i}.id`, message: `${rule.id} is used by another rule` });
      seen.add(rule.id);
      if (rule.kind === 'range' && rule.limits !== 'dictionary') {
        const { recordType: type, field, min, max } = rule.limits;
        const problem = fieldProblem(type, field, true);
        if (problem) issues.push({ path: `rules.${i}.limits.field`, message: problem });
        if (min === null && max === null)
          issues.push({ path: `rules.${i}.limits`, message: 'give a min, a max or both' });
        if (min !== null && max !== null && min > max)
          issues.push({ path: `rules.${i}.limits.max`, message: `${max} is below min ${min}` });
      }
      if (rule.kind === 'expected')
        rule.fields.forEach((name, k) => {
          const problem = fieldProblem(rule.recordType, name, false);
          if (problem) issues.push({ path: `rules.${i}.fields.${k}`, message: problem });
        });
    });
  }
  if (issues.length > 0 || !parsed.success)
    throw new JiaError(
      'VALIDATION_FAILED',
      `the rule set is not valid: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
      { issues },
    );
  return parsed.data;
}
