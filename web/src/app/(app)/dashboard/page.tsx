"use client";
import { Hand } from "lucide-react";
import Link from "next/link";
import { ConversationList } from "@/components/conversation-list";
import { CreateRoomButton } from "@/components/create-room-dialog";
import { Button } from "@/components/ui/button";
import { useMe } from "@/hooks/queries/me";

export default function DashboardPage() {
  const me = useMe();
  return (
    <div className="mx-auto flex w-full max-w-3xl flex-col gap-6 p-4 sm:p-8" data-testid="dashboard">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="flex items-center gap-2 text-2xl font-bold">
            {me.data ? `Hi, ${me.data.display_name || "there"}` : "Welcome"}
            <Hand className="size-6 shrink-0 text-amber-500" aria-hidden />
          </h1>
          <p className="text-sm text-muted-foreground">Your rooms and direct messages, most recent first.</p>
        </div>
        <div className="flex gap-2">
          <Link href="/rooms">
            <Button variant="outline">Browse rooms</Button>
          </Link>
          <CreateRoomButton />
        </div>
      </div>
      {me.data && !me.data.profile_complete && (
        <div className="flex flex-wrap items-center justify-between gap-3 rounded-xl border border-primary/30 bg-primary/5 p-4 text-sm">
          <span>Finish your profile so people know who you are.</span>
          <Link href="/profile">
            <Button size="sm">Complete profile</Button>
          </Link>
        </div>
      )}
      <section aria-label="Conversations">
        <ConversationList />
      </section>
    </div>
  );
}
