"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import type { Member, Message } from "@/lib/api/types";
import { markConversationRead, type ConversationPages } from "@/lib/conversations";
import { conversationsKey } from "./queries/conversations";
import { markRead } from "./queries/messages";

/**
 * My read position in a room: moves it to the newest message while the page is visible
 * (and clears the room's unread badge), and returns where the "New" divider goes.
 */
export function useReadMarker({
  roomId,
  isMember,
  messages,
  loaded,
  members,
  myId,
}: {
  roomId: string;
  isMember: boolean;
  /** The room's messages in display order (oldest first). */
  messages: Message[];
  /** The first page of messages has loaded. */
  loaded: boolean;
  members: Member[] | undefined;
  myId: string | undefined;
}) {
  const qc = useQueryClient();
  const newestSeq = messages.length ? messages[messages.length - 1].seq : 0;

  // What was sent, and what is seen but waits for the debounce, per room.
  const lastReadSent = useRef<{ roomId: string; seq: number }>({ roomId, seq: 0 });
  const unsent = useRef<{ roomId: string; seq: number } | null>(null);
  const flush = useCallback(() => {
    const p = unsent.current;
    unsent.current = null;
    const sent = lastReadSent.current;
    if (!p || (sent.roomId === p.roomId && p.seq <= sent.seq)) return;
    lastReadSent.current = p;
    const clear = () => qc.setQueryData<ConversationPages>(conversationsKey, (d) => markConversationRead(d, p.roomId));
    clear();
    // Again once stored: a list fetched meanwhile may still count these as unread.
    markRead(p.roomId, p.seq).then(clear, () => undefined);
  }, [qc]);

  useEffect(() => {
    const sent = lastReadSent.current;
    if (!isMember || (sent.roomId === roomId && newestSeq <= sent.seq)) return;
    if (typeof document !== "undefined" && document.visibilityState !== "visible") return;
    unsent.current = { roomId, seq: newestSeq };
    // Debounced while messages stream in…
    const t = setTimeout(flush, 500);
    return () => clearTimeout(t);
  }, [newestSeq, isMember, roomId, flush]);
  // …but what was on screen counts as read when I leave the room before it fires.
  useEffect(() => () => flush(), [roomId, flush]);

  // The "New" divider marks, once, the first message from others I had not read when I
  // opened the room; messages that arrive while I watch do not move it.
  const [dividerSeq, setDividerSeq] = useState<number | null | undefined>(undefined);
  useEffect(() => {
    if (dividerSeq !== undefined || !myId || !members || !loaded) return;
    const read = members.find((m) => m.user.id === myId)?.last_read_seq ?? 0;
    const first = messages.find((m) => m.seq > read && m.author_id !== myId && !m.deleted);
    setDividerSeq(first ? first.seq - 1 : null);
  }, [dividerSeq, myId, members, loaded, messages]);

  return { dividerSeq: dividerSeq ?? null };
}
