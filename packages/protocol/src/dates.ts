/**
 * Dates for the protocol engine: calendar days as day numbers (outcomes' dates.ts), partial
 * dates as the interval of days they may stand for, ages in completed years, and the CDISC
 * study day.
 */
import { dayNumber, daysInMonth, formatIsoDate, parseIsoDate } from '@jia-trial/outcomes';

export { formatIsoDate, parseIsoDate };

/** A day number from `YYYY-MM-DD`; throws on anything else (inputs are validated upstream). */
export function day(text: string): number {
  const parsed = parseIsoDate(text);
  if (parsed === null) throw new RangeError(`not a date (YYYY-MM-DD): ${JSON.stringify(text)}`);
  return parsed;
}

/** The first and last day a date of `YYYY`, `YYYY-MM` or `YYYY-MM-DD` may stand for. */
export interface DayInterval {
  readonly first: number;
  readonly last: number;
}

const PARTIAL = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

export function partialDateInterval(text: string): DayInterval {
  const m = PARTIAL.exec(text);
  const refuse = () =>
    new RangeError(`not a date (YYYY, YYYY-MM or YYYY-MM-DD): ${JSON.stringify(text)}`);
  if (!m) throw refuse();
  const year = Number(m[1]);
  const month = m[2] === undefined ? null : Number(m[2]);
  const dayOfMonth = m[3] === undefined ? null : Number(m[3]);
  const first = dayNumber(year, month ?? 1, dayOfMonth ?? 1);
  const last = dayNumber(year, month ?? 12, dayOfMonth ?? daysInMonth(year, month ?? 12));
  if (first === null || last === null) throw refuse();
  return { first, last };
}

/** Age in completed years on `on` of someone born on day `born`. */
export function completedYears(born: number, on: number): number {
  const b = new Date(born * 86_400_000);
  const o = new Date(on * 86_400_000);
  let years = o.getUTCFullYear() - b.getUTCFullYear();
  const beforeBirthday =
    o.getUTCMonth() < b.getUTCMonth() ||
    (o.getUTCMonth() === b.getUTCMonth() && o.getUTCDate() < b.getUTCDate());
  if (beforeBirthday) years--;
  return years;
}

/** Age in completed months on `on` of someone born on day `born`. */
export function completedMonths(born: number, on: number): number {
  const b = new Date(born * 86_400_000);
  const o = new Date(on * 86_400_000);
  const months = (o.getUTCFullYear() - b.getUTCFullYear()) * 12 + o.getUTCMonth() - b.getUTCMonth();
  return o.getUTCDate() < b.getUTCDate() ? months - 1 : months;
}

/** The age in completed months on `on`, as the interval the birth date allows. */
export function ageInMonths(birthDate: string, on: number): { min: number; max: number } {
  const born = partialDateInterval(birthDate);
  return { min: completedMonths(born.last, on), max: completedMonths(born.first, on) };
}

/**
 * The age in completed years on `on`, as the interval the birth date allows: a birth date of
 * `YYYY-MM` gives two possible ages in the weeks around the birthday.
 */
export function ageInterval(birthDate: string, on: number): { min: number; max: number } {
  const born = partialDateInterval(birthDate);
  return { min: completedYears(born.last, on), max: completedYears(born.first, on) };
}

/**
 * CDISC SDTM study day (--DY) of `date` relative to the reference start `reference`: day 1 is
 * the reference day, the day before it is day -1; there is no day 0 (SDTMIG v3.4, 4.4.4).
 */
export function studyDay(date: number, reference: number): number {
  return date >= reference ? date - reference + 1 : date - reference;
}
