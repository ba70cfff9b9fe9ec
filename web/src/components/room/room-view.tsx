"use client";
import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ApiError, errorMessage } from "@/lib/api/client";
import type { Conversation, Member, Message, User } from "@/lib/api/types";
import { orderedMessages, upsertMessage, type MessagePages } from "@/lib/realtime/apply";
import { useRealtimeOptional } from "@/lib/realtime/provider";
import { newId } from "@/lib/utils";
import { conversationsKey } from "@/hooks/queries/conversations";
import { useMe } from "@/hooks/queries/me";
import { fetchMessagesAfter, markRead, messagesKey, postMessage, useMessageMutations, useRoomMessages } from "@/hooks/queries/messages";
import { membersKey, useJoinRoom, useLeaveRoom, useMembers, useRoom } from "@/hooks/queries/rooms";
import { useUser } from "@/hooks/queries/users";
import { useRoomLive } from "@/hooks/use-room-live";
import { RoomIcon, useRoomDisplay } from "../room-title";
import { Button } from "../ui/button";
import { Card, CardContent } from "../ui/card";
import { Dialog } from "../ui/dialog";
import { EmptyState, ErrorState, Loading, Skeleton } from "../ui/states";
import { Composer, type ComposerHandle } from "./composer";
import { MemberPanel } from "./member-panel";
import { MessageItem, PendingItem, type PendingMessage } from "./message-item";
import { MessageList } from "./message-list";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const retriable = (e: unknown) => e instanceof ApiError && (e.status === 0 || e.status === 408 || e.status === 429 || e.status >= 500);

/** A message whose author left the room is looked up on its own. */
function RoomMessage(props: Omit<React.ComponentProps<typeof MessageItem>, "author"> & { memberUser?: User }) {
  const { memberUser, ...rest } = props;
  const fallback = useUser(props.message.author_id, !memberUser);
  return <MessageItem {...rest} author={memberUser ?? fallback.data} />;
}

export function RoomView({ roomId }: { roomId: string }) {
  const qc = useQueryClient();
  const router = useRouter();
  const room = useRoom(roomId);
  const me = useMe();
  const myId = me.data?.id;
  const rt = useRealtimeOptional();
  const isMember = Boolean(room.data && (room.data.my_role || room.data.kind === "direct"));
  const messages = useRoomMessages(roomId, isMember);
  const members = useMembers(roomId, isMember);
  const live = useRoomLive(roomId, myId);
  const join = useJoinRoom();
  const leave = useLeaveRoom();
  const { edit, remove, react } = useMessageMutations(roomId, myId);
  const display = useRoomDisplay(room.data);

  const [pending, setPending] = useState<PendingMessage[]>([]);
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<Message | null>(null);
  const [showMembers, setShowMembers] = useState(false);
  const composer = useRef<ComposerHandle>(null);

  const list = useMemo(() => orderedMessages(messages.data as MessagePages | undefined), [messages.data]);
  const newestSeq = list.length ? list[list.length - 1].seq : 0;
  const byId = useMemo(() => new Map(list.map((m) => [m.id, m])), [list]);
  const memberMap = useMemo(() => new Map((members.data?.items ?? []).map((m: Member) => [m.user.id, m])), [members.data]);
  const canModerate = room.data?.my_role === "owner" || room.data?.my_role === "moderator";

  // ---- live stream -------------------------------------------------------------
  const lastSeqHint = useRef<number | null>(null);
  lastSeqHint.current = room.data?.last_seq ?? null;
  useEffect(() => {
    if (!rt || !isMember) return;
    return rt.client.subscribe(roomId, lastSeqHint.current);
  }, [rt, roomId, isMember]);

  // Events that arrived while the first page was in flight had no cache to land in.
  const caughtUp = useRef<string | null>(null);
  useEffect(() => {
    if (!messages.isSuccess || caughtUp.current === roomId) return;
    caughtUp.current = roomId;
    const after = newestSeq;
    fetchMessagesAfter(roomId, after)
      .then((ms) => ms.forEach((m) => qc.setQueryData<MessagePages>(messagesKey(roomId), (d) => upsertMessage(d, m))))
      .catch(() => undefined);
  }, [messages.isSuccess, roomId, newestSeq, qc]);

  // ---- sending with optimistic display and idempotent retry ---------------------
  const deliver = useCallback(
    async (p: PendingMessage) => {
      setPending((ps) => ps.map((x) => (x.client_msg_id === p.client_msg_id ? { ...x, status: "sending", error: undefined } : x)));
      for (let attempt = 0; ; attempt++) {
        try {
          // Same client_msg_id on every try: the API answers a repeat with the original message.
          const m = await postMessage(roomId, {
            body: p.body,
            client_msg_id: p.client_msg_id,
            ...(p.reply_to ? { reply_to: p.reply_to } : {}),
          });
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
    (body: string) => {
      const p: PendingMessage = {
        client_msg_id: newId(),
        body,
        reply_to: replyTo?.id ?? null,
        status: "sending",
        created_at: new Date().toISOString(),
        baselineSeq: newestSeq,
      };
      setPending((ps) => [...ps, p]);
      setReplyTo(null);
      void deliver(p);
    },
    [replyTo, newestSeq, deliver],
  );

  // Back online: resend whatever failed, with the same ids.
  const pendingRef = useRef(pending);
  pendingRef.current = pending;
  const status = rt?.status;
  useEffect(() => {
    if (status !== "open") return;
    for (const p of pendingRef.current) if (p.status === "failed") void deliver(p);
    // Read positions are ephemeral frames: those sent while we were away are only in the members list.
    void qc.invalidateQueries({ queryKey: membersKey(roomId) });
  }, [status, deliver, qc, roomId]);

  // The POST answer and the socket event race; hide a pending copy once its message shows.
  // (Messages carry the client_msg_id they were posted with.)
  const visiblePending = useMemo(() => {
    const claimed = new Set<string>();
    return pending.filter((p) => {
      const match = list.find(
        (m) =>
          !claimed.has(m.id) &&
          m.author_id === myId &&
          m.seq > p.baselineSeq &&
          m.client_msg_id === p.client_msg_id,
      );
      if (match) claimed.add(match.id);
      return !match;
    });
  }, [pending, list, myId]);

  // ---- read markers --------------------------------------------------------------
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
    if (dividerSeq !== undefined || !myId || !members.data || !messages.isSuccess) return;
    const read = members.data.items.find((m) => m.user.id === myId)?.last_read_seq ?? 0;
    const first = list.find((m) => m.seq > read && m.author_id !== myId && !m.deleted);
    setDividerSeq(first ? first.seq - 1 : null);
  }, [dividerSeq, myId, members.data, messages.isSuccess, list]);

  // Where each other member has read up to, shown under that message.
  const readersByMessage = useMemo(() => {
    const out = new Map<string, User[]>();
    for (const m of members.data?.items ?? []) {
      if (m.user.id === myId) continue;
      const seq = Math.max(m.last_read_seq ?? 0, live.reads[m.user.id] ?? 0);
      let target: Message | undefined;
      for (const msg of list) if (msg.seq <= seq) target = msg;
      // Seeing your own message says nothing.
      if (target && target.author_id !== m.user.id) out.set(target.id, [...(out.get(target.id) ?? []), m.user]);
    }
    return out;
  }, [members.data, live.reads, list, myId]);

  // ---- rendering ---------------------------------------------------------------
  if (room.isPending) return <Loading label="Opening room…" className="h-full" />;
  if (room.isError)
    return (
      <div className="p-8">
        <ErrorState
          error={room.error instanceof ApiError && room.error.status === 404 ? "This room does not exist or you cannot see it." : errorMessage(room.error)}
          onRetry={() => room.refetch()}
        />
        <p className="mt-4 text-center text-sm">
          <Link href="/rooms" className="text-primary hover:underline">
            Back to rooms
          </Link>
        </p>
      </div>
    );
  const r = room.data;

  if (!isMember)
    return (
      <div className="flex h-full items-center justify-center p-4">
        <Card className="w-full max-w-md" data-testid="join-prompt">
          <CardContent className="flex flex-col items-center gap-3 p-8 text-center">
            <RoomIcon room={r} size="md" />
            <h1 className="text-xl font-bold">{r.name}</h1>
            <p className="text-sm text-muted-foreground">{r.description || "No description"}</p>
            <p className="text-xs text-muted-foreground">{r.member_count} members</p>
            {r.kind === "public" ? (
              <Button data-testid="join-room" disabled={join.isPending} onClick={() => join.mutate(r.id)}>
                {join.isPending ? "Joining…" : "Join room"}
              </Button>
            ) : (
              <p className="text-sm">This room is private: ask a moderator for an invite.</p>
            )}
            {join.isError && <p className="text-sm text-red-600 dark:text-red-400">{errorMessage(join.error)}</p>}
          </CardContent>
        </Card>
      </div>
    );

  const nameOf = (id: string) => memberMap.get(id)?.user.display_name ?? qc.getQueryData<User>(["users", id])?.display_name;
  const typingNames = live.typingIds.map((id) => nameOf(id) ?? "Someone");
  const onlineCount = live.online?.length;

  return (
    <div className="relative flex h-full min-h-0" data-testid="room-view" data-room-id={r.id}>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-14 shrink-0 items-center gap-3 border-b border-border px-3 sm:px-4">
          <RoomIcon room={r} />
          <div className="min-w-0 flex-1">
            <h1 className="truncate font-semibold leading-tight" data-testid="room-name">
              {display.name || r.name}
            </h1>
            <p className="truncate text-xs text-muted-foreground">
              {r.kind !== "direct" && `${r.member_count} member${r.member_count === 1 ? "" : "s"}`}
              {onlineCount !== undefined && (
                <span data-testid="online-count">
                  {r.kind !== "direct" && " · "}
                  <span className="text-emerald-600 dark:text-emerald-400">● {onlineCount} online</span>
                </span>
              )}
              {r.description && r.kind !== "direct" ? ` · ${r.description}` : ""}
            </p>
          </div>
          <Button variant="ghost" size="sm" onClick={() => setShowMembers((v) => !v)} data-testid="toggle-members" aria-expanded={showMembers}>
            👥 <span className="hidden sm:inline">Members</span>
          </Button>
          {r.kind !== "direct" && r.my_role !== "owner" && (
            <Button
              variant="ghost"
              size="sm"
              data-testid="leave-room"
              onClick={() => {
                if (window.confirm(`Leave ${r.name}?`)) leave.mutate(r.id, { onSuccess: () => router.push("/dashboard") });
              }}
            >
              Leave
            </Button>
          )}
        </header>

        {messages.isPending ? (
          <div className="flex flex-1 flex-col justify-end gap-4 p-4">
            {[0, 1, 2, 3].map((i) => (
              <div key={i} className="flex gap-3">
                <Skeleton className="h-8 w-8 rounded-full" />
                <div className="flex flex-1 flex-col gap-1.5">
                  <Skeleton className="h-3 w-24" />
                  <Skeleton className="h-4" style={{ width: `${40 + i * 12}%` }} />
                </div>
              </div>
            ))}
          </div>
        ) : messages.isError ? (
          <div className="flex-1 p-6">
            <ErrorState error={errorMessage(messages.error)} onRetry={() => messages.refetch()} />
          </div>
        ) : list.length === 0 && visiblePending.length === 0 ? (
          <div className="flex flex-1 items-center justify-center">
            <EmptyState icon="👋" title="No messages yet">
              Say hello to get the conversation going.
            </EmptyState>
          </div>
        ) : (
          <MessageList
            messages={list}
            hasOlder={Boolean(messages.hasNextPage)}
            loadingOlder={messages.isFetchingNextPage}
            onLoadOlder={() => void messages.fetchNextPage()}
            newDividerAfterSeq={dividerSeq ?? null}
            pendingCount={visiblePending.length}
            renderMessage={(m, prev) => {
              const grouped = Boolean(
                prev && prev.author_id === m.author_id && !m.reply_to && new Date(m.created_at).getTime() - new Date(prev.created_at).getTime() < 5 * 60_000,
              );
              const parent = m.reply_to ? byId.get(m.reply_to) : undefined;
              return (
                <RoomMessage
                  message={m}
                  memberUser={memberMap.get(m.author_id)?.user}
                  mine={m.author_id === myId}
                  grouped={grouped}
                  canModerate={canModerate}
                  replyTarget={m.reply_to ? { message: parent, author: parent ? nameOf(parent.author_id) : undefined } : undefined}
                  editing={editing === m.id}
                  readers={readersByMessage.get(m.id)}
                  onReply={(x) => {
                    setReplyTo(x);
                    composer.current?.focus();
                  }}
                  onStartEdit={(x) => setEditing(x.id)}
                  onCancelEdit={() => setEditing(null)}
                  onSaveEdit={(x, body) => {
                    setEditing(null);
                    if (body !== x.body) edit.mutate({ id: x.id, body });
                    composer.current?.focus();
                  }}
                  onDelete={(x) => setConfirmDelete(x)}
                  onReact={(x, emoji, add) => react.mutate({ id: x.id, emoji, add })}
                />
              );
            }}
            footer={
              <>
                {visiblePending.map((p) => (
                  <PendingItem
                    key={p.client_msg_id}
                    p={p}
                    onRetry={() => void deliver(p)}
                    onDiscard={() => setPending((ps) => ps.filter((x) => x.client_msg_id !== p.client_msg_id))}
                  />
                ))}
              </>
            }
          />
        )}

        <div className="h-5 shrink-0 px-4 text-xs text-muted-foreground" aria-live="polite" data-testid="typing-indicator">
          {typingNames.length > 0 &&
            (typingNames.length === 1
              ? `${typingNames[0]} is typing…`
              : typingNames.length === 2
                ? `${typingNames[0]} and ${typingNames[1]} are typing…`
                : "Several people are typing…")}
        </div>
        {(edit.isError || remove.isError || react.isError) && (
          <p role="alert" className="px-4 text-xs text-red-600 dark:text-red-400">
            {errorMessage(edit.error ?? remove.error ?? react.error)}
          </p>
        )}
        <Composer
          ref={composer}
          onSend={send}
          onTyping={() => rt?.client.sendFrame({ type: "typing", room_id: roomId })}
          onEditLast={() => {
            const mine = [...list].reverse().find((m) => m.author_id === myId && !m.deleted);
            if (mine) setEditing(mine.id);
          }}
          replyTo={replyTo}
          replyAuthor={replyTo ? nameOf(replyTo.author_id) : undefined}
          onCancelReply={() => setReplyTo(null)}
          placeholder={`Message ${r.kind === "direct" ? display.name || "" : `#${r.name}`}`}
        />
      </div>
      {showMembers && <MemberPanel room={r} myUserId={myId} online={live.online} onClose={() => setShowMembers(false)} />}
      <Dialog open={Boolean(confirmDelete)} onClose={() => setConfirmDelete(null)} title="Delete message?" testId="confirm-delete">
        <p className="text-sm text-muted-foreground">This cannot be undone.</p>
        <p className="line-clamp-3 rounded-lg bg-muted p-3 text-sm">{confirmDelete?.body}</p>
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={() => setConfirmDelete(null)}>
            Cancel
          </Button>
          <Button
            variant="destructive"
            data-testid="confirm-delete-button"
            onClick={() => {
              if (confirmDelete) remove.mutate(confirmDelete.id);
              setConfirmDelete(null);
            }}
          >
            Delete
          </Button>
        </div>
      </Dialog>
    </div>
  );
}
