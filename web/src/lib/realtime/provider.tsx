"use client";
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { api, getToken, unwrap } from "../api/client";
import { useAuth } from "../auth/context";
import { WS_URL } from "../env";
import { applyReaction, findMessage, markDeleted, upsertMessage, type MessagePages } from "./apply";
import { RealtimeClient, type ConnectionStatus } from "./client";
import type { Room } from "../api/types";
import { applyChangedMessage, applyNewMessage, hasConversation, type ConversationPages } from "../conversations";
import type { RoomEvent } from "./frames";
import { conversationsKey, useConversationItems } from "@/hooks/queries/conversations";
import { useMe } from "@/hooks/queries/me";
import { messagesKey } from "@/hooks/queries/messages";
import {
  applyNotification,
  applyNotificationsRead,
  notificationsKey,
  resyncNotifications,
} from "@/hooks/queries/notifications";
import { membersKey, roomKey } from "@/hooks/queries/rooms";
import { refetchFresh } from "@/hooks/queries/fresh";
import { applySessionEvent } from "@/hooks/queries/sessions";
import { addRoomTip } from "@/hooks/use-room-tips";

interface RealtimeValue {
  client: RealtimeClient;
  status: ConnectionStatus;
}

const Ctx = createContext<RealtimeValue | null>(null);

/** Null until a user is signed in and the client exists. */
export function useRealtimeOptional(): RealtimeValue | null {
  return useContext(Ctx);
}

export function useRealtime(): RealtimeValue {
  const v = useContext(Ctx);
  if (!v) throw new Error("useRealtime outside RealtimeProvider");
  return v;
}

function makeClient() {
  return new RealtimeClient({
    url: `${WS_URL}/v1/ws`,
    getTicket: async () => (await unwrap(api.POST("/v1/ws/tickets"))).ticket,
    getToken,
    fetchEvents: async (roomId, after, limit) => {
      const page = await unwrap(
        api.GET("/v1/rooms/{room_id}/events", { params: { path: { room_id: roomId }, query: { after, limit } } }),
      );
      return page.items.map((e) => ({ room_id: e.room_id, seq: e.seq, event: e.kind, data: e.data }));
    },
  });
}

/**
 * A pay-per-view message open to me whose event came locked (room events are locked for
 * everyone): fetch it and show its body where the room is cached. For `message_unlocked`
 * (bought, or edited since) and for my own, sent from another device.
 */
async function openMessage(qc: QueryClient, roomId: string, messageId: string, messageSeq: number) {
  const key = messagesKey(roomId);
  if (!qc.getQueryData(key)) return;
  const page = await unwrap(
    api.GET("/v1/rooms/{room_id}/messages", {
      params: { path: { room_id: roomId }, query: { after: messageSeq - 1, limit: 1 } },
    }),
  );
  const m = page.items.find((x) => x.id === messageId);
  if (m) qc.setQueryData<MessagePages>(key, (d) => upsertMessage(d, m));
}

/** What applying an event needs besides the cache. */
interface EventContext {
  myUserId: string | undefined;
  /** The room this tab shows (a message there is read as it arrives). */
  viewing: string | null;
  /** Refetch the conversation list soon (coalesced): it is then exact. */
  bumpConversations(): void;
}

/** Apply one ordered room event to the query cache. */
function applyEvent(qc: QueryClient, ev: RoomEvent, ctx: EventContext) {
  const { myUserId, bumpConversations } = ctx;
  const key = messagesKey(ev.room_id);
  const patch = (fn: (d: MessagePages | undefined) => MessagePages | undefined) => qc.setQueryData<MessagePages>(key, fn);
  const patchList = (fn: (d: ConversationPages | undefined) => ConversationPages | undefined) =>
    qc.setQueryData<ConversationPages>(conversationsKey, fn);
  switch (ev.event) {
    case "message.created": {
      const mineLocked =
        ev.data.locked && ev.data.author_id === myUserId && !findMessage(qc.getQueryData<MessagePages>(key), ev.data.id)?.body;
      patch((d) => upsertMessage(d, ev.data));
      if (mineLocked) void openMessage(qc, ev.room_id, ev.data.id, ev.seq).catch(() => undefined);
      // The sidebar moves now (preview, order, unread); the refetch then makes it exact.
      patchList((d) => applyNewMessage(d, ev.data, { myId: myUserId, viewing: ctx.viewing === ev.room_id }));
      bumpConversations();
      break;
    }
    case "message.updated":
      patch((d) => upsertMessage(d, ev.data));
      patchList((d) => applyChangedMessage(d, ev.data));
      break;
    case "message.deleted":
      patch((d) => markDeleted(d, ev.data.id));
      patchList((d) => applyChangedMessage(d, ev.data));
      bumpConversations();
      break;
    case "reaction.added":
    case "reaction.removed":
      patch((d) => applyReaction(d, ev.data, ev.event === "reaction.added", myUserId));
      break;
    case "member.joined":
    case "member.left":
      void refetchFresh(qc, { queryKey: membersKey(ev.room_id) });
      void refetchFresh(qc, { queryKey: roomKey(ev.room_id), exact: true });
      if (ev.data.user_id === myUserId) bumpConversations();
      break;
    case "room.updated":
      // Events carry no my_role (every member shares them): keep mine.
      qc.setQueryData<Room>(roomKey(ev.room_id), (old) => ({ ...ev.data, my_role: ev.data.my_role ?? old?.my_role }));
      bumpConversations();
      break;
    case "tip.received":
      addRoomTip(qc, ev.room_id, { ...ev.data, seq: ev.seq });
      break;
    case "session.scheduled":
    case "session.updated":
    case "session.deleted":
    case "session.started":
    case "session.ended":
    case "session.participant_joined":
    case "session.participant_left":
    case "session.note_created":
    case "session.note_updated":
    case "session.note_deleted":
      applySessionEvent(qc, ev);
      break;
  }
}

export function RealtimeProvider({ children }: { children: ReactNode }) {
  const { signedIn, user } = useAuth();
  const qc = useQueryClient();
  const [client, setClient] = useState<RealtimeClient | null>(null);
  const [status, setStatus] = useState<ConnectionStatus>("idle");
  const me = useMe();
  const myId = useRef<string | undefined>(undefined);
  myId.current = me.data?.id;

  // One client per tab and per signed-in user.
  useEffect(() => {
    if (!signedIn) return;
    const c = makeClient();
    setClient(c);
    const offStatus = c.on("status", setStatus);
    let timer: ReturnType<typeof setTimeout> | null = null;
    const bump = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        void refetchFresh(qc, { queryKey: conversationsKey });
      }, 400);
    };
    const offEvent = c.on("event", (ev) => applyEvent(qc, ev, { myUserId: myId.current, viewing: c.viewingRoom, bumpConversations: bump }));
    // My notifications: another user's cache must never show; frames keep the bell live.
    qc.removeQueries({ queryKey: notificationsKey });
    const offNotif = [
      c.on("notification", (f) => {
        applyNotification(qc, f.notification);
        // A room I was added to (room_invite) or a DM someone opened with me is not in my
        // list yet, and nothing else tells this socket: fetch the list again.
        const roomId = f.notification.room_id;
        const known = roomId ? hasConversation(qc.getQueryData<ConversationPages>(conversationsKey), roomId) : false;
        if (!known || f.notification.kind === "room_invite") void refetchFresh(qc, { queryKey: conversationsKey });
        else bump();
      }),
      c.on("notificationsRead", (f) => applyNotificationsRead(qc, f.ids)),
      c.on("notificationsSubscribed", () => {
        resyncNotifications(qc);
        // (Re)connected: rooms I was added to meanwhile may be among frames not replayed.
        bump();
      }),
      c.on("messageUnlocked", (f) => void openMessage(qc, f.room_id, f.message_id, f.message_seq).catch(() => undefined)),
    ];
    const releaseNotif = c.subscribeNotifications();
    const offline = () => c.goOffline();
    const online = () => c.goOnline();
    window.addEventListener("offline", offline);
    window.addEventListener("online", online);
    if (typeof navigator !== "undefined" && navigator.onLine === false) c.goOffline();
    c.start();
    return () => {
      offStatus();
      offEvent();
      offNotif.forEach((off) => off());
      releaseNotif();
      window.removeEventListener("offline", offline);
      window.removeEventListener("online", online);
      if (timer) clearTimeout(timer);
      c.stop();
      setClient(null);
      setStatus("idle");
    };
  }, [signedIn, user?.id, qc]);

  const value = useMemo(() => (client ? { client, status } : null), [client, status]);
  return (
    <Ctx.Provider value={value}>
      {value && <ConversationSubscriptions client={value.client} />}
      {children}
    </Ctx.Provider>
  );
}

/** Follow every room in the sidebar (the pages loaded) so previews and badges move live. */
function ConversationSubscriptions({ client }: { client: RealtimeClient }) {
  const { items } = useConversationItems();
  const rooms = useMemo(() => items.map((c) => ({ id: c.room.id, lastSeq: c.room.last_seq })), [items]);
  const subs = useRef(new Map<string, () => void>());
  useEffect(() => {
    const wanted = new Set(rooms.map((r) => r.id));
    for (const [id, release] of subs.current) {
      if (!wanted.has(id)) {
        release();
        subs.current.delete(id);
      }
    }
    for (const r of rooms) if (!subs.current.has(r.id)) subs.current.set(r.id, client.subscribe(r.id, r.lastSeq));
  }, [rooms, client]);
  useEffect(() => {
    const map = subs.current;
    return () => {
      for (const release of map.values()) release();
      map.clear();
    };
  }, [client]);
  return null;
}
