"use client";
import type { Totals } from "@/lib/api/types";
import { formatMoney } from "@/lib/money";
import { monthLabel, monthSeries } from "@/lib/payments";

/** Net earnings per month in one currency: plain CSS bars, gross as a faint bar behind. */
export function EarningsChart({ months, currency }: { months: { month: string; totals: Totals[] }[]; currency: string }) {
  const series = monthSeries(months, currency);
  const max = Math.max(1, ...series.map((b) => b.gross));
  return (
    <figure className="flex flex-col gap-2" data-testid="earnings-chart" data-currency={currency}>
      <div className="flex h-48 items-end gap-1.5 border-b border-border pb-px sm:gap-2" role="list" aria-label={`Net earnings per month in ${currency.toUpperCase()}`}>
        {series.map((b) => {
          const label = `${monthLabel(b.month, true)}: ${formatMoney(b.net, currency)} net of ${formatMoney(b.gross, currency)} (${b.count} payment${b.count === 1 ? "" : "s"})`;
          return (
            <div key={b.month} role="listitem" aria-label={label} title={label} className="relative flex h-full flex-1 items-end" data-testid="earnings-bar" data-month={b.month} data-net={b.net}>
              <div className="absolute inset-x-0 bottom-0 rounded-t bg-primary/15" style={{ height: `${(b.gross / max) * 100}%` }} />
              <div className="relative w-full rounded-t bg-primary" style={{ height: `${(Math.max(0, b.net) / max) * 100}%`, minHeight: b.net > 0 ? 2 : 0 }} />
            </div>
          );
        })}
      </div>
      <div className="flex gap-1.5 sm:gap-2" aria-hidden>
        {series.map((b) => (
          <span key={b.month} className="flex-1 truncate text-center text-[10px] text-muted-foreground">
            {monthLabel(b.month)}
          </span>
        ))}
      </div>
      <figcaption className="flex items-center gap-4 text-xs text-muted-foreground">
        <span className="flex items-center gap-1">
          <span className="inline-block size-2.5 rounded-sm bg-primary" /> Net
        </span>
        <span className="flex items-center gap-1">
          <span className="inline-block size-2.5 rounded-sm bg-primary/15" /> Gross
        </span>
        <span>Last 12 months, {currency.toUpperCase()}</span>
      </figcaption>
    </figure>
  );
}
