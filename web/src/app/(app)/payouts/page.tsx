"use client";
import { ChartColumn } from "lucide-react";
import { useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { EarningsChart } from "@/components/payments/earnings-chart";
import { KindBreakdown, TotalsTable } from "@/components/payments/earnings-tables";
import { selectClass } from "@/components/payments/money-field";
import { PayoutCard } from "@/components/payments/payout-card";
import { ReceivedPayments } from "@/components/payments/received-payments";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { useEarnings } from "@/hooks/queries/payments";
import { errorMessage } from "@/lib/api/client";
import { mainCurrency } from "@/lib/payments";

/**
 * The earnings dashboard and the payments received (with refunds); Stripe's onboarding also
 * returns here (`?onboarding=done`).
 */
export default function PayoutsPage() {
  // The query string is read on the client only.
  return (
    <Suspense fallback={<Loading />}>
      <Payouts />
    </Suspense>
  );
}

function Payouts() {
  const params = useSearchParams();
  const back = params.get("onboarding");
  const earnings = useEarnings();
  const [picked, setPicked] = useState<string | null>(null);
  const e = earnings.data;
  const currencies = e?.totals.map((t) => t.currency) ?? [];
  const currency = picked && currencies.includes(picked) ? picked : e ? mainCurrency(e.totals) : null;

  return (
    <div className="mx-auto flex w-full max-w-3xl flex-col gap-6 p-4 sm:p-8" data-testid="payouts-page">
      <div>
        <h1 className="text-2xl font-bold">Earnings</h1>
        <p className="text-sm text-muted-foreground">What fans paid you, after the platform&apos;s fee and refunds.</p>
      </div>
      {back === "refresh" && <p className="text-sm text-muted-foreground">The onboarding link expired: continue where you left off.</p>}
      <PayoutCard poll={back === "done"} showLinks={false} />
      {earnings.isPending ? (
        <Loading />
      ) : earnings.isError ? (
        <ErrorState error={errorMessage(earnings.error)} onRetry={() => earnings.refetch()} />
      ) : e && e.totals.length === 0 ? (
        <Card>
          <EmptyState icon={<ChartColumn />} title="No earnings yet">
            Tips, subscriptions and unlocks you receive show up here.
          </EmptyState>
        </Card>
      ) : (
        e &&
        currency && (
          <>
            <Card>
              <CardHeader>
                <CardTitle>Totals</CardTitle>
              </CardHeader>
              <CardContent>
                <TotalsTable totals={e.totals} testId="earnings-totals" />
              </CardContent>
            </Card>
            <Card>
              <CardHeader className="flex-row items-center justify-between">
                <div>
                  <CardTitle>Per month</CardTitle>
                  <CardDescription>Net (after fees and refunds) and gross.</CardDescription>
                </div>
                {currencies.length > 1 && (
                  <select aria-label="Chart currency" className={selectClass} value={currency} onChange={(ev) => setPicked(ev.target.value)}>
                    {currencies.map((c) => (
                      <option key={c} value={c}>
                        {c.toUpperCase()}
                      </option>
                    ))}
                  </select>
                )}
              </CardHeader>
              <CardContent>
                <EarningsChart months={e.months} currency={currency} />
              </CardContent>
            </Card>
            <Card>
              <CardHeader>
                <CardTitle>By kind</CardTitle>
              </CardHeader>
              <CardContent>
                <KindBreakdown kinds={e.kinds} />
              </CardContent>
            </Card>
          </>
        )
      )}
      <ReceivedPayments />
    </div>
  );
}
