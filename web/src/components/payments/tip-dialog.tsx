"use client";
import { HandCoins } from "lucide-react";
import { useState, type FormEvent } from "react";
import { useCreator, useTip } from "@/hooks/queries/creators";
import { errorMessage } from "@/lib/api/client";
import type { TipRequest } from "@/lib/api/types";
import { formatMoney, parseMoney, type CurrencyCode } from "@/lib/money";
import { Button, type ButtonProps } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Label, Textarea } from "../ui/input";
import { FormError, MoneyField } from "./money-field";

const MIN = 100;
const MAX = 100_000;

function TipForm({ creatorId, roomId, name }: { creatorId: string; roomId?: string; name?: string }) {
  const creator = useCreator(creatorId);
  const tip = useTip(creatorId);
  const [amount, setAmount] = useState("5.00");
  const [currency, setCurrency] = useState<CurrencyCode>("usd");
  const [message, setMessage] = useState("");
  const [invalid, setInvalid] = useState<string | null>(null);
  const closed = creator.data && !creator.data.accepts_payments;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const minor = parseMoney(amount, currency);
    if (minor === null || minor < MIN || minor > MAX) {
      setInvalid(`Enter an amount from ${formatMoney(MIN, currency)} to ${formatMoney(MAX, currency)}.`);
      return;
    }
    setInvalid(null);
    const body: TipRequest = { amount: minor, currency, ...(roomId ? { room_id: roomId } : {}) };
    if (message.trim()) body.message = message.trim();
    tip.mutate(body);
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4">
      {closed ? (
        <p className="text-sm text-muted-foreground" data-testid="tip-unavailable">
          {name ?? "This creator"} can&apos;t receive payments yet.
        </p>
      ) : (
        <p className="text-sm text-muted-foreground">You&apos;ll pay on Stripe&apos;s secure checkout page, then come back here.</p>
      )}
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="tip-amount">Amount</Label>
        <MoneyField id="tip-amount" testId="tip" amount={amount} currency={currency} onAmount={setAmount} onCurrency={(c) => setCurrency(c as CurrencyCode)} />
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="tip-message">Message (optional)</Label>
        <Textarea id="tip-message" rows={2} maxLength={500} value={message} onChange={(e) => setMessage(e.target.value)} data-testid="tip-message" />
      </div>
      <FormError>{invalid ?? (tip.isError ? errorMessage(tip.error) : null)}</FormError>
      <div className="flex justify-end">
        <Button type="submit" disabled={tip.isPending || tip.isSuccess || Boolean(closed)} data-testid="tip-submit">
          {tip.isPending || tip.isSuccess ? "Opening checkout…" : "Continue to payment"}
        </Button>
      </div>
    </form>
  );
}

/** A Tip button and its dialog: amount, currency, an optional note; pays at Checkout. */
export function TipButton({
  creatorId,
  creatorName,
  roomId,
  ...button
}: { creatorId: string; creatorName?: string; roomId?: string } & Omit<ButtonProps, "onClick">) {
  const [open, setOpen] = useState(false);
  return (
    <>
      {/* The word hides on a phone (size sm): the label keeps the button named. */}
      <Button variant="outline" data-testid="tip-open" aria-label="Tip" {...button} onClick={() => setOpen(true)}>
        <HandCoins className="size-4" aria-hidden />
        <span className={button.size === "sm" ? "hidden sm:inline" : undefined}>Tip</span>
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={creatorName ? `Tip ${creatorName}` : "Send a tip"} testId="tip-dialog">
        <TipForm creatorId={creatorId} roomId={roomId} name={creatorName} />
      </Dialog>
    </>
  );
}
