"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { upsertMessage, type MessagePages } from "@/lib/realtime/apply";
import { useRealtimeOptional } from "@/lib/realtime/provider";
import { fetchMessagesAfter, messagesKey } from "./queries/messages";

/**
 * Follows a room's live stream while I am a member, and once the first page of history has
 * loaded, fetches what was posted meanwhile (events that arrived while the page was in
 * flight had no cache to land in).
 */
export function useRoomSubscription({
  roomId,
  isMember,
  lastSeq,
  loaded,
  newestSeq,
}: {
  roomId: string;
  isMember: boolean;
  /** The room's last_seq as loaded: anchors a stream the client does not track yet. */
  lastSeq: number | null;
  /** The first page of messages has loaded. */
  loaded: boolean;
  /** The newest seq in the loaded messages. */
  newestSeq: number;
}) {
  const qc = useQueryClient();
  const rt = useRealtimeOptional();

  const lastSeqHint = useRef<number | null>(null);
  lastSeqHint.current = lastSeq;
  useEffect(() => {
    if (!rt || !isMember) return;
    return rt.client.subscribe(roomId, lastSeqHint.current);
  }, [rt, roomId, isMember]);

  // This tab shows the room while it is visible: the server then sends no push for it.
  useEffect(() => {
    if (!rt || !isMember) return;
    const client = rt.client;
    const sync = () => client.view(document.visibilityState === "visible" ? roomId : null);
    sync();
    document.addEventListener("visibilitychange", sync);
    return () => {
      document.removeEventListener("visibilitychange", sync);
      client.view(null);
    };
  }, [rt, roomId, isMember]);

  const caughtUp = useRef<string | null>(null);
  useEffect(() => {
    if (!loaded || caughtUp.current === roomId) return;
    caughtUp.current = roomId;
    const after = newestSeq;
    fetchMessagesAfter(roomId, after)
      .then((ms) => ms.forEach((m) => qc.setQueryData<MessagePages>(messagesKey(roomId), (d) => upsertMessage(d, m))))
      .catch(() => undefined);
  }, [loaded, roomId, newestSeq, qc]);
}
