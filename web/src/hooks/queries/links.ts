"use client";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api/client";
import type { CreateLink, LinkPage, LinkView, UpdateLink } from "@/lib/api/types";
import { useAuth } from "@/lib/auth/context";
import { CHART_DAYS } from "@/lib/links";

export const linksKey = ["links"] as const;
const listKey = [...linksKey, "list"] as const;
const statsKey = (id: string, days: number) => [...linksKey, "stats", id, days] as const;

const PAGE = 20;

/** My short links, newest first, optionally only those with a tag. */
export function useLinks(tag: string | null) {
  const { user } = useAuth();
  return useInfiniteQuery({
    queryKey: [...listKey, user?.id ?? null, tag],
    // Clicks keep coming in: ask again whenever the list is shown.
    staleTime: 0,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET("/v1/links", { params: { query: { tag: tag ?? undefined, cursor: pageParam ?? undefined, limit: PAGE } } })),
    initialPageParam: null as string | null,
    getNextPageParam: (last: LinkPage) => last.next_cursor ?? undefined,
  });
}

/** A link's clicks per UTC day over the last `days` days (today included), oldest first. */
export function useLinkStats(id: string, days = CHART_DAYS) {
  return useQuery({
    queryKey: statsKey(id, days),
    queryFn: () => unwrap(api.GET("/v1/links/{link_id}/stats", { params: { path: { link_id: id }, query: { days } } })),
    staleTime: 0,
  });
}

/** The list and every chart asked again (clicks are written every few seconds). */
export function useRefreshLinks() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: linksKey });
}

function refreshList(qc: QueryClient) {
  void qc.invalidateQueries({ queryKey: listKey });
}

/**
 * Shorten a URL. `created` is false when the API answered my existing link for the same URL
 * (200) rather than a new one (201).
 */
export function useCreateLink() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreateLink): Promise<{ link: LinkView; created: boolean }> => {
      let status = 0;
      const link = await unwrap(
        api.POST("/v1/links", { body }).then((r) => {
          status = r.response.status;
          return r;
        }),
      );
      return { link, created: status === 201 };
    },
    onSuccess: () => refreshList(qc),
  });
}

/** A link's new title (null removes it) and/or tags (they replace the old ones). */
export function useUpdateLink() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; body: UpdateLink }) =>
      unwrap(api.PATCH("/v1/links/{link_id}", { params: { path: { link_id: v.id } }, body: v.body })),
    onSuccess: () => refreshList(qc),
  });
}

/** Delete a link: its short URL answers 404 from then on. */
export function useDeleteLink() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/v1/links/{link_id}", { params: { path: { link_id: id } } })),
    onSuccess: (_, id) => {
      qc.removeQueries({ queryKey: [...linksKey, "stats", id] });
      refreshList(qc);
    },
  });
}

/** The short link of one of my booking types' public page: made the first time, the same after. */
export function useBookingTypeLink() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (bookingTypeId: string) =>
      unwrap(api.POST("/v1/booking-types/{booking_type_id}/link", { params: { path: { booking_type_id: bookingTypeId } } })),
    onSuccess: () => refreshList(qc),
  });
}
