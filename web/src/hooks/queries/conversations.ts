"use client";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { api, unwrap } from "@/lib/api/client";
import type { AppNotification } from "@/lib/api/types";
import { useAuth } from "@/lib/auth/context";
import {
  dropReadMentions,
  flattenConversations,
  MENTION_KINDS,
  mentionsByRoom,
  upsertUnreadMention,
  type ConversationPages,
} from "@/lib/conversations";

export const conversationsKey = ["conversations"] as const;
/** Under the notifications key, so a feed resync refetches it too. */
export const unreadMentionsKey = ["notifications", "unread-mentions"] as const;

export const CONVERSATIONS_PAGE = 30;

/**
 * My rooms and DMs by last activity, a page at a time ("Load more"). Kept live by the
 * socket (see the realtime provider): room events patch it, feed frames refetch it.
 */
export function useConversations() {
  const { signedIn } = useAuth();
  return useInfiniteQuery({
    queryKey: conversationsKey,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET("/v1/conversations", { params: { query: { cursor: pageParam ?? undefined, limit: CONVERSATIONS_PAGE } } })),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled: signedIn,
    staleTime: 15_000,
    // A safety net only: new rooms and DMs arrive as feed frames (room_invite, dm).
    refetchInterval: 120_000,
  });
}

/** The loaded conversations, once each, most recent first. */
export function useConversationItems() {
  const q = useConversations();
  const items = useMemo(() => flattenConversations(q.data as ConversationPages | undefined), [q.data]);
  return { ...q, items };
}

export function useStartDm() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => unwrap(api.POST("/v1/dms", { body: { user_id: userId } })),
    onSuccess: (room) => {
      qc.setQueryData(["rooms", room.id], room);
      void qc.invalidateQueries({ queryKey: conversationsKey });
    },
  });
}

// ---- unread mentions (the sidebar's @ badges) ---------------------------------------------

/**
 * My unread mentions per room: fetched once (among my newest 100 unread notifications), then
 * kept by the notifications stream (new ones, ones read elsewhere, a resync refetches).
 */
export function useUnreadMentions() {
  const { signedIn } = useAuth();
  const q = useQuery({
    queryKey: unreadMentionsKey,
    queryFn: async () =>
      (await unwrap(api.GET("/v1/notifications", { params: { query: { unread: true, limit: 100 } } }))).items.filter((n) =>
        MENTION_KINDS.has(n.kind),
      ),
    enabled: signedIn,
    staleTime: 60_000,
  });
  return useMemo(() => mentionsByRoom(q.data), [q.data]);
}

export function applyMentionNotification(qc: QueryClient, n: AppNotification) {
  qc.setQueryData<AppNotification[]>(unreadMentionsKey, (d) => upsertUnreadMention(d, n));
}

export function applyMentionsRead(qc: QueryClient, ids: string[] | null) {
  qc.setQueryData<AppNotification[]>(unreadMentionsKey, (d) => dropReadMentions(d, ids));
}
