"use client";
import { Inbox, Undo2 } from "lucide-react";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { usePaymentsReceived, useRefund } from "@/hooks/queries/payments";
import { useUser } from "@/hooks/queries/users";
import { errorMessage } from "@/lib/api/client";
import type { Payment } from "@/lib/api/types";
import { formatMoney } from "@/lib/money";
import { KIND_LABELS, refundableAmount, refundRequest, STATUS_LABELS } from "@/lib/payments";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card";
import { Dialog } from "../ui/dialog";
import { Input, Label } from "../ui/input";
import { EmptyState, ErrorState, Loading } from "../ui/states";
import { FormError } from "./money-field";

/** Asks before refunding; an amount typed refunds part of what is left. */
function RefundForm({ payment: p, payer, onDone }: { payment: Payment; payer: string; onDone(): void }) {
  const refund = useRefund();
  const [amount, setAmount] = useState("");
  const [invalid, setInvalid] = useState<string | null>(null);
  const left = refundableAmount(p);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const req = refundRequest(amount, p);
    if ("error" in req) return setInvalid(req.error);
    setInvalid(null);
    refund.mutate({ id: p.id, ...req }, { onSuccess: onDone });
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4" data-testid="refund-form">
      <p className="text-sm">
        Refund {payer}&apos;s {(KIND_LABELS[p.kind] ?? "payment").toLowerCase()} of {formatMoney(p.amount, p.currency)}? The money goes back to
        their card; your share and the platform&apos;s fee are taken back.
      </p>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor={`refund-amount-${p.id}`}>Amount (optional)</Label>
        <Input
          id={`refund-amount-${p.id}`}
          inputMode="decimal"
          autoComplete="off"
          className="w-32"
          placeholder={formatMoney(left, p.currency)}
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          aria-describedby={`refund-hint-${p.id}`}
          data-testid="refund-amount"
        />
        <p id={`refund-hint-${p.id}`} className="text-xs text-muted-foreground">
          Leave it empty to refund all that is left: {formatMoney(left, p.currency)}.
        </p>
      </div>
      <FormError>{invalid ?? (refund.isError ? errorMessage(refund.error) : null)}</FormError>
      <div className="flex justify-end gap-2">
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" variant="destructive" disabled={refund.isPending} data-testid="refund-confirm">
          {refund.isPending ? "Refunding…" : "Refund"}
        </Button>
      </div>
    </form>
  );
}

function ReceivedRow({ p, onRefund }: { p: Payment; onRefund(p: Payment, payer: string): void }) {
  const payer = useUser(p.payer_id);
  const name = payer.data?.display_name ?? "a fan";
  const variant = p.status === "succeeded" ? "success" : p.status === "pending" ? "outline" : "secondary";
  return (
    <li className="flex flex-wrap items-center gap-3 px-4 py-3" data-testid="received-row" data-payment-id={p.id} data-kind={p.kind} data-status={p.status}>
      <div className="min-w-0 flex-1">
        <div className="flex items-center gap-2 text-sm font-medium">
          {KIND_LABELS[p.kind] ?? p.kind}
          <span className="font-normal text-muted-foreground">
            from{" "}
            <Link href={`/users/${p.payer_id}`} className="underline underline-offset-2 hover:decoration-2">
              {name}
            </Link>
          </span>
        </div>
        <div className="text-xs text-muted-foreground">{new Date(p.created_at).toLocaleString()}</div>
      </div>
      <Badge variant={variant} data-testid="received-status">
        {STATUS_LABELS[p.status] ?? p.status}
      </Badge>
      <div className="w-28 text-right text-sm font-semibold tabular-nums">
        <span data-testid="received-amount">{formatMoney(p.amount, p.currency)}</span>
        {p.refunded_amount > 0 && (
          <div className="text-xs font-normal text-muted-foreground" data-testid="received-refunded">
            −{formatMoney(p.refunded_amount, p.currency)} refunded
          </div>
        )}
      </div>
      {refundableAmount(p) > 0 && (
        <Button size="sm" variant="outline" onClick={() => onRefund(p, name)} data-testid="refund-open" aria-label={`Refund ${name}'s ${(KIND_LABELS[p.kind] ?? "payment").toLowerCase()}`}>
          <Undo2 className="size-3.5" aria-hidden /> Refund
        </Button>
      )}
    </li>
  );
}

/** Payments fans made me, newest first, each refundable in whole or in part. */
export function ReceivedPayments() {
  const received = usePaymentsReceived();
  const items = received.data?.pages.flatMap((p) => p.items) ?? [];
  // One confirm dialog for the list: the payment being refunded, and who paid it.
  const [refunding, setRefunding] = useState<{ payment: Payment; payer: string } | null>(null);
  return (
    <Card data-testid="received-payments">
      <CardHeader>
        <CardTitle>Received</CardTitle>
        <CardDescription>Payments fans made to you. You can refund one, in whole or in part.</CardDescription>
      </CardHeader>
      {received.isPending ? (
        <Loading />
      ) : received.isError ? (
        <CardContent>
          <ErrorState error={errorMessage(received.error)} onRetry={() => received.refetch()} />
        </CardContent>
      ) : items.length === 0 ? (
        <EmptyState icon={<Inbox />} title="Nothing received yet" />
      ) : (
        <ul className="divide-y divide-border border-t border-border" data-testid="received-list">
          {items.map((p) => (
            <ReceivedRow key={p.id} p={p} onRefund={(payment, payer) => setRefunding({ payment, payer })} />
          ))}
        </ul>
      )}
      {received.hasNextPage && (
        <div className="flex justify-center p-3">
          <Button variant="outline" onClick={() => void received.fetchNextPage()} disabled={received.isFetchingNextPage} data-testid="received-more">
            {received.isFetchingNextPage ? "Loading…" : "Load more"}
          </Button>
        </div>
      )}
      <Dialog open={refunding !== null} onClose={() => setRefunding(null)} title="Refund payment" testId="refund-dialog">
        {refunding && (
          <RefundForm key={refunding.payment.id} payment={refunding.payment} payer={refunding.payer} onDone={() => setRefunding(null)} />
        )}
      </Dialog>
    </Card>
  );
}
