"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Camera, Trash2 } from "lucide-react";
import type { ReactNode } from "react";
import { storeMe } from "@/hooks/queries/me";
import { errorMessage } from "@/lib/api/client";
import { avatarFileId, setAvatar } from "@/lib/api/files";
import type { Me } from "@/lib/api/types";
import { Avatar } from "../ui/avatar";
import { Button } from "../ui/button";
import { UserAvatar } from "../user-avatar";
import { ImagePickerButton } from "./image-picker";

function useSetAvatar() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (fileId: string | null) => setAvatar(fileId),
    onSuccess: (me: Me) => storeMe(qc, me),
  });
}

/**
 * The profile's picture: an uploaded avatar (cropped square, sent with purpose `avatar`,
 * then PATCH /v1/me), or else the image URL / initials from the form being edited.
 */
export function AvatarPicker({
  user,
  preview,
  children,
}: {
  user: Me;
  /** What the form would show without an uploaded avatar. */
  preview: { name: string; imageUrl: string | null; color: string | null };
  children?: ReactNode;
}) {
  const set = useSetAvatar();
  const hasFile = Boolean(avatarFileId(user));
  return (
    <div className="flex items-center gap-4" data-testid="avatar-picker" data-has-avatar={hasFile ? "true" : "false"}>
      {hasFile ? (
        <UserAvatar user={user} name={preview.name} size="lg" />
      ) : (
        <Avatar name={preview.name} src={preview.imageUrl} color={preview.color} size="lg" />
      )}
      <div className="flex min-w-0 flex-col gap-2">
        {children}
        <div className="flex flex-wrap gap-2">
          <ImagePickerButton
            purpose="avatar"
            title="Crop your photo"
            data-testid="avatar-choose"
            onUploaded={async (view) => {
              await set.mutateAsync(view.id);
            }}
          >
            <Camera className="size-4" aria-hidden /> {hasFile ? "Change photo" : "Upload a photo"}
          </ImagePickerButton>
          {hasFile && (
            <Button variant="ghost" size="sm" disabled={set.isPending} onClick={() => set.mutate(null)} data-testid="avatar-remove">
              <Trash2 className="size-4" aria-hidden /> Remove photo
            </Button>
          )}
        </div>
        {set.isError && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            {errorMessage(set.error)}
          </p>
        )}
      </div>
    </div>
  );
}
