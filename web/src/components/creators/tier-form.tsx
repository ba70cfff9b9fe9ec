"use client";
import { useState, type FormEvent } from "react";
import { useCreateTier, useUpdateTier } from "@/hooks/queries/creators";
import { errorMessage } from "@/lib/api/client";
import type { Tier } from "@/lib/api/types";
import { formatMoney, parseMoney, toInputValue, type CurrencyCode } from "@/lib/money";
import { FormError, MoneyField } from "../payments/money-field";
import { Button } from "../ui/button";
import { Input, Label, Textarea } from "../ui/input";

const MIN = 100;
const MAX = 1_000_000;

/** Create a tier, or edit one (`tier`): name, monthly price, benefits (one a line), trial days. */
export function TierForm({ tier, onDone }: { tier?: Tier; onDone(): void }) {
  const create = useCreateTier();
  const update = useUpdateTier();
  const [name, setName] = useState(tier?.name ?? "");
  const [currency, setCurrency] = useState<CurrencyCode>((tier?.currency as CurrencyCode) ?? "usd");
  const [amount, setAmount] = useState(tier ? toInputValue(tier.amount, tier.currency) : "5.00");
  const [benefits, setBenefits] = useState(tier?.benefits.join("\n") ?? "");
  const [trial, setTrial] = useState(String(tier?.trial_days ?? 0));
  const [invalid, setInvalid] = useState<string | null>(null);
  const busy = create.isPending || update.isPending;
  const error = create.error ?? update.error;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const minor = parseMoney(amount, currency);
    const days = Number(trial || "0");
    if (minor === null || minor < MIN || minor > MAX) return setInvalid(`The price must be ${formatMoney(MIN, currency)} to ${formatMoney(MAX, currency)}.`);
    if (!Number.isInteger(days) || days < 0 || days > 730) return setInvalid("The trial is 0 to 730 days.");
    setInvalid(null);
    const body = {
      name: name.trim(),
      amount: minor,
      currency,
      benefits: benefits.split("\n").map((b) => b.trim()).filter(Boolean),
      trial_days: days,
    };
    if (tier) update.mutate({ id: tier.id, body }, { onSuccess: onDone });
    else create.mutate({ ...body, active: true }, { onSuccess: onDone });
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4" data-testid="tier-form">
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="tier-name">Name</Label>
        <Input id="tier-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={80} required data-testid="tier-name-input" />
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="tier-amount">Price per month</Label>
        <MoneyField id="tier-amount" testId="tier" amount={amount} currency={currency} onAmount={setAmount} onCurrency={(c) => setCurrency(c as CurrencyCode)} />
        {tier && <span className="text-xs text-muted-foreground">A new price applies to new subscribers; existing ones keep theirs.</span>}
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="tier-benefits">Benefits (one per line)</Label>
        <Textarea id="tier-benefits" rows={3} value={benefits} onChange={(e) => setBenefits(e.target.value)} data-testid="tier-benefits" />
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="tier-trial">Free trial (days)</Label>
        <Input id="tier-trial" type="number" min={0} max={730} className="w-28" value={trial} onChange={(e) => setTrial(e.target.value)} data-testid="tier-trial" />
      </div>
      <FormError>{invalid ?? (error ? errorMessage(error) : null)}</FormError>
      <div className="flex justify-end gap-2">
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" disabled={busy || !name.trim()} data-testid="tier-save">
          {busy ? "Saving…" : tier ? "Save tier" : "Create tier"}
        </Button>
      </div>
    </form>
  );
}
