"use client";
import { Users } from "lucide-react";
import { useRouter } from "next/navigation";
import { ApiError, errorMessage } from "@/lib/api/client";
import type { Room } from "@/lib/api/types";
import { useLeaveRoom } from "@/hooks/queries/rooms";
import { TipButton } from "../payments/tip-dialog";
import { SessionsMenu } from "../sessions/sessions-menu";
import { Button } from "../ui/button";
import { RoomLogoControl } from "./room-logo-dialog";
import { RoomNotifyMenu } from "./room-notify-menu";

/** The room's name, member and online counts, the members toggle and Leave. */
export function RoomHeader({
  room: r,
  displayName,
  onlineCount,
  showMembers,
  onToggleMembers,
  canModerate = false,
  myId,
  onShowMembers,
}: {
  /** Opens the member panel (where an owner hands the room over before leaving). */
  onShowMembers?(): void;
  /** Others may tip the room's creator here. */
  myId?: string;
  room: Room;
  /** A DM's name is the other person's. */
  displayName: string;
  /** Unknown until the socket says who is online. */
  onlineCount: number | undefined;
  showMembers: boolean;
  onToggleMembers(): void;
  /** Owners and moderators may change the logo. */
  canModerate?: boolean;
}) {
  const router = useRouter();
  const leave = useLeaveRoom();
  const alone = r.member_count <= 1;
  function onLeave() {
    const ask = alone ? `Leave ${r.name}? You are its last member: the room will be deleted.` : `Leave ${r.name}?`;
    if (!window.confirm(ask)) return;
    leave.mutate(r.id, {
      // The last member leaving deletes the room: either way, this page is gone.
      onSuccess: () => router.push("/dashboard"),
      onError: (e) => {
        if (e instanceof ApiError && e.code === "owner_must_transfer") onShowMembers?.();
      },
    });
  }
  return (
    <>
      <header className="flex h-14 shrink-0 items-center gap-3 border-b border-border px-3 sm:px-4">
        <RoomLogoControl room={r} canEdit={canModerate} />
        <div className="min-w-0 flex-1">
          <h1 className="truncate font-semibold leading-tight" data-testid="room-name">
            {displayName || r.name}
          </h1>
          <p className="truncate text-xs text-muted-foreground">
            {r.kind !== "direct" && `${r.member_count} member${r.member_count === 1 ? "" : "s"}`}
            {onlineCount !== undefined && (
              <span data-testid="online-count">
                {r.kind !== "direct" && " · "}
                <span className="text-emerald-700 dark:text-emerald-400">
                  <span className="mr-1 inline-block size-2 rounded-full bg-current align-middle" aria-hidden />
                  {onlineCount} online
                </span>
              </span>
            )}
            {r.description && r.kind !== "direct" ? ` · ${r.description}` : ""}
          </p>
        </div>
        {myId && r.kind !== "direct" && r.created_by !== myId && <TipButton size="sm" variant="ghost" creatorId={r.created_by} roomId={r.id} />}
        <SessionsMenu roomId={r.id} />
        <RoomNotifyMenu roomId={r.id} isDirect={r.kind === "direct"} />
        <Button variant="ghost" size="sm" onClick={onToggleMembers} data-testid="toggle-members" aria-expanded={showMembers} aria-label="Members">
          <Users className="size-4" aria-hidden />
          <span className="hidden sm:inline">Members</span>
        </Button>
        {r.kind !== "direct" && (
          <Button variant="ghost" size="sm" data-testid="leave-room" disabled={leave.isPending} onClick={onLeave}>
            Leave
          </Button>
        )}
      </header>
      {leave.isError && (
        <p role="alert" data-testid="leave-error" className="border-b border-border bg-red-500/5 px-4 py-2 text-sm text-red-700 dark:text-red-400">
          {errorMessage(leave.error)}
        </p>
      )}
    </>
  );
}
