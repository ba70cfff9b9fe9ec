"use client";
import type { ComponentProps } from "react";
import { useFileUrl } from "@/hooks/use-file-blob";
import { avatarFileId, fileDownloadPath, logoFileId } from "@/lib/api/files";
import type { AvatarUser, Room } from "@/lib/api/types";
import { Avatar } from "./ui/avatar";

type AvatarProps = Omit<ComponentProps<typeof Avatar>, "src" | "name" | "color">;

/** The uploaded avatar's URL, else the profile's image URL, else null (initials). */
export function useAvatarSrc(user: AvatarUser | null | undefined): string | null {
  const id = avatarFileId(user);
  const { url } = useFileUrl(id ? fileDownloadPath(id, true) : null);
  return url ?? user?.image_url ?? null;
}

/** A user's avatar: the uploaded one, falling back to image_url, then initials. */
export function UserAvatar({ user, name, ...rest }: AvatarProps & { user: AvatarUser | null | undefined; name?: string }) {
  const src = useAvatarSrc(user);
  return (
    <Avatar
      // A new source gets a fresh <img> (and a fresh "broken" flag).
      key={src ?? "none"}
      name={name ?? (user?.display_name || "?")}
      src={src}
      color={user?.color}
      {...rest}
    />
  );
}

/** A room's uploaded logo as an object URL, or null. */
export function useRoomLogoSrc(room: Room | null | undefined): string | null {
  const id = logoFileId(room);
  return useFileUrl(id ? fileDownloadPath(id, true) : null).url;
}
