"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import type { Conversation, Member, Message } from "@/lib/api/types";
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

  const lastReadSent = useRef(0);
  useEffect(() => {
    lastReadSent.current = 0;
  }, [roomId]);
  useEffect(() => {
    if (!isMember || newestSeq <= lastReadSent.current) return;
    if (typeof document !== "undefined" && document.visibilityState !== "visible") return;
    const t = setTimeout(() => {
      lastReadSent.current = newestSeq;
      markRead(roomId, newestSeq).catch(() => undefined);
      qc.setQueryData<{ items: Conversation[] }>(conversationsKey, (d) =>
        d ? { ...d, items: d.items.map((c) => (c.room.id === roomId ? { ...c, unread_count: 0 } : c)) } : d,
      );
    }, 500);
    return () => clearTimeout(t);
  }, [newestSeq, isMember, roomId, qc]);

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
