"use client";
import type { Earnings, Totals } from "@/lib/api/types";
import { formatMoney } from "@/lib/money";
import { KIND_LABELS } from "@/lib/payments";

function Amount({ t, k }: { t: Totals; k: "gross" | "fees" | "refunded" | "net" }) {
  const v = k === "fees" || k === "refunded" ? -t[k] : t[k];
  return <td className="px-3 py-2 text-right tabular-nums">{t[k] === 0 && k !== "net" && k !== "gross" ? "—" : formatMoney(v, t.currency)}</td>;
}

/** Gross, fees, refunds and net, one row per currency. */
export function TotalsTable({ totals, testId }: { totals: Totals[]; testId?: string }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid={testId}>
        <thead className="text-xs text-muted-foreground">
          <tr className="border-b border-border">
            <th className="px-3 py-2 text-left font-medium">Currency</th>
            <th className="px-3 py-2 text-right font-medium">Payments</th>
            <th className="px-3 py-2 text-right font-medium">Gross</th>
            <th className="px-3 py-2 text-right font-medium">Fees</th>
            <th className="px-3 py-2 text-right font-medium">Refunded</th>
            <th className="px-3 py-2 text-right font-medium">Net</th>
          </tr>
        </thead>
        <tbody>
          {totals.map((t) => (
            <tr key={t.currency} className="border-b border-border last:border-0" data-testid="totals-row" data-currency={t.currency}>
              <td className="px-3 py-2 font-medium">{t.currency.toUpperCase()}</td>
              <td className="px-3 py-2 text-right tabular-nums">{t.count}</td>
              <Amount t={t} k="gross" />
              <Amount t={t} k="fees" />
              <Amount t={t} k="refunded" />
              <td className="px-3 py-2 text-right font-semibold tabular-nums" data-testid="totals-net">
                {formatMoney(t.net, t.currency)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Net per kind of payment (tips, subscriptions, unlocks…). */
export function KindBreakdown({ kinds }: { kinds: Earnings["kinds"] }) {
  return (
    <ul className="flex flex-col divide-y divide-border text-sm" data-testid="earnings-kinds">
      {kinds.map((k) => (
        <li key={k.kind} className="flex items-center justify-between gap-3 py-2" data-testid="earnings-kind" data-kind={k.kind}>
          <span className="font-medium">{KIND_LABELS[k.kind] ?? k.kind}</span>
          <span className="text-right tabular-nums text-muted-foreground">
            {k.totals.map((t) => `${formatMoney(t.net, t.currency)} (${t.count})`).join(" · ")}
          </span>
        </li>
      ))}
    </ul>
  );
}
