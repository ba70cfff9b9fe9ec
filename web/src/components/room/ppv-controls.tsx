"use client";
import { Lock } from "lucide-react";
import { useState } from "react";
import type { PpvRequest } from "@/lib/api/types";
import { formatMoney, parseMoney, type CurrencyCode } from "@/lib/money";
import { cn } from "@/lib/utils";
import { MoneyField } from "../payments/money-field";
import { Button } from "../ui/button";
import { Input } from "../ui/input";

const MIN = 100;
const MAX = 100_000;

/** The composer's pay-per-view draft: off, or a price, currency and optional preview. */
export function usePpvDraft() {
  const [on, setOn] = useState(false);
  const [amount, setAmount] = useState("5.00");
  const [currency, setCurrency] = useState<CurrencyCode>("usd");
  const [preview, setPreview] = useState("");
  const minor = parseMoney(amount, currency);
  const valid = minor !== null && minor >= MIN && minor <= MAX;
  const error = on && !valid ? `Price: ${formatMoney(MIN, currency)} to ${formatMoney(MAX, currency)}` : null;
  /** The request's `ppv` (undefined when off); null when on but invalid. */
  const request = (): PpvRequest | undefined | null => {
    if (!on) return undefined;
    if (!valid) return null;
    return { amount: minor, currency, ...(preview.trim() ? { preview: preview.trim() } : {}) };
  };
  const reset = () => {
    setOn(false);
    setPreview("");
  };
  return { on, setOn, amount, setAmount, currency, setCurrency, preview, setPreview, error, request, reset };
}

export type PpvDraft = ReturnType<typeof usePpvDraft>;

export function PpvToggle({ draft, disabled }: { draft: PpvDraft; disabled?: boolean }) {
  return (
    <Button
      variant="ghost"
      size="icon"
      className={cn("h-10 w-10 shrink-0 rounded-xl", draft.on && "bg-primary/10 text-primary")}
      disabled={disabled}
      onClick={() => draft.setOn(!draft.on)}
      aria-pressed={draft.on}
      aria-label="Pay-per-view"
      title="Pay-per-view: members pay to read this message"
      data-testid="composer-ppv-toggle"
    >
      <Lock className="size-4" aria-hidden />
    </Button>
  );
}

/** Price, currency and the free preview, shown above the input while pay-per-view is on. */
export function PpvFields({ draft }: { draft: PpvDraft }) {
  if (!draft.on) return null;
  return (
    <div className="mb-2 flex flex-wrap items-center gap-2 rounded-lg border border-primary/30 bg-primary/5 px-3 py-2 text-xs" data-testid="ppv-fields">
      <span className="flex items-center gap-1 font-medium text-primary">
        <Lock className="size-3.5" aria-hidden /> Pay-per-view
      </span>
      <MoneyField
        id="ppv-amount"
        testId="ppv"
        amount={draft.amount}
        currency={draft.currency}
        onAmount={draft.setAmount}
        onCurrency={(c) => draft.setCurrency(c as CurrencyCode)}
      />
      <Input
        aria-label="Free preview"
        placeholder="Free preview (optional)"
        maxLength={280}
        className="min-w-[12rem] flex-1"
        value={draft.preview}
        onChange={(e) => draft.setPreview(e.target.value)}
        data-testid="ppv-preview"
      />
      {draft.error && <span className="w-full text-red-700 dark:text-red-400">{draft.error}</span>}
    </div>
  );
}
