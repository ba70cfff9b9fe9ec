// Pure helpers for the payments pages: labels, the tip line, the earnings chart's series,
// and what a return from Stripe's hosted pages says. No I/O; unit tested.
import type { Message, Payment, PaymentKind, PaymentStatus, Subscription, Totals } from "./api/types";
import { formatMoney, parseMoney } from "./money";
import type { TipReceivedData } from "./realtime/frames";

export const KIND_LABELS: Record<PaymentKind, string> = {
  tip: "Tip",
  ppv: "Unlock",
  subscription_invoice: "Subscription",
  booking: "Booking",
};

export const STATUS_LABELS: Record<PaymentStatus, string> = {
  pending: "Processing",
  succeeded: "Paid",
  failed: "Failed",
  refunded: "Refunded",
  partially_refunded: "Partly refunded",
  // Paid, but nothing could be delivered (a duplicate, a deleted message): refunded on its own.
  undeliverable: "Being refunded",
};

/** What is left to refund of a payment I received: nothing unless it succeeded. */
export function refundableAmount(p: Pick<Payment, "status" | "amount" | "refunded_amount">): number {
  if (p.status !== "succeeded" && p.status !== "partially_refunded") return 0;
  return Math.max(0, p.amount - p.refunded_amount);
}

/**
 * The refund someone typed: `{}` (empty: what is left), `{ amount }` in minor units, or an
 * error sentence when it is not an amount from the smallest unit to what is left.
 */
export function refundRequest(
  input: string,
  p: Pick<Payment, "status" | "amount" | "refunded_amount" | "currency">,
): { amount?: number } | { error: string } {
  const left = refundableAmount(p);
  if (left === 0) return { error: "This payment cannot be refunded." };
  if (!input.trim()) return {};
  const minor = parseMoney(input, p.currency);
  if (minor === null || minor < 1 || minor > left)
    return { error: `Enter an amount up to ${formatMoney(left, p.currency)}, or leave it empty to refund all of it.` };
  return minor === left ? {} : { amount: minor };
}

/** A payment is settled once Stripe said yes or no (a refund comes later, from settled). */
export function isSettled(p: Pick<Payment, "status"> | undefined): boolean {
  return Boolean(p && p.status !== "pending");
}

/** "Alice tipped $5.00: thanks!" */
export function tipLine(fromName: string, tip: Pick<TipReceivedData, "amount" | "currency" | "message">, locale?: string): string {
  const note = tip.message?.trim();
  return `${fromName} tipped ${formatMoney(tip.amount, tip.currency, locale)}${note ? `: ${note}` : ""}`;
}

const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });

/** What a subscription does next, for people: "Renews on …", "Ends on …", "Trial until …". */
export function subscriptionNext(s: Pick<Subscription, "status" | "cancel_at_period_end" | "current_period_end" | "trial_end">): string {
  if (s.status === "canceled" || s.status === "incomplete_expired") return "Ended";
  if (s.status === "incomplete") return "Waiting for the first payment";
  const end = s.current_period_end;
  if (s.cancel_at_period_end) return end ? `Ends on ${day(end)}` : "Ends at the end of the period";
  if (s.status === "trialing" && s.trial_end) return `Trial until ${day(s.trial_end)}`;
  if (s.status === "past_due" || s.status === "unpaid") return "Payment due: update your billing details";
  return end ? `Renews on ${day(end)}` : "Active";
}

/** A subscription can still be cancelled (it has not ended and is not already ending). */
export function canCancel(s: Pick<Subscription, "status" | "cancel_at_period_end">): boolean {
  return !s.cancel_at_period_end && ["trialing", "active", "past_due", "unpaid", "paused"].includes(s.status);
}

/** The currency most of the money is in (the chart shows one currency at a time). */
export function mainCurrency(totals: Totals[]): string | null {
  let best: Totals | null = null;
  for (const t of totals) if (!best || t.gross > best.gross) best = t;
  return best?.currency ?? null;
}

export interface MonthBar {
  /** `YYYY-MM` */
  month: string;
  gross: number;
  net: number;
  count: number;
}

function monthKey(d: Date): string {
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

/**
 * The last `count` months (UTC) up to `now`, oldest first, in one currency; months
 * without payments are zero bars, so the chart's spacing is time.
 */
export function monthSeries(
  months: { month: string; totals: Totals[] }[],
  currency: string,
  now: Date = new Date(),
  count = 12,
): MonthBar[] {
  const byMonth = new Map(months.map((m) => [m.month, m.totals.find((t) => t.currency === currency)]));
  const out: MonthBar[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const key = monthKey(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)));
    const t = byMonth.get(key);
    out.push({ month: key, gross: t?.gross ?? 0, net: t?.net ?? 0, count: t?.count ?? 0 });
  }
  return out;
}

/** "Mar" or "Mar 2025" for a `YYYY-MM` key. */
export function monthLabel(key: string, withYear = false): string {
  const [y, m] = key.split("-").map(Number);
  const d = new Date(Date.UTC(y, m - 1, 1));
  return d.toLocaleDateString(undefined, { month: "short", ...(withYear ? { year: "numeric" } : {}), timeZone: "UTC" });
}

/** What the query string says after Stripe's hosted Checkout sent the browser back. */
export interface CheckoutReturn {
  paymentId: string | null;
  subscriptionId: string | null;
  canceled: boolean;
}

export function checkoutReturn(params: { get(name: string): string | null }): CheckoutReturn | null {
  const paymentId = params.get("payment_id");
  const subscriptionId = params.get("subscription_id");
  if (!paymentId && !subscriptionId) return null;
  return { paymentId, subscriptionId, canceled: params.get("canceled") === "1" };
}

/** What a reply quote or the reply banner shows of a message: never a missing body. */
export function quoteText(m: Message): string {
  if (m.deleted) return "Message deleted";
  if (m.locked) return m.preview ? `🔒 ${m.preview}` : "🔒 Locked message";
  return m.body ?? "";
}
