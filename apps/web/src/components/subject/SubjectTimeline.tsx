/**
 * The timeline as an ordered list: each entry names its kind in words (not by colour or icon
 * alone), its ISO date in a <time>, and its key figures. Seriousness and severity are text.
 */
import { hrefOf } from '../../routes';
import { numberText, SEVERITY_TEXT } from './format';
import type { AdverseEventRow, InfusionRow, VisitRow } from './subject-data';
import type { TimelineEvent } from './timeline-events';
import './subject.css';

function acrText(acrPedi: number | null): string | null {
  if (acrPedi === null) return null;
  return acrPedi > 0 ? `ACR-Pedi ${acrPedi}` : 'no ACR-Pedi response';
}

function VisitEntry({
  studyId,
  subjectId,
  visit,
}: {
  readonly studyId: string;
  readonly subjectId: string;
  readonly visit: VisitRow;
}) {
  const figures = [
    `active joints ${numberText(visit.activeJoints)}`,
    `JADAS-10 ${numberText(visit.jadas10)}${visit.jadas10Band ? ` (${visit.jadas10Band})` : ''}`,
    `cJADAS-10 ${numberText(visit.cjadas10)}`,
    acrText(visit.acrPedi),
  ].filter((f): f is string => f !== null);
  return (
    <>
      <span className="event-kind">Visit</span>{' '}
      <a href={hrefOf({ page: 'visit', studyId, subjectId, visitId: visit.visitId })}>
        {visit.visitId}
      </a>
      <span className="event-detail">{figures.join(' · ')}</span>
      {visit.mas && (
        <strong className="event-flag">Meets the 2016 MAS classification criteria</strong>
      )}
    </>
  );
}

function InfusionEntry({ infusion, number }: { infusion: InfusionRow; number: number }) {
  const figures = [
    `dose ${numberText(infusion.totalCells)} cells`,
    infusion.cellsPerKg === null ? null : `${numberText(infusion.cellsPerKg)} cells/kg`,
    infusion.weightKg === null ? null : `weight ${numberText(infusion.weightKg)} kg`,
  ].filter((f): f is string => f !== null);
  return (
    <>
      <span className="event-kind">Infusion {number}</span>
      <span className="event-detail">{figures.join(' · ')}</span>
      {infusion.reaction && <strong className="event-flag">Infusion reaction recorded</strong>}
    </>
  );
}

function AdverseEventEntry({ ae }: { ae: AdverseEventRow }) {
  return (
    <>
      <span className="event-kind">Adverse event</span> {ae.aeId}: {ae.term}
      <span className="event-detail">
        CTCAE grade {numberText(ae.grade)}
        {ae.outcome ? ` · ${ae.outcome.replaceAll('_', ' ')}` : ''}
      </span>
      {ae.serious && <strong className="event-flag">Serious adverse event</strong>}
    </>
  );
}

export function SubjectTimeline({
  studyId,
  subjectId,
  events,
}: {
  readonly studyId: string;
  readonly subjectId: string;
  readonly events: readonly TimelineEvent[];
}) {
  if (events.length === 0) return <p>Nothing recorded yet.</p>;
  return (
    <ol className="timeline">
      {events.map((event) => (
        <li key={`${event.kind}:${keyOf(event)}`} className={`event event-${event.kind}`}>
          <time dateTime={event.date}>{event.date}</time>
          <div>
            {event.kind === 'visit' && (
              <VisitEntry studyId={studyId} subjectId={subjectId} visit={event.visit} />
            )}
            {event.kind === 'infusion' && (
              <InfusionEntry infusion={event.infusion} number={event.number} />
            )}
            {event.kind === 'adverse_event' && <AdverseEventEntry ae={event.ae} />}
            {event.kind === 'alert' && (
              <>
                <span className="event-kind">
                  Alert ({SEVERITY_TEXT[event.alert.severity] ?? event.alert.severity})
                </span>{' '}
                {event.alert.code}
                <span className="event-detail">{event.alert.message}</span>
              </>
            )}
          </div>
        </li>
      ))}
    </ol>
  );
}

function keyOf(event: TimelineEvent): string {
  switch (event.kind) {
    case 'visit':
      return event.visit.visitId;
    case 'infusion':
      return event.infusion.rowId;
    case 'adverse_event':
      return event.ae.aeId;
    case 'alert':
      return event.alert.alertId;
  }
}
