"use client";
import { Hash, Lock } from "lucide-react";
import type { Room } from "@/lib/api/types";
import { useMembers } from "@/hooks/queries/rooms";
import { useMe } from "@/hooks/queries/me";
import { UserAvatar, useRoomLogoSrc } from "./user-avatar";

/** A direct room is named after the other person; other rooms by their name. */
export function useRoomDisplay(room: Room | undefined) {
  const me = useMe();
  const isDm = room?.kind === "direct";
  const members = useMembers(room?.id ?? "", Boolean(room) && isDm);
  if (!room) return { name: "", other: undefined };
  if (!isDm) return { name: room.name, other: undefined };
  const other = members.data?.items.find((m) => m.user.id !== me.data?.id)?.user;
  return { name: other?.display_name ?? room.name, other };
}

export function RoomIcon({ room, size = "sm" }: { room: Room; size?: "sm" | "md" }) {
  const { name, other } = useRoomDisplay(room);
  const logo = useRoomLogoSrc(room.kind === "direct" ? null : room);
  if (room.kind === "direct") return <UserAvatar user={other} name={name || "?"} size={size} />;
  if (logo)
    return (
      // eslint-disable-next-line @next/next/no-img-element
      <img
        src={logo}
        alt=""
        data-testid="room-logo"
        className={"shrink-0 rounded-lg object-cover " + (size === "md" ? "h-10 w-10" : "h-8 w-8")}
      />
    );
  return (
    <span
      aria-hidden
      className={
        "inline-flex shrink-0 items-center justify-center rounded-lg bg-primary/10 font-semibold text-primary " +
        (size === "md" ? "h-10 w-10" : "h-8 w-8 text-sm")
      }
    >
      {room.kind === "private" ? <Lock className="size-4" /> : <Hash className="size-4" />}
    </span>
  );
}

export function RoomName({ room }: { room: Room }) {
  const { name } = useRoomDisplay(room);
  return <>{name}</>;
}
