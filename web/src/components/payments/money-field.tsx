"use client";
import { CURRENCIES } from "@/lib/money";
import { cn } from "@/lib/utils";
import { Input } from "../ui/input";

export const selectClass =
  "h-9 rounded-lg border border-border bg-background px-2 text-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring disabled:opacity-50";

/** An amount in major units ("5.00") and its currency, side by side. */
export function MoneyField({
  id,
  amount,
  currency,
  onAmount,
  onCurrency,
  disabled,
  testId,
  className,
}: {
  id: string;
  amount: string;
  currency: string;
  onAmount(v: string): void;
  onCurrency(v: string): void;
  disabled?: boolean;
  /** Prefix for the inputs' test ids: `<testId>-amount`, `<testId>-currency`. */
  testId: string;
  className?: string;
}) {
  return (
    <div className={cn("flex gap-2", className)}>
      <Input
        id={id}
        inputMode="decimal"
        autoComplete="off"
        className="w-28"
        placeholder="5.00"
        value={amount}
        disabled={disabled}
        onChange={(e) => onAmount(e.target.value)}
        data-testid={`${testId}-amount`}
      />
      <select
        aria-label="Currency"
        className={selectClass}
        value={currency}
        disabled={disabled}
        onChange={(e) => onCurrency(e.target.value)}
        data-testid={`${testId}-currency`}
      >
        {CURRENCIES.map((c) => (
          <option key={c} value={c}>
            {c.toUpperCase()}
          </option>
        ))}
      </select>
    </div>
  );
}

export function FormError({ children }: { children: React.ReactNode }) {
  if (!children) return null;
  return (
    <p role="alert" className="text-sm text-red-700 dark:text-red-400">
      {children}
    </p>
  );
}
