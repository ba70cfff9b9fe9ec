"use client";
import { AtSign, Sprout } from "lucide-react";
import Link from "next/link";
import { useParams } from "next/navigation";
import { useConversationItems, useUnreadMentions } from "@/hooks/queries/conversations";
import { useMe } from "@/hooks/queries/me";
import type { Conversation } from "@/lib/api/types";
import { cn, formatRelative } from "@/lib/utils";
import { errorMessage } from "@/lib/api/client";
import { attachmentsOf } from "@/lib/api/files";
import { RoomIcon, RoomName } from "./room-title";
import { Badge } from "./ui/badge";
import { Button } from "./ui/button";
import { EmptyState, ErrorState, Skeleton } from "./ui/states";

function preview(c: Conversation, myId: string | undefined) {
  const m = c.last_message;
  if (!m) return c.room.description || "No messages yet";
  if (m.deleted) return "Message deleted";
  const files = attachmentsOf(m);
  // A pay-per-view message I have not bought has no body: its preview stands in.
  if (m.locked) return `🔒 ${m.preview || "Pay-per-view message"}`;
  const text = m.body || (files.length === 1 ? `📎 ${files[0].name}` : files.length > 1 ? `📎 ${files.length} files` : "");
  return (m.author_id === myId ? "You: " : "") + text;
}

export function ConversationList({ compact = false, onNavigate }: { compact?: boolean; onNavigate?: () => void }) {
  const q = useConversationItems();
  const mentions = useUnreadMentions();
  const me = useMe();
  const params = useParams<{ id?: string }>();
  if (q.isPending)
    return (
      <div className="flex flex-col gap-2 p-2">
        {[0, 1, 2].map((i) => (
          <Skeleton key={i} className="h-12" />
        ))}
      </div>
    );
  if (q.isError) return <ErrorState error={errorMessage(q.error)} onRetry={() => q.refetch()} className="m-2" />;
  const items = q.items;
  if (items.length === 0)
    return (
      <EmptyState icon={<Sprout />} title="No conversations yet" className={compact ? "p-4" : undefined}>
        <Link href="/rooms" className="text-primary underline underline-offset-2 hover:decoration-2" onClick={onNavigate}>
          Browse rooms
        </Link>{" "}
        or start a DM from someone&apos;s profile.
      </EmptyState>
    );
  return (
    <div className="flex flex-col gap-2">
      <ul className="flex flex-col gap-0.5" data-testid="conversation-list">
        {items.map((c) => {
          const active = params?.id === c.room.id;
          const mentioned = active ? 0 : (mentions.get(c.room.id) ?? 0);
          return (
            <li key={c.room.id}>
              <Link
                href={`/rooms/${c.room.id}`}
                onClick={onNavigate}
                data-testid="conversation-item"
                data-room-id={c.room.id}
                aria-current={active ? "page" : undefined}
                className={cn(
                  "flex items-center gap-3 rounded-lg px-2 py-2 transition-colors hover:bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
                  active && "bg-muted",
                  !compact && "border border-border bg-card px-4 py-3",
                )}
              >
                <RoomIcon room={c.room} size={compact ? "sm" : "md"} />
                <div className="min-w-0 flex-1">
                  <div className="flex items-baseline justify-between gap-2">
                    <span className={cn("truncate text-sm", c.unread_count > 0 ? "font-semibold" : "font-medium")}>
                      <RoomName room={c.room} />
                    </span>
                    <span className="shrink-0 text-[11px] text-muted-foreground">
                      {formatRelative(c.last_message?.created_at ?? c.room.last_activity_at)}
                    </span>
                  </div>
                  <div className="flex items-center justify-between gap-2">
                    <span className="truncate text-xs text-muted-foreground" data-testid="conversation-preview">
                      {preview(c, me.data?.id)}
                    </span>
                    <span className="flex shrink-0 items-center gap-1">
                      {mentioned > 0 && (
                        <Badge data-testid="mention-badge" data-count={mentioned} className="px-1.5">
                          <AtSign className="size-3" aria-hidden />
                          <span className="sr-only">{`${mentioned} unread mention${mentioned === 1 ? "" : "s"}`}</span>
                        </Badge>
                      )}
                      {c.unread_count > 0 && !active && (
                        <Badge data-testid="unread-badge" data-count={c.unread_count}>
                          {c.unread_count > 99 ? "99+" : c.unread_count}
                          <span className="sr-only"> unread</span>
                        </Badge>
                      )}
                    </span>
                  </div>
                </div>
              </Link>
            </li>
          );
        })}
      </ul>
      {q.hasNextPage && (
        <Button
          variant="outline"
          size="sm"
          className="self-center"
          onClick={() => void q.fetchNextPage()}
          disabled={q.isFetchingNextPage}
          data-testid="conversations-more"
        >
          {q.isFetchingNextPage ? "Loading…" : "Load more conversations"}
        </Button>
      )}
    </div>
  );
}
