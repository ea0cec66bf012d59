/**
 * Pseudonymised records for the statistician (docs/roles.md, `clinical.read_pseudonymised`):
 * the subject keeps its study code (already a pseudonym: no names are stored), and what could
 * identify a child beyond it goes:
 * - every calendar date becomes the CDISC study day relative to the subject's day one (its
 *   enrolment date, else its first visit, else its diagnosis): `onsetDate` -> `onsetStudyDay`;
 * - the birth date becomes the age in completed years on day one (`ageAtDayOne`; the lower end
 *   when a year-and-month birth date allows two);
 * - free narrative fields (`narrative` in the dictionary) are left out.
 * Codes, measurements, ids of records and the site stay: the analysis needs them.
 */
import { parseIsoDate } from '@jia-trial/outcomes';
import { ageInterval, studyDay } from '@jia-trial/protocol/dates';
import { recordType } from './records.js';
import type { RecordTypeId } from './types.js';

/**
 * The subject's day one: enrolment, else the first visit, else diagnosis (YYYY-MM-DD). The rule
 * is the protocol engine's, so that the pseudonymised report (packages/analysis) counts from the
 * same day as these records.
 */
export { pseudonymDayOne } from '@jia-trial/protocol/timeline';

type Values = Readonly<Record<string, unknown>>;

/** A record of `type` pseudonymised against `dayOne` (YYYY-MM-DD, or null: dates dropped). */
export function pseudonymise(type: RecordTypeId, record: Values, dayOne: string | null): Values {
  const reference = dayOne === null ? null : parseIsoDate(dayOne);
  const out: Record<string, unknown> = {};
  for (const field of recordType(type).fields) {
    const value = record[field.key];
    if (field.narrative) continue;
    if (field.type === 'date') {
      const day = typeof value === 'string' ? parseIsoDate(value) : null;
      out[`${field.key.replace(/Date$/, '')}StudyDay`] =
        day === null || reference === null ? null : studyDay(day, reference);
      continue;
    }
    if (field.type === 'partial_date') {
      out.ageAtDayOne =
        typeof value === 'string' && reference !== null ? ageInterval(value, reference).min : null;
      continue;
    }
    out[field.key] = value ?? null;
  }
  return out;
}
