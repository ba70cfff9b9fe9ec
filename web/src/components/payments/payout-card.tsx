"use client";
import { BadgeCheck, ChartColumn, ExternalLink, Store, Wallet } from "lucide-react";
import Link from "next/link";
import { useMe } from "@/hooks/queries/me";
import { usePayoutAccount, useStartOnboarding } from "@/hooks/queries/payments";
import { errorMessage } from "@/lib/api/client";
import type { PayoutAccount } from "@/lib/api/types";
import { Badge } from "../ui/badge";
import { Button, buttonClasses } from "../ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card";
import { Skeleton } from "../ui/states";
import { FormError } from "./money-field";

export type PayoutState = "not_started" | "incomplete" | "enabled";

export function payoutState(a: PayoutAccount | null | undefined): PayoutState {
  if (!a) return "not_started";
  return a.charges_enabled ? "enabled" : "incomplete";
}

const requirementName = (r: string) => r.replace(/[._]/g, " ");

/** "Get paid": the payout account's state and the button that (re)opens Stripe's onboarding. */
export function PayoutCard({ poll = false, showLinks = true }: { poll?: boolean; showLinks?: boolean }) {
  const account = usePayoutAccount({ poll });
  const start = useStartOnboarding();
  const me = useMe();
  const state = payoutState(account.data);
  return (
    <Card data-testid="payout-card" data-state={account.isSuccess ? state : undefined}>
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <Wallet className="size-5" aria-hidden /> Get paid
        </CardTitle>
        <CardDescription>Tips, subscriptions and pay-per-view messages, paid out through Stripe.</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        {account.isPending ? (
          <Skeleton className="h-5 w-48" />
        ) : account.isError ? (
          <FormError>{errorMessage(account.error)}</FormError>
        ) : state === "enabled" ? (
          <p className="flex items-center gap-2 text-sm" data-testid="payout-status">
            <Badge variant="success">
              <BadgeCheck className="mr-1 size-3.5" aria-hidden /> Enabled
            </Badge>
            {account.data?.payouts_enabled ? "You can accept payments and receive payouts." : "You can accept payments; payouts start once Stripe verifies your bank details."}
          </p>
        ) : state === "incomplete" ? (
          <div className="flex flex-col gap-1 text-sm" data-testid="payout-status">
            <p>
              <Badge variant="outline">Onboarding incomplete</Badge>
            </p>
            {account.data && account.data.requirements.length > 0 && (
              <p className="text-muted-foreground">Stripe still needs: {account.data.requirements.map(requirementName).join(", ")}.</p>
            )}
          </div>
        ) : (
          <p className="text-sm text-muted-foreground" data-testid="payout-status">
            Not set up yet. Stripe asks who you are and where to send your money; it takes a few minutes.
          </p>
        )}
        <FormError>{start.isError ? errorMessage(start.error) : null}</FormError>
        <div className="flex flex-wrap items-center gap-2">
          {account.isSuccess && state !== "enabled" && (
            <Button onClick={() => start.mutate()} disabled={start.isPending || start.isSuccess} data-testid="get-paid">
              <ExternalLink className="size-4" aria-hidden />
              {start.isPending || start.isSuccess ? "Opening Stripe…" : state === "not_started" ? "Get paid" : "Continue onboarding"}
            </Button>
          )}
          {showLinks && me.data && (
            <>
              <Link href={`/creators/${me.data.id}`} className={buttonClasses("outline")} data-testid="my-creator-page">
                <Store className="size-4" aria-hidden /> Your creator page
              </Link>
              <Link href="/payouts" className={buttonClasses("outline")} data-testid="my-earnings">
                <ChartColumn className="size-4" aria-hidden /> Earnings
              </Link>
            </>
          )}
        </div>
      </CardContent>
    </Card>
  );
}
