"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo } from "react";
import type { Member, Message, PublicProfile } from "@/lib/api/types";
import type { ConnectionStatus } from "@/lib/realtime/client";
import { membersKey } from "./queries/rooms";

/**
 * Where each other member has read up to, as the message to show them under: the later of
 * the members list's `last_read_seq` and the live `read` frames.
 */
export function useReadersByMessage({
  roomId,
  members,
  liveReads,
  messages,
  myId,
  status,
}: {
  roomId: string;
  members: Member[] | undefined;
  /** user id → seq, from `read` frames. */
  liveReads: Record<string, number>;
  /** The room's messages in display order (oldest first). */
  messages: Message[];
  myId: string | undefined;
  status: ConnectionStatus | undefined;
}): Map<string, PublicProfile[]> {
  const qc = useQueryClient();

  // Read positions are ephemeral frames: those sent while we were away are only in the members list.
  useEffect(() => {
    if (status !== "open") return;
    void qc.invalidateQueries({ queryKey: membersKey(roomId) });
  }, [status, qc, roomId]);

  return useMemo(() => {
    const out = new Map<string, PublicProfile[]>();
    for (const m of members ?? []) {
      if (m.user.id === myId) continue;
      const seq = Math.max(m.last_read_seq ?? 0, liveReads[m.user.id] ?? 0);
      let target: Message | undefined;
      for (const msg of messages) if (msg.seq <= seq) target = msg;
      // Seeing your own message says nothing.
      if (target && target.author_id !== m.user.id) out.set(target.id, [...(out.get(target.id) ?? []), m.user]);
    }
    return out;
  }, [members, liveReads, messages, myId]);
}
