/**
 * Runs a rule set over one subject's stored records (and the protocol engine's evaluation of
 * the subject, which it reads, never recomputes) and returns every discrepancy found. Pure: the
 * store reads the records and keeps the discrepancies (packages/store/src/quality/).
 */
import type { LabAnalyte } from '@jia-trial/outcomes';
import { alertId, alertOccasion } from '@jia-trial/protocol';
import { checkInRange } from '../field-rules.js';
import { standardValue } from '../lab-values.js';
import { isFilled, missingFieldKey } from '../missing-codes.js';
import { fieldOf, RECORD_TYPES, recordType } from '../records.js';
import type { FieldDefinition, FieldRange, RecordTypeId } from '../types.js';
import type { TypedRecord } from '../validate-values.js';
import { CROSS_FIELD } from './cross-field.js';
import { type QualityFinding, recordKeyOf, recordsOf, type SubjectData } from './findings.js';
import type { QualityRule, QualityRuleSet } from './rule-set.js';

type Found = Omit<QualityFinding, 'ruleId' | 'kind' | 'subjectId' | 'occasion'> & {
  occasion?: string;
};

/** A number as the rules compare it: a laboratory value in its standard unit. */
function comparable(field: FieldDefinition, record: TypedRecord): number | null {
  const value = record[field.key];
  if (typeof value !== 'number') return null;
  if (field.unitField === undefined) return value;
  const unit = record[fieldOf(recordTypeOfField(field), field.unitField).key];
  return standardValue(field.key as LabAnalyte, value, typeof unit === 'string' ? unit : undefined);
}

const TYPE_OF_FIELD = new Map<FieldDefinition, RecordTypeId>(
  RECORD_TYPES.flatMap((rt) => rt.fields.map((f) => [f, rt.id] as const)),
);
function recordTypeOfField(field: FieldDefinition) {
  return recordType(TYPE_OF_FIELD.get(field) as RecordTypeId);
}

function rangeFindings(
  data: SubjectData,
  type: RecordTypeId,
  field: FieldDefinition,
  range: {
    readonly min: number | null;
    readonly max?: number | null | undefined;
    readonly minExclusive?: boolean | undefined;
  },
  emit: Emit,
) {
  for (const record of recordsOf(data, type)) {
    const value = comparable(field, record);
    if (value === null) continue;
    const problem =
      range.min === null
        ? range.max !== null && range.max !== undefined && value > range.max
          ? `${value} is above ${range.max}`
          : null
        : checkInRange({ ...field, range: rangeOf(range) }, value);
    if (problem === null) continue;
    const unit = field.unitField === undefined ? field.unit?.symbol : undefined;
    emit({
      table: type,
      recordKey: recordKeyOf(data.studyId, type, record),
      field: field.name,
      message: `${field.label}: ${problem}${unit ? ` ${unit}` : ''}`,
      observed: { [field.name]: value },
    });
  }
}

function rangeOf(range: {
  min: number | null;
  max?: number | null | undefined;
  minExclusive?: boolean | undefined;
}): FieldRange {
  return {
    min: range.min as number,
    ...(range.max !== null && range.max !== undefined ? { max: range.max } : {}),
    ...(range.minExclusive ? { minExclusive: true } : {}),
  };
}

type Emit = (f: Found) => void;

function rangeRule(rule: Extract<QualityRule, { kind: 'range' }>, data: SubjectData, emit: Emit) {
  if (rule.limits === 'dictionary') {
    for (const rt of RECORD_TYPES)
      for (const field of rt.fields)
        if (field.range) rangeFindings(data, rt.id, field, field.range, emit);
    return;
  }
  const { recordType: type, field: name, ...limits } = rule.limits;
  rangeFindings(data, type, fieldOf(recordType(type), name), limits, emit);
}

function expectedRule(
  rule: Extract<QualityRule, { kind: 'expected' }>,
  data: SubjectData,
  emit: Emit,
) {
  const rt = recordType(rule.recordType);
  for (const record of recordsOf(data, rule.recordType))
    for (const name of rule.fields) {
      const field = fieldOf(rt, name);
      if (isFilled(record[field.key], record[missingFieldKey(field.key)])) continue;
      emit({
        table: rule.recordType,
        recordKey: recordKeyOf(data.studyId, rule.recordType, record),
        field: name,
        message: `${field.label} is not recorded`,
        observed: { [name]: null },
      });
    }
}

/** Visits the engine's schedule matched after their window (in the grace period). */
function visitWindowRule(data: SubjectData, emit: Emit) {
  for (const slot of data.evaluation?.schedule ?? []) {
    if (slot.status !== 'done' || !slot.late || slot.visitId === null) continue;
    emit({
      table: 'visit',
      recordKey: `${data.studyId}/${slot.visitId}`,
      field: 'visit_date',
      occasion: `${slot.name}/${slot.infusion ?? ''}`,
      message: `visit ${slot.visitId} on ${slot.visitDate} fulfils ${slot.name}${slot.infusion === null ? '' : ` of infusion ${slot.infusion}`} after its window (${slot.windowStart} to ${slot.windowEnd})`,
      observed: {
        visit_date: slot.visitDate,
        window_start: slot.windowStart,
        window_end: slot.windowEnd,
      },
    });
  }
}

/** The engine's alerts of the rule's codes, as the subject's status shows them. */
function deviationRule(
  rule: Extract<QualityRule, { kind: 'protocol_deviation' }>,
  data: SubjectData,
  emit: Emit,
) {
  const codes = new Set<string>(rule.alerts);
  for (const alert of data.evaluation?.alerts ?? []) {
    if (!codes.has(alert.code)) continue;
    emit({
      table: 'subject',
      recordKey: `${data.studyId}/${data.subjectId}`,
      field: null,
      // The engine's own name of what the alert is about (alert-identity.ts), as the
      // acknowledgements use it: stable while the alert's message and figures move on.
      occasion: alertId(data.subjectId, alert.code, alertOccasion(alert).occasion),
      message: `${alert.code}: ${alert.message}`,
      observed: { code: alert.code, data: JSON.stringify(alert.data) },
    });
  }
}

function runRule(rule: QualityRule, data: SubjectData, emit: Emit) {
  switch (rule.kind) {
    case 'range':
      return rangeRule(rule, data, emit);
    case 'cross_field':
      return CROSS_FIELD[rule.check](data, emit);
    case 'expected':
      return expectedRule(rule, data, emit);
    case 'visit_window':
      return visitWindowRule(data, emit);
    case 'protocol_deviation':
      return deviationRule(rule, data, emit);
  }
}

/** Every discrepancy the rule set finds in one subject's records, in rule order. */
export function runQualityRules(ruleSet: QualityRuleSet, data: SubjectData): QualityFinding[] {
  const out: QualityFinding[] = [];
  for (const rule of ruleSet.rules)
    runRule(rule, data, (found) =>
      out.push({
        ruleId: rule.id,
        kind: rule.kind,
        subjectId: data.subjectId,
        occasion: found.occasion ?? '',
        table: found.table,
        recordKey: found.recordKey,
        field: found.field,
        message: found.message,
        observed: found.observed,
      }),
    );
  return out;
}
