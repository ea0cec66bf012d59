/**
 * A validated study bundle as the protocol engine's subject timelines: one reader of the bundle
 * (readBundle, the same validation as `jia-trial import`) for every command that reasons about
 * subjects without a database (`jia-trial status`, and the report). The mapping of the records is
 * the dictionary's (subjectTimelines), the one the store's loadStudyTimelines uses too.
 */
import { type BundleFileName, subjectTimelines } from '@jia-trial/dictionary';
import { formatIsoDate } from '@jia-trial/outcomes';
import type { SubjectTimeline, TimelineVisit } from '@jia-trial/protocol';
import { readObservation } from '../visits-csv/score-rows.js';
import type { VisitTable } from '../visits-csv/visit-table.js';
import type { BundleReading } from './read-bundle.js';

function* visitsOf(table: VisitTable | null): Generator<[string, TimelineVisit]> {
  if (!table) return;
  for (let row = 0; row < table.count; row++)
    yield [
      table.subjectIds[table.subject[row] as number] as string,
      {
        visitId: table.ids.id(row),
        date: formatIsoDate(table.day[row] as number),
        observation: readObservation(table, row),
      },
    ];
}

/** The subjects of a bundle without problems (check `reading.problems` first), in file order. */
export function bundleTimelines(reading: BundleReading): SubjectTimeline[] {
  const rows = (file: BundleFileName) =>
    (reading.validated.get(file)?.rows ?? []).map((r) => r.values);
  return subjectTimelines({
    subjects: rows('subjects.csv'),
    medications: rows('medications.csv'),
    infusions: rows('infusions.csv'),
    adverseEvents: rows('adverse_events.csv'),
    eligibility: rows('eligibility.csv'),
    damage: rows('damage.csv'),
    visits: visitsOf(reading.visits),
  });
}
