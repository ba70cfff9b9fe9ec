"use client";
import { X } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { useInvite, useKick, useMembers, useTransferRoom } from "@/hooks/queries/rooms";
import { useUserSearch } from "@/hooks/queries/users";
import { useDebounced } from "@/hooks/use-debounced";
import { errorMessage } from "@/lib/api/client";
import type { Room } from "@/lib/api/types";
import { UserAvatar } from "../user-avatar";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Input } from "../ui/input";
import { ErrorState, Skeleton } from "../ui/states";

function InviteBox({ room, memberIds }: { room: Room; memberIds: Set<string> }) {
  const [q, setQ] = useState("");
  const query = useDebounced(q.trim());
  const users = useUserSearch(query);
  const invite = useInvite(room.id);
  const candidates = (users.data?.items ?? []).filter((u) => !memberIds.has(u.id) && !u.deleted).slice(0, 6);
  return (
    <div className="flex flex-col gap-2 border-b border-border p-3">
      <Input placeholder="Invite people…" aria-label="Search people to invite" value={q} onChange={(e) => setQ(e.target.value)} data-testid="invite-search" />
      {query && (
        <ul className="flex flex-col gap-1">
          {users.isPending && <Skeleton className="h-8" />}
          {!users.isPending && candidates.length === 0 && <li className="text-xs text-muted-foreground">Nobody to invite.</li>}
          {candidates.map((u) => (
            <li key={u.id} className="flex items-center gap-2">
              <UserAvatar user={u} />
              <span className="min-w-0 flex-1 truncate text-sm">{u.display_name}</span>
              <Button size="sm" variant="outline" data-testid="invite-user" disabled={invite.isPending} onClick={() => invite.mutate({ user_id: u.id })}>
                Invite
              </Button>
            </li>
          ))}
        </ul>
      )}
      {invite.isError && <p className="text-xs text-red-700 dark:text-red-400">{errorMessage(invite.error)}</p>}
    </div>
  );
}

export function MemberPanel({ room, myUserId, online, onClose }: { room: Room; myUserId?: string; online: string[] | null; onClose(): void }) {
  const members = useMembers(room.id);
  const kick = useKick(room.id);
  const transfer = useTransferRoom(room.id);
  const isOwner = room.kind !== "direct" && room.my_role === "owner";
  const canManage = room.kind !== "direct" && (room.my_role === "owner" || room.my_role === "moderator");
  const onlineSet = new Set(online ?? []);
  const items = [...(members.data?.items ?? [])].sort(
    (a, b) => Number(onlineSet.has(b.user.id)) - Number(onlineSet.has(a.user.id)) || a.user.display_name.localeCompare(b.user.display_name),
  );
  return (
    <aside
      aria-label="Members"
      data-testid="member-panel"
      className="absolute inset-y-0 right-0 z-30 flex w-80 max-w-[90vw] flex-col border-l border-border bg-card shadow-xl lg:static lg:shadow-none"
    >
      <div className="flex h-14 items-center justify-between border-b border-border px-4">
        <h2 className="font-semibold">Members {members.data ? `· ${members.data.items.length}` : ""}</h2>
        <Button variant="ghost" size="icon" onClick={onClose} aria-label="Close members">
          <X className="size-4" aria-hidden />
        </Button>
      </div>
      {canManage && <InviteBox room={room} memberIds={new Set(items.map((m) => m.user.id))} />}
      <div className="min-h-0 flex-1 overflow-y-auto p-2">
        {members.isPending ? (
          <div className="flex flex-col gap-2">
            {[0, 1, 2].map((i) => (
              <Skeleton key={i} className="h-10" />
            ))}
          </div>
        ) : members.isError ? (
          <ErrorState error={errorMessage(members.error)} onRetry={() => members.refetch()} />
        ) : (
          <ul className="flex flex-col gap-0.5" data-testid="member-list">
            {items.map((m) => (
              <li key={m.user.id} className="flex items-center gap-2 rounded-lg px-2 py-1.5 hover:bg-muted" data-testid="member-item" data-user-id={m.user.id}>
                <UserAvatar user={m.user} online={online ? onlineSet.has(m.user.id) : undefined} />
                <Link href={`/users/${m.user.id}`} className="min-w-0 flex-1 truncate text-sm hover:underline">
                  {m.user.display_name}
                  {m.user.id === myUserId && <span className="text-muted-foreground"> (you)</span>}
                </Link>
                {m.role !== "member" && <Badge variant="secondary">{m.role}</Badge>}
                {isOwner && m.user.id !== myUserId && !m.user.deleted && (
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Make owner: ${m.user.display_name}`}
                    data-testid="transfer-owner"
                    disabled={transfer.isPending}
                    onClick={() => {
                      const ask = `Make ${m.user.display_name} the owner of ${room.name}? You will become a moderator.`;
                      if (window.confirm(ask)) transfer.mutate(m.user.id);
                    }}
                  >
                    Make owner
                  </Button>
                )}
                {canManage && m.user.id !== myUserId && m.role !== "owner" && (
                  <Button
                    size="sm"
                    variant="ghost"
                    className="text-red-700 dark:text-red-400"
                    aria-label={`Remove ${m.user.display_name}`}
                    data-testid="kick-member"
                    disabled={kick.isPending}
                    onClick={() => {
                      if (window.confirm(`Remove ${m.user.display_name} from ${room.name}?`)) kick.mutate(m.user.id);
                    }}
                  >
                    Remove
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
        {(kick.isError || transfer.isError) && (
          <p role="alert" className="p-2 text-xs text-red-700 dark:text-red-400">
            {errorMessage(kick.error ?? transfer.error)}
          </p>
        )}
      </div>
    </aside>
  );
}
