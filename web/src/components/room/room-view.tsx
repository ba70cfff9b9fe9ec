"use client";
import { useQueryClient } from "@tanstack/react-query";
import { Hand } from "lucide-react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ApiError, errorMessage } from "@/lib/api/client";
import type { Member, Message, PublicProfile } from "@/lib/api/types";
import { mentionTargets, mentionsMe } from "@/lib/mentions";
import { orderedMessages, type MessagePages } from "@/lib/realtime/apply";
import { useRealtimeOptional } from "@/lib/realtime/provider";
import { useMe } from "@/hooks/queries/me";
import { useMessageMutations, useRoomMessages } from "@/hooks/queries/messages";
import { useMembers, useRoom } from "@/hooks/queries/rooms";
import { useUser } from "@/hooks/queries/users";
import { usePendingSends } from "@/hooks/use-pending-sends";
import { useReadMarker } from "@/hooks/use-read-marker";
import { useReadersByMessage } from "@/hooks/use-readers-by-message";
import { useRoomLive } from "@/hooks/use-room-live";
import { useRoomPayments } from "@/hooks/use-room-payments";
import { useRoomSubscription } from "@/hooks/use-room-subscription";
import { useSession } from "@/hooks/queries/sessions";
import { FileDropZone } from "../files/drop-zone";
import { CheckoutReturnBanner } from "../payments/checkout-return";
import { SessionBar } from "../sessions/session-bar";
import { SessionNotesPanel } from "../sessions/session-notes-panel";
import { useRoomDisplay } from "../room-title";
import { EmptyState, ErrorState, Loading } from "../ui/states";
import { Composer, type ComposerHandle } from "./composer";
import { ConfirmDeleteDialog } from "./confirm-delete-dialog";
import { JoinPrompt } from "./join-prompt";
import { MemberPanel } from "./member-panel";
import { MessageItem, PendingItem } from "./message-item";
import { MessageList, MessagesSkeleton } from "./message-list";
import { TipLine } from "./paid-content";
import { RoomHeader } from "./room-header";
import { TypingIndicator } from "./typing-indicator";

/** A message whose author left the room is looked up on its own. */
function RoomMessage(
  props: Omit<React.ComponentProps<typeof MessageItem>, "author" | "mentionTargets" | "mentionsMe"> & {
    memberUser?: PublicProfile;
    nameOf(id: string): string | undefined;
    myId: string | undefined;
  },
) {
  const { memberUser, nameOf, myId, ...rest } = props;
  const { mentions, author_id } = props.message;
  const fallback = useUser(author_id, !memberUser);
  const targets = useMemo(() => mentionTargets(mentions, nameOf, myId, author_id), [mentions, nameOf, myId, author_id]);
  return (
    <MessageItem {...rest} author={memberUser ?? fallback.data} mentionTargets={targets} mentionsMe={mentionsMe(mentions, myId, author_id)} />
  );
}

const MAX_PAGES_TO_TARGET = 20;

/**
 * The message a link points at: `?seq=` (notifications), or `#m-<id>` among the loaded
 * ones. Older history is paged in until it is loaded.
 */
function useLinkedMessage(list: Message[], messages: ReturnType<typeof useRoomMessages>) {
  const search = useSearchParams();
  const seqParam = Number(search.get("seq"));
  const [hashId, setHashId] = useState<string | null>(null);
  useEffect(() => {
    // `#m-<id>`, or `?message=<id>` (back from unlocking it at Checkout).
    setHashId(/^#m-([0-9a-f-]{36})$/i.exec(window.location.hash)?.[1] ?? search.get("message"));
  }, [search]);
  const target = Number.isSafeInteger(seqParam) && seqParam > 0 ? seqParam : (list.find((m) => m.id === hashId)?.seq ?? null);
  const pages = useRef(0);
  useEffect(() => {
    pages.current = 0;
  }, [target]);
  const oldest = list.length ? list[0].seq : null;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = messages;
  useEffect(() => {
    if (target === null || oldest === null || oldest <= target || !hasNextPage || isFetchingNextPage) return;
    if (pages.current >= MAX_PAGES_TO_TARGET) return;
    pages.current += 1;
    void fetchNextPage();
  }, [target, oldest, hasNextPage, isFetchingNextPage, fetchNextPage]);
  return target;
}

export function RoomView({ roomId }: { roomId: string }) {
  const qc = useQueryClient();
  const room = useRoom(roomId);
  const me = useMe();
  const myId = me.data?.id;
  const rt = useRealtimeOptional();
  const isMember = Boolean(room.data && (room.data.my_role || room.data.kind === "direct"));
  const messages = useRoomMessages(roomId, isMember);
  const members = useMembers(roomId, isMember);
  const live = useRoomLive(roomId, myId);
  const { edit, remove, react } = useMessageMutations(roomId, myId);
  const display = useRoomDisplay(room.data);

  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<Message | null>(null);
  const [showMembers, setShowMembers] = useState(false);
  /** The session whose notes are open beside the chat (it stays open, read-only, once ended). */
  const [notesFor, setNotesFor] = useState<string | null>(null);
  const notesSession = useSession(notesFor);
  const composer = useRef<ComposerHandle>(null);

  const list = useMemo(() => orderedMessages(messages.data as MessagePages | undefined), [messages.data]);
  const newestSeq = list.length ? list[list.length - 1].seq : 0;
  const byId = useMemo(() => new Map(list.map((m) => [m.id, m])), [list]);
  const memberItems = members.data?.items;
  const memberMap = useMemo(() => new Map((memberItems ?? []).map((m: Member) => [m.user.id, m])), [memberItems]);
  const canModerate = room.data?.my_role === "owner" || room.data?.my_role === "moderator";
  const focusSeq = useLinkedMessage(list, messages);
  const nameOf = useCallback(
    (id: string) => memberMap.get(id)?.user.display_name ?? qc.getQueryData<PublicProfile>(["users", id])?.display_name,
    [memberMap, qc],
  );
  const userOf = useCallback(
    (id: string) => memberMap.get(id)?.user ?? qc.getQueryData<PublicProfile>(["users", id]),
    [memberMap, qc],
  );
  const closeNotes = useCallback(() => {
    setNotesFor(null);
    document.querySelector<HTMLElement>('[data-testid="session-notes-toggle"]')?.focus();
  }, []);
  const mentionables = useMemo(
    () => (memberItems ?? []).filter((m) => m.user.id !== myId && !m.user.deleted).map((m) => ({ id: m.user.id, name: m.user.display_name })),
    [memberItems, myId],
  );

  useRoomSubscription({ roomId, isMember, lastSeq: room.data?.last_seq ?? null, loaded: messages.isSuccess, newestSeq });
  const pending = usePendingSends({ roomId, messages: list, myId, status: rt?.status });
  const { dividerSeq } = useReadMarker({ roomId, isMember, messages: list, loaded: messages.isSuccess, members: memberItems, myId });
  const paid = useRoomPayments(roomId, list, messages.isSuccess, Boolean(messages.hasNextPage));
  const tipLines = useMemo(
    () => paid.tips.map((t) => ({ seq: t.seq, key: `tip-${t.seq}`, node: <TipLine tip={t} fromName={nameOf(t.from_user_id) ?? "Someone"} /> })),
    [paid.tips, nameOf],
  );
  const readersByMessage = useReadersByMessage({ roomId, members: memberItems, liveReads: live.reads, messages: list, myId, status: rt?.status });

  if (room.isPending) return <Loading label="Opening room…" className="h-full" />;
  if (room.isError)
    return (
      <div className="p-8">
        <ErrorState
          error={room.error instanceof ApiError && room.error.status === 404 ? "This room does not exist or you cannot see it." : errorMessage(room.error)}
          onRetry={() => room.refetch()}
        />
        <p className="mt-4 text-center text-sm">
          <Link href="/rooms" className="text-primary underline underline-offset-2 hover:decoration-2">
            Back to rooms
          </Link>
        </p>
      </div>
    );
  const r = room.data;
  if (!isMember) return <JoinPrompt room={r} />;

  return (
    <div className="relative flex h-full min-h-0" data-testid="room-view" data-room-id={r.id}>
      <FileDropZone className="flex min-w-0 flex-1 flex-col" onFiles={(files) => composer.current?.addFiles(files)}>
        <RoomHeader
          room={r}
          displayName={display.name}
          onlineCount={live.online?.length}
          showMembers={showMembers}
          onToggleMembers={() => {
            setShowMembers((v) => !v);
            setNotesFor(null);
          }}
          canModerate={canModerate}
          myId={myId}
          onShowMembers={() => {
            setShowMembers(true);
            setNotesFor(null);
          }}
        />
        <SessionBar
          room={r}
          myId={myId}
          canModerate={canModerate}
          online={live.online}
          userOf={userOf}
          notesFor={notesFor}
          onToggleNotes={(id) => {
            setNotesFor((cur) => (cur === id ? null : id));
            setShowMembers(false);
          }}
        />
        <CheckoutReturnBanner phase={paid.checkoutPhase} className="mx-3 mt-2" successText="Payment complete." />

        {messages.isPending ? (
          <MessagesSkeleton />
        ) : messages.isError ? (
          <div className="flex-1 p-6">
            <ErrorState error={errorMessage(messages.error)} onRetry={() => messages.refetch()} />
          </div>
        ) : list.length === 0 && pending.visiblePending.length === 0 && tipLines.length === 0 ? (
          <div className="flex flex-1 items-center justify-center">
            <EmptyState icon={<Hand />} title="No messages yet">
              Say hello to get the conversation going.
            </EmptyState>
          </div>
        ) : (
          <MessageList
            messages={list}
            hasOlder={Boolean(messages.hasNextPage)}
            loadingOlder={messages.isFetchingNextPage}
            onLoadOlder={() => void messages.fetchNextPage()}
            newDividerAfterSeq={dividerSeq}
            pendingCount={pending.visiblePending.length}
            focusSeq={focusSeq}
            interludes={tipLines}
            renderMessage={(m, prev) => {
              const grouped = Boolean(
                prev && prev.author_id === m.author_id && !m.reply_to && new Date(m.created_at).getTime() - new Date(prev.created_at).getTime() < 5 * 60_000,
              );
              const parent = m.reply_to ? byId.get(m.reply_to) : undefined;
              return (
                <RoomMessage
                  message={m}
                  memberUser={memberMap.get(m.author_id)?.user}
                  nameOf={nameOf}
                  myId={myId}
                  highlighted={m.seq === focusSeq}
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
                  onUnlock={paid.unlock}
                  unlocking={paid.unlockingId === m.id}
                />
              );
            }}
            footer={
              <>
                {pending.visiblePending.map((p) => (
                  <PendingItem key={p.client_msg_id} p={p} onRetry={() => pending.retry(p)} onDiscard={() => pending.discard(p)} />
                ))}
              </>
            }
          />
        )}

        <TypingIndicator names={live.typingIds.map((id) => nameOf(id) ?? "Someone")} />
        {(edit.isError || remove.isError || react.isError || paid.unlockError) && (
          <p role="alert" className="px-4 text-xs text-red-700 dark:text-red-400">
            {errorMessage(edit.error ?? remove.error ?? react.error ?? paid.unlockError)}
          </p>
        )}
        <Composer
          ref={composer}
          mentionables={mentionables}
          canMentionRoom={canModerate && r.kind !== "direct" && r.member_count <= 1000}
          canSell={paid.canSell}
          onSend={(body, mentions, attachments, ppv) => {
            pending.send(body, replyTo?.id ?? null, mentions, attachments, ppv);
            setReplyTo(null);
          }}
          onTyping={() => rt?.client.sendFrame({ type: "typing", room_id: roomId })}
          onEditLast={() => {
            const mine = [...list].reverse().find((m) => m.author_id === myId && !m.deleted && !m.locked);
            if (mine) setEditing(mine.id);
          }}
          replyTo={replyTo}
          replyAuthor={replyTo ? nameOf(replyTo.author_id) : undefined}
          onCancelReply={() => setReplyTo(null)}
          placeholder={`Message ${r.kind === "direct" ? display.name || "" : `#${r.name}`}`}
        />
      </FileDropZone>
      {notesFor && notesSession.data && (
        <SessionNotesPanel session={notesSession.data} myId={myId} canModerate={canModerate} userOf={userOf} onClose={closeNotes} />
      )}
      {showMembers && <MemberPanel room={r} myUserId={myId} online={live.online} onClose={() => setShowMembers(false)} />}
      <ConfirmDeleteDialog message={confirmDelete} onCancel={() => setConfirmDelete(null)} onConfirm={(m) => remove.mutate(m.id)} />
    </div>
  );
}
