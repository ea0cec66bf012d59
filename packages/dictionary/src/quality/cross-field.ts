/**
 * The cross-field checks a rule set may name (rule-set.ts CROSS_FIELD_CHECKS). Each relates
 * fields of different records of one subject: the rules inside one record (dates in order, a
 * grade 5 AE fatal, ...) are refused at entry already (record-rules.ts), so they cannot be
 * stored; what is left for a check over stored data is what spans records. Each check states
 * why the relation holds; default-rules.ts cites the source.
 */
import type { TypedRecord } from '../validate-values.js';
import type { QualityFinding, SubjectData } from './findings.js';
import { recordKeyOf, recordsOf } from './findings.js';
import type { CrossFieldCheck } from './rule-set.js';

type Emit = (
  finding: Omit<QualityFinding, 'ruleId' | 'kind' | 'subjectId' | 'occasion'> & {
    occasion?: string;
  },
) => void;

const text = (record: TypedRecord, key: string): string | null =>
  typeof record[key] === 'string' ? (record[key] as string) : null;
const number = (record: TypedRecord, key: string): number | null =>
  typeof record[key] === 'number' ? (record[key] as number) : null;

/** Whether `date` (YYYY-MM-DD) is before `other`, a date or a partial date compared by its own length. */
function before(date: string, other: string): boolean {
  return date.slice(0, other.length) < other;
}

function visitsNotBefore(
  data: SubjectData,
  emit: Emit,
  subjectField: { key: string; name: string; label: string },
  fallback?: { key: string; name: string },
) {
  const subject = recordsOf(data, 'subject')[0];
  if (!subject) return;
  let limit = text(subject, subjectField.key);
  let from = subjectField.name;
  if (limit === null && fallback) {
    limit = text(subject, fallback.key);
    from = fallback.name;
  }
  if (limit === null) return;
  for (const visit of recordsOf(data, 'visit')) {
    const date = text(visit, 'visitDate');
    if (date === null || !before(date, limit)) continue;
    emit({
      table: 'visit',
      recordKey: recordKeyOf(data.studyId, 'visit', visit),
      field: 'visit_date',
      message: `visit ${visit.visitId} on ${date} is before the subject's ${subjectField.label} (${from} ${limit})`,
      observed: { visit_date: date, [from]: limit },
    });
  }
}

/** Joints active by their examination: swelling, or limitation of motion with pain or tenderness. */
function activeByFinding(finding: TypedRecord): boolean {
  return finding.swollen === true || (finding.limited === true && finding.tender === true);
}

function findingsByVisit(data: SubjectData): Map<string, TypedRecord[]> {
  const byVisit = new Map<string, TypedRecord[]>();
  for (const finding of recordsOf(data, 'joint_finding')) {
    const visitId = String(finding.visitId);
    byVisit.set(visitId, [...(byVisit.get(visitId) ?? []), finding]);
  }
  return byVisit;
}

/** A visit that lists its active joints: each listed joint against its finding, and back. */
function listedJointsAgree(
  visit: TypedRecord,
  recordKey: string,
  listed: readonly string[],
  findings: readonly TypedRecord[],
  emit: Emit,
) {
  const examined = new Map(findings.map((f) => [String(f.jointCode), f]));
  for (const code of listed) {
    const finding = examined.get(code);
    if (!finding || activeByFinding(finding)) continue;
    emit({
      table: 'visit',
      recordKey,
      field: 'active_joint_codes',
      occasion: code,
      message: `${code} is listed as active at visit ${visit.visitId}, but its examination records neither swelling nor limitation of motion with pain or tenderness`,
      observed: {
        listed: true,
        swollen: finding.swollen ?? null,
        limited: finding.limited ?? null,
        tender: finding.tender ?? null,
      },
    });
  }
  for (const finding of findings) {
    const code = String(finding.jointCode);
    if (!activeByFinding(finding) || listed.includes(code)) continue;
    emit({
      table: 'visit',
      recordKey,
      field: 'active_joint_codes',
      occasion: code,
      message: `${code} is active by its examination at visit ${visit.visitId}, but not listed as an active joint`,
      observed: { listed: false, active_by_finding: true },
    });
  }
}

function activeJointsAgree(data: SubjectData, emit: Emit) {
  const byVisit = findingsByVisit(data);
  for (const visit of recordsOf(data, 'visit')) {
    const findings = byVisit.get(String(visit.visitId));
    if (!findings) continue; // no joint examination recorded: nothing to compare
    const recordKey = recordKeyOf(data.studyId, 'visit', visit);
    const listed = text(visit, 'activeJointCodes');
    if (listed !== null) {
      listedJointsAgree(visit, recordKey, listed.split(';'), findings, emit);
      continue;
    }
    // Without a list, the count: it cannot be below the joints the examination finds active.
    const active = findings.filter(activeByFinding).map((f) => String(f.jointCode));
    const count = number(visit, 'activeJoints');
    if (count !== null && active.length > count)
      emit({
        table: 'visit',
        recordKey,
        field: 'active_joints',
        message: `visit ${visit.visitId} counts ${count} active joints, but its examination finds ${active.length} (${active.join(', ')})`,
        observed: { active_joints: count, active_by_findings: active.length },
      });
  }
}

function limitedCountCovers(data: SubjectData, emit: Emit) {
  const byVisit = findingsByVisit(data);
  for (const visit of recordsOf(data, 'visit')) {
    const count = number(visit, 'limitedJoints');
    const limited = (byVisit.get(String(visit.visitId)) ?? []).filter((f) => f.limited === true);
    if (count === null || limited.length <= count) continue;
    emit({
      table: 'visit',
      recordKey: recordKeyOf(data.studyId, 'visit', visit),
      field: 'limited_joints',
      message: `visit ${visit.visitId} counts ${count} joints with limited motion, but its examination records ${limited.length}`,
      observed: { limited_joints: count, limited_in_findings: limited.length },
    });
  }
}

function physicianGlobalZero(data: SubjectData, emit: Emit) {
  for (const visit of recordsOf(data, 'visit')) {
    const global = number(visit, 'physicianGlobal');
    const active = number(visit, 'activeJoints');
    if (global !== 0 || active === null || active === 0) continue;
    emit({
      table: 'visit',
      recordKey: recordKeyOf(data.studyId, 'visit', visit),
      field: 'physician_global',
      message: `visit ${visit.visitId}: the physician's global assessment is 0 (no disease activity) with ${active} active joint(s)`,
      observed: { physician_global: global, active_joints: active },
    });
  }
}

export const CROSS_FIELD: Readonly<
  Record<CrossFieldCheck, (data: SubjectData, emit: Emit) => void>
> = {
  visit_not_before_birth: (data, emit) =>
    visitsNotBefore(data, emit, { key: 'birthDate', name: 'birth_date', label: 'birth' }),
  visit_not_before_consent: (data, emit) =>
    visitsNotBefore(
      data,
      emit,
      { key: 'consentDate', name: 'consent_date', label: 'consent' },
      { key: 'enrolmentDate', name: 'enrolment_date' },
    ),
  active_joints_agree_with_findings: activeJointsAgree,
  limited_count_covers_findings: limitedCountCovers,
  physician_global_zero_without_active_joints: physicianGlobalZero,
};
