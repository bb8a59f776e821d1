import { type ProblemError, validationError } from '@kada/service-kit';
import type { OrderStatus } from '../db/schema.ts';

/** The widest report a request may ask for. */
export const MAX_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;
const STATUSES: readonly OrderStatus[] = ['PENDING_PAYMENT', 'PAID', 'FAILED', 'CANCELLED'];

export interface DateRange {
  from: string;
  to: string;
}

type Query = Record<string, unknown>;

/** Collects query-parameter problems so a 400 lists them all (problem+json `errors`). */
export class QueryReader {
  readonly errors: ProblemError[] = [];
  private readonly query: Query;
  constructor(query: Query) {
    this.query = query;
  }

  string(name: string): string | undefined {
    const value = this.query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      this.errors.push({ parameter: name, detail: 'must be given once, as a string' });
      return undefined;
    }
    return value;
  }

  day(name: string): string | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const ms = Date.parse(`${value}T00:00:00Z`);
    if (
      !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
      Number.isNaN(ms) ||
      new Date(ms).toISOString().slice(0, 10) !== value
    ) {
      this.errors.push({ parameter: name, detail: 'must be a date, YYYY-MM-DD' });
      return undefined;
    }
    return value;
  }

  /** `from` and `to` (inclusive, UTC); defaults: the last 30 days up to today. */
  range(today = new Date()): DateRange {
    const to = this.day('to') ?? today.toISOString().slice(0, 10);
    const from = this.day('from') ?? addDays(to, -30);
    if (from > to) this.errors.push({ parameter: 'from', detail: 'must not be after to' });
    else if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS) {
      this.errors.push({ parameter: 'from', detail: `the range may span at most ${MAX_RANGE_DAYS} days` });
    }
    return { from, to };
  }

  integer(name: string, min: number, max: number, fallback: number): number {
    const value = this.string(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      this.errors.push({ parameter: name, detail: `must be an integer from ${min} to ${max}` });
      return fallback;
    }
    return n;
  }

  status(name: string): OrderStatus | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!(STATUSES as readonly string[]).includes(value)) {
      this.errors.push({ parameter: name, detail: `must be one of ${STATUSES.join(', ')}` });
      return undefined;
    }
    return value as OrderStatus;
  }

  currency(name: string, fallback: string): string {
    const value = this.string(name);
    if (value === undefined) return fallback;
    if (!/^[A-Z]{3}$/.test(value)) {
      this.errors.push({ parameter: name, detail: 'must be an ISO 4217 code, e.g. USD' });
      return fallback;
    }
    return value;
  }

  /** Throws the 400 problem when any parameter was wrong. */
  done(): void {
    if (this.errors.length === 0) return;
    throw validationError(
      this.errors,
      this.errors.length === 1 ? 'One query parameter is not valid.' : 'Some query parameters are not valid.',
    );
  }
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
