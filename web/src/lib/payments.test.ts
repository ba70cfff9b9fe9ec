import { describe, expect, it } from "vitest";
import type { Message, Totals } from "./api/types";
import {
  canCancel,
  checkoutReturn,
  isSettled,
  mainCurrency,
  monthSeries,
  quoteText,
  refundableAmount,
  refundRequest,
  subscriptionNext,
  tipLine,
} from "./payments";

const totals = (currency: string, gross: number): Totals => ({ currency, gross, fees: 0, refunded: 0, net: gross, count: 1 });

describe("tipLine", () => {
  it("says who tipped how much, with the note when there is one", () => {
    expect(tipLine("Alice", { amount: 500, currency: "usd", message: "thanks!" }, "en-US")).toBe("Alice tipped $5.00: thanks!");
    expect(tipLine("Bob", { amount: 250, currency: "eur", message: null }, "en-US")).toBe("Bob tipped €2.50");
    expect(tipLine("Bob", { amount: 250, currency: "eur", message: "  " }, "en-US")).toBe("Bob tipped €2.50");
  });
});

describe("isSettled", () => {
  it("is false only while pending (or unknown)", () => {
    expect(isSettled(undefined)).toBe(false);
    expect(isSettled({ status: "pending" })).toBe(false);
    expect(isSettled({ status: "succeeded" })).toBe(true);
    expect(isSettled({ status: "failed" })).toBe(true);
  });
});

describe("monthSeries", () => {
  it("gives the last months oldest first, with empty months as zero", () => {
    const now = new Date("2026-03-15T12:00:00Z");
    const s = monthSeries(
      [
        { month: "2026-03", totals: [totals("usd", 900), totals("eur", 5)] },
        { month: "2026-01", totals: [totals("usd", 100)] },
        { month: "2025-01", totals: [totals("usd", 7)] },
      ],
      "usd",
      now,
      4,
    );
    expect(s.map((b) => [b.month, b.gross])).toEqual([
      ["2025-12", 0],
      ["2026-01", 100],
      ["2026-02", 0],
      ["2026-03", 900],
    ]);
  });

  it("crosses the year boundary", () => {
    const s = monthSeries([], "usd", new Date("2026-01-31T23:00:00Z"), 2);
    expect(s.map((b) => b.month)).toEqual(["2025-12", "2026-01"]);
  });
});

describe("mainCurrency", () => {
  it("picks the currency with the most gross", () => {
    expect(mainCurrency([totals("eur", 10), totals("usd", 300)])).toBe("usd");
    expect(mainCurrency([])).toBeNull();
  });
});

describe("subscriptions", () => {
  const base = { cancel_at_period_end: false, current_period_end: "2026-04-01T00:00:00Z", trial_end: null };
  it("says what happens next", () => {
    expect(subscriptionNext({ ...base, status: "active" })).toMatch(/^Renews on /);
    expect(subscriptionNext({ ...base, status: "active", cancel_at_period_end: true })).toMatch(/^Ends on /);
    expect(subscriptionNext({ ...base, status: "trialing", trial_end: "2026-03-20T00:00:00Z" })).toMatch(/^Trial until /);
    expect(subscriptionNext({ ...base, status: "canceled" })).toBe("Ended");
  });

  it("can be cancelled only while running and not already ending", () => {
    expect(canCancel({ status: "active", cancel_at_period_end: false })).toBe(true);
    expect(canCancel({ status: "active", cancel_at_period_end: true })).toBe(false);
    expect(canCancel({ status: "canceled", cancel_at_period_end: false })).toBe(false);
  });
});

describe("checkoutReturn", () => {
  it("reads Stripe's return query", () => {
    expect(checkoutReturn(new URLSearchParams("payment_id=p1&session_id=cs_1"))).toEqual({ paymentId: "p1", subscriptionId: null, canceled: false });
    expect(checkoutReturn(new URLSearchParams("subscription_id=s1&canceled=1"))).toEqual({ paymentId: null, subscriptionId: "s1", canceled: true });
    expect(checkoutReturn(new URLSearchParams("message=m1"))).toBeNull();
  });
});

describe("quoteText", () => {
  const m = (extra: Partial<Message>) => ({ id: "m", deleted: false, body: "hello", ...extra }) as Message;
  it("quotes a locked message by its preview, never its missing body", () => {
    expect(quoteText(m({ locked: true, body: undefined, preview: "teaser" }))).toBe("🔒 teaser");
    expect(quoteText(m({ locked: true, body: undefined, preview: null }))).toBe("🔒 Locked message");
    expect(quoteText(m({ body: null }))).toBe("");
    expect(quoteText(m({}))).toBe("hello");
    expect(quoteText(m({ deleted: true, body: "" }))).toBe("Message deleted");
  });
});

describe("refunds", () => {
  const paid = { status: "succeeded" as const, amount: 500, refunded_amount: 0, currency: "usd" };

  it("leaves what was not refunded yet, of settled payments only", () => {
    expect(refundableAmount(paid)).toBe(500);
    expect(refundableAmount({ ...paid, status: "partially_refunded", refunded_amount: 200 })).toBe(300);
    expect(refundableAmount({ ...paid, status: "refunded", refunded_amount: 500 })).toBe(0);
    expect(refundableAmount({ ...paid, status: "pending" })).toBe(0);
    expect(refundableAmount({ ...paid, status: "failed" })).toBe(0);
  });

  it("refunds what is left when no amount is typed (or all of it is)", () => {
    expect(refundRequest("", paid)).toEqual({});
    expect(refundRequest("  ", paid)).toEqual({});
    expect(refundRequest("5.00", paid)).toEqual({});
  });

  it("takes a partial amount in major units", () => {
    expect(refundRequest("1.50", paid)).toEqual({ amount: 150 });
    expect(refundRequest("$2", { ...paid, status: "partially_refunded", refunded_amount: 100 })).toEqual({ amount: 200 });
  });

  it("refuses more than is left, nothing, or not an amount", () => {
    for (const bad of ["5.01", "0", "abc", "-1", "1.234"]) expect(refundRequest(bad, paid), bad).toHaveProperty("error");
    expect(refundRequest("", { ...paid, status: "refunded", refunded_amount: 500 })).toHaveProperty("error");
  });
});
