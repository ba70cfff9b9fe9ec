"use client";
import { Repeat } from "lucide-react";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { useCreator } from "@/hooks/queries/creators";
import { useCancelSubscription, usePortal, useSubscriptions } from "@/hooks/queries/subscriptions";
import { errorMessage } from "@/lib/api/client";
import type { Subscription } from "@/lib/api/types";
import { formatMoney } from "@/lib/money";
import { canCancel, subscriptionNext } from "@/lib/payments";

function SubscriptionRow({ s }: { s: Subscription }) {
  const creator = useCreator(s.creator_id);
  const cancel = useCancelSubscription();
  const portal = usePortal();
  const tier = creator.data?.tiers.find((t) => t.id === s.tier_id);
  const error = cancel.error ?? portal.error;
  return (
    <li className="flex flex-col gap-2 px-4 py-3 sm:flex-row sm:items-center" data-testid="subscription-row" data-status={s.status}>
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-2 text-sm font-medium">
          <Link href={`/creators/${s.creator_id}`} className="underline underline-offset-2 hover:decoration-2">
            {creator.data?.display_name ?? "Creator"}
          </Link>
          {tier && (
            <span className="font-normal text-muted-foreground">
              {tier.name} · {formatMoney(tier.amount, tier.currency)}/month
            </span>
          )}
          <Badge variant={s.access ? "success" : "secondary"} data-testid="subscription-access">
            {s.access ? "Access" : "No access"}
          </Badge>
          <Badge variant="outline">{s.status.replace(/_/g, " ")}</Badge>
        </div>
        <div className="text-xs text-muted-foreground" data-testid="subscription-next">
          {subscriptionNext(s)}
        </div>
        {error && <p className="text-xs text-red-700 dark:text-red-400">{errorMessage(error)}</p>}
      </div>
      <div className="flex gap-2">
        {canCancel(s) && (
          <Button
            size="sm"
            variant="outline"
            disabled={cancel.isPending}
            data-testid="subscription-cancel"
            onClick={() => {
              if (window.confirm("Cancel at the end of the current period? You keep access until then.")) cancel.mutate(s.id);
            }}
          >
            Cancel
          </Button>
        )}
        <Button size="sm" variant="ghost" disabled={portal.isPending || portal.isSuccess} onClick={() => portal.mutate(s.id)} data-testid="subscription-portal">
          Manage billing
        </Button>
      </div>
    </li>
  );
}

export default function SubscriptionsPage() {
  const subs = useSubscriptions();
  return (
    <div className="mx-auto flex w-full max-w-3xl flex-col gap-6 p-4 sm:p-8" data-testid="subscriptions-page">
      <div>
        <h1 className="text-2xl font-bold">My subscriptions</h1>
        <p className="text-sm text-muted-foreground">Creators you support every month.</p>
      </div>
      {subs.isPending ? (
        <Loading />
      ) : subs.isError ? (
        <ErrorState error={errorMessage(subs.error)} onRetry={() => subs.refetch()} />
      ) : subs.data.length === 0 ? (
        <Card>
          <EmptyState icon={<Repeat />} title="No subscriptions yet">
            Subscribe to a creator from their page.
          </EmptyState>
        </Card>
      ) : (
        <Card>
          <ul className="divide-y divide-border" data-testid="subscription-list">
            {subs.data.map((s) => (
              <SubscriptionRow key={s.id} s={s} />
            ))}
          </ul>
        </Card>
      )}
    </div>
  );
}
