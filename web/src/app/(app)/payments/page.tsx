"use client";
import { Receipt } from "lucide-react";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { usePaymentHistory } from "@/hooks/queries/payments";
import { useUser } from "@/hooks/queries/users";
import { errorMessage } from "@/lib/api/client";
import type { Payment } from "@/lib/api/types";
import { formatMoney } from "@/lib/money";
import { KIND_LABELS, STATUS_LABELS } from "@/lib/payments";

function PaymentRow({ p }: { p: Payment }) {
  const payee = useUser(p.payee_id);
  const variant = p.status === "succeeded" ? "success" : p.status === "pending" ? "outline" : "secondary";
  return (
    <li className="flex items-center gap-3 px-4 py-3" data-testid="payment-row" data-kind={p.kind} data-status={p.status}>
      <div className="min-w-0 flex-1">
        <div className="flex items-center gap-2 text-sm font-medium">
          {KIND_LABELS[p.kind] ?? p.kind}
          <span className="font-normal text-muted-foreground">
            to{" "}
            <Link href={`/creators/${p.payee_id}`} className="underline underline-offset-2 hover:decoration-2">
              {payee.data?.display_name ?? "a creator"}
            </Link>
          </span>
        </div>
        <div className="text-xs text-muted-foreground">{new Date(p.created_at).toLocaleString()}</div>
      </div>
      <Badge variant={variant}>{STATUS_LABELS[p.status] ?? p.status}</Badge>
      <div className="w-24 text-right text-sm font-semibold tabular-nums" data-testid="payment-amount">
        {formatMoney(p.amount, p.currency)}
        {p.refunded_amount > 0 && <div className="text-[11px] font-normal text-muted-foreground">−{formatMoney(p.refunded_amount, p.currency)} refunded</div>}
      </div>
    </li>
  );
}

/** What I paid: tips, unlocks and subscription invoices, newest first. */
export default function PaymentsPage() {
  const history = usePaymentHistory();
  const items = history.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="mx-auto flex w-full max-w-3xl flex-col gap-6 p-4 sm:p-8" data-testid="payments-page">
      <div>
        <h1 className="text-2xl font-bold">Payments</h1>
        <p className="text-sm text-muted-foreground">Tips, unlocks and subscription invoices you paid.</p>
      </div>
      {history.isPending ? (
        <Loading />
      ) : history.isError ? (
        <ErrorState error={errorMessage(history.error)} onRetry={() => history.refetch()} />
      ) : items.length === 0 ? (
        <Card>
          <EmptyState icon={<Receipt />} title="No payments yet" />
        </Card>
      ) : (
        <Card>
          <ul className="divide-y divide-border" data-testid="payment-list">
            {items.map((p) => (
              <PaymentRow key={p.id} p={p} />
            ))}
          </ul>
        </Card>
      )}
      {history.hasNextPage && (
        <div className="flex justify-center">
          <Button variant="outline" onClick={() => void history.fetchNextPage()} disabled={history.isFetchingNextPage} data-testid="payments-more">
            {history.isFetchingNextPage ? "Loading…" : "Load more"}
          </Button>
        </div>
      )}
    </div>
  );
}
