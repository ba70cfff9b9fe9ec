// Every page of a cursor-paged list (`{items, next_cursor}`), for the few lists the app
// needs whole (one's tiers, one's subscriptions). Pure apart from the fetch it is given.

/** One page of any list endpoint. */
export interface CursorPage<T> {
  items: T[];
  next_cursor?: string | null;
}

/** A page fetch: `cursor` null for the first page. */
export type PageFetcher<T> = (cursor: string | null) => Promise<CursorPage<T>>;

/**
 * Fetches pages until `next_cursor` is null and returns their items in order. A cursor seen
 * twice (a server bug) or more than `maxPages` pages stop with an error rather than loop.
 */
export async function fetchAllPages<T>(fetchPage: PageFetcher<T>, maxPages = 100): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const got: CursorPage<T> = await fetchPage(cursor);
    items.push(...got.items);
    const next = got.next_cursor ?? null;
    if (next === null) return items;
    if (seen.has(next)) throw new Error(`fetchAllPages: cursor ${next} repeated`);
    seen.add(next);
    cursor = next;
  }
  throw new Error(`fetchAllPages: more than ${maxPages} pages`);
}
