"use client";
import { MessageCircle } from "lucide-react";
import { useParams, useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { UserAvatar } from "@/components/user-avatar";
import { ErrorState, Loading } from "@/components/ui/states";
import { useStartDm } from "@/hooks/queries/conversations";
import { useMe } from "@/hooks/queries/me";
import { useUser } from "@/hooks/queries/users";
import { errorMessage } from "@/lib/api/client";

export default function UserPage() {
  const { id } = useParams<{ id: string }>();
  const user = useUser(id);
  const me = useMe();
  const dm = useStartDm();
  const router = useRouter();

  if (user.isPending) return <Loading />;
  if (user.isError) return <ErrorState error={errorMessage(user.error)} onRetry={() => user.refetch()} className="m-8" />;
  const u = user.data;
  const isMe = me.data?.id === u.id;

  return (
    <div className="mx-auto w-full max-w-xl p-4 sm:p-8">
      <Card data-testid="user-profile">
        <CardContent className="flex flex-col items-center gap-3 p-8 text-center">
          <UserAvatar user={u} size="lg" />
          {/* A public profile: names, role and join date are the person's own business. */}
          <h1 className="text-2xl font-bold" data-testid="user-name">
            {u.deleted ? "Deleted user" : u.display_name}
          </h1>
          {u.bio ? (
            <p className="max-w-md whitespace-pre-wrap text-sm" data-testid="user-bio">
              {u.bio}
            </p>
          ) : (
            <p className="text-sm text-muted-foreground">No bio yet.</p>
          )}
          {isMe ? (
            <Button variant="outline" onClick={() => router.push("/profile")}>
              Edit profile
            </Button>
          ) : (
            !u.deleted && (
              <Button
                data-testid="start-dm"
                disabled={dm.isPending}
                onClick={() => dm.mutate(u.id, { onSuccess: (room) => router.push(`/rooms/${room.id}`) })}
              >
                {dm.isPending ? (
                  "Opening…"
                ) : (
                  <>
                    <MessageCircle className="size-4" aria-hidden /> Send a message
                  </>
                )}
              </Button>
            )
          )}
          {dm.isError && (
            <p role="alert" className="text-sm text-red-700 dark:text-red-400">
              {errorMessage(dm.error)}
            </p>
          )}
        </CardContent>
      </Card>
    </div>
  );
}
