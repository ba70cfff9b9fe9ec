"use client";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api/client";
import type { Message, PostMessage } from "@/lib/api/types";
import { applyReaction, markDeleted, upsertMessage, type MessagePages } from "@/lib/realtime/apply";

export const PAGE_SIZE = 50;
export const messagesKey = (roomId: string) => ["rooms", roomId, "messages"] as const;

/** History, newest page first; older pages come from `before` = oldest seq loaded. */
export function useRoomMessages(roomId: string, enabled = true) {
  return useInfiniteQuery({
    queryKey: messagesKey(roomId),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/v1/rooms/{room_id}/messages", {
          params: { path: { room_id: roomId }, query: { limit: PAGE_SIZE, before: pageParam ?? undefined } },
        }),
      ),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => {
      if (last.items.length < PAGE_SIZE) return undefined;
      return Math.min(...last.items.map((m) => m.seq));
    },
    enabled,
    // Live events keep this current; refetching all pages on focus would only cost.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    gcTime: 5 * 60_000,
  });
}

/** Messages newer than `afterSeq`, oldest first: closes the race between history and stream. */
export async function fetchMessagesAfter(roomId: string, afterSeq: number): Promise<Message[]> {
  const out: Message[] = [];
  let after = afterSeq;
  for (let i = 0; i < 10; i++) {
    const page = await unwrap(
      api.GET("/v1/rooms/{room_id}/messages", { params: { path: { room_id: roomId }, query: { after, limit: 100 } } }),
    );
    out.push(...page.items);
    if (page.items.length < 100) break;
    after = Math.max(...page.items.map((m) => m.seq));
  }
  return out;
}

export function postMessage(roomId: string, body: PostMessage) {
  return unwrap(api.POST("/v1/rooms/{room_id}/messages", { params: { path: { room_id: roomId } }, body }));
}

export function markRead(roomId: string, seq: number) {
  return unwrap(api.POST("/v1/rooms/{room_id}/read", { params: { path: { room_id: roomId } }, body: { seq } }));
}

export function useMessageMutations(roomId: string, myUserId: string | undefined) {
  const qc = useQueryClient();
  const patch = (fn: (d: MessagePages | undefined) => MessagePages | undefined) =>
    qc.setQueryData<MessagePages>(messagesKey(roomId), fn);

  const edit = useMutation({
    mutationFn: (v: { id: string; body: string }) =>
      unwrap(api.PATCH("/v1/messages/{message_id}", { params: { path: { message_id: v.id } }, body: { body: v.body } })),
    onSuccess: (m) => patch((d) => upsertMessage(d, m)),
  });

  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/v1/messages/{message_id}", { params: { path: { message_id: id } } })),
    onSuccess: (_r, id) => patch((d) => markDeleted(d, id)),
  });

  const react = useMutation({
    mutationFn: (v: { id: string; emoji: string; add: boolean }) => {
      const params = { params: { path: { message_id: v.id, emoji: v.emoji } } };
      return v.add
        ? unwrap(api.PUT("/v1/messages/{message_id}/reactions/{emoji}", params))
        : unwrap(api.DELETE("/v1/messages/{message_id}/reactions/{emoji}", params));
    },
    // Optimistic: the event that follows carries the authoritative count.
    onMutate: (v) => {
      if (myUserId) patch((d) => applyReaction(d, { message_id: v.id, emoji: v.emoji, user_id: myUserId }, v.add, myUserId));
    },
    onSuccess: (m) => {
      if (m && typeof m === "object" && "id" in m) patch((d) => upsertMessage(d, m as Message));
    },
    onError: () => qc.invalidateQueries({ queryKey: messagesKey(roomId) }),
  });

  return { edit, remove, react };
}
