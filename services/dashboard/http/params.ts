import { validationError } from '@kada/service-kit';

/** The widest report a request may ask for. */
export const MAX_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;

export interface DateRange {
  from: string;
  to: string;
}

/**
 * `from` and `to` (inclusive, UTC), whose form the generated validators checked; defaults: the last 30 days
 * up to today. Adds what a schema cannot say: from <= to and at most MAX_RANGE_DAYS days (400 otherwise).
 */
export function dateRange(query: { from?: string; to?: string }, today = new Date()): DateRange {
  const to = query.to ?? today.toISOString().slice(0, 10);
  const from = query.from ?? addDays(to, -30);
  if (from > to) throw validationError([{ parameter: 'from', detail: 'must not be after to' }]);
  if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS) {
    throw validationError([
      { parameter: 'from', detail: `the range may span at most ${MAX_RANGE_DAYS} days` },
    ]);
  }
  return { from, to };
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Every day from `from` to `to`, inclusive. */
export function eachDay(range: DateRange): string[] {
  const days: string[] = [];
  for (let day = range.from; day <= range.to; day = addDays(day, 1)) days.push(day);
  return days;
}
