"use client";
import { Crown } from "lucide-react";
import Link from "next/link";
import { errorMessage } from "@/lib/api/client";
import type { Room } from "@/lib/api/types";
import { useJoinRoom } from "@/hooks/queries/rooms";
import { RoomIcon } from "../room-title";
import { Button } from "../ui/button";
import { Card, CardContent } from "../ui/card";

/**
 * Shown instead of the room to someone who is not a member: Join for a public room; a
 * subscriber-only room also links to its creator's page (Join works once subscribed).
 */
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
          {r.required_tier_id && (
            <div className="flex flex-col items-center gap-1 rounded-lg bg-amber-400/10 px-4 py-3 text-sm" data-testid="subscribers-only">
              <span className="flex items-center gap-1 font-semibold">
                <Crown className="size-4 text-amber-500" aria-hidden /> Subscribers only
              </span>
              <span className="text-muted-foreground">
                Subscribe on{" "}
                <Link href={`/creators/${r.created_by}`} className="text-primary underline underline-offset-2 hover:decoration-2" data-testid="subscribers-only-creator">
                  the creator&apos;s page
                </Link>{" "}
                to join this room.
              </span>
            </div>
          )}
          {r.kind === "public" ? (
            <Button data-testid="join-room" disabled={join.isPending} onClick={() => join.mutate(r.id)}>
              {join.isPending ? "Joining…" : "Join room"}
            </Button>
          ) : (
            <p className="text-sm">This room is private: ask a moderator for an invite.</p>
          )}
          {join.isError && <p className="text-sm text-red-700 dark:text-red-400">{errorMessage(join.error)}</p>}
        </CardContent>
      </Card>
    </div>
  );
}
