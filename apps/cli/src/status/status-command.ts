/**
 * `jia-trial status <bundle-dir> | --study ID`: each subject's state under a protocol on a day,
 * from a study bundle or a stored study: state, due visits, alerts and the retreatment decision, each with its reasons
 * (docs/protocol-engine.md). Only data dated on or before --as-of counts.
 */

import { JiaError } from '@jia-trial/errors';
import {
  criterionSatisfied,
  evaluate,
  inStudySince,
  type SubjectEvaluation,
  subjectStatusJson,
} from '@jia-trial/protocol';
import { asOfOption, noteUnknownCriteria, protocolOption } from '../protocol-args.js';
import { readStudySource, type StudySource } from '../study-source.js';

export interface StatusOptions {
  readonly asOf?: string | undefined;
  readonly protocol: string;
  readonly subject?: string | undefined;
  readonly json: boolean;
  readonly maxErrors: number;
}

export interface StatusIo {
  out(text: string): void;
  note(text: string): void;
  /** Today, for a missing --as-of (the engine itself never reads a clock). */
  today(): string;
  /** DATABASE_URL and JIA_DATA_DIR, for --study. */
  readonly env: NodeJS.ProcessEnv;
}

export async function runStatus(
  io: StatusIo,
  source: StudySource,
  options: StatusOptions,
): Promise<void> {
  const asOf = asOfOption(options.asOf, io.today);
  const protocol = protocolOption(options.protocol);
  const { timelines: read, name } = await readStudySource(source, io, {
    maxErrors: options.maxErrors,
    consequence: 'no status was computed',
  });
  const all = read.filter((t) => options.subject === undefined || t.subjectId === options.subject);
  if (options.subject !== undefined && all.length === 0)
    throw new JiaError(
      'USAGE_ERROR',
      `subject ${options.subject} is not in ${source.dir === undefined ? name : `${source.dir}/subjects.csv`}`,
    );
  noteUnknownCriteria(io.note, protocol, all);
  // Only data dated on or before the day counts: a subject first known later was not there.
  const timelines = all.filter((t) => (inStudySince(t) ?? asOf) <= asOf);
  if (timelines.length < all.length)
    io.note(
      `${all.length - timelines.length} subject(s) first recorded after ${asOf} are not shown`,
    );
  // One subject that cannot be evaluated (a fault of ours) must not hide the others.
  const failed: string[] = [];
  const subjects = timelines.flatMap((t) => {
    try {
      return [evaluate(protocol, t, asOf)];
    } catch (error) {
      failed.push(`subject ${t.subjectId}: could not be evaluated: ${(error as Error).message}`);
      return [];
    }
  });
  if (options.json) {
    io.out(
      `${JSON.stringify({ asOf, protocol: { id: protocol.id, version: protocol.version }, subjects: subjects.map(subjectStatusJson) }, null, 2)}\n`,
    );
  } else {
    io.out(
      `${protocol.title} (${protocol.id} ${protocol.version}), as of ${asOf}: ${subjects.length} subject(s)\n`,
    );
    for (const subject of subjects) io.out(`\n${describe(subject)}\n`);
  }
  for (const line of failed) io.note(line);
  if (failed.length > 0)
    throw new JiaError('INTERNAL_ERROR', `${failed.length} subject(s) could not be evaluated`, {
      reported: true,
    });
}

/**
 * The retreatment decision as two facts (ADR 0016): whether the subject qualifies under the
 * protocol's rule, and whether a repeat may be given today, with what is still unknown.
 */
function retreatmentLines(r: SubjectEvaluation['retreatment']): string[] {
  const today = r.allowed
    ? 'ALLOWED today'
    : !r.qualifies
      ? 'not allowed'
      : r.blockers.length > 0
        ? `not allowed today: ${r.blockers.map((b) => `${b.id} (${b.reason})`).join('; ')}`
        : 'not allowed yet: checks pending';
  const lines = [
    `  retreatment: ${r.qualifies ? 'qualifies' : 'does not qualify'}; ${today}: ${r.ruleReasons.join('; ')}`,
  ];
  for (const p of r.pending)
    lines.push(`    pending ${p.id}: ${p.reason}; to settle it: ${p.settledBy.join(', ')}`);
  return lines;
}

const SEVERITY_LABEL = { urgent: 'URGENT ', warning: 'warning', info: 'info   ' } as const;

function describe(s: SubjectEvaluation): string {
  const lines = [`${s.subjectId}  ${s.state.replaceAll('_', ' ')}: ${s.stateReason}`];
  const e = s.eligibility;
  const open = e.criteria.filter((c) => c.status === 'unknown');
  const against = e.criteria.filter((c) => criterionSatisfied(c) === 'not_met');
  const vacuous = e.criteria.filter((c) => c.vacuous);
  lines.push(
    `  eligibility on ${e.referenceDate}: ${e.status.replaceAll('_', ' ')}` +
      (against.length > 0
        ? `; against: ${against.map((c) => `${c.id} (${c.reason})`).join('; ')}`
        : '') +
      (open.length > 0
        ? `; open: ${open.map((c) => `${c.id} (${c.missing.join(', ')})`).join('; ')}`
        : '') +
      (vacuous.length > 0
        ? `; none registered: ${vacuous.map((c) => `${c.id} (${c.status.replaceAll('_', ' ')})`).join('; ')}`
        : ''),
  );
  lines.push(...retreatmentLines(s.retreatment));
  const shown = s.schedule.filter((v) => v.status === 'due' || v.status === 'overdue');
  const next = s.schedule.find((v) => v.status === 'upcoming');
  const done = s.schedule.filter((v) => v.status === 'done').length;
  const missed = s.schedule.filter((v) => v.status === 'missed');
  const name = (v: SubjectEvaluation['schedule'][number]) =>
    v.infusion === null ? v.name : `${v.name} (infusion ${v.infusion})`;
  lines.push(
    `  visits: ${done} done, ${missed.length} missed` +
      (missed.length > 0 ? ` (${missed.map(name).join(', ')})` : '') +
      shown
        .map(
          (v) =>
            `; ${v.status} ${name(v)} (target ${v.targetDate}, window ${v.windowStart} to ${v.windowEnd})`,
        )
        .join('') +
      (next ? `; next ${name(next)} from ${next.windowStart} (target ${next.targetDate})` : ''),
  );
  // Missed visits are listed above; every alert is in the JSON.
  for (const a of s.alerts)
    if (a.code !== 'VISIT_MISSED')
      lines.push(`  ${SEVERITY_LABEL[a.severity]} ${a.code}: ${a.message}`);
  return lines.join('\n');
}
