"use client";
import { Search } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { CreateRoomButton } from "@/components/create-room-dialog";
import { RoomIcon } from "@/components/room-title";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { EmptyState, ErrorState, Skeleton } from "@/components/ui/states";
import { useJoinRoom, useRoomDirectory } from "@/hooks/queries/rooms";
import { useDebounced } from "@/hooks/use-debounced";
import { errorMessage } from "@/lib/api/client";

export default function RoomDirectoryPage() {
  const [q, setQ] = useState("");
  const query = useDebounced(q.trim());
  const rooms = useRoomDirectory(query);
  const join = useJoinRoom();
  const router = useRouter();
  const items = (rooms.data?.pages ?? []).flatMap((p) => p.items).filter((r) => r.kind !== "direct");

  return (
    <div className="mx-auto flex w-full max-w-3xl flex-col gap-5 p-4 sm:p-8" data-testid="room-directory">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold">Rooms</h1>
          <p className="text-sm text-muted-foreground">Public rooms and the rooms you belong to.</p>
        </div>
        <CreateRoomButton />
      </div>
      <Input
        type="search"
        placeholder="Search rooms…"
        aria-label="Search rooms"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        data-testid="room-search"
      />
      {rooms.isPending ? (
        <div className="flex flex-col gap-2">
          {[0, 1, 2, 3].map((i) => (
            <Skeleton key={i} className="h-20" />
          ))}
        </div>
      ) : rooms.isError ? (
        <ErrorState error={errorMessage(rooms.error)} onRetry={() => rooms.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={<Search />} title={query ? `No rooms match “${query}”` : "No rooms yet"}>
          Create the first one.
        </EmptyState>
      ) : (
        <ul className="flex flex-col gap-2" data-testid="room-list">
          {items.map((room) => {
            const member = Boolean(room.my_role);
            return (
              <li
                key={room.id}
                data-testid="room-item"
                data-room-name={room.name}
                className="flex items-center gap-4 rounded-xl border border-border bg-card p-4"
              >
                <RoomIcon room={room} size="md" />
                <div className="min-w-0 flex-1">
                  <div className="flex items-center gap-2">
                    <Link href={`/rooms/${room.id}`} className="truncate font-semibold hover:underline">
                      {room.name}
                    </Link>
                    {room.kind === "private" && <Badge variant="outline">private</Badge>}
                    {room.my_role && room.my_role !== "member" && <Badge variant="secondary">{room.my_role}</Badge>}
                  </div>
                  <p className="truncate text-sm text-muted-foreground">{room.description || "No description"}</p>
                  <p className="text-xs text-muted-foreground">
                    {room.member_count} member{room.member_count === 1 ? "" : "s"}
                    {room.max_members ? ` · max ${room.max_members}` : ""}
                  </p>
                </div>
                {member ? (
                  <Link href={`/rooms/${room.id}`}>
                    <Button variant="outline" size="sm" data-testid="room-open">
                      Open
                    </Button>
                  </Link>
                ) : (
                  <Button
                    size="sm"
                    data-testid="room-join"
                    disabled={join.isPending && join.variables === room.id}
                    onClick={() => join.mutate(room.id, { onSuccess: () => router.push(`/rooms/${room.id}`) })}
                  >
                    {join.isPending && join.variables === room.id ? "Joining…" : "Join"}
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {join.isError && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {errorMessage(join.error)}
        </p>
      )}
      {rooms.hasNextPage && (
        <Button variant="outline" onClick={() => rooms.fetchNextPage()} disabled={rooms.isFetchingNextPage}>
          {rooms.isFetchingNextPage ? "Loading…" : "Load more"}
        </Button>
      )}
    </div>
  );
}
