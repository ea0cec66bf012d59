/**
 * The arithmetic of the trend charts, apart from the drawing so that it can be tested: a time
 * axis in days (UTC, so no time zone shifts a visit to the day before) with month ticks, and a
 * value axis from 0 with round steps (1, 2 or 5 times a power of ten).
 */

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of an ISO date (YYYY-MM-DD). */
export function dayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1) / DAY_MS;
}

/** A linear map from [d0, d1] onto [r0, r1] (a degenerate domain maps to the middle). */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (v) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
}

/**
 * Round ticks from 0 to at least `max`, at most about `count` of them, never closer than 1:
 * both charted measures (a joint count, a 0-40 score) read in whole units.
 */
export function valueTicks(max: number, count = 5): number[] {
  const top = Math.max(max, 1);
  const raw = Math.max(top / count, 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = 0; v < top + step; v += step) {
    ticks.push(Number(v.toFixed(6)));
    if (v >= top) break;
  }
  return ticks;
}

/** First days of months between two days, every 1, 3, 6 or 12 months: at most `count`. */
export function monthTicks(from: number, to: number, count = 7): string[] {
  const start = new Date(from * DAY_MS);
  const months = (to - from) / 30.4;
  const every = [1, 3, 6, 12, 24].find((n) => months / n <= count) ?? 24;
  const ticks: string[] = [];
  let y = start.getUTCFullYear();
  let m = start.getUTCMonth() + 1;
  // Align on multiples of the step (January, April, July, October for a quarter).
  while ((m - 1) % every !== 0 || dayOf(iso(y, m)) < from) {
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  for (let at = dayOf(iso(y, m)); at <= to; at = dayOf(iso(y, m))) {
    ticks.push(iso(y, m));
    m += every;
    while (m > 12) {
      m -= 12;
      y += 1;
    }
  }
  return ticks;
}

const iso = (y: number, m: number) => `${y}-${String(m).padStart(2, '0')}-01`;
