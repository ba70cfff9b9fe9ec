"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ApiError, errorMessage } from "@/lib/api/client";
import type { Mentions, Message, PostMessage, PpvRequest } from "@/lib/api/types";
import { upsertMessage, type MessagePages } from "@/lib/realtime/apply";
import type { ConnectionStatus } from "@/lib/realtime/client";
import { newId } from "@/lib/utils";
import { messagesKey, postMessage } from "./queries/messages";

export interface PendingAttachment {
  id: string;
  name: string;
}

/** A message being sent, or that failed to send, shown after the room's messages. */
export interface PendingMessage {
  client_msg_id: string;
  body: string;
  reply_to: string | null;
  mentions?: Mentions;
  /** Uploaded files it carries (ids for the API, names to show meanwhile). */
  attachments?: PendingAttachment[];
  /** Sold as pay-per-view at this price. */
  ppv?: PpvRequest;
  status: "sending" | "failed";
  error?: string;
  created_at: string;
  /** The newest seq when it was sent: its message is one after this. */
  baselineSeq: number;
}

/**
 * The POST body for a pending message. An attachment-only message has no `body` at all:
 * the API refuses an empty one (and takes a missing one when `attachment_ids` is set).
 */
export function messageRequest(
  p: Pick<PendingMessage, "client_msg_id" | "body" | "reply_to" | "mentions" | "attachments" | "ppv">,
): PostMessage {
  return {
    ...(p.body ? { body: p.body } : {}),
    client_msg_id: p.client_msg_id,
    ...(p.reply_to ? { reply_to: p.reply_to } : {}),
    ...(p.mentions ? { mentions: p.mentions } : {}),
    ...(p.attachments?.length ? { attachment_ids: p.attachments.map((a) => a.id) } : {}),
    ...(p.ppv ? { ppv: p.ppv } : {}),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const retriable = (e: unknown) => e instanceof ApiError && (e.status === 0 || e.status === 408 || e.status === 429 || e.status >= 500);

/**
 * Sending with optimistic display and idempotent retry: a message shows as pending at once,
 * is posted (retried on transient errors) with one client_msg_id, and is resent when the
 * socket is back after a failure.
 */
export function usePendingSends({
  roomId,
  messages,
  myId,
  status,
}: {
  roomId: string;
  /** The room's messages in display order (oldest first). */
  messages: Message[];
  myId: string | undefined;
  status: ConnectionStatus | undefined;
}) {
  const qc = useQueryClient();
  const [pending, setPending] = useState<PendingMessage[]>([]);
  const newestSeq = messages.length ? messages[messages.length - 1].seq : 0;

  const deliver = useCallback(
    async (p: PendingMessage) => {
      setPending((ps) => ps.map((x) => (x.client_msg_id === p.client_msg_id ? { ...x, status: "sending", error: undefined } : x)));
      for (let attempt = 0; ; attempt++) {
        try {
          // Same client_msg_id on every try: the API answers a repeat with the original message.
          const m = await postMessage(roomId, messageRequest(p));
          qc.setQueryData<MessagePages>(messagesKey(roomId), (d) => upsertMessage(d, m));
          setPending((ps) => ps.filter((x) => x.client_msg_id !== p.client_msg_id));
          return;
        } catch (e) {
          if (!retriable(e) || attempt >= 2) {
            setPending((ps) => ps.map((x) => (x.client_msg_id === p.client_msg_id ? { ...x, status: "failed", error: errorMessage(e) } : x)));
            return;
          }
          await sleep(800 * 2 ** attempt);
        }
      }
    },
    [roomId, qc],
  );

  const send = useCallback(
    (body: string, replyTo: string | null, mentions?: Mentions, attachments?: PendingAttachment[], ppv?: PpvRequest) => {
      const p: PendingMessage = {
        client_msg_id: newId(),
        body,
        reply_to: replyTo,
        mentions,
        attachments,
        ppv,
        status: "sending",
        created_at: new Date().toISOString(),
        baselineSeq: newestSeq,
      };
      setPending((ps) => [...ps, p]);
      void deliver(p);
    },
    [newestSeq, deliver],
  );

  const retry = useCallback((p: PendingMessage) => void deliver(p), [deliver]);
  const discard = useCallback((p: PendingMessage) => setPending((ps) => ps.filter((x) => x.client_msg_id !== p.client_msg_id)), []);

  // Back online: resend whatever failed, with the same ids.
  const pendingRef = useRef(pending);
  pendingRef.current = pending;
  useEffect(() => {
    if (status !== "open") return;
    for (const p of pendingRef.current) if (p.status === "failed") void deliver(p);
  }, [status, deliver]);

  // The POST answer and the socket event race; hide a pending copy once its message shows.
  // (Messages carry the client_msg_id they were posted with.)
  const visiblePending = useMemo(() => {
    const claimed = new Set<string>();
    return pending.filter((p) => {
      const match = messages.find(
        (m) => !claimed.has(m.id) && m.author_id === myId && m.seq > p.baselineSeq && m.client_msg_id === p.client_msg_id,
      );
      if (match) claimed.add(match.id);
      return !match;
    });
  }, [pending, messages, myId]);

  return { visiblePending, send, retry, discard };
}
