"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Trash2 } from "lucide-react";
import { useState } from "react";
import { conversationsKey } from "@/hooks/queries/conversations";
import { roomKey } from "@/hooks/queries/rooms";
import { errorMessage } from "@/lib/api/client";
import { logoFileId, setRoomLogo } from "@/lib/api/files";
import type { Room } from "@/lib/api/types";
import { ImagePickerButton } from "../files/image-picker";
import { RoomIcon } from "../room-title";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { RoomAccessSection } from "./room-access";

function useSetRoomLogo(roomId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (fileId: string | null) => setRoomLogo(roomId, fileId),
    onSuccess: (room) => {
      qc.setQueryData(roomKey(room.id), room);
      void qc.invalidateQueries({ queryKey: ["rooms", "list"] });
      void qc.invalidateQueries({ queryKey: conversationsKey });
    },
  });
}

/** The room's icon; for owners and moderators a button that opens the logo settings. */
export function RoomLogoControl({ room, canEdit }: { room: Room; canEdit: boolean }) {
  const [open, setOpen] = useState(false);
  const set = useSetRoomLogo(room.id);
  if (!canEdit || room.kind === "direct") return <RoomIcon room={room} />;
  const hasLogo = Boolean(logoFileId(room));
  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        title="Room settings: logo and who may join"
        aria-label="Change the room's logo"
        data-testid="room-logo-edit"
        className="rounded-lg focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
      >
        <RoomIcon room={room} />
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Room settings" testId="room-logo-dialog">
        <div className="flex items-center gap-4">
          <RoomIcon room={room} size="md" />
          <p className="text-sm text-muted-foreground">
            A square PNG, JPEG, WebP or GIF image (up to 4 MB) shown beside the room&apos;s name.
          </p>
        </div>
        {set.isError && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            {errorMessage(set.error)}
          </p>
        )}
        <div className="flex justify-end gap-2">
          {hasLogo && (
            <Button variant="ghost" size="sm" disabled={set.isPending} onClick={() => set.mutate(null)} data-testid="room-logo-remove">
              <Trash2 className="size-4" aria-hidden /> Remove
            </Button>
          )}
          <ImagePickerButton
            purpose="room_logo"
            title="Crop the room logo"
            data-testid="room-logo-choose"
            onUploaded={async (view) => {
              await set.mutateAsync(view.id);
              setOpen(false);
            }}
          />
        </div>
        {room.my_role === "owner" && <RoomAccessSection room={room} />}
      </Dialog>
    </>
  );
}
