"use client";
import { errorMessage } from "@/lib/api/client";
import type { Room } from "@/lib/api/types";
import { useJoinRoom } from "@/hooks/queries/rooms";
import { RoomIcon } from "../room-title";
import { Button } from "../ui/button";
import { Card, CardContent } from "../ui/card";

/** Shown instead of the room to someone who is not a member: Join for a public room. */
export function JoinPrompt({ room: r }: { room: Room }) {
  const join = useJoinRoom();
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
}
