import { validationError } from './validate.ts';

/**
 * Keyset pagination, newest first, as the list routes page: a page is the rows after a position
 * (createdAt, id), and its `nextCursor` names the last row's position, opaque to the client
 * (base64url of `[createdAt, id]`).
 */
export interface PagePosition {
  readonly createdAt: string;
  readonly id: string;
}

/** The position a `nextCursor` names; undefined for a string this API did not hand out. */
export function decodeCursor(cursor: string): PagePosition | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string'
    ) {
      return { createdAt: value[0], id: value[1] };
    }
  } catch {
    // not ours
  }
  return undefined;
}

/** A `cursor` query parameter as a position (none when absent); a 400 problem for a cursor not ours. */
export function cursorParameter(cursor: string | undefined): PagePosition | undefined {
  if (cursor === undefined) return undefined;
  const position = decodeCursor(cursor);
  if (!position)
    throw validationError([{ parameter: 'cursor', detail: 'is not a cursor this API returned' }]);
  return position;
}

/**
 * The page of `limit` rows out of `rows`, which the query fetched with `limit + 1` so that a further page
 * shows; `nextCursor` names the last row's position (`positionOf`), or is null on the last page.
 */
export function pageOf<Row>(
  rows: readonly Row[],
  limit: number,
  positionOf: (row: Row) => PagePosition,
): { page: Row[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  if (rows.length <= limit || last === undefined) return { page, nextCursor: null };
  const { createdAt, id } = positionOf(last);
  return { page, nextCursor: Buffer.from(JSON.stringify([createdAt, id])).toString('base64url') };
}
