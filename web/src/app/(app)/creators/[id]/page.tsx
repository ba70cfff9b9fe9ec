"use client";
import { useQueryClient } from "@tanstack/react-query";
import { Users } from "lucide-react";
import Link from "next/link";
import { useParams } from "next/navigation";
import { CreatorProfileForm, ManageTiers } from "@/components/creators/creator-settings";
import { TierCard } from "@/components/creators/tier-card";
import { CheckoutReturnBanner } from "@/components/payments/checkout-return";
import { TipButton } from "@/components/payments/tip-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { ErrorState, Loading } from "@/components/ui/states";
import { UserAvatar } from "@/components/user-avatar";
import { creatorKey, useCreator, useSubscribe } from "@/hooks/queries/creators";
import { useMe } from "@/hooks/queries/me";
import { subscriptionsKey, useSubscriptions } from "@/hooks/queries/subscriptions";
import { useUser } from "@/hooks/queries/users";
import { useCheckoutReturn } from "@/hooks/use-checkout-return";
import { errorMessage } from "@/lib/api/client";
import type { Tier } from "@/lib/api/types";

function SubscribeButton({ creatorId, tier, disabled, subscribed }: { creatorId: string; tier: Tier; disabled: boolean; subscribed: boolean }) {
  const subscribe = useSubscribe(creatorId);
  if (subscribed)
    return (
      <Badge variant="success" className="px-3 py-1" data-testid="tier-subscribed">
        Subscribed
      </Badge>
    );
  return (
    <div className="flex flex-col gap-1">
      <Button className="w-full" disabled={disabled || subscribe.isPending || subscribe.isSuccess} onClick={() => subscribe.mutate(tier.id)} data-testid="tier-subscribe">
        {subscribe.isPending || subscribe.isSuccess ? "Opening checkout…" : tier.trial_days > 0 ? "Start free trial" : "Subscribe"}
      </Button>
      {subscribe.isError && <p className="text-xs text-red-700 dark:text-red-400">{errorMessage(subscribe.error)}</p>}
    </div>
  );
}

export default function CreatorPage() {
  const { id } = useParams<{ id: string }>();
  const qc = useQueryClient();
  const creator = useCreator(id);
  const user = useUser(id);
  const me = useMe();
  const subs = useSubscriptions();
  const { phase, ret } = useCheckoutReturn(() => {
    void qc.invalidateQueries({ queryKey: creatorKey(id) });
    void qc.invalidateQueries({ queryKey: subscriptionsKey });
  });

  if (creator.isPending) return <Loading />;
  if (creator.isError) return <ErrorState error={errorMessage(creator.error)} onRetry={() => creator.refetch()} className="m-8" />;
  const c = creator.data;
  const mine = me.data?.id === c.user_id;
  const accessTo = new Set((subs.data ?? []).filter((s) => s.creator_id === c.user_id && s.access).map((s) => s.tier_id));
  const note = mine ? "This is your page: fans subscribe here." : !c.accepts_payments ? `${c.display_name} can't accept payments yet.` : null;

  return (
    <div className="mx-auto flex w-full max-w-3xl flex-col gap-6 p-4 sm:p-8" data-testid="creator-page" data-creator-id={c.user_id}>
      <CheckoutReturnBanner phase={phase} successText={ret?.subscriptionId ? "You're subscribed. Welcome!" : "Thanks for the tip!"} />
      <Card>
        <CardContent className="flex flex-col items-center gap-3 p-8 text-center sm:flex-row sm:items-start sm:text-left">
          <UserAvatar user={user.data} name={c.display_name} size="lg" />
          <div className="flex min-w-0 flex-1 flex-col gap-2">
            <h1 className="text-2xl font-bold" data-testid="creator-name">
              {c.display_name}
            </h1>
            {c.subscriber_count != null && (
              <p className="flex items-center justify-center gap-1 text-sm text-muted-foreground sm:justify-start" data-testid="creator-subscribers">
                <Users className="size-4" aria-hidden /> {c.subscriber_count} subscriber{c.subscriber_count === 1 ? "" : "s"}
              </p>
            )}
            {c.bio ? <p className="whitespace-pre-wrap text-sm" data-testid="creator-bio">{c.bio}</p> : <p className="text-sm text-muted-foreground">No bio yet.</p>}
            <div className="flex flex-wrap justify-center gap-2 sm:justify-start">
              {!mine && c.accepts_payments && <TipButton creatorId={c.user_id} creatorName={c.display_name} />}
              <Link href={`/users/${c.user_id}`} className="self-center text-sm text-primary underline underline-offset-2 hover:decoration-2">
                Profile
              </Link>
            </div>
          </div>
        </CardContent>
      </Card>
      {note && (
        <p className="text-sm text-muted-foreground" data-testid="creator-note">
          {note}
        </p>
      )}
      <section className="flex flex-col gap-3">
        <h2 className="text-lg font-semibold">Tiers</h2>
        {c.tiers.length === 0 ? (
          <p className="text-sm text-muted-foreground">No tiers yet.</p>
        ) : (
          <div className="grid gap-3 sm:grid-cols-2">
            {c.tiers.map((t) => (
              <TierCard
                key={t.id}
                tier={t}
                action={<SubscribeButton creatorId={c.user_id} tier={t} disabled={mine || !c.accepts_payments} subscribed={accessTo.has(t.id)} />}
              />
            ))}
          </div>
        )}
      </section>
      {mine && (
        <>
          <CreatorProfileForm creator={c} />
          <ManageTiers />
        </>
      )}
    </div>
  );
}
