/**
 * `jia-trial status <bundle-dir>`: each subject's state under a protocol on a day, from a study
 * bundle: state, due visits, alerts and the retreatment decision, each with its reasons
 * (docs/protocol-engine.md). Only data dated on or before --as-of counts.
 */
import { parseIsoDate } from '@jia-trial/outcomes';
import { evaluate, type SubjectEvaluation } from '@jia-trial/protocol';
import { protocolById } from '@jia-trial/protocols';
import { bundleTimelines } from '../bundle/bundle-timelines.js';
import { readValidBundle } from '../bundle/read-valid-bundle.js';
import { UsageError } from '../cli-errors.js';

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
}

export function runStatus(io: StatusIo, dir: string, options: StatusOptions): void {
  const asOf = options.asOf ?? io.today();
  if (parseIsoDate(asOf) === null)
    throw new UsageError(`--as-of must be a date (YYYY-MM-DD), got ${JSON.stringify(asOf)}`);
  let protocol: ReturnType<typeof protocolById>;
  try {
    protocol = protocolById(options.protocol);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const reading = readValidBundle(dir, options.maxErrors, io.note, 'no status was computed');
  const timelines = bundleTimelines(reading).filter(
    (t) => options.subject === undefined || t.subjectId === options.subject,
  );
  if (options.subject !== undefined && timelines.length === 0)
    throw new UsageError(`subject ${options.subject} is not in ${dir}/subjects.csv`);
  const subjects = timelines.map((t) => evaluate(protocol, t, asOf));
  if (options.json) {
    io.out(
      `${JSON.stringify({ asOf, protocol: { id: protocol.id, version: protocol.version }, subjects: subjects.map(toJson) }, null, 2)}\n`,
    );
    return;
  }
  io.out(
    `${protocol.title} (${protocol.id} ${protocol.version}), as of ${asOf}: ${subjects.length} subject(s)\n`,
  );
  for (const subject of subjects) io.out(`\n${describe(subject)}\n`);
}

/** The JSON of one subject: the issue's keys first (dueVisits is the whole schedule). */
function toJson(s: SubjectEvaluation) {
  return {
    subjectId: s.subjectId,
    state: s.state,
    stateReason: s.stateReason,
    infusions: s.infusions,
    retreatment: s.retreatment,
    dueVisits: s.schedule,
    alerts: s.alerts,
    eligibility: s.eligibility,
    studyDayOne: s.studyDayOne,
    studyDays: s.studyDays,
    doses: s.doses,
  };
}

const SEVERITY_LABEL = { urgent: 'URGENT ', warning: 'warning', info: 'info   ' } as const;

function describe(s: SubjectEvaluation): string {
  const lines = [`${s.subjectId}  ${s.state.replaceAll('_', ' ')}: ${s.stateReason}`];
  const e = s.eligibility;
  const open = e.criteria.filter((c) => c.status === 'unknown');
  const against = e.criteria.filter((c) =>
    c.type === 'inclusion' ? c.status === 'not_met' : c.status === 'met',
  );
  lines.push(
    `  eligibility on ${e.referenceDate}: ${e.status.replaceAll('_', ' ')}` +
      (against.length > 0
        ? `; against: ${against.map((c) => `${c.id} (${c.reason})`).join('; ')}`
        : '') +
      (open.length > 0
        ? `; open: ${open.map((c) => `${c.id} (${c.missing.join(', ')})`).join('; ')}`
        : ''),
  );
  lines.push(
    `  retreatment: ${s.retreatment.allowed ? 'ALLOWED' : 'not allowed'}: ${s.retreatment.reasons.join('; ')}`,
  );
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
