import type { QueryClient, QueryFilters } from "@tanstack/react-query";

/**
 * Ask again for answers an event made stale. A fetch in flight may predate the event, so it
 * is cancelled first: invalidating alone is not enough, because TanStack Query joins a
 * first fetch (no data yet) in flight instead of restarting it, and that answer would stay.
 */
export function refetchFresh(qc: QueryClient, filters: QueryFilters): Promise<void> {
  return qc.cancelQueries(filters).then(() => qc.invalidateQueries(filters));
}
